"""Uploaded files on an origin of their own (ASVS 3.5.4, 3.2.1): the portal checks access and
redirects with a short-lived link signed for the file and the account; the files host serves
the bytes as a sandboxed attachment without cookies and nothing else; a link that is expired,
changed, another account's or another file's is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from portal import db
from portal.config import production_problems
from portal.db import utcnow
from portal.domain.workflow import Status
from portal.models import StaffUser
from portal.web.files_origin import signed_url
from tests import samples
from tests.conftest import _make_app
from tests.pages import ClientRequest
from tests.web.test_files import _setup

FILES = "https://files.example.kz"


@pytest.fixture
def origin_app(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("FILES_ORIGIN", FILES)
    application = _make_app(database_url, tmp_path)
    yield application
    db.engine_of(application).dispose()


@pytest.fixture
def origin_request(origin_app: Flask) -> ClientRequest:
    return ClientRequest(origin_app, origin_app.test_client())


def _files_get(request: ClientRequest, url: str):  # type: ignore[no-untyped-def]
    """A GET on the files host with a fresh client: no cookie of the portal's comes along."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == FILES
    return request.app.test_client().get(f"{parts.path}?{parts.query}", base_url=FILES)


def _link(request: ClientRequest, file_id: int, **args: object) -> str:
    response = request.get_response("files.show_file", 303, file_id=file_id, **args)
    assert response.headers["Cache-Control"] == "no-store, private"
    return str(response.headers["Location"])


def test_the_owner_is_redirected_to_the_files_origin_which_serves_a_sandboxed_attachment(
    origin_request: ClientRequest,
) -> None:
    ids = _setup(origin_request, (samples.jpeg(), "паспорт.jpg"))
    origin_request.login(ids["owner"])  # type: ignore[arg-type]
    [file_id] = ids["files"]  # type: ignore[misc]
    link = _link(origin_request, file_id)
    assert link.startswith(f"{FILES}/files/f/{file_id}?v=full&")
    assert "паспорт" not in link and "850321301238" not in link
    response = _files_get(origin_request, link)
    assert response.status_code == 200
    h = response.headers
    assert h["Content-Type"] == "image/jpeg" and response.data[:3] == b"\xff\xd8\xff"
    assert h["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Content-Disposition"] == f'attachment; filename="document-{file_id}.jpg"'
    assert h["Cross-Origin-Resource-Policy"] == "same-site"
    assert h["Cache-Control"] == "no-store, private"
    assert "Set-Cookie" not in h
    thumb = _files_get(origin_request, _link(origin_request, file_id, size="thumb"))
    assert thumb.status_code == 200 and len(thumb.data) < len(response.data)


def test_the_portals_pages_may_show_previews_from_the_files_origin_only(
    origin_request: ClientRequest,
) -> None:
    policy = origin_request.client.get("/").headers["Content-Security-Policy"]
    assert f"img-src 'self' data: {FILES};" in policy


def test_an_expired_changed_or_misdirected_link_is_refused(origin_request: ClientRequest) -> None:
    ids = _setup(origin_request, (samples.pdf(), "a.pdf"), (samples.pdf(), "b.pdf"))
    owner = ids["owner"]
    first, second = ids["files"]  # type: ignore[misc]
    app = origin_request.app
    with app.test_request_context():
        old = signed_url(
            first,
            "full",
            "citizen",
            owner.id,  # type: ignore[attr-defined]
            now=utcnow() - dt.timedelta(minutes=6),
        )
        fresh = signed_url(
            first,
            "full",
            "citizen",
            owner.id,  # type: ignore[attr-defined]
            now=utcnow(),
        )
    assert _files_get(origin_request, fresh).status_code == 200
    assert _files_get(origin_request, old).status_code == 403  # FILES_TOKEN_MINUTES is 5
    query = parse_qs(urlsplit(fresh).query)
    a, e, t = query["a"][0], query["e"][0], query["t"][0]
    flipped = t[:-2] + ("A" if t[-2] != "A" else "B") + t[-1]
    path = f"{FILES}/files/f"
    assert (
        _files_get(origin_request, f"{path}/{first}?v=full&a={a}&e={e}&t={flipped}").status_code == 403
    )  # the signature changed
    assert (
        _files_get(origin_request, f"{path}/{first}?v=full&a={a}&e={int(e) + 3600}&t={t}").status_code == 403
    )  # the expiry moved
    assert (
        _files_get(origin_request, f"{path}/{first}?v=full&a=c{int(a[1:]) + 1}&e={e}&t={t}").status_code
        == 403
    )  # another account put in
    assert (
        _files_get(origin_request, f"{path}/{second}?v=full&a={a}&e={e}&t={t}").status_code == 403
    )  # another file
    assert (
        _files_get(origin_request, f"{path}/{first}?v=thumb&a={a}&e={e}&t={t}").status_code == 403
    )  # another variant
    assert _files_get(origin_request, f"{path}/{first}?v=full").status_code == 403  # no token


def test_a_link_signed_for_an_account_that_may_not_see_the_file_is_a_404(
    origin_request: ClientRequest,
) -> None:
    """The files host checks access again for the account in the link: another citizen, staff
    of another district, or staff deactivated since the link was made."""
    ids = _setup(origin_request, (samples.pdf(), "a.pdf"), status=Status.SUBMITTED)
    [file_id] = ids["files"]  # type: ignore[misc]
    app = origin_request.app
    with app.test_request_context():
        stranger, theirs, ours = (
            signed_url(file_id, "full", kind, ids[who].id, now=utcnow())  # type: ignore[attr-defined]
            for kind, who in (("citizen", "stranger"), ("staff", "theirs"), ("staff", "ours"))
        )
    assert _files_get(origin_request, stranger).status_code == 404
    assert _files_get(origin_request, theirs).status_code == 404
    assert _files_get(origin_request, ours).status_code == 200
    with app.app_context():
        staff = db.session().get(StaffUser, ids["ours"].id)  # type: ignore[attr-defined]
        assert staff is not None
        staff.active = False
        db.session().commit()
    assert _files_get(origin_request, ours).status_code == 404
    # and the portal itself issues no link to someone who may not see the file
    origin_request.login(ids["stranger"])  # type: ignore[arg-type]
    origin_request.get_response("files.show_file", 404, file_id=file_id)


def test_the_files_host_serves_nothing_but_files_and_the_portal_no_signed_files(
    origin_request: ClientRequest,
) -> None:
    ids = _setup(origin_request, (samples.pdf(), "a.pdf"))
    [file_id] = ids["files"]  # type: ignore[misc]
    origin_request.login(ids["owner"])  # type: ignore[arg-type]
    link = _link(origin_request, file_id)
    client = origin_request.app.test_client()
    for path in ("/", "/cabinet/", "/sign-in/", f"/files/{file_id}", "/healthz"):
        assert client.get(path, base_url=FILES).status_code == 404, path
    parts = urlsplit(link)
    # the same signed path on the portal's own host: not a page of the portal's origin
    assert origin_request.client.get(f"{parts.path}?{parts.query}").status_code == 404


def test_without_a_files_origin_signed_links_do_not_exist(client_request: ClientRequest) -> None:
    ids = _setup(client_request, (samples.pdf(), "a.pdf"))
    [file_id] = ids["files"]  # type: ignore[misc]
    with client_request.app.test_request_context():
        client_request.app.config["FILES_ORIGIN"] = FILES
        link = signed_url(
            file_id,
            "full",
            "citizen",
            ids["owner"].id,  # type: ignore[attr-defined]
            now=utcnow(),
        )
        client_request.app.config["FILES_ORIGIN"] = ""
    parts = urlsplit(link)
    assert client_request.client.get(f"{parts.path}?{parts.query}").status_code == 404


@pytest.mark.parametrize(
    ("origin", "fine"),
    [
        ("https://files.example.kz", True),
        ("", False),
        ("http://files.example.kz", False),
        ("https://portal.example.kz", False),
        ("https://files.example.kz/uploads", False),
    ],
)
def test_production_wants_a_files_origin_on_https_and_a_host_of_its_own(origin: str, fine: bool) -> None:
    problems = production_problems(
        {
            "PUBLIC_BASE_URL": "https://portal.example.kz",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1",
            "FILES_ORIGIN": origin,
        }
    )
    assert (problems == []) is fine, problems
