"""Where a signed document can be checked by anyone: the ``/verify/<code>`` page of the signature's
short code (issue 12). The QR code, the short code and the PDF keywords printed on F1-1, F4, F5,
F6 and F7 come from here, and every signed PDF handed out is passed to :func:`remember_pdf`, so
an uploaded copy is known at /verify as issued and unchanged.

The documents' side of ``portal/services/verification.py``: it accepts a missing signature (an
unsigned draft prints no QR code) and prints the code as people read it (``XXXX-XXXX-XXXX``).
"""

from __future__ import annotations

from typing import Any

from portal.domain.verification import display
from portal.services import verification

__all__ = ["pdf_keywords", "remember_pdf", "short_code", "verify_url"]


def short_code(signature: Any) -> str | None:
    code = getattr(signature, "short_code", None)
    return display(str(code)) if code else None


def verify_url(signature: Any, form: str | None = None) -> str | None:
    """The absolute address of the signature's verification page, or None while there is no
    signature (then the document carries no QR code). ``form``: the notice (F6/F7) sealed with
    its decision's signature, so the page names the notice."""
    if signature is None or not getattr(signature, "short_code", None):
        return None
    return verification.verify_url(signature, form)


def pdf_keywords(signature: Any, form: str | None = None) -> str | None:
    """What a signed PDF carries in its keywords, so an uploaded copy names its signature."""
    if signature is None or not getattr(signature, "short_code", None):
        return None
    return verification.pdf_keywords(signature, form)


def remember_pdf(session: Any, signature: Any, pdf: bytes) -> bytes:
    """Record that the portal handed out these PDF bytes for ``signature``."""
    if signature is None or getattr(signature, "id", None) is None:
        return pdf
    return verification.remember_pdf(session, signature, pdf)
