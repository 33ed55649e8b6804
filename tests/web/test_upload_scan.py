"""Every upload goes through the antivirus scanner before it is kept (ASVS 5.4.3, R3.4): an
infected file is refused in the person's language and nothing of it is stored, in each upload
path; a scanner that cannot answer refuses the file in production and lets it through with a
warning in development; staff see which scanner passed a file, TEST for the development one."""

from __future__ import annotations

import hashlib
import io
import logging
import socket
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal import db
from portal.db import utcnow
from portal.domain.workflow import Status
from portal.models import DocumentFile, Event
from portal.services import events
from portal.services.uploads import attach_files
from portal.storage import storage
from portal.storage.scan import EICAR, Clamd
from tests import samples
from tests.factories import create_application, create_citizen, create_document
from tests.pages import ClientRequest, check_page
from tests.web.test_cabinet import _csrf, _refusal
from tests.web.test_files import _setup, _token

# A PDF that passes every other check: only the scanner can refuse it.
INFECTED_PDF = samples.pdf() + b"%" + EICAR + b"\n"
RU_INFECTED = "Файл содержит вирус"
RU_LATER = "попробуйте ещё раз позже"
KK_LATER = "Кейінірек қайталап көріңіз"  # Kazakh: the default language


def _stored_objects(app: Flask) -> list[Path]:
    with app.app_context():
        root: Path = storage().root  # type: ignore[attr-defined]
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _flashes(client: FlaskClient) -> list[str]:
    with client.session_transaction() as cookie_session:
        return [message for _, message in cookie_session.get("_flashes", [])]


def _files_events(app: Flask) -> list[dict[str, object]]:
    with app.app_context():
        return [
            e.data for e in db.session().scalars(select(Event).where(Event.action == "document_files_added"))
        ]


def _unreachable_clamd() -> Clamd:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return Clamd(f"127.0.0.1:{port}", timeout=1)


def test_r3_4_an_infected_application_document_is_refused_and_nothing_is_stored(
    client_request: ClientRequest,
) -> None:
    """The citizen's own application documents (only the applicant adds files: no staff page
    uploads them, docs/field-access.md)."""
    ids = _setup(client_request)
    client_request.login(ids["owner"])  # type: ignore[arg-type]
    client_request.set_language("ru")
    response = client_request.client.post(
        client_request.url("files.upload_files", document_id=ids["document"]),
        data={
            "csrf_token": _token(client_request),
            "next": "/",
            "files": [(io.BytesIO(INFECTED_PDF), "справка.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    [message] = _flashes(client_request.client)
    assert message.startswith("справка.pdf: ") and RU_INFECTED in message
    app = client_request.app
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(DocumentFile)) == 0
    assert _stored_objects(app) == []
    [data] = _files_events(app)
    assert data["files"] == [] and data["refused"] == 1
    assert data["infected"] == [
        {"sha256": hashlib.sha256(INFECTED_PDF).hexdigest(), "signature": "Eicar-Test-Signature"}
    ]


@pytest.mark.parametrize(("kind", "protocol"), [("objection", False), ("remarks", True)])
def test_r15_3_an_infected_attachment_of_an_objection_or_remarks_is_refused_and_not_kept(
    client_request: ClientRequest, app: Flask, kind: str, protocol: bool
) -> None:
    with app.app_context():
        person = create_citizen(db.session(), confirmed_at=utcnow())
        db.session().commit()
        db.session().expunge(person)
    number = _refusal(app, person, utcnow(), protocol=protocol)
    client_request.login(person)
    client_request.set_language("ru")
    if protocol:  # remarks open once the person has read the hearing's protocol (R15.5)
        case = check_page(client_request.client.get(f"/cabinet/applications/{number}"))
        client_request.client.post(
            f"/cabinet/applications/{number}/protocol/read", data={"csrf_token": _csrf(case)}
        )
    base = f"/cabinet/applications/{number}/{kind}"
    page = check_page(client_request.client.get(base))
    token = _csrf(page)
    response = client_request.client.post(
        base,
        content_type="multipart/form-data",
        data={
            "csrf_token": token,
            "text": "Текст сохраняется.",
            "decision": "upload",
            "files": [(io.BytesIO(INFECTED_PDF), "доход.pdf"), (io.BytesIO(EICAR), "eicar.com")],
        },
    )
    assert response.status_code == 422
    summary = check_page(response).select_one(".error-summary")
    assert summary is not None and summary.get_text().count(RU_INFECTED) == 2
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(DocumentFile)) == 0
    assert _stored_objects(app) == []


def test_production_is_configured_to_refuse_uploads_when_the_scanner_cannot_answer(
    production_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """Production's defaults: clamd, fail closed. Without a reachable daemon (here: none
    configured) nothing is kept, the person reads "try again later", the event counts it."""
    assert production_app.config["UPLOAD_SCAN_REQUIRED"] is True
    assert production_app.config["UPLOAD_SCANNER"] == "clamd"
    with production_app.test_request_context("/"):
        session = db.session()
        application = create_application(session, citizen=create_citizen(session), status=Status.DRAFT)
        document = create_document(session, application)
        session.commit()
        with caplog.at_level(logging.ERROR, logger="portal.security"):
            added, [(name, reason)] = attach_files(
                session,
                document,
                [FileStorage(io.BytesIO(samples.pdf()), filename="a.pdf")],
                actor=events.Actor.system(),
            )
        assert added == [] and name == "a.pdf" and KK_LATER in reason
        assert session.scalar(select(func.count()).select_from(DocumentFile)) == 0
        [event] = session.scalars(select(Event).where(Event.action == "document_files_added"))
        assert event.data["scan_unavailable"] == 1
    assert _stored_objects(production_app) == []
    assert "scanner unavailable scanner=clamd" in caplog.text and "a.pdf" not in caplog.text


def test_with_scanning_required_an_unreachable_clamd_refuses_in_the_persons_language(
    client_request: ClientRequest,
) -> None:
    ids = _setup(client_request)
    app = client_request.app
    app.config["UPLOAD_SCAN_REQUIRED"] = True
    app.extensions["scanner"] = _unreachable_clamd()
    client_request.login(ids["owner"])  # type: ignore[arg-type]
    client_request.set_language("ru")
    client_request.client.post(
        client_request.url("files.upload_files", document_id=ids["document"]),
        data={
            "csrf_token": _token(client_request),
            "next": "/",
            "files": [(io.BytesIO(samples.jpeg()), "photo.jpg")],
        },
        content_type="multipart/form-data",
    )
    [message] = _flashes(client_request.client)
    assert RU_LATER in message
    assert _stored_objects(app) == []


def test_in_development_an_unreachable_scanner_lets_a_file_through_unscanned_with_a_warning(
    db_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    db_app.config["UPLOAD_SCAN_REQUIRED"] = False
    with db_app.test_request_context("/"):
        session = db.session()
        document = create_document(session, create_application(session, status=Status.DRAFT))
        session.commit()
        with caplog.at_level(logging.WARNING, logger="portal.security"):
            [row], refused = attach_files(
                session,
                document,
                [FileStorage(io.BytesIO(samples.pdf()), filename="a.pdf")],
                actor=events.Actor.system(),
                scan=_unreachable_clamd(),
            )
        assert refused == [] and row.scanner is None and row.scanned_at is None
        [event] = session.scalars(select(Event).where(Event.action == "document_files_added"))
        assert event.data["scan_unavailable"] == 1
    assert "kept unscanned" in caplog.text


def test_staff_see_which_scanner_passed_each_file_and_the_test_one_is_marked_test(
    client_request: ClientRequest,
) -> None:
    ids = _setup(client_request, (samples.pdf(), "a.pdf"), status=Status.SUBMITTED)
    app = client_request.app
    with app.app_context():
        [row] = db.session().scalars(select(DocumentFile))
        assert row.scanner == "test" and row.scanned_at is not None
        number = row.document.application.number
    client_request.login(ids["ours"])  # type: ignore[arg-type]
    client_request.set_language("en")
    page: BeautifulSoup = check_page(client_request.client.get(f"/staff/cases/{number}"))
    documents = page.select_one(".case-documents")
    assert documents is not None
    text = documents.get_text(" ", strip=True)
    assert "virus check by the test scanner (EICAR only)" in text and "TEST" in text
