"""Signing in with EDS, citizens and staff, through the pages: key file and phone QR, with and
without htmx; a challenge is single use and belongs to the browser that started it."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import db
from portal.db import utcnow
from portal.domain.workflow import Role
from portal.models import Citizen, Event, SignInMethod, SubjectKind, WebSession
from portal.services import signing as svc
from signing import Holder
from tests.factories import create_citizen, create_district, create_staff, load_registers
from tests.pages import check_page

IIN = "850321301238"
STAFF_IIN = "760212350620"
PASSWORD = "qwerty-123"
PIN = "2580"
CITIZEN_HOLDER = Holder(iin=IIN, surname="ҚАСЫМОВ", name="БАУЫРЖАН", patronymic="СЕРІКҰЛЫ")
STAFF_HOLDER = Holder(iin=STAFF_IIN, surname="ИВАНОВ", name="СЕРГЕЙ", position="Бөлім маманы",
                      organisation="Есіл ауданы әкімдігі", bin="990340001234")


def _enrol(app: Flask, holder: Holder, signer: str = "keyfile", secret: str = PASSWORD) -> None:
    with app.app_context():
        svc.context().signer(signer).enroll(holder, secret)  # type: ignore[attr-defined]


def _citizen(app: Flask, iin: str = IIN) -> int:
    with app.app_context():
        citizen = create_citizen(db.session(), iin=iin, confirmed_at=utcnow(), phone=None)
        db.session().commit()
        return citizen.id


def _staff(app: Flask, iin: str = STAFF_IIN, **fields: Any) -> int:
    with app.app_context():
        staff = create_staff(db.session(), create_district(db.session()), Role.SPECIALIST,
                             iin=iin, **fields)
        db.session().commit()
        return staff.id


def _csrf(client: FlaskClient, url: str) -> str:
    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    field = page.select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def _start(client: FlaskClient, iin: str = IIN, signer: str = "keyfile",
           staff: bool = False) -> tuple[BeautifulSoup, str]:
    url = "/sign-in/staff/eds" if staff else "/sign-in/eds"
    csrf = _csrf(client, url)
    response = client.post(url, data={"csrf_token": csrf, "iin": iin, "signer": signer})
    assert response.status_code == 200, response.get_data(as_text=True)
    return check_page(response), csrf


def _challenge_id(page: BeautifulSoup) -> str:
    field = page.select_one("input[name=challenge_id]")
    assert field is not None
    return str(field["value"])


def _sign(client: FlaskClient, challenge_id: str, csrf: str, password: str = PASSWORD,
          staff: bool = False) -> Any:
    url = "/sign-in/staff/eds/complete" if staff else "/sign-in/eds/complete"
    return client.post(url, data={"csrf_token": csrf, "challenge_id": challenge_id,
                                  "password": password})


def _events(app: Flask) -> list[Event]:
    with app.app_context():
        return list(db.session().scalars(select(Event).order_by(Event.seq)))


def _sessions(app: Flask) -> list[WebSession]:
    with app.app_context():
        return list(db.session().scalars(select(WebSession)))


def _refusal(client: FlaskClient, url: str = "/sign-in/eds") -> str:
    page = check_page(client.get(url))
    summary = page.select_one(".error-summary")
    assert summary is not None
    return summary.get_text(" ", strip=True)


def test_a_citizen_signs_in_with_the_key_file_end_to_end(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _enrol(app, CITIZEN_HOLDER)
    citizen_id = _citizen(app)
    page, csrf = _start(client)
    assert "ҚАСЫМОВ БАУЫРЖАН" in page.select_one(".certificate").get_text()
    assert page.select_one(".signing-panel .test-badge") is not None
    response = _sign(client, _challenge_id(page), csrf)
    assert response.status_code == 303
    assert response.headers["Location"] == "/cabinet/"
    [row] = _sessions(app)
    assert (row.subject_kind, row.subject_id, row.method) == (
        SubjectKind.CITIZEN, citizen_id, SignInMethod.EDS)
    events = _events(app)
    actions = [e.action for e in events]
    assert actions[-1] == "signed_in" and "signed" in actions and "registered" not in actions
    assert events[-1].data["method"] == "eds"
    # No IIN in the audit log nor in any log line of the whole journey.
    for event in events:
        assert IIN not in json.dumps(event.data, ensure_ascii=False) + str(event.reason)
    assert IIN not in caplog.text


def test_a_wrong_key_password_asks_again_on_the_same_challenge(
    app: Flask, client: FlaskClient
) -> None:
    _enrol(app, CITIZEN_HOLDER)
    _citizen(app)
    page, csrf = _start(client)
    challenge_id = _challenge_id(page)
    wrong = _sign(client, challenge_id, csrf, password="wrong-password")
    assert wrong.status_code == 422
    again = check_page(wrong)
    assert again.select_one(".error-summary") is not None
    assert _challenge_id(again) == challenge_id
    assert _sign(client, challenge_id, csrf).status_code == 303


def test_a_first_eds_sign_in_creates_the_account_from_the_certificate_and_the_register(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        load_registers(db.session())
    _enrol(app, CITIZEN_HOLDER)
    page, csrf = _start(client)
    response = _sign(client, _challenge_id(page), csrf)
    assert response.status_code == 303
    with app.app_context():
        citizen = db.session().scalar(select(Citizen).where(Citizen.iin == IIN))
        assert citizen is not None
        assert (citizen.surname, citizen.given_name, citizen.patronymic) == (
            "Қасымов", "Бауыржан", "Серікұлы")
        assert citizen.birth_date.isoformat() == "1985-03-21"
        assert citizen.confirmed_at is not None and citizen.password_hash is None
    assert [e.action for e in _events(app)][-2:] == ["registered", "signed_in"]


def test_when_the_register_does_not_answer_the_person_is_told_to_try_again(
    app: Flask, client: FlaskClient
) -> None:
    timeout_iin = "790630399037"  # every register times out for this IIN (population.FAILURES)
    with app.app_context():
        load_registers(db.session())
    _enrol(app, Holder(iin=timeout_iin, surname="ТЕСТОВ", name="ТЕСТ"))
    page, csrf = _start(client, iin=timeout_iin)
    response = _sign(client, _challenge_id(page), csrf)
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in/eds"
    client.set_cookie("lang", "en")
    assert "did not answer in time" in _refusal(client)
    assert _sessions(app) == []
    with app.app_context():
        assert db.session().scalar(select(Citizen).where(Citizen.iin == timeout_iin)) is None


def test_a_staff_member_signs_in_with_an_employee_certificate(
    app: Flask, client: FlaskClient
) -> None:
    _enrol(app, STAFF_HOLDER)
    staff_id = _staff(app)
    page, csrf = _start(client, iin=STAFF_IIN, staff=True)
    response = _sign(client, _challenge_id(page), csrf, staff=True)
    assert response.status_code == 303 and response.headers["Location"] == "/staff/"
    [row] = _sessions(app)
    assert (row.subject_kind, row.subject_id, row.method) == (
        SubjectKind.STAFF, staff_id, SignInMethod.EDS)


def test_an_inactive_staff_member_cannot_sign_in(app: Flask, client: FlaskClient) -> None:
    _enrol(app, STAFF_HOLDER)
    _staff(app, active=False)
    page, csrf = _start(client, iin=STAFF_IIN, staff=True)
    response = _sign(client, _challenge_id(page), csrf, staff=True)
    assert response.headers["Location"] == "/sign-in/staff/eds"
    assert _sessions(app) == []
    assert _events(app)[-1].reason == "staff.unknown"


def test_a_staff_certificate_cannot_sign_a_citizen_in(app: Flask, client: FlaskClient) -> None:
    _enrol(app, STAFF_HOLDER)
    _staff(app)
    page, csrf = _start(client, iin=STAFF_IIN)
    response = _sign(client, _challenge_id(page), csrf)
    assert response.headers["Location"] == "/sign-in/eds"
    assert _sessions(app) == []
    with app.app_context():
        assert db.session().scalar(select(Citizen)) is None  # no account made from it either
    assert "signature_rejected" in [e.action for e in _events(app)]
    assert _events(app)[-1].action == "eds_sign_in_failed"


def test_a_citizen_certificate_cannot_sign_staff_in(app: Flask, client: FlaskClient) -> None:
    _enrol(app, CITIZEN_HOLDER)
    _staff(app, iin=IIN)
    page, csrf = _start(client, staff=True)
    response = _sign(client, _challenge_id(page), csrf, staff=True)
    assert response.headers["Location"] == "/sign-in/staff/eds"
    assert _sessions(app) == []
    assert _events(app)[-1].reason == "signature.rejected"


def test_a_replayed_challenge_is_refused(app: Flask, client: FlaskClient) -> None:
    _enrol(app, CITIZEN_HOLDER)
    _citizen(app)
    page, csrf = _start(client)
    challenge_id = _challenge_id(page)
    assert _sign(client, challenge_id, csrf).status_code == 303
    replay = app.test_client()
    csrf2 = _csrf(replay, "/sign-in/eds")
    response = _sign(replay, challenge_id, csrf2)
    assert response.headers["Location"] == "/sign-in/eds"
    assert len(_sessions(app)) == 1
    assert _events(app)[-1].action == "eds_sign_in_failed"


def test_a_challenge_of_another_browser_session_is_refused_and_stays_its_owners(
    app: Flask, client: FlaskClient
) -> None:
    _enrol(app, CITIZEN_HOLDER)
    _citizen(app)
    page, csrf = _start(client)
    challenge_id = _challenge_id(page)
    other = app.test_client()
    other_page, other_csrf = _start(other)  # the other browser has a challenge of its own
    assert _challenge_id(other_page) != challenge_id
    response = _sign(other, challenge_id, other_csrf)
    assert response.headers["Location"] == "/sign-in/eds"
    assert _sessions(app) == []
    other.set_cookie("lang", "en")
    assert "started in another browser" in _refusal(other)
    assert _sign(client, challenge_id, csrf).status_code == 303  # the owner still can


def test_with_the_phone_the_polled_status_continues_and_signs_in(
    app: Flask, client: FlaskClient
) -> None:
    _enrol(app, CITIZEN_HOLDER, signer="mobile", secret=PIN)
    _citizen(app)
    page, csrf = _start(client, signer="mobile")
    assert page.select_one(".qr svg") is not None
    body = page.select_one("#signing-status-body")
    status_url = str(body["hx-get"])
    link = str(page.select_one(".signing-panel a.button")["href"])
    token = link.rsplit("/", 1)[1]
    # Before the phone answers, the no-JS button shows the pending status again.
    early = client.post("/sign-in/eds/complete", data={"csrf_token": csrf})
    assert early.status_code == 200 and check_page(early).select_one("#signing-status-body")
    phone = app.test_client()
    phone_csrf = _csrf(phone, f"/sign/mobile/{token}")
    assert phone.post(f"/sign/mobile/{token}",
                      data={"csrf_token": phone_csrf, "pin": PIN}).status_code == 200
    signed = client.get(status_url, headers={"HX-Request": "true"})
    assert signed.status_code == 200
    form = BeautifulSoup(signed.get_data(as_text=True), "html.parser").select_one(
        "form[hx-trigger=load]")
    assert form is not None and form["hx-post"] == "/sign-in/eds/complete"
    response = client.post("/sign-in/eds/complete", data={"csrf_token": csrf},
                           headers={"HX-Request": "true"})
    assert response.headers.get("HX-Redirect") == "/cabinet/" or (
        response.headers.get("Location") == "/cabinet/")
    [row] = _sessions(app)
    assert row.method is SignInMethod.EDS


def test_an_unknown_iin_key_is_said_on_the_form(app: Flask, client: FlaskClient) -> None:
    client.set_cookie("lang", "en")
    csrf = _csrf(client, "/sign-in/eds")
    response = client.post("/sign-in/eds", data={"csrf_token": csrf, "iin": IIN,
                                                 "signer": "keyfile"})
    assert response.status_code == 422
    assert "no TEST signing key" in check_page(response).select_one(".error-summary").get_text()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_eds_pages_pass_the_page_checks(app: Flask, client: FlaskClient, lang: str) -> None:
    _enrol(app, CITIZEN_HOLDER)
    _enrol(app, STAFF_HOLDER, signer="mobile", secret=PIN)
    client.set_cookie("lang", lang)
    for url in ("/sign-in/eds", "/sign-in/staff/eds", "/sign-in/"):
        response = client.get(url)
        assert response.status_code == 200
        page = check_page(response)
        assert page.html is not None and page.html["lang"] == lang
        assert response.headers["Cache-Control"] == "no-store"
    sign_in = check_page(client.get("/sign-in/"))
    assert sign_in.select_one('a[href="/sign-in/eds"]') is not None
    keyfile, _ = _start(client)
    assert keyfile.select_one("#key-password") is not None
    mobile, _ = _start(client, iin=STAFF_IIN, signer="mobile", staff=True)
    assert mobile.select_one(".qr svg") is not None


def test_an_empty_key_password_costs_nothing_and_keeps_the_challenge(
    app: Flask, client: FlaskClient
) -> None:
    _enrol(app, CITIZEN_HOLDER)
    _citizen(app)
    page, csrf = _start(client)
    challenge_id = _challenge_id(page)
    empty = _sign(client, challenge_id, csrf, password="")
    assert empty.status_code == 422
    assert check_page(empty).select_one("#key-password[aria-invalid=true]") is not None
    assert _sign(client, challenge_id, csrf).status_code == 303
