"""bench/floor/floor_app.py, the floor bench/http.py measures the portal's ratio targets against,
must do the work it claims (or its figure would flatter the targets): refuse a POST without the
CSRF token, find the case in the portal's database, answer only the signed-in person's case, and
serve the portal's page with a fresh nonce and token each time."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import db
from portal.domain.workflow import Status
from portal.models import Citizen, WebSession
from portal.services import events
from tests.factories import create_application, create_citizen
from tests.pages import ClientRequest

ROOT = Path(__file__).resolve().parents[2]


def _floor(monkeypatch: pytest.MonkeyPatch, database_url: str, pages: Path) -> ModuleType:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FLOOR_PAGES", str(pages))
    spec = importlib.util.spec_from_file_location("floor_app", ROOT / "bench/floor/floor_app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_floor_does_the_lookups_and_the_case_pages_unskippable_work(
        app: Flask, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with app.app_context():
        session = db.session()
        citizen = create_citizen(session)
        other = create_citizen(session, iin="921231445671")
        case = create_application(session, citizen=citizen, status=Status.REGISTERED)
        foreign = create_application(session, citizen=other, status=Status.REGISTERED)
        for n in range(6):
            events.record(session, events.Actor("staff", None, "specialist"),
                          "case_viewed" if n % 2 else "register", application_id=case.id)
        session.commit()
        number, foreign_number = case.number, foreign.number
        session.expunge(citizen)
    portal = app.test_client()
    ClientRequest(app, portal).login(citizen)
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "case.html").write_bytes(portal.get(f"/cabinet/applications/{number}").data)
    (pages / "lookup.html").write_bytes(app.test_client().get("/status").data)

    module = _floor(monkeypatch, database_url, pages)
    try:
        _walk(module.app.test_client(), app, number, foreign_number)
    finally:
        module.engine.dispose()  # its pool would hold the test database open


def _walk(floor: FlaskClient, app: Flask, number: str, foreign_number: str) -> None:
    form = floor.get("/status").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', form)
    assert token is not None
    lookup = {"number": number, "factor": "850321301238"}
    assert floor.post("/status", data=lookup).status_code == 400  # no CSRF token
    first = floor.post("/status", data={**lookup, "csrf_token": token.group(1)})
    second = floor.post("/status", data={**lookup, "csrf_token": token.group(1)})
    assert first.status_code == second.status_code == 200
    nonces = [re.findall(r'nonce="([^"]+)"', r.get_data(as_text=True)) for r in (first, second)]
    assert nonces[0] and nonces[1] and nonces[0][0] != nonces[1][0]
    assert f"nonce-{nonces[0][0]}" in first.headers["Content-Security-Policy"]

    with app.app_context():
        sid = db.session().scalar(select(WebSession.id).where(WebSession.ended_at.is_(None)))
        citizen_id = db.session().scalar(select(Citizen.id).where(Citizen.iin == "850321301238"))
    assert floor.get(f"/case/{number}").status_code == 404  # not signed in
    floor.get(f"/start/{sid}/{citizen_id}")
    page = floor.get(f"/case/{number}", headers={"Accept-Encoding": "br"})
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "br"
    plain = floor.get(f"/case/{number}").get_data(as_text=True)
    assert plain.count("<time") >= 3 + 6  # the kept page's own and the lists' six looks
    assert floor.get(f"/case/{foreign_number}").status_code == 404  # another person's case
