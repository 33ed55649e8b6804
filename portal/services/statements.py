"""A person's signed statement on a preliminary refusal: the objection (R15.3) and the remarks
on the hearing protocol (R15.6), each with its text and attachments.

The attachments wait in a Document of their own (``Document.statement``) while the person
writes; they go through the same checks as the application's files (services/uploads.py). The
signed document names the text and every attachment by its SHA-256, so what is recorded is
exactly what was signed; recording seals the Document (``sealed_at``) and its files no longer
change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.package import DocumentKind
from portal.models import Application, Document, Statement
from signing import canonical_json

__all__ = ["TITLES", "content_digest", "document", "document_bytes", "pending_document",
           "signed_text"]

TITLES = {Statement.OBJECTION: _l("Attachments to the objection"),
          Statement.REMARKS: _l("Attachments to the remarks on the hearing protocol")}


def pending_document(session: Session, application: Application, kind: Statement, *,
                     create: bool = False) -> Document | None:
    """The Document holding the attachments of the statement being written (not yet sealed);
    created on the first file when ``create``."""
    found = session.scalar(select(Document).where(
        Document.application_id == application.id, Document.statement == kind,
        Document.sealed_at.is_(None)).order_by(Document.id.desc()).limit(1))
    if found is None and create:
        found = Document(application_id=application.id, kind=DocumentKind.OTHER,
                         title=str(TITLES[kind]), statement=kind, provided=True)
        session.add(found)
        session.flush()
    return found


def document(application: Application, kind: Statement, text: str,
             attachments: Document | None, *, prepared_at: dt.datetime) -> dict[str, Any]:
    """What the person signs: the case, the kind, the text, the attachments by their hashes."""
    files = attachments.files if attachments is not None else []
    return {
        "type": kind.value,
        "application": application.number,
        "text": text,
        "attachments": [{"name": f.original_name, "sha256": f.sha256, "bytes": f.size_bytes,
                         "type": f.content_type} for f in files],
        "prepared_at": prepared_at.isoformat(),
    }


def document_bytes(signed: dict[str, Any]) -> bytes:
    return canonical_json(signed)


def content_digest(signed: dict[str, Any]) -> str:
    """What must not change between starting to sign and recording: all but the time."""
    body = {k: v for k, v in signed.items() if k != "prepared_at"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def signed_text(data: bytes) -> str:
    """The statement's text as it was signed."""
    return str(json.loads(data)["text"])
