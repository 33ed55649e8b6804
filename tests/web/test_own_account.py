""" "My account": change the password with the current one (ASVS 6.2.2, 6.2.3) and see and end
one's own sessions (ASVS 7.5.2), for citizens and staff, on both databases."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import db
from portal.db import utcnow
from portal.domain.workflow import Role
from portal.models import (
    Citizen,
    Event,
    SessionEnd,
    SignInMethod,
    SmsMessage,
    StaffUser,
    SubjectKind,
    WebSession,
)
from portal.services.passwords import check_password, hash_password
from portal.web.access import token_digest
from tests.factories import create_citizen
from tests.pages import check_page
from tests.web.staff_helpers import code_at, enter_code, enter_password, make_staff

IIN = "850321301238"
PHONE = "+77011234567"
PASSWORD = "жасыл алма ағашы"
NEW = "көк теңіз жағасы бойында"
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/130.0.0.0 Mobile Safari/537.36"
)


def confirmed_citizen(app: Flask, **fields: Any) -> Citizen:
    """A citizen with a confirmed account, saved and detached (ready for :func:`sign_in`)."""
    with app.app_context():
        s = db.session()
        person = create_citizen(s, confirmed_at=utcnow(), **fields)
        s.commit()
        s.expunge(person)
        return person


@pytest.fixture
def citizen(db_app: Flask) -> Citizen:
    return confirmed_citizen(db_app, iin=IIN, phone=PHONE, password_hash=hash_password(PASSWORD))


def sign_in(app: Flask, person: Citizen | StaffUser, device: str | None = "Firefox/Linux") -> FlaskClient:
    """A client with a live session of ``person``, as the end of the sign-in journey leaves it."""
    client = app.test_client()
    token = secrets.token_urlsafe(32)
    staff = isinstance(person, StaffUser)
    with app.app_context():
        s = db.session()
        s.add(
            WebSession(
                id=token_digest(token),
                subject_kind=SubjectKind.STAFF if staff else SubjectKind.CITIZEN,
                subject_id=person.id,
                device=device,
                device_hash="0" * 64,
                method=SignInMethod.PASSWORD_TOTP if staff else SignInMethod.PASSWORD_SMS,
            )
        )
        s.commit()
    with client.session_transaction() as cookie:
        cookie["sid"] = token
    return client


def token_of(client: FlaskClient) -> str:
    with client.session_transaction() as cookie:
        token: str = cookie["sid"]
    return token


def csrf(client: FlaskClient, url: str = "/account/") -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(True))
    assert match is not None, f"no CSRF token on {url}"
    return match.group(1)


def post(client: FlaskClient, url: str, **form: str):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf(client), **form})


def change(client: FlaskClient, current: str = PASSWORD, new: str = NEW, again: str | None = None):  # type: ignore[no-untyped-def]
    return post(
        client,
        "/account/password",
        current=current,
        password=new,
        password_again=new if again is None else again,
    )


def signed_in(client: FlaskClient) -> bool:
    return client.get("/account/").status_code == 200


def actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session().scalars(select(Event.action).order_by(Event.seq)))


def password_hash_of(app: Flask, model: type[Citizen] | type[StaffUser], pk: int) -> str:
    with app.app_context():
        person = db.session().get(model, pk)
        assert person is not None and person.password_hash
        return person.password_hash


def errors(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(
        p.get_text(" ", strip=True)
        for p in BeautifulSoup(response.get_data(True), "html.parser").select(".field-error")
    )


# -- changing the password ------------------------------------------------------------------------


def test_a_citizen_changes_the_password_keeps_this_session_under_a_new_id_and_ends_the_others(
    db_app: Flask, citizen: Citizen
) -> None:
    here, elsewhere = sign_in(db_app, citizen), sign_in(db_app, citizen, "Chrome/Android")
    before = token_of(here)
    response = change(here)
    assert response.status_code == 303 and response.headers["Location"].endswith("/account/")
    assert token_of(here) != before  # the session id is rotated (ASVS 7.2.4)
    assert signed_in(here)
    with db_app.app_context():
        s = db.session()
        old, new = s.get(WebSession, token_digest(before)), s.get(WebSession, token_digest(token_of(here)))
        assert old is not None and old.ended_reason is SessionEnd.PASSWORD_CHANGED
        assert new is not None and new.ended_at is None
        assert new.created_at == old.created_at  # the absolute limit still counts from sign-in
        sms = s.scalars(select(SmsMessage).order_by(SmsMessage.id.desc())).first()
    assert check_password(password_hash_of(db_app, Citizen, citizen.id), NEW)
    # The other device is signed out at its next request, and told why.
    response = elsewhere.get("/account/")
    assert response.status_code == 302 and "/sign-in/" in response.headers["Location"]
    assert sms is not None and sms.phone == PHONE
    assert IIN not in sms.text and "Қасымов" not in sms.text and "Бауыржан" not in sms.text
    assert "password_changed" in actions(db_app)


def test_a_wrong_current_password_is_refused_clearly_counted_and_changes_nothing(
    db_app: Flask, citizen: Citizen
) -> None:
    client = sign_in(db_app, citizen)
    client.set_cookie("lang", "en")
    before = password_hash_of(db_app, Citizen, citizen.id)
    response = change(client, current="not my password at all")
    assert response.status_code == 422
    page = check_page(response)
    assert "That is not your current password." in errors(response)
    assert page.select_one("#current[aria-invalid=true]") is not None
    assert all(not field.get("value") for field in page.select("input[type=password]"))
    assert password_hash_of(db_app, Citizen, citizen.id) == before
    assert actions(db_app).count("password_change_refused") == 1
    assert signed_in(client)


def test_the_fifth_wrong_current_password_ends_the_session(db_app: Flask, citizen: Citizen) -> None:
    client = sign_in(db_app, citizen)
    for _ in range(4):
        assert change(client, current="a wrong guess here").status_code == 422
    response = change(client, current="a wrong guess here")
    assert response.status_code == 303 and response.headers["Location"].endswith("/sign-in/")
    assert not signed_in(client)
    with db_app.app_context():
        reasons = set(db.session().scalars(select(WebSession.ended_reason)))
    assert reasons == {SessionEnd.PASSWORD_TRIES}


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        ("short", "at least 8 characters"),
        ("password123", "common or leaked"),
        (f"my {IIN} pass", "your IIN, name or phone"),
    ],
)
def test_a_weak_new_password_is_refused_by_the_password_rules(
    db_app: Flask, citizen: Citizen, new: str, expected: str
) -> None:
    client = sign_in(db_app, citizen)
    client.set_cookie("lang", "en")
    before = password_hash_of(db_app, Citizen, citizen.id)
    response = change(client, new=new)
    assert response.status_code == 422
    page = check_page(response)
    assert page.select_one("#password[aria-invalid=true]") is not None
    assert expected in errors(response)
    assert password_hash_of(db_app, Citizen, citizen.id) == before
    assert "password_changed" not in actions(db_app)


def test_a_confirmation_that_differs_is_refused(db_app: Flask, citizen: Citizen) -> None:
    client = sign_in(db_app, citizen)
    response = change(client, again=NEW + "!")
    assert response.status_code == 422
    assert check_page(response).select_one("#password_again[aria-invalid=true]") is not None
    assert check_password(password_hash_of(db_app, Citizen, citizen.id), PASSWORD)


def test_an_account_that_signs_in_with_eds_only_has_no_password_to_change(db_app: Flask) -> None:
    with db_app.app_context():
        s = db.session()
        person = create_citizen(s, iin="500706400099", phone=None, confirmed_at=utcnow())
        s.commit()
        s.expunge(person)
    client = sign_in(db_app, person)
    page = check_page(client.get("/account/password"))
    assert page.select_one("form[action='/account/password']") is None
    assert (
        client.post(
            "/account/password",
            data={"csrf_token": csrf(client), "current": "x" * 10, "password": NEW, "password_again": NEW},
        ).status_code
        == 200
    )


def test_staff_change_their_password_from_my_account_in_the_header(db_app: Flask) -> None:
    staff = make_staff(db_app, role=Role.SPECIALIST)
    client, other = sign_in(db_app, staff), sign_in(db_app, staff)
    page = check_page(client.get("/staff/"))
    assert page.select_one("nav a[href='/account/']") is not None
    account = check_page(client.get("/account/"))
    assert account.select_one("a[href='/account/password']") is not None
    assert change(client, current="a long staff passphrase 2026").status_code == 303
    assert check_password(password_hash_of(db_app, StaffUser, staff.id), NEW)
    assert signed_in(client) and not signed_in(other)
    with db_app.app_context():
        event = db.session().scalars(select(Event).where(Event.action == "password_changed")).one()
    assert (event.actor_kind, event.actor_id) == ("staff", staff.id)


def test_a_staff_member_may_not_use_their_login_in_the_new_password(db_app: Flask) -> None:
    staff = make_staff(db_app, role=Role.SPECIALIST)
    client = sign_in(db_app, staff)
    response = change(client, current="a long staff passphrase 2026", new=f"{staff.login} is my name")
    assert response.status_code == 422


# -- the list of sessions -------------------------------------------------------------------------


def test_the_list_shows_each_live_session_with_a_coarse_device_and_marks_this_one(
    db_app: Flask, citizen: Citizen
) -> None:
    here = sign_in(db_app, citizen, "Firefox/Linux")
    sign_in(db_app, citizen, "Chrome/Android")
    ended = sign_in(db_app, citizen, "Safari/iOS")
    post(ended, "/sign-in/sign-out")
    page = check_page(here.get("/account/sessions"))
    cards = page.select("main li.card")
    titles = [card.h2.get_text(" ", strip=True) for card in cards]
    assert len(cards) == 2  # the signed-out one is not listed
    assert titles[0].startswith("Firefox · Linux") and "(" in titles[0]  # this one, first
    assert titles[1] == "Chrome · Android"
    assert cards[0].select_one("form") is None  # this session is ended by signing out
    assert cards[1].select_one("form[action='/account/sessions/end']") is not None
    assert token_digest(token_of(here)) not in page.decode()  # the key never reaches the page


def test_a_real_sign_in_records_the_browser_and_system_family_only(db_app: Flask) -> None:
    staff = make_staff(db_app, role=Role.SPECIALIST)
    client = db_app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = CHROME_ANDROID
    enter_password(client, staff.login)
    assert enter_code(client, code_at(utcnow())).status_code == 303
    with db_app.app_context():
        row = db.session().scalars(select(WebSession)).one()
    assert row.device == "Chrome/Android"


def test_ending_another_session_signs_it_out_at_its_next_request(db_app: Flask, citizen: Citizen) -> None:
    here, lost_phone = sign_in(db_app, citizen), sign_in(db_app, citizen, "Chrome/Android")
    page = check_page(here.get("/account/sessions"))
    handle = page.select("input[name=session]")[0]["value"]
    response = post(here, "/account/sessions/end", session=handle)
    assert response.status_code == 303
    response = lost_phone.get("/account/")
    assert response.status_code == 302 and "/sign-in/" in response.headers["Location"]
    assert "/sign-in/" in lost_phone.get("/cabinet/").headers["Location"]
    assert signed_in(here)
    with db_app.app_context():
        reasons = list(db.session().scalars(select(WebSession.ended_reason)))
    assert SessionEnd.ENDED_BY_PERSON in reasons


def test_ending_every_other_session_keeps_this_one(db_app: Flask, citizen: Citizen) -> None:
    here = sign_in(db_app, citizen)
    others = [sign_in(db_app, citizen, "Chrome/Android") for _ in range(2)]
    assert post(here, "/account/sessions/end-others").status_code == 303
    assert signed_in(here)
    assert not any(signed_in(other) for other in others)
    page = check_page(here.get("/account/sessions"))
    assert len(page.select("main li.card")) == 1


def test_another_persons_session_or_this_one_cannot_be_ended_from_the_list(
    db_app: Flask, citizen: Citizen
) -> None:
    from portal.services.own_account import handle_of

    staff = make_staff(db_app, role=Role.SPECIALIST)
    victim = sign_in(db_app, staff)
    here = sign_in(db_app, citizen)
    with db_app.app_context():
        s = db.session()
        theirs = s.get(WebSession, token_digest(token_of(victim)))
        mine = s.get(WebSession, token_digest(token_of(here)))
        assert theirs is not None and mine is not None
        their_handle, my_handle = handle_of(theirs), handle_of(mine)
    for handle in (their_handle, my_handle, "", "x" * 500, "<script>"):
        assert post(here, "/account/sessions/end", session=handle).status_code == 404
    assert signed_in(victim) and signed_in(here)


@pytest.mark.parametrize(
    "url", ["/account/password", "/account/sessions/end", "/account/sessions/end-others"]
)
def test_a_post_without_the_csrf_token_is_refused(db_app: Flask, citizen: Citizen, url: str) -> None:
    client = sign_in(db_app, citizen)
    other = sign_in(db_app, citizen)
    response = client.post(
        url, data={"current": PASSWORD, "password": NEW, "password_again": NEW, "session": "x"}
    )
    assert response.status_code == 400
    assert check_password(password_hash_of(db_app, Citizen, citizen.id), PASSWORD)
    assert signed_in(other)


@pytest.mark.parametrize("url", ["/account/", "/account/password", "/account/sessions"])
def test_without_a_session_the_pages_ask_to_sign_in(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302 and "/sign-in/" in response.headers["Location"]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_pages_are_whole_in_each_language_and_not_cached(
    db_app: Flask, citizen: Citizen, language: str
) -> None:
    client = sign_in(db_app, citizen)
    client.set_cookie("lang", language)
    for url in ("/account/", "/account/password", "/account/sessions"):
        response = client.get(url)
        check_page(response)
        assert response.headers["Cache-Control"] == "no-store"
    cabinet = check_page(client.get("/cabinet/"))
    assert cabinet.select_one("a[href='/account/password']") is not None
    assert cabinet.select_one("a[href='/account/sessions']") is not None


def test_changing_the_password_does_not_extend_the_twelve_hours_from_sign_in(
    db_app: Flask, citizen: Citizen
) -> None:
    import datetime as dt

    client = sign_in(db_app, citizen)
    with db_app.app_context():
        row = db.session().get(WebSession, token_digest(token_of(client)))
        assert row is not None
        row.created_at = utcnow() - dt.timedelta(hours=11, minutes=59, seconds=50)
        db.session().commit()
    assert change(client).status_code == 303
    assert signed_in(client)
    with db_app.app_context():
        row = db.session().get(WebSession, token_digest(token_of(client)))
        assert row is not None
        row.created_at -= dt.timedelta(seconds=15)  # the 12 hours pass a moment later
        db.session().commit()
    assert not signed_in(client)
