"""Where a signed document can be checked by anyone: the ``/verify/<code>`` page of the signature's
short code (issue 12). The QR code and the short code printed on F4, F5, F6 and F7 come from here.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

__all__ = ["short_code", "verify_url"]


def short_code(signature: Any) -> str | None:
    code = getattr(signature, "short_code", None)
    return str(code) if code else None


def verify_url(signature: Any) -> str | None:
    """The absolute address of the signature's verification page, or None while the signature
    has no short code (then the document carries no QR code)."""
    code = short_code(signature)
    if signature is None or code is None:
        return None
    return url_for("verify.page", code=code, _external=True)
