"""Uploaded files on the web (R3.4, L8): served only to the applicant and the district's staff,
with headers that keep a file from ever acting as a page; the upload and remove forms."""

from __future__ import annotations

import io
import re

from bs4 import BeautifulSoup
from flask import render_template_string
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal import db
from portal.domain.workflow import Role, Status
from portal.forms.uploads import DocumentUploadForm
from portal.models import District, Document, DocumentFile, Event
from portal.services import events
from portal.services.uploads import attach_files
from portal.storage import storage
from tests import samples
from tests.factories import (
    create_application,
    create_citizen,
    create_district,
    create_document,
    create_staff,
)
from tests.pages import ClientRequest, check_page

SYSTEM = events.Actor.system()


def _setup(client_request: ClientRequest, *files: tuple[bytes, str],
           status: Status = Status.DRAFT) -> dict[str, object]:
    """An application of one citizen with one document item holding ``files``; ids to use."""
    app = client_request.app
    with app.test_request_context():
        session = db.session()
        district = create_district(session, code="home")
        other = create_district(session, code="other")
        owner = create_citizen(session, iin="850321301238")
        stranger = create_citizen(session, iin="900101300017")
        application = create_application(session, district=district, citizen=owner,
                                         status=Status.DRAFT)
        document = create_document(session, application)
        added, _ = attach_files(session, document, [
            FileStorage(io.BytesIO(data), filename=name) for data, name in files], actor=SYSTEM)
        application.status = status
        ours = create_staff(session, district, role=Role.SPECIALIST)
        theirs = create_staff(session, other, role=Role.SPECIALIST)
        session.commit()
        people = {"owner": owner, "stranger": stranger, "ours": ours, "theirs": theirs}
        for person in people.values():
            session.expunge(person)
        return {**people, "document": document.id, "files": [f.id for f in added]}


def test_r3_4_the_owner_gets_a_photo_as_an_attachment_with_strict_headers(client_request: ClientRequest
                                                                 ) -> None:
    ids = _setup(client_request, (samples.jpeg(gps=True), "паспорт.jpg"))
    client_request.login(ids["owner"])  # type: ignore[arg-type]
    [file_id] = ids["files"]  # type: ignore[misc]
    response = client_request.get_response("files.show_file", file_id=file_id)
    h = response.headers
    assert h["Content-Type"] == "image/jpeg"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert h["Cache-Control"] == "no-store, private"
    assert h["Cross-Origin-Resource-Policy"] == "same-origin"
    # Never inline on the portal's origin (ASVS 3.5.4), not even the photos we re-encoded.
    assert h["Content-Disposition"] == f'attachment; filename="document-{file_id}.jpg"'
    assert "паспорт" not in h["Content-Disposition"]
    assert response.data[:3] == b"\xff\xd8\xff" and b"PhoneMaker" not in response.data
    thumb = client_request.get_response("files.show_file", file_id=file_id, size="thumb")
    assert thumb.headers["Content-Type"] == "image/jpeg" and len(thumb.data) < len(response.data)


def test_r3_4_a_pdf_always_downloads(client_request: ClientRequest) -> None:
    ids = _setup(client_request, (samples.pdf(), "a.pdf"))
    client_request.login(ids["owner"])  # type: ignore[arg-type]
    [file_id] = ids["files"]  # type: ignore[misc]
    response = client_request.get_response("files.show_file", file_id=file_id)
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_r3_4_another_citizen_gets_the_same_404_as_for_no_file(client_request: ClientRequest
                                                                ) -> None:
    ids = _setup(client_request, (samples.pdf(), "a.pdf"))
    client_request.login(ids["stranger"])  # type: ignore[arg-type]
    [file_id] = ids["files"]  # type: ignore[misc]
    client_request.get_response("files.show_file", 404, file_id=file_id)
    client_request.get_response("files.show_file", 404, file_id=file_id + 1000)


def test_r3_4_staff_see_files_of_their_own_district_only(client_request: ClientRequest) -> None:
    ids = _setup(client_request, (samples.pdf(), "a.pdf"), status=Status.SUBMITTED)
    [file_id] = ids["files"]  # type: ignore[misc]
    client_request.login(ids["theirs"])  # type: ignore[arg-type]
    client_request.get_response("files.show_file", 404, file_id=file_id)
    client_request.login(ids["ours"])  # type: ignore[arg-type]
    client_request.get_response("files.show_file", 200, file_id=file_id)


def test_an_officials_download_is_in_who_looked_at_my_data(client_request: ClientRequest) -> None:
    ids = _setup(client_request, (samples.pdf(), "a.pdf"), status=Status.SUBMITTED)
    [file_id] = ids["files"]  # type: ignore[misc]
    client_request.login(ids["ours"])  # type: ignore[arg-type]
    client_request.get_response("files.show_file", 200, file_id=file_id)
    client_request.login(ids["owner"])  # type: ignore[arg-type]
    client_request.get_response("files.show_file", 200, file_id=file_id)  # the owner: no event
    with client_request.app.app_context():
        views = list(db.session().scalars(select(Event).where(Event.action == "file_viewed")))
    assert [(e.actor_kind, e.actor_id, e.role, e.data) for e in views] == [
        ("staff", ids["ours"].id, "specialist", {"file": file_id})]  # type: ignore[attr-defined]
    with client_request.app.app_context():
        number = db.session().get(Document, ids["document"]).application.number  # type: ignore[union-attr]
    client_request.set_language("en")
    page = client_request.get("citizen.application", number=number)
    looks = page.select_one("ul.looks")
    assert looks is not None and "opened a file of the application" in looks.get_text()


def test_a_citizens_draft_is_theirs_alone_no_official_reads_or_changes_its_files(
        client_request: ClientRequest) -> None:
    ids = _setup(client_request, (samples.pdf(), "a.pdf"), (samples.pdf(), "b.pdf"))
    first, second = ids["files"]  # type: ignore[misc]
    client_request.login(ids["ours"])  # type: ignore[arg-type]
    client_request.get_response("files.show_file", 404, file_id=first)
    token = _token(client_request)
    for path in (f"/files/{second}/remove", f"/files/documents/{ids['document']}"):
        response = client_request.client.post(path, data={"csrf_token": token})
        assert response.status_code == 403, path
    with client_request.app.app_context():
        assert db.session().get(DocumentFile, second) is not None


def test_the_1414_operator_and_other_roles_open_no_file(client_request: ClientRequest) -> None:
    ids = _setup(client_request, (samples.pdf(), "a.pdf"), status=Status.SUBMITTED)
    [file_id] = ids["files"]  # type: ignore[misc]
    with client_request.app.app_context():
        session = db.session()
        district = session.get(District, ids["ours"].district_id)  # type: ignore[attr-defined]
        operator = create_staff(session, district, role=Role.OPERATOR)
        session.commit()
        session.expunge(operator)
    client_request.login(operator)
    assert client_request.client.get(f"/files/{file_id}").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client_request: ClientRequest) -> None:
    ids = _setup(client_request, (samples.pdf(), "a.pdf"))
    [file_id] = ids["files"]  # type: ignore[misc]
    response = client_request.get_response("files.show_file", 302, file_id=file_id)
    assert "/sign-in/" in response.headers["Location"]


def _token(client_request: ClientRequest) -> str:
    page = client_request.client.get("/").get_data(as_text=True)
    return page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]


def test_r3_4_the_owner_adds_files_and_hears_what_was_refused(client_request: ClientRequest
                                                              ) -> None:
    ids = _setup(client_request)
    client_request.login(ids["owner"])  # type: ignore[arg-type]
    client_request.set_language("ru")
    url = client_request.url("files.upload_files", document_id=ids["document"])
    response = client_request.client.post(url, data={
        "csrf_token": _token(client_request), "next": "/cabinet/",
        "camera": [(io.BytesIO(samples.jpeg()), "photo.jpg")],
        "files": [(io.BytesIO(samples.HTML), "evil.png"), (io.BytesIO(samples.pdf()), "b.pdf")],
    }, content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"] == "/cabinet/"
    page = client_request.client.get("/cabinet/").get_data(as_text=True)
    assert "evil.png" in page
    with client_request.app.app_context():
        names = [f.original_name for f in db.session().get(Document, ids["document"]).files]
    assert names == ["photo.jpg", "b.pdf"]


def test_r3_4_the_owner_removes_a_file(client_request: ClientRequest) -> None:
    ids = _setup(client_request, (samples.jpeg(), "a.jpg"))
    [file_id] = ids["files"]  # type: ignore[misc]
    client_request.login(ids["owner"])  # type: ignore[arg-type]
    with client_request.app.app_context():
        key = db.session().get(DocumentFile, file_id).storage_key  # type: ignore[union-attr]
    response = client_request.client.post(
        client_request.url("files.remove", file_id=file_id),
        data={"csrf_token": _token(client_request), "next": "/cabinet/"})
    assert response.status_code == 303
    with client_request.app.app_context():
        assert db.session().get(DocumentFile, file_id) is None
        assert not storage().exists(key)


def test_r6_4_files_of_a_submitted_application_cannot_be_removed(client_request: ClientRequest
                                                                  ) -> None:
    ids = _setup(client_request, (samples.jpeg(), "a.jpg"), status=Status.SUBMITTED)
    [file_id] = ids["files"]  # type: ignore[misc]
    client_request.login(ids["owner"])  # type: ignore[arg-type]
    response = client_request.client.post(client_request.url("files.remove", file_id=file_id),
                                          data={"csrf_token": _token(client_request)})
    assert response.status_code == 409


def test_a_stranger_cannot_add_files_to_someone_elses_document(client_request: ClientRequest
                                                               ) -> None:
    ids = _setup(client_request)
    client_request.login(ids["stranger"])  # type: ignore[arg-type]
    response = client_request.client.post(
        client_request.url("files.upload_files", document_id=ids["document"]),
        data={"csrf_token": _token(client_request),
              "files": [(io.BytesIO(samples.pdf()), "b.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 404


def test_too_large_a_request_gets_a_413_page_in_the_persons_language(
        client_request: ClientRequest) -> None:
    ids = _setup(client_request)
    # Small enough for the test client to keep the body in memory (it spools larger ones to a
    # temporary file that nobody reads, and so nobody closes).
    client_request.app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    client_request.login(ids["owner"])  # type: ignore[arg-type]
    client_request.set_language("ru")
    token = _token(client_request)
    response = client_request.client.post(
        client_request.url("files.upload_files", document_id=ids["document"]),
        data={"csrf_token": token, "files": [(io.BytesIO(b"\0" * 300 * 1024), "big.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 413
    page = check_page(response)
    assert page.find("html")["lang"] == "ru"
    assert "Файл слишком большой" in page.get_text() or "слишком" in page.get_text()


def test_the_upload_macros_render_an_accessible_form_and_list(client_request: ClientRequest
                                                              ) -> None:
    ids = _setup(client_request, (samples.jpeg(), "a.jpg"), (samples.pdf(), "b.pdf"))
    app = client_request.app
    with app.test_request_context("/"):
        document = db.session().get(Document, ids["document"])
        html = render_template_string(
            '{% from "components/uploads.html" import document_item %}'
            "{{ document_item(form, document, 'Income certificate', next='/x', "
            "refused=[('evil.png', 'This file is not a photo or a PDF.')]) }}",
            form=DocumentUploadForm(), document=document)
    page = BeautifulSoup(html, "html.parser")
    assert page.find("legend").get_text() == "Income certificate"
    camera = page.find("input", attrs={"name": "camera"})
    chooser = page.find("input", attrs={"name": "files"})
    assert camera["capture"] == "environment" and camera["accept"] == "image/*"
    assert chooser.has_attr("multiple") and chooser["accept"] == "image/*,application/pdf"
    for field in (camera, chooser):
        assert page.find("label", attrs={"for": field["id"]})
        for described in field["aria-describedby"].split():
            assert page.find(id=described), described
    assert "evil.png" in page.find(id=re.compile("-error$")).get_text()
    assert page.find("img")["src"].endswith("size=thumb")
    assert len(page.select("form.file-remove")) == 2
    assert all(f.find("input", attrs={"name": "csrf_token"}) for f in page.find_all("form"))
    ids_seen = [el["id"] for el in page.find_all(id=True)]
    assert len(ids_seen) == len(set(ids_seen))
