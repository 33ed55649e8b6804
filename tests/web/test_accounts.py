"""A citizen's account from the first page to signing out, on both databases (accounts issue)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from portal import db
from portal.db import utcnow
from portal.models import Citizen, Event, OneTimeCode, SessionEnd, SmsMessage, WebSession
from portal.models.notify import SmsPurpose
from portal.notify import mobile
from portal.services.passwords import hash_password
from tests.factories import create_citizen, load_registers

IIN = "850321301238"  # a demo citizen the population knows (low income family)
PHONE = "+77011234567"
PASSWORD = "жасыл алма ағашы"


@pytest.fixture
def people(db_app: Flask) -> Flask:
    with db_app.app_context():
        session = db.session()
        load_registers(session, people=60)
        mobile.register(session, IIN, PHONE)
        session.commit()
    return db_app


def csrf(client: FlaskClient, url: str) -> str:
    """The token the page at ``url`` carries (or, for a POST-only URL, the home page's)."""
    response = client.get(url)
    page = response.get_data(as_text=True) if response.status_code == 200 else (
        client.get("/").get_data(as_text=True))
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'"X-CSRFToken": "([^"]+)"', page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post(client: FlaskClient, url: str, **form: str):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf(client, url), **form})


def last_code(app: Flask, purpose: SmsPurpose = SmsPurpose.SIGN_IN_CODE) -> str:
    with app.app_context():
        text = db.session().scalars(select(SmsMessage.text).where(SmsMessage.purpose == purpose)
                                    .order_by(SmsMessage.id.desc())).first()
    assert text is not None, "no SMS was queued"
    match = re.search(r"\b(\d{6})\b", text)
    assert match
    return match.group(1)


def account(app: Flask, password: str = PASSWORD) -> None:
    with app.app_context():
        session = db.session()
        create_citizen(session, iin=IIN, phone=PHONE, password_hash=hash_password(password),
                       confirmed_at=utcnow())
        session.commit()


def let_the_resend_limit_pass(app: Flask) -> None:
    with app.app_context():
        db.session().execute(update(OneTimeCode).values(
            issued_at=utcnow() - dt.timedelta(minutes=5)))
        db.session().commit()


def signed_in(client: FlaskClient) -> bool:
    return client.get("/cabinet/").status_code == 200


def test_a_person_registers_from_the_registers_confirms_the_phone_and_is_signed_in(
    people: Flask,
) -> None:
    client = people.test_client()
    step1 = post(client, "/sign-in/register", iin=IIN)
    assert step1.status_code == 303 and step1.headers["Location"].endswith("/register/details")
    page = client.get("/sign-in/register/details").get_data(as_text=True)
    assert "Қасымов" in page and "Бауыржан" in page  # shown from the register, never typed
    step2 = post(client, "/sign-in/register/details", phone="8 701 123 45 67",
                 password=PASSWORD, password_again=PASSWORD)
    assert step2.status_code == 303 and step2.headers["Location"].endswith("/sign-in/code")
    assert not signed_in(client)
    done = post(client, "/sign-in/code", code=last_code(people, SmsPurpose.REGISTRATION_CODE))
    assert done.status_code == 303
    assert signed_in(client)
    with people.app_context():
        citizen = db.session().scalar(select(Citizen).where(Citizen.iin == IIN))
        assert citizen is not None and citizen.confirmed_at is not None
        assert citizen.password_hash and PASSWORD not in citizen.password_hash


def test_a_phone_not_in_the_mobile_citizens_database_is_told_plainly(people: Flask) -> None:
    client = people.test_client()
    post(client, "/sign-in/register", iin=IIN)
    page = post(client, "/sign-in/register/details", phone="+77051112233", password=PASSWORD,
                password_again=PASSWORD)
    assert page.status_code == 422
    assert "мобильді азаматтар базасында" in page.get_data(as_text=True)


@pytest.mark.parametrize(("password", "message"), [
    ("short", "Кемінде 8 таңба"),
    ("password1", "жария болған"),
    ("Қасымов бауыржан", "ЖСН-ді, атыңызды"),
])
def test_a_weak_password_is_refused_and_the_phone_is_kept(
    people: Flask, password: str, message: str
) -> None:
    client = people.test_client()
    post(client, "/sign-in/register", iin=IIN)
    page = post(client, "/sign-in/register/details", phone=PHONE, password=password,
                password_again=password)
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and message in text
    assert 'value="+77011234567"' in text  # nothing already entered is lost
    assert "<title>Қате:" in text


def test_sign_in_asks_for_a_code_then_issues_a_new_session_id(people: Flask) -> None:
    account(people)
    client = people.test_client()
    with client.session_transaction() as cookie:
        cookie["sid"] = "planted-by-an-attacker"
    response = post(client, "/sign-in/", iin=IIN, password=PASSWORD)
    assert response.status_code == 303 and response.headers["Location"].endswith("/code")
    assert not signed_in(client)  # a password alone is not enough
    post(client, "/sign-in/code", code=last_code(people))
    with client.session_transaction() as cookie:
        token = cookie["sid"]
    assert token != "planted-by-an-attacker"
    assert signed_in(client)
    with people.app_context():
        actions = db.session().scalars(select(Event.action)).all()
    assert "code_sent" in actions and "signed_in" in actions


def test_an_unknown_iin_and_a_wrong_password_get_the_same_answer(people: Flask) -> None:
    account(people)
    client = people.test_client()
    wrong = post(client, "/sign-in/", iin=IIN, password="not the password")
    unknown = post(client, "/sign-in/", iin="921231445671", password="not the password")
    assert wrong.status_code == unknown.status_code == 422

    def summary(response) -> str:  # type: ignore[no-untyped-def]
        match = re.search(r'<div class="error-summary".*?</div>', response.get_data(as_text=True),
                          re.S)
        assert match
        return match.group(0)

    assert summary(wrong) == summary(unknown)


def test_a_code_is_single_use_and_five_wrong_tries_lock_it(people: Flask) -> None:
    account(people)
    client = people.test_client()
    post(client, "/sign-in/", iin=IIN, password=PASSWORD)
    code = last_code(people)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert post(client, "/sign-in/code", code=wrong).status_code == 422
    locked = post(client, "/sign-in/code", code=code)
    assert locked.status_code == 422 and "Қате кодтар тым көп" in locked.get_data(as_text=True)
    assert not signed_in(client)


def test_a_new_code_waits_a_minute_and_then_replaces_the_old_one(people: Flask) -> None:
    account(people)
    client = people.test_client()
    post(client, "/sign-in/", iin=IIN, password=PASSWORD)
    first = last_code(people)
    again = post(client, "/sign-in/code/again")
    assert again.status_code == 303
    assert "Код жаңа ғана жіберілді" in client.get("/sign-in/code").get_data(as_text=True)
    assert last_code(people) == first  # refused: no second SMS within the minute


def test_a_second_sign_in_within_the_minute_after_the_code_was_used_says_so(
        people: Flask) -> None:
    """The first sign-in used the code; a second one a moment later (another device) gets no
    new SMS yet and is told that the last code is used and when to ask for a new one — not
    "a code was just sent", which the person would wait for in vain."""
    account(people)
    first_device = people.test_client()
    post(first_device, "/sign-in/", iin=IIN, password=PASSWORD)
    post(first_device, "/sign-in/code", code=last_code(people))
    assert signed_in(first_device)
    other = people.test_client()
    post(other, "/sign-in/", iin=IIN, password=PASSWORD)
    page = other.get("/sign-in/code").get_data(as_text=True)
    assert "Код жаңа ғана жіберілді" not in page
    assert "Жаңа ғана жіберілген код пайдаланылып қойған" in page


def test_sign_out_ends_the_session_on_the_server_not_only_in_the_cookie(people: Flask) -> None:
    account(people)
    client = people.test_client()
    post(client, "/sign-in/", iin=IIN, password=PASSWORD)
    post(client, "/sign-in/code", code=last_code(people))
    with client.session_transaction() as cookie:
        stolen = cookie["sid"]
    post(client, "/sign-in/sign-out")
    assert not signed_in(client)
    thief = people.test_client()
    with thief.session_transaction() as cookie:
        cookie["sid"] = stolen
    assert thief.get("/cabinet/").status_code == 302  # the copied cookie opens nothing


def test_sign_out_clears_the_site_data_then_sets_the_notice_and_the_language_again(
    people: Flask,
) -> None:
    """ASVS 14.3.1: the browser drops its cache, storage and cookies of the portal; the notice
    and the chosen language come back in the next answers, after the clearing."""
    account(people)
    client = people.test_client()
    client.set_cookie("lang", "ru")
    post(client, "/sign-in/", iin=IIN, password=PASSWORD)
    post(client, "/sign-in/code", code=last_code(people))
    out = post(client, "/sign-in/sign-out")
    assert out.status_code == 303
    assert out.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert out.location == "/sign-in/signed-out?everywhere=0&lang=ru"
    client.delete_cookie("lang")  # as the browser does on Clear-Site-Data
    again = client.get(out.location)
    assert again.status_code == 303 and again.location.startswith("/language/ru?next=/")
    home = client.get(again.location, follow_redirects=True)
    assert client.get_cookie("lang").value == "ru"  # type: ignore[union-attr]
    assert "Вы вышли из системы." in home.get_data(as_text=True)
    assert not signed_in(client)
    nobody = post(people.test_client(), "/sign-in/sign-out")
    assert "Clear-Site-Data" not in nobody.headers and nobody.location == "/"


def test_sign_out_everywhere_ends_every_session_of_the_person(people: Flask) -> None:
    account(people)
    phone, laptop = people.test_client(), people.test_client()
    for client in (phone, laptop):
        post(client, "/sign-in/", iin=IIN, password=PASSWORD)
        let_the_resend_limit_pass(people)  # each device asks for a code to the same number
        post(client, "/sign-in/code", code=last_code(people))
    assert signed_in(phone) and signed_in(laptop)
    post(phone, "/sign-in/sign-out", everywhere="1")
    assert not signed_in(phone) and not signed_in(laptop)
    with people.app_context():
        reasons = set(db.session().scalars(select(WebSession.ended_reason)))
    assert reasons == {SessionEnd.SIGN_OUT_EVERYWHERE}


def _age_session(app: Flask, client: FlaskClient, **ago: dt.timedelta) -> None:
    from portal.web.access import token_digest

    with client.session_transaction() as cookie:
        token = cookie["sid"]
    with app.app_context():
        row = db.session().get(WebSession, token_digest(token))
        assert row is not None
        for name, delta in ago.items():
            setattr(row, name, utcnow() - delta)
        db.session().commit()


def test_fifteen_idle_minutes_end_the_session_and_the_next_page_says_why(
    client_request, people: Flask  # type: ignore[no-untyped-def]
) -> None:
    citizen = client_request.login_as("citizen")
    assert citizen is not None
    client = client_request.client
    _age_session(people, client, last_seen_at=dt.timedelta(minutes=16))
    response = client.get("/cabinet/")
    assert response.status_code == 302 and "/sign-in/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "15 минут әрекетсіздіктен кейін" in page


def test_twelve_hours_end_a_session_however_active(client_request) -> None:  # type: ignore[no-untyped-def]
    client_request.login_as("citizen")
    _age_session(client_request.app, client_request.client, created_at=dt.timedelta(hours=12),
                 last_seen_at=dt.timedelta(seconds=5))
    assert client_request.client.get("/cabinet/").status_code == 302


def test_a_status_poll_does_not_count_as_activity(client_request) -> None:  # type: ignore[no-untyped-def]
    from portal.web.access import token_digest

    client_request.login_as("citizen")
    _age_session(client_request.app, client_request.client, last_seen_at=dt.timedelta(minutes=5))
    client_request.client.get("/sign/status/unknown-challenge",
                              headers={"HX-Request": "true"})
    with client_request.client.session_transaction() as cookie:
        token = cookie["sid"]
    with client_request.app.app_context():
        row = db.session().get(WebSession, token_digest(token))
        assert row is not None and utcnow() - row.last_seen_at > dt.timedelta(minutes=4)


def test_a_page_is_activity_written_at_most_once_a_touch_interval(client_request) -> None:  # type: ignore[no-untyped-def]
    from portal.web.access import TOUCH_INTERVAL, token_digest

    client_request.login_as("citizen")
    client = client_request.client
    _age_session(client_request.app, client, last_seen_at=dt.timedelta(minutes=5))
    with client.session_transaction() as cookie:
        digest = token_digest(cookie["sid"])

    def last_seen() -> dt.datetime:
        with client_request.app.app_context():
            row = db.session().get(WebSession, digest)
            assert row is not None and row.ended_at is None
            return row.last_seen_at

    assert client.get("/cabinet/").status_code == 200
    touched = last_seen()
    assert utcnow() - touched < TOUCH_INTERVAL  # the page kept the session alive
    assert client.get("/cabinet/").status_code == 200
    assert last_seen() == touched  # not written again within the interval


def test_an_htmx_request_without_a_session_is_sent_to_sign_in_and_back(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/cabinet/", headers={
        "HX-Request": "true", "HX-Current-URL": "http://localhost/cabinet/?tab=1"})
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/sign-in/?next=/cabinet/?tab%3D1"


def test_a_password_reset_sets_a_new_password_and_ends_every_session(people: Flask) -> None:
    account(people)
    other_device = people.test_client()
    post(other_device, "/sign-in/", iin=IIN, password=PASSWORD)
    post(other_device, "/sign-in/code", code=last_code(people))
    let_the_resend_limit_pass(people)
    client = people.test_client()
    assert post(client, "/sign-in/reset", iin=IIN).status_code == 303
    post(client, "/sign-in/code", code=last_code(people, SmsPurpose.PASSWORD_RESET))
    new = "көк теңіз жағасы"
    done = post(client, "/sign-in/reset/password", password=new, password_again=new)
    assert done.status_code == 303 and done.headers["Location"].endswith("/sign-in/")
    assert not signed_in(other_device)
    assert post(client, "/sign-in/", iin=IIN, password=new).status_code == 303


def test_a_reset_for_an_iin_without_an_account_looks_the_same(people: Flask) -> None:
    client = people.test_client()
    response = post(client, "/sign-in/reset", iin="921231445671")
    assert response.status_code == 303 and response.headers["Location"].endswith("/sign-in/code")
    page = client.get("/sign-in/code")
    assert page.status_code == 200
    assert post(client, "/sign-in/code", code="123456").status_code == 422


def test_an_account_without_a_phone_is_told_to_use_eds_not_given_an_error(
    people: Flask,
) -> None:
    with people.app_context():
        session = db.session()
        create_citizen(session, iin="500706400099", phone=None,
                       password_hash=hash_password(PASSWORD), confirmed_at=utcnow())
        session.commit()
    page = post(people.test_client(), "/sign-in/", iin="500706400099", password=PASSWORD)
    assert page.status_code == 422
    assert "ЭЦҚ арқылы кіріңіз" in page.get_data(as_text=True)


def test_signing_in_right_after_a_reset_gets_its_own_code(people: Flask) -> None:
    account(people)
    client = people.test_client()
    post(client, "/sign-in/reset", iin=IIN)
    post(client, "/sign-in/code", code=last_code(people, SmsPurpose.PASSWORD_RESET))
    new = "көк теңіз жағасы"
    post(client, "/sign-in/reset/password", password=new, password_again=new)
    post(client, "/sign-in/", iin="8503 2130 1238", password=new)  # spaces as on a card
    post(client, "/sign-in/code", code=last_code(people))
    assert signed_in(client)


def test_too_many_tries_for_one_iin_say_when_to_try_again(people: Flask) -> None:
    client = people.test_client()
    token = csrf(client, "/sign-in/")
    answers = [client.post("/sign-in/", data={"csrf_token": token, "iin": IIN,
                                              "password": "not the password"})
               for _ in range(6)]
    assert [a.status_code for a in answers] == [422] * 5 + [429]
    text = answers[-1].get_data(as_text=True)
    assert "әрекеттер саны шектеулі" in text and re.search(r"\d\d:\d\d", text)


def test_signing_in_again_within_the_minute_waits_for_the_code_already_sent(people: Flask) -> None:
    """Back, sign in again: no second SMS within the minute, so the first code must work."""
    account(people)
    first_try = people.test_client()
    post(first_try, "/sign-in/", iin=IIN, password=PASSWORD)
    code = last_code(people)
    second_try = people.test_client()
    post(second_try, "/sign-in/", iin=IIN, password=PASSWORD)
    assert last_code(people) == code  # held back by the resend limit
    post(second_try, "/sign-in/code", code=code)
    assert signed_in(second_try)
