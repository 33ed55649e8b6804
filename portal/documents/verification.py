"""Where a signed document can be checked by anyone: the ``/verify/<code>`` page of the signature's
short code (issue 12). The QR code, the short code and the PDF keywords printed on F1-1, F4, F5,
F6 and F7 come from here, and every signed PDF handed out is passed to :func:`remember_pdf`.

Placeholders until the verify work is merged; the lead points them at
``portal/services/verification.py`` (``verify_url``, ``pdf_keywords``, ``remember_pdf``) and
``portal/domain/verification.py::display`` for the printed code.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

__all__ = ["pdf_keywords", "remember_pdf", "short_code", "verify_url"]


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


def pdf_keywords(signature: Any) -> str | None:
    """What a signed PDF carries in its keywords, so an uploaded copy names its signature."""
    code = short_code(signature)
    if signature is None or code is None:
        return None
    return f"verify:{code} sha256:{signature.document_digest}"


def remember_pdf(session: Any, signature: Any, pdf: bytes) -> bytes:
    """Record that the portal handed out these PDF bytes for ``signature`` (so /verify knows an
    uploaded copy as issued and unchanged). A no-op until the verify work is merged."""
    return pdf
