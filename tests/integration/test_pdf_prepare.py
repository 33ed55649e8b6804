"""#12: a signed decision's PDFs (F5) and its notification's (F6/F7) are made ahead of their first
download, by a Celery job queued once the decision commits, in Kazakh and Russian, kept by the
content's digest and remembered as issued (so /verify recognises the file)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import db
from portal.documents import forms
from portal.documents.cache import LANGUAGES_PREPARED, cache_key, issued_pdf, prepare
from portal.models import IssuedPdf
from portal.services import notifications
from portal.storage import NotFound, storage
from tests.factories import almaty
from tests.integration.test_decisions import CAL, GRANT, MONDAY, _case, _decide, _people
from tests.integration.workers import configured_app, real_worker

SLUGS = ("f5", "f6")


def _keys(session: Session, application_id: int) -> list[str]:
    from portal.models import Application

    application = session.get(Application, application_id)
    assert application is not None
    keys = []
    for slug in SLUGS:
        for language in LANGUAGES_PREPARED:
            document = forms.build(session, application, slug, language)
            assert document is not None, (slug, language)
            keys.append(cache_key(document))
    return keys


def _kept(keys: list[str]) -> list[bool]:
    store = storage()
    kept = []
    for key in keys:
        try:
            store.get(key)
        except NotFound:
            kept.append(False)
        else:
            kept.append(True)
    return kept


def _granted_and_notified(session: Session) -> int:
    specialist, head = _people(session)
    application = _case(session, specialist)
    _decide(session, application, head, GRANT, MONDAY)
    notifications.issue(session, application, sms=None, now=almaty(MONDAY, 13), cal=CAL)
    return application.id


def test_prepare_makes_each_signed_document_in_kazakh_and_russian_as_its_download_would(
        session: Session) -> None:
    application_id = _granted_and_notified(session)  # eager jobs: nothing made yet
    keys = _keys(session, application_id)
    assert len(set(keys)) == 4 and _kept(keys) == [False] * 4
    assert prepare(session, application_id, SLUGS) == 4
    assert _kept(keys) == [True] * 4
    # The download finds the very bytes made ahead, and they are already known to /verify.
    from portal.models import Application

    application = session.get(Application, application_id)
    assert application is not None and application.decision is not None
    signature_id = application.decision.signature_id
    issued = session.scalar(select(func.count()).select_from(IssuedPdf).where(
        IssuedPdf.signature_id == signature_id))
    assert issued == 4  # F5 and F6 both carry the decision's signature; two languages each
    document = forms.build(session, application, "f5", "ru")
    assert document is not None
    assert issued_pdf(session, document) == storage().get(cache_key(document))
    assert session.scalar(select(func.count()).select_from(IssuedPdf)) == 4  # nothing new
    # The QR code's address is the same made by a job (no request) as by a download.
    from flask import current_app

    from portal.models import Signature
    from portal.services.verification import verify_url

    signature = session.get(Signature, signature_id)
    assert signature is not None
    outside = verify_url(signature)
    with current_app.test_request_context("/staff/cases/x/forms/f5.pdf"):
        assert verify_url(signature) == outside
    assert outside.endswith(f"/verify/{signature.short_code}")
    assert prepare(session, application_id + 1000, SLUGS) == 0  # no such case: nothing


def test_a_signed_decision_and_its_notice_are_made_by_a_real_worker_after_commit(
        redis_url: str, tmp_path: Path, sqlite_template: Path) -> None:
    app = configured_app(tmp_path, sqlite_template, CELERY_BROKER_URL=redis_url,
                         CELERY_TASK_ALWAYS_EAGER=False)
    celery = app.extensions["celery"]
    # This test's own keys in the shared Redis: another test's worker never takes its jobs.
    celery.conf.broker_transport_options = {"global_keyprefix": f"test-{uuid.uuid4().hex}:"}
    try:
        with app.app_context():
            application_id = _granted_and_notified(db.session())
            keys = _keys(db.session(), application_id)
            assert _kept(keys) == [False] * 4  # queued, not made in the signing request
        with real_worker(app):
            deadline = time.monotonic() + 60
            with app.app_context():
                while _kept(keys) != [True] * 4 and time.monotonic() < deadline:
                    time.sleep(0.2)
                assert _kept(keys) == [True] * 4
    finally:
        celery.conf.broker_transport_options = {}
        db.engine_of(app).dispose()
