"""PDFs of the forms, made once per content: kept in the file storage (portal/storage) under the
SHA-256 of the renderer's version and the document's digest (which, for a signed document,
includes the signed content's digest). The same content asks for the same key and gets the
stored bytes; any change of the content — a field, the signature, the language — is a new key.

The cache is swept: a PDF not read for ``PDF_CACHE_DAYS`` days (a case long closed, or the old
layout after a ``RENDER_VERSION`` bump, whose keys nobody asks for again) is deleted by
:func:`sweep` — nightly by Celery beat (portal.sweep_pdf_cache) or ``flask documents
sweep-pdfs``. Nothing is lost: its next request makes it again, and /verify knows an issued
PDF by its digest in the database (services/verification), not by the kept file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from portal.documents.model import FormDocument
from portal.documents.pdf import render_pdf

if TYPE_CHECKING:
    from portal.storage.base import Storage

__all__ = ["KEY_SUFFIX", "LANGUAGES_PREPARED", "RENDER_VERSION", "cache_key", "issued_pdf",
           "pdf_of", "prepare", "prepare_later", "sweep", "sweep_unread"]

log = logging.getLogger(__name__)

# The languages a signed document is made in ahead of its first request (the forms' languages).
LANGUAGES_PREPARED = ("kk", "ru")

# Bump when the PDF's layout changes: the old PDFs are then made again on their next request.
RENDER_VERSION = "forms-1"
# A kept PDF's key ends in it (uploaded files' keys never do): what the sweep may delete.
KEY_SUFFIX = "pdf"


def cache_key(document: FormDocument) -> str:
    digest = hashlib.sha256(f"{RENDER_VERSION}\n{document.digest()}".encode()).hexdigest()
    return f"{digest}-{KEY_SUFFIX}"


def pdf_of(document: FormDocument) -> bytes:
    """The PDF of ``document``: from the storage when it was made before, else made and kept."""
    from portal.storage import NotFound, storage

    store = storage()
    key = cache_key(document)
    try:
        data = store.get(key)
    except NotFound:
        pass
    else:
        store.touch(key)  # read: kept another PDF_CACHE_DAYS
        return data
    data = render_pdf(document)
    store.put(data, "application/pdf", key=key)
    return data


def issued_pdf(session: Session, document: FormDocument) -> bytes:
    """The PDF handed out for ``document``; a signed one is remembered as issued, so /verify
    recognises the file (services/verification.remember_pdf, idempotent)."""
    data = pdf_of(document)
    if document.seal is not None and document.seal.signature_id is not None:
        from portal.documents import verification
        from portal.models import Signature

        signature = session.get(Signature, document.seal.signature_id)
        if signature is not None:
            data = verification.remember_pdf(session, signature, data)
    return data


def prepare(session: Session, application_id: int, slugs: Sequence[str]) -> int:
    """Make and keep the PDFs of the case's forms ``slugs`` in every language of
    LANGUAGES_PREPARED, as their first reader would; returns how many exist now. A form the case
    does not have (yet) is skipped."""
    from portal.documents import forms
    from portal.models import Application

    application = session.get(Application, application_id)
    if application is None:
        return 0
    made = 0
    for slug in slugs:
        for language in LANGUAGES_PREPARED:
            document = forms.build(session, application, slug, language)
            if document is not None:
                issued_pdf(session, document)
                made += 1
    return made


def prepare_later(session: Session, application_id: int, *slugs: str) -> None:
    """Once the transaction commits, have a Celery worker make the case's signed documents
    ``slugs`` (a PDF takes 0.2–0.6 s: the official's and the citizen's first download then
    finds it made). In the embedded default (eager jobs) nothing is queued: the first download
    makes the PDF, so the signing request does not wait for it. A broker that cannot be reached
    loses nothing either: the download makes it."""
    from flask import current_app

    from portal import db
    from portal.jobs import celery_app, prepare_pdfs

    if current_app.config.get("CELERY_TASK_ALWAYS_EAGER") or celery_app.conf.task_always_eager:
        return

    def enqueue() -> None:
        try:
            prepare_pdfs.delay(application_id, list(slugs))
        except Exception as exc:  # the broker down: the first download makes the PDF
            log.warning("pdfs of application %d not queued (%s)", application_id,
                        type(exc).__name__)

    db.after_commit(session, enqueue)


def sweep(store: Storage, *, days: int, now: dt.datetime) -> int:
    """Delete the kept PDFs not read (nor made) in the last ``days`` days; returns how many."""
    deleted = 0
    for key in list(store.unused_since(KEY_SUFFIX, now - dt.timedelta(days=days))):
        store.delete(key)
        deleted += 1
    if deleted:
        log.info("pdf cache: %d unread for %d days deleted", deleted, days)
    return deleted


def sweep_unread(days: int | None = None) -> tuple[int, int]:
    """:func:`sweep` of the app's storage, ``days`` defaulting to ``PDF_CACHE_DAYS`` (the beat
    task and the command): how many were deleted, and the days."""
    from flask import current_app

    from portal.db import utcnow
    from portal.storage import storage

    kept = int(current_app.config["PDF_CACHE_DAYS"]) if days is None else days
    return sweep(storage(), days=kept, now=utcnow()), kept
