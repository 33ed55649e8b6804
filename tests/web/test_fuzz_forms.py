"""Every form and endpoint under hostile input (#14): Hypothesis drives each POST route of the
url map — signed in as a person the route admits, with a valid CSRF token so the view itself is
reached — with long, empty, non-UTF-8, confusable, markup and SQL-shaped fields, huge numbers,
duplicated fields and hostile path values. No answer may be a 5xx, and no markup sent may come
back unescaped. A second sweep sends the same without the CSRF token: every one is refused.

The routes are read from the app, so a route added later is fuzzed without touching this file.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Rule

from portal import db
from portal.cli import demo
from portal.db import utcnow
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Action, Role
from portal.models import Application, Citizen, District, StaffUser
from portal.services import drafts
from portal.web.access import ANYONE, CITIZEN, audience_of
from tests.conftest import _make_app
from tests.pages import ClientRequest

MARKER = "<script>alert(1)</script>"
HOSTILE_TEXT = st.one_of(
    st.sampled_from([
        "", " ", MARKER, '"><img src=x onerror=alert(1)>', "' OR 1=1 --", "1; DROP TABLE events",
        "9" * 400, "-1", "0", "1e309", "NaN", "2026-02-30", "31.12.9999", "../../etc/passwd",
        "%00", "\x00", "ＳＡ-２０２６", "КZ86125KZT5004100100",  # Cyrillic К: a confusable
        "850321301238", "8503213O1238", "ǅ" * 50, "\u202e" + "txt.exe", "a" * 5_000,
    ]),
    st.text(max_size=300),
)
FIELD_NAMES = ["text", "reason", "number", "iin", "birth_date", "amount", "ground", "action",
               "version", "seen", "password", "code", "phone", "next", "choice", "file"]
PATH_VALUES = st.one_of(st.sampled_from(["SA-2026-DEMO-0001", "x", "0", "-1", "9" * 30, "..",
                                         "%2e%2e", MARKER]), st.text(min_size=1, max_size=40))


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Flask]:
    """One app with the demo data for the whole sweep (Hypothesis reruns each test many times)."""
    tmp = tmp_path_factory.mktemp("fuzz")
    copy = tmp / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    app = _make_app(f"sqlite:///{copy}", tmp)
    with app.app_context():
        session = db.session()
        demo.load(session)
        # A draft of the demo citizen, so the application's section forms are reached too.
        citizen = session.scalar(select(Citizen).where(Citizen.iin == "850321301238"))
        district = session.scalar(select(District).where(District.code == demo.DISTRICT_CODE))
        assert citizen is not None and district is not None
        draft = drafts.start_draft(session, citizen, district,
                                   now=utcnow())
        offer = next(g for g in district.grounds if g.category is GroundCategory.FIRE)
        drafts.choose_ground(session, draft, citizen, offer, None)
        session.commit()
        # Fixed once: the sweep itself may start drafts, and Hypothesis needs the same choices
        # on every run.
        app.config["FUZZ_NUMBERS"] = sorted(db.session().scalars(select(Application.number)))
    yield app
    db.engine_of(app).dispose()


def _post_rules(app: Flask) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules()
                   if "POST" in (r.methods or set()) and r.endpoint != "static"),
                  key=lambda r: r.rule)


def _person(app: Flask, rule: Rule) -> Citizen | StaffUser | None:
    """Someone the route admits: the demo citizen with cases, else demo staff of an admitted
    role, else nobody (a public route)."""
    audience = audience_of(app.view_functions[rule.endpoint]) or frozenset()
    with app.app_context():
        session = db.session()
        person: Citizen | StaffUser | None = None
        if CITIZEN in audience:
            person = session.scalar(select(Citizen).where(Citizen.iin == "850321301238"))
        else:
            roles = [r for r in Role if r in audience]
            if roles:
                person = session.scalar(select(StaffUser).where(StaffUser.role.in_(roles))
                                        .order_by(StaffUser.id).limit(1))
        if person is not None:
            session.expunge(person)
        return person if ANYONE not in audience or person else None


def _csrf(client: Any) -> str:
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    token: str = json.loads(page.body["hx-headers"])["X-CSRFToken"]
    return token


def _path(rule: Rule, values: dict[str, str]) -> str:
    path = rule.rule
    for arg in rule.arguments:
        value = values.get(arg, "x")
        if f"<int:{arg}>" in path:
            value = str(abs(hash(value)) % 10_000)
        quoted = quote(value, safe="") or "x"
        path = re.sub(rf"<(?:[a-z]+:)?{arg}>", lambda _m, q=quoted: q, path)
    return path


def _numbers(app: Flask) -> list[str]:
    numbers: list[str] = app.config["FUZZ_NUMBERS"]
    return numbers


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_form_answers_5xx_or_reflects_markup(fuzz_app: Flask, data: st.DataObject) -> None:
    numbers = _numbers(fuzz_app)
    actions = [a.value for a in Action]
    for rule in _post_rules(fuzz_app):
        client = fuzz_app.test_client()
        person = _person(fuzz_app, rule)
        if person is not None:
            ClientRequest(fuzz_app, client).login(person)
        path_values = {arg: data.draw(st.one_of(st.sampled_from(numbers + actions),
                                                PATH_VALUES), label=f"{rule.rule}:{arg}")
                       for arg in rule.arguments}
        fields = MultiDict([("csrf_token", _csrf(client))])
        for name in data.draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=6),
                              label="fields"):
            fields.add(name, data.draw(HOSTILE_TEXT, label=name))  # a name twice: duplicated
        htmx = data.draw(st.booleans(), label="htmx")
        response = client.post(_path(rule, path_values), data=fields,
                               headers={"HX-Request": "true"} if htmx else {})
        assert response.status_code < 500, (rule.rule, response.status_code)
        assert MARKER not in response.get_data(as_text=True), f"{rule.rule} reflects markup"


def test_non_utf8_bodies_are_answered_without_an_error(fuzz_app: Flask) -> None:
    for rule in _post_rules(fuzz_app):
        client = fuzz_app.test_client()
        person = _person(fuzz_app, rule)
        if person is not None:
            ClientRequest(fuzz_app, client).login(person)
        body = b"csrf_token=" + _csrf(client).encode() + b"&text=%ff%fe%fd&number=\xff\xfe"
        response = client.post(_path(rule, {}), data=body,
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (rule.rule, response.status_code)


def test_no_state_changing_request_passes_without_the_csrf_token(fuzz_app: Flask) -> None:
    numbers = _numbers(fuzz_app)
    refused = []
    for rule in _post_rules(fuzz_app):
        if rule.rule.startswith("/api/"):
            continue  # the API takes bearer tokens, not cookies: no CSRF to check
        client = fuzz_app.test_client()
        person = _person(fuzz_app, rule)
        if person is not None:
            ClientRequest(fuzz_app, client).login(person)
        response = client.post(_path(rule, {a: numbers[0] for a in rule.arguments}),
                               data={"text": "x"})
        refused.append((rule.rule, response.status_code))
    assert refused and all(code == 400 for _, code in refused), [
        r for r in refused if r[1] != 400]
