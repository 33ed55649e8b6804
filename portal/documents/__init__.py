"""Official documents as PDFs (fpdf2, DejaVu Sans for every Kazakh letter): one module per form."""

from __future__ import annotations

from portal.documents.f1_1 import SignatureInfo, SignerKind, application_pdf
from portal.documents.fonts import FontMissing, font_paths

__all__ = ["FontMissing", "SignatureInfo", "SignerKind", "application_pdf", "font_paths"]
