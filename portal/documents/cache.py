"""PDFs of the forms, made once per content: kept in the file storage (portal/storage) under the
SHA-256 of the renderer's version and the document's digest (which, for a signed document,
includes the signed content's digest). The same content asks for the same key and gets the
stored bytes; any change of the content — a field, the signature, the language — is a new key.
"""

from __future__ import annotations

import hashlib

from portal.documents.model import FormDocument
from portal.documents.pdf import render_pdf

__all__ = ["RENDER_VERSION", "cache_key", "pdf_of"]

# Bump when the PDF's layout changes: the old PDFs are then made again on their next request.
RENDER_VERSION = "forms-1"


def cache_key(document: FormDocument) -> str:
    digest = hashlib.sha256(f"{RENDER_VERSION}\n{document.digest()}".encode()).hexdigest()
    return f"{digest}-pdf"


def pdf_of(document: FormDocument) -> bytes:
    """The PDF of ``document``: from the storage when it was made before, else made and kept."""
    from portal.storage import NotFound, storage

    store = storage()
    key = cache_key(document)
    try:
        return store.get(key)
    except NotFound:
        pass
    data = render_pdf(document)
    store.put(data, "application/pdf", key=key)
    return data
