"""Staff sign in with a login, a password and a second factor; the first time they enrol it."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pyotp
import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import db
from portal.domain.workflow import Role
from portal.models import StaffFactor, StaffRecoveryCode, WebSession
from portal.services import staff_accounts
from tests.pages import check_page
from tests.web.staff_helpers import (
    PASSWORD,
    SECRET,
    code_at,
    enter_code,
    enter_password,
    events_named,
    make_staff,
    post,
    step_start,
)

NOW = step_start(dt.datetime.now(dt.UTC))


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sign-in pages see a fixed time, a few seconds into a 30-second step."""
    monkeypatch.setattr("portal.views.auth.staff.utcnow", lambda: NOW)


def _sid(client: FlaskClient) -> str | None:
    with client.session_transaction() as cookie:
        sid = cookie.get("sid")
        return sid if isinstance(sid, str) else None


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser set to English, so that the tests read the messages they check."""
    browser = app.test_client()
    browser.set_cookie("lang", "en")
    return browser


def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(
        app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app)
    wrong = enter_password(client, staff.login, "not the password")
    unknown = enter_password(client, "nobody-here", PASSWORD)
    assert wrong.status_code == unknown.status_code == 422
    message = "The login or the password is not right"
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    reasons = [e.data["why"] for e in events_named(app, "staff_sign_in_failed")]
    assert reasons == ["password", "unknown"]


def test_a_deactivated_person_is_refused_like_a_wrong_password(
        app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app, active=False)
    response = enter_password(client, staff.login)
    assert response.status_code == 422
    assert "The login or the password is not right" in response.get_data(as_text=True)
    assert [e.data["why"] for e in events_named(app, "staff_sign_in_failed")] == ["inactive"]


def test_the_password_then_the_apps_code_signs_in_and_goes_to_next(
        app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app)
    response = enter_password(client, staff.login, next_url="/staff/admin/people")
    assert response.status_code == 303 and response.location.endswith("/sign-in/staff/code")
    assert _sid(client) is None  # only a pending marker so far
    response = enter_code(client, code_at(NOW))
    assert response.status_code == 303 and response.location.endswith("/staff/admin/people")
    assert _sid(client) is not None
    signed_in = events_named(app, "staff_signed_in")
    assert [(e.actor_id, e.data["method"]) for e in signed_in] == [(staff.id, "password_totp")]
    assert SECRET not in str(signed_in[0].data)


def test_without_next_the_sign_in_goes_to_the_staff_queue(
        app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app)
    enter_password(client, staff.login)
    response = enter_code(client, code_at(NOW))
    assert response.location.endswith("/staff/")


def test_a_code_one_step_early_or_late_is_accepted(app: Flask, client: FlaskClient) -> None:
    for steps in (-1, 1):
        staff = make_staff(app)
        fresh = app.test_client()
        enter_password(fresh, staff.login)
        assert enter_code(fresh, code_at(NOW, steps)).status_code == 303


def test_a_wrong_code_is_refused_and_the_page_says_so(app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app)
    enter_password(client, staff.login)
    wrong = "000000" if code_at(NOW) != "000000" else "111111"
    response = enter_code(client, wrong)
    assert response.status_code == 422
    assert "That code is not right" in response.get_data(as_text=True)
    assert _sid(client) is None
    assert len(events_named(app, "staff_factor_wrong")) == 1


def test_a_code_from_two_steps_ago_has_expired(app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app)
    enter_password(client, staff.login)
    assert enter_code(client, code_at(NOW, -2)).status_code == 422
    assert enter_code(client, code_at(NOW, 2)).status_code == 422


def test_the_same_code_is_never_accepted_twice(app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app)
    enter_password(client, staff.login)
    assert enter_code(client, code_at(NOW)).status_code == 303
    other = app.test_client()
    enter_password(other, staff.login)
    assert enter_code(other, code_at(NOW)).status_code == 422  # replayed
    assert enter_code(other, code_at(NOW, -1)).status_code == 422  # older than the one used
    assert enter_code(other, code_at(NOW, 1)).status_code == 303  # the next step is fine


def test_five_wrong_codes_end_the_pending_sign_in(app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app)
    enter_password(client, staff.login)
    wrong = "000000" if code_at(NOW) != "000000" else "111111"
    statuses = [enter_code(client, wrong).status_code for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 303]
    # The pending sign-in is gone: even the right code now sends the person back to the start.
    response = client.get("/sign-in/staff/code")
    assert response.status_code == 302 and "/sign-in/staff" in response.location
    assert len(events_named(app, "factor_locked")) == 1


def test_the_wrong_codes_are_counted_on_the_server_not_in_the_cookie(
        app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app)
    enter_password(client, staff.login)
    with client.session_transaction() as cookie:
        saved = dict(cookie)
    wrong = "000000" if code_at(NOW) != "000000" else "111111"
    for _ in range(4):
        enter_code(client, wrong)
    with client.session_transaction() as cookie:  # an old cookie sent again
        cookie.clear()
        cookie.update(saved)
    assert enter_code(client, wrong).status_code == 303  # the fifth: locked all the same
    assert len(events_named(app, "factor_locked")) == 1


def test_a_pending_sign_in_lasts_ten_minutes(app: Flask, client: FlaskClient,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    staff = make_staff(app)
    enter_password(client, staff.login)
    later = NOW + dt.timedelta(minutes=10, seconds=1)
    monkeypatch.setattr("portal.views.auth.staff.utcnow", lambda: later)
    response = client.get("/sign-in/staff/code")
    assert response.status_code == 302


def test_a_recovery_code_works_once(app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app)
    with app.app_context():
        s = db.session()
        codes = staff_accounts.replace_recovery_codes(s, s.get(type(staff), staff.id))
        s.commit()
    assert len(codes) == 10 and len(set(codes)) == 10
    enter_password(client, staff.login)
    response = enter_code(client, codes[3].upper().replace("-", " "))  # as typed from paper
    assert response.status_code == 303
    assert "it will not work again" in client.get(response.location).get_data(as_text=True)
    assert [e.data["method"] for e in events_named(app, "staff_signed_in")] == ["recovery_code"]
    assert events_named(app, "recovery_code_used")[0].data == {"left": 9}
    again = app.test_client()
    enter_password(again, staff.login)
    assert enter_code(again, codes[3]).status_code == 422
    with app.app_context():
        stored = db.session().scalars(select(StaffRecoveryCode.code_hash)).all()
    assert all(h.startswith("$argon2id$") for h in stored)
    assert not any(c in h for c in codes for h in stored)


def test_the_session_id_changes_at_sign_in(app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app)
    enter_password(client, staff.login)
    with client.session_transaction() as cookie:
        assert "staff_pending" in cookie and "sid" not in cookie
    enter_code(client, code_at(NOW))
    first = _sid(client)
    with client.session_transaction() as cookie:
        assert "staff_pending" not in cookie  # the session was cleared, not amended
    post(client, "/sign-in/staff", {"login": staff.login, "password": PASSWORD}, token_from="/")
    enter_code(client, code_at(NOW, 1))
    second = _sid(client)
    assert first and second and first != second
    with app.app_context():
        assert db.session().scalar(select(WebSession).where(
            WebSession.subject_id == staff.id, WebSession.method == "password_totp")) is not None


def test_the_first_sign_in_enrols_an_authenticator_with_a_qr_code(
        app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app, enrolled=False)
    response = enter_password(client, staff.login)
    assert response.location.endswith("/sign-in/staff/enrol")
    page = client.get("/sign-in/staff/enrol")
    assert page.status_code == 200
    soup = check_page(page)
    assert soup.select_one(".qr svg") is not None
    grouped = soup.select_one("code.secret").get_text()
    secret = grouped.replace(" ", "")
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{1,4}", grouped) and len(secret) == 32
    assert client.get("/sign-in/staff/enrol").get_data(as_text=True).count(grouped) == 1  # same
    response = post(client, "/sign-in/staff/enrol", {"code": "123"})
    assert response.status_code == 422
    response = post(client, "/sign-in/staff/enrol", {"code": code_at(NOW, secret=secret)})
    assert response.status_code == 200
    shown = check_page(response)
    codes = [c.get_text() for c in shown.select(".recovery-codes code")]
    assert len(codes) == 10
    assert _sid(client) is not None
    with app.app_context():
        s = db.session()
        factor = s.get(StaffFactor, staff.id)
        assert factor is not None and factor.enrolled_at is not None
        assert secret not in factor.secret_encrypted
        assert len(s.scalars(select(StaffRecoveryCode)).all()) == 10
    assert len(events_named(app, "factor_enrolled")) == 1
    # The recovery codes are not shown again anywhere.
    assert client.get("/sign-in/staff/enrol").status_code == 302


def test_a_person_with_a_factor_never_sees_the_enrolment_page(
        app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app)
    enter_password(client, staff.login)
    response = client.get("/sign-in/staff/enrol")
    assert response.status_code == 302 and response.location.endswith("/sign-in/staff/code")


def test_the_code_pages_without_a_password_first_send_back_to_the_start(
        client: FlaskClient) -> None:
    for url in ("/sign-in/staff/code", "/sign-in/staff/enrol"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.endswith("/sign-in/staff")


def test_sign_in_is_limited_per_login_whatever_the_address(
        app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app)
    statuses = []
    for n in range(6):
        other = app.test_client()
        token_page = other.get("/sign-in/staff").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', token_page)
        assert token is not None
        statuses.append(other.post("/sign-in/staff", data={
            "csrf_token": token.group(1), "login": staff.login.upper(), "password": "wrong"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n + 1}"}).status_code)
    assert statuses == [422] * 5 + [429]


def test_sign_in_is_limited_per_address(app: Flask, client: FlaskClient) -> None:
    statuses = [enter_password(client, f"someone-{n}", "wrong").status_code for n in range(11)]
    assert statuses == [422] * 10 + [429]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_sign_in_pages_pass_the_page_checks(app: Flask, client: FlaskClient,
                                                language: str) -> None:
    client.set_cookie("lang", language)
    check_page(client.get("/sign-in/staff"))
    check_page(enter_password(client, "nobody", "wrong"))
    staff = make_staff(app)
    enter_password(client, staff.login)
    check_page(client.get("/sign-in/staff/code"))
    check_page(enter_code(client, "000000" if code_at(NOW) != "000000" else "111111"))
    newcomer = make_staff(app, enrolled=False)
    other = app.test_client()
    other.set_cookie("lang", language)
    enter_password(other, newcomer.login)
    response = other.get("/sign-in/staff/enrol")
    assert response.headers["Cache-Control"] == "no-store"
    check_page(response)


def test_totp_codes_match_what_an_authenticator_app_shows() -> None:
    now = dt.datetime.now(dt.UTC)
    assert pyotp.TOTP(SECRET).now() in {code_at(now), code_at(now, -1), code_at(now, 1)}


def test_five_wrong_codes_at_enrolment_end_the_pending_sign_in_too(
        app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app, enrolled=False)
    enter_password(client, staff.login)
    statuses = [post(client, "/sign-in/staff/enrol", {"code": "000000"}).status_code
                for _ in range(5)]
    assert statuses == [422, 422, 422, 422, 303]
    assert client.get("/sign-in/staff/enrol").status_code == 302
    assert len(events_named(app, "factor_locked")) == 1


def test_a_staff_member_signing_out_clears_the_site_data_and_the_session_is_refused(
        app: Flask, client: FlaskClient) -> None:
    """ASVS 14.3.1 for the back office: the same sign-out, the same Clear-Site-Data."""
    staff = make_staff(app)
    enter_password(client, staff.login)
    enter_code(client, code_at(NOW))
    sid = _sid(client)
    assert sid and client.get("/staff/").status_code == 200
    out = post(client, "/sign-in/sign-out", {}, token_from="/staff/")
    assert out.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert out.location == "/sign-in/signed-out?everywhere=0&lang=en"
    copy = app.test_client()
    with copy.session_transaction() as cookie:
        cookie["sid"] = sid
    assert copy.get("/staff/").status_code == 302


# -- seeds at rest: AES-256-GCM bound to their person (ASVS 11.3.2, 11.2.2), opened under
# SECRET_KEY_FALLBACKS after a rotation and sealed anew (next right code, or
# `flask sessions reseal-factors`) -------------------------------------------------------------

def _stored(app: Flask, staff_id: int) -> str:
    with app.app_context():
        return db.session().get(StaffFactor, staff_id).secret_encrypted  # type: ignore[union-attr]


def _store(app: Flask, staff_id: int, sealed: str) -> None:
    with app.app_context():
        db.session().get(StaffFactor, staff_id).secret_encrypted = sealed  # type: ignore[union-attr]
        db.session().commit()


def _fernet_sealed(secret_key: str, seed: str) -> str:
    """A seed as the portal sealed it before (Fernet, key by HKDF info 'portal staff totp v1')."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"portal staff totp v1").derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key)).encrypt(seed.encode()).decode()


def _rotate(app: Flask) -> str:
    old = app.config["SECRET_KEY"]
    app.config.update(SECRET_KEY="a new secret key for the rotation test, long enough",
                      SECRET_KEY_FALLBACKS=[old])
    return str(old)


def test_a_seed_is_sealed_with_aes_gcm_and_holds_nothing_readable_11_3_2(app: Flask) -> None:
    staff = make_staff(app)
    sealed = _stored(app, staff.id)
    assert sealed.startswith("v2.")
    raw = base64.urlsafe_b64decode(sealed[3:])
    assert len(raw) == 12 + len(SECRET) + 16  # nonce, ciphertext, GCM tag
    assert SECRET.encode() not in raw and SECRET not in sealed
    with app.app_context():
        assert staff_accounts.decrypt_secret(sealed, staff.id) == SECRET
        again = staff_accounts.encrypt_secret(SECRET, staff.id)
    assert again != sealed  # a fresh nonce each time


def test_a_sealed_seed_copied_into_another_persons_row_does_not_open(app: Flask) -> None:
    mine, theirs = make_staff(app), make_staff(app, enrolled=False)
    with app.app_context():
        assert staff_accounts.decrypt_secret(_stored(app, mine.id), theirs.id) is None
        flipped = bytearray(base64.urlsafe_b64decode(_stored(app, mine.id)[3:]))
        flipped[-1] ^= 1
        tampered = "v2." + base64.urlsafe_b64encode(bytes(flipped)).decode()
        assert staff_accounts.decrypt_secret(tampered, mine.id) is None
        assert staff_accounts.decrypt_secret("v2.not base64!", mine.id) is None


def test_after_a_rotation_the_old_keys_seed_signs_in_and_is_sealed_anew(app: Flask) -> None:
    staff = make_staff(app)
    before = _stored(app, staff.id)
    _rotate(app)
    client = app.test_client()
    enter_password(client, staff.login)
    assert enter_code(client, code_at(NOW)).status_code == 303
    after = _stored(app, staff.id)
    assert after != before and after.startswith("v2.")
    app.config["SECRET_KEY_FALLBACKS"] = []  # the old key gone: the new seal still opens
    with app.app_context():
        assert staff_accounts.open_secret(after, staff.id) == (SECRET, True)


def test_without_the_old_key_in_the_fallbacks_the_seed_does_not_open(app: Flask) -> None:
    staff = make_staff(app)
    _rotate(app)
    app.config["SECRET_KEY_FALLBACKS"] = []
    client = app.test_client()
    enter_password(client, staff.login)
    assert enter_code(client, code_at(NOW)).status_code == 422


def test_a_seed_sealed_the_old_way_still_works_and_is_sealed_anew_11_2_2(app: Flask) -> None:
    staff = make_staff(app)
    _store(app, staff.id, _fernet_sealed(str(app.config["SECRET_KEY"]), SECRET))
    client = app.test_client()
    enter_password(client, staff.login)
    assert enter_code(client, code_at(NOW)).status_code == 303
    assert _stored(app, staff.id).startswith("v2.")


def test_reseal_factors_seals_every_seed_under_the_current_key(app: Flask) -> None:
    done = [make_staff(app) for _ in range(2)]
    lost = make_staff(app)
    old = _rotate(app)
    _store(app, done[1].id, _fernet_sealed(old, SECRET))
    _store(app, lost.id, _fernet_sealed("a key nobody has any more, long enough", SECRET))
    result = app.test_cli_runner().invoke(args=["sessions", "reseal-factors"])
    assert result.exit_code == 0, result.output
    assert "sealed anew: 2; unreadable (enrol again): 1" in result.output
    app.config["SECRET_KEY_FALLBACKS"] = []
    with app.app_context():
        for staff in done:
            assert staff_accounts.open_secret(_stored(app, staff.id), staff.id) == (SECRET, True)
        assert db.session().scalar(select(StaffFactor.staff_id).where(
            StaffFactor.staff_id == lost.id)) == lost.id
    [event] = events_named(app, "factors_resealed")
    assert event.data == {"resealed": 2, "unreadable": 1}


def test_the_1414_operator_lands_on_the_operators_search_not_the_case_queue(
        app: Flask, client: FlaskClient) -> None:
    """The operator may not open the case queue: signing in must not end on a 403."""
    operator = make_staff(app, role=Role.OPERATOR)
    enter_password(client, operator.login)
    response = enter_code(client, code_at(NOW))
    assert response.status_code == 303
    assert response.location == "/operator/"
    page = client.get(response.location)
    assert page.status_code == 200
    assert 'href="/operator/"' in page.get_data(as_text=True)  # and the menu names it
    assert client.get("/sign-in/staff").location == "/operator/"  # signed in already
