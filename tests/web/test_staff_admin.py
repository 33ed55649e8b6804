"""An administrator manages the staff of their own district: add, change, deactivate, reset."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import db
from portal.db import utcnow
from portal.domain.workflow import Role
from portal.models import District, StaffFactor, StaffRecoveryCode, StaffUser, WebSession
from portal.services import staff_accounts
from tests.factories import create_desk, create_district
from tests.pages import check_page
from tests.web.staff_helpers import (
    PASSWORD,
    enter_password,
    events_named,
    make_staff,
    post,
    sign_in_directly,
    staff_row,
)

PEOPLE = "/staff/admin/people"


def _admin(app: Flask, client: FlaskClient) -> StaffUser:
    admin = make_staff(app, role=Role.ADMIN)
    sign_in_directly(app, client, admin.id)
    return admin


def _desk_of(app: Flask, district_id: int) -> int:
    with app.app_context():
        s = db.session()
        district = s.get(District, district_id)
        assert district is not None
        desk = create_desk(s, district)
        s.commit()
        return desk.id


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser set to English, so that the tests read the messages they check."""
    browser = app.test_client()
    browser.set_cookie("lang", "en")
    return browser


def test_someone_signed_out_is_sent_to_the_staff_sign_in(client: FlaskClient) -> None:
    response = client.get(PEOPLE)
    assert response.status_code == 302
    assert "/sign-in/staff?next=/staff/admin/people" in response.location


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.HEAD, Role.INTAKE, Role.OPERATOR])
def test_staff_who_are_not_administrators_are_refused(app: Flask, client: FlaskClient,
                                                      role: Role) -> None:
    staff = make_staff(app, role=role)
    sign_in_directly(app, client, staff.id)
    assert client.get(PEOPLE).status_code == 403
    assert client.get(f"{PEOPLE}/{staff.id}").status_code == 403


def test_the_list_shows_the_admins_district_only(app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    colleague = make_staff(app, district_id=admin.district_id, full_name="Colleague Here")
    stranger = make_staff(app, full_name="Stranger Elsewhere")
    response = client.get(PEOPLE)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert colleague.full_name in text and stranger.full_name not in text
    assert 'hx-history="false"' in text


def test_another_districts_staff_answer_404_to_every_admin_page(
        app: Flask, client: FlaskClient) -> None:
    _admin(app, client)
    stranger = make_staff(app)
    assert client.get(f"{PEOPLE}/{stranger.id}").status_code == 404
    for action in ("deactivate", "reset-factor"):
        response = post(client, f"{PEOPLE}/{stranger.id}/{action}", {}, token_from=PEOPLE)
        assert response.status_code == 404
    response = post(client, f"{PEOPLE}/{stranger.id}", {"role": "admin"}, token_from=PEOPLE)
    assert response.status_code == 404
    row = staff_row(app, stranger.id)
    assert row.active and row.role is Role.SPECIALIST
    assert client.get(f"{PEOPLE}/not-a-number").status_code == 404


def test_an_admin_adds_a_staff_member_who_then_enrols_at_the_first_sign_in(
        app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    desk = _desk_of(app, admin.district_id or 0)
    response = post(client, f"{PEOPLE}/new", {
        "login": "new.intake", "full_name": "Нұрлан Жаңа", "position": "Маман",
        "role": "intake", "desk": str(desk)})
    assert response.status_code == 200
    page = check_page(response)
    password = page.select_one("code.secret").get_text()
    with app.app_context():
        person = db.session().scalar(select(StaffUser).where(StaffUser.login == "new.intake"))
        assert person is not None
        assert (person.role, person.desk_id, person.district_id) == (
            Role.INTAKE, desk, admin.district_id)
        assert password not in person.password_hash
    created = events_named(app, "staff_created")
    assert [(e.actor_id, e.data["staff"]) for e in created] == [(admin.id, person.id)]
    newcomer = app.test_client()
    response = enter_password(newcomer, "new.intake", password)
    assert response.location.endswith("/sign-in/staff/enrol")


def test_a_new_person_is_checked_on_the_server_and_the_form_keeps_what_was_entered(
        app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    elsewhere = _desk_of(app, create_other_district(app))
    response = post(client, f"{PEOPLE}/new", {
        "login": admin.login, "full_name": "Keep This Name", "position": "",
        "role": "intake", "desk": str(elsewhere)})
    assert response.status_code == 422
    page = check_page(response)
    text = page.get_text()
    assert "Enter the position." in text
    assert page.select_one("#full_name")["value"] == "Keep This Name"
    assert page.title is not None and page.title.get_text().startswith("Error:")
    response = post(client, f"{PEOPLE}/new", {
        "login": "fresh.one", "full_name": "Keep This Name", "position": "Маман",
        "role": "intake", "desk": str(elsewhere)})
    assert response.status_code == 422
    assert "Choose a desk of your district." in response.get_data(as_text=True)
    response = post(client, f"{PEOPLE}/new", {
        "login": admin.login, "full_name": "Keep This Name", "position": "Маман",
        "role": "specialist", "desk": ""})
    assert response.status_code == 422
    assert "This login is taken." in response.get_data(as_text=True)
    response = post(client, f"{PEOPLE}/new", {
        "login": "no-desk", "full_name": "Keep This Name", "position": "Маман",
        "role": "intake", "desk": ""})
    assert "intake staff need one" in response.get_data(as_text=True)
    assert events_named(app, "staff_created") == []


def create_other_district(app: Flask) -> int:
    with app.app_context():
        s = db.session()
        district = create_district(s)
        s.commit()
        return district.id


def test_an_admin_changes_a_role_and_desk(app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    person = make_staff(app, district_id=admin.district_id)
    desk = _desk_of(app, admin.district_id or 0)
    response = post(client, f"{PEOPLE}/{person.id}", {"role": "intake", "desk": str(desk)})
    assert response.status_code == 303
    row = staff_row(app, person.id)
    assert (row.role, row.desk_id) == (Role.INTAKE, desk)
    changed = events_named(app, "staff_changed")
    assert changed[0].data["before"]["role"] == "specialist" and changed[0].data["role"] == "intake"
    post(client, f"{PEOPLE}/{person.id}", {"role": "head", "desk": str(desk)})
    assert staff_row(app, person.id).desk_id is None  # only intake staff sit at a desk


def test_an_admin_cannot_change_their_own_role_or_deactivate_themself(
        app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    response = post(client, f"{PEOPLE}/{admin.id}", {"role": "specialist", "desk": ""})
    assert response.status_code == 422
    assert "You cannot change your own role" in response.get_data(as_text=True)
    page = check_page(client.get(f"{PEOPLE}/{admin.id}"))
    assert page.find("form", action=f"{PEOPLE}/{admin.id}/deactivate") is None
    post(client, f"{PEOPLE}/{admin.id}/deactivate", {}, token_from=PEOPLE)
    assert staff_row(app, admin.id).active and staff_row(app, admin.id).role is Role.ADMIN
    assert events_named(app, "staff_deactivated") == []


def test_deactivating_ends_the_persons_sessions(app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    person = make_staff(app, district_id=admin.district_id)
    theirs = app.test_client()
    sign_in_directly(app, theirs, person.id)
    assert theirs.get("/staff/").status_code == 200
    response = post(client, f"{PEOPLE}/{person.id}/deactivate", {}, token_from=PEOPLE)
    assert response.status_code == 303
    assert not staff_row(app, person.id).active
    with app.app_context():
        reasons = db.session().scalars(select(WebSession.ended_reason).where(
            WebSession.subject_id == person.id)).all()
    assert reasons == ["deactivated"]
    assert theirs.get("/staff/").status_code == 302
    assert events_named(app, "staff_deactivated")[0].data == {"staff": person.id, "sessions": 1}
    refused = enter_password(app.test_client(), person.login, PASSWORD)
    assert refused.status_code == 422


def test_resetting_a_lost_factor_ends_sessions_and_the_next_sign_in_enrols_again(
        app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    person = make_staff(app, district_id=admin.district_id)
    with app.app_context():
        s = db.session()
        staff_accounts.replace_recovery_codes(s, s.get(StaffUser, person.id))
        s.commit()
    theirs = app.test_client()
    sign_in_directly(app, theirs, person.id)
    response = post(client, f"{PEOPLE}/{person.id}/reset-factor", {}, token_from=PEOPLE)
    assert response.status_code == 303
    with app.app_context():
        s = db.session()
        assert s.get(StaffFactor, person.id) is None
        assert s.scalars(select(StaffRecoveryCode)).all() == []
        assert s.scalars(select(WebSession.ended_reason).where(
            WebSession.subject_id == person.id)).all() == ["factor_reset"]
    assert events_named(app, "factor_reset")[0].data == {"staff": person.id, "sessions": 1}
    assert theirs.get("/staff/").status_code == 302
    again = enter_password(app.test_client(), person.login)
    assert again.location.endswith("/sign-in/staff/enrol")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_admin_pages_pass_the_page_checks(app: Flask, client: FlaskClient,
                                              language: str) -> None:
    admin = _admin(app, client)
    client.set_cookie("lang", language)
    for url in (PEOPLE, f"{PEOPLE}/new", f"{PEOPLE}/{admin.id}", f"{PEOPLE}/{admin.id}/sessions",
                f"{PEOPLE}/sessions"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store"
        check_page(response)
    check_page(post(client, f"{PEOPLE}/new", {"login": "x"}))


def test_an_admin_ends_one_persons_sessions_after_confirming_and_they_are_refused(
        app: Flask, client: FlaskClient) -> None:
    """ASVS 7.4.5: the person's sessions end on every device; the admin's own stays."""
    admin = _admin(app, client)
    person = make_staff(app, district_id=admin.district_id)
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        sign_in_directly(app, device, person.id)
        assert device.get("/staff/").status_code == 200
    url = f"{PEOPLE}/{person.id}/sessions"
    assert f'href="{url}"' in client.get(f"{PEOPLE}/{person.id}").get_data(as_text=True)
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Open sessions: 2." in confirm.get_data(as_text=True)
    assert phone.get("/staff/").status_code == 200  # asking to confirm ended nothing
    assert client.post(url).status_code == 400  # no CSRF token, nothing ends
    assert phone.get("/staff/").status_code == 200
    done = post(client, url, {})
    assert done.status_code == 303 and done.location.endswith(f"{PEOPLE}/{person.id}")
    assert "sessions ended: 2" in client.get(done.location).get_data(as_text=True)
    assert phone.get("/staff/").status_code == 302 and laptop.get("/staff/").status_code == 302
    assert client.get(PEOPLE).status_code == 200
    with app.app_context():
        reasons = db.session().scalars(select(WebSession.ended_reason).where(
            WebSession.subject_id == person.id)).all()
    assert reasons == ["ended_by_admin", "ended_by_admin"]
    assert events_named(app, "staff_sessions_ended")[0].data == {"staff": person.id,
                                                                 "sessions": 2}
    assert staff_row(app, person.id).active  # they may sign in again


def test_an_admin_ends_every_session_of_the_districts_staff_but_their_own(
        app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    colleague = make_staff(app, district_id=admin.district_id)
    elsewhere = make_staff(app, district_id=create_other_district(app))
    admins_other, theirs, others = app.test_client(), app.test_client(), app.test_client()
    sign_in_directly(app, admins_other, admin.id)
    sign_in_directly(app, theirs, colleague.id)
    sign_in_directly(app, others, elsewhere.id)
    url = f"{PEOPLE}/sessions"
    assert f'href="{url}"' in client.get(PEOPLE).get_data(as_text=True)
    assert "Open sessions: 2, of 2 people" in client.get(url).get_data(as_text=True)
    done = post(client, url, {})
    assert done.status_code == 303 and done.location.endswith(PEOPLE)
    assert admins_other.get("/staff/").status_code == 302
    assert theirs.get("/staff/").status_code == 302
    assert others.get("/staff/").status_code == 200  # another district is not theirs to end
    assert client.get(PEOPLE).status_code == 200  # the admin's own session stays
    assert events_named(app, "district_sessions_ended")[0].data == {
        "district": admin.district_id, "people": 2, "sessions": 2}


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.HEAD])
def test_only_an_admin_may_end_sessions_and_only_of_their_district(
        app: Flask, client: FlaskClient, role: Role) -> None:
    admin = _admin(app, client)
    elsewhere = make_staff(app, district_id=create_other_district(app))
    assert client.get(f"{PEOPLE}/{elsewhere.id}/sessions").status_code == 404
    assert post(client, f"{PEOPLE}/{elsewhere.id}/sessions", {},
                token_from=PEOPLE).status_code == 404
    worker = make_staff(app, role=role, district_id=admin.district_id)
    browser = app.test_client()
    sign_in_directly(app, browser, worker.id)
    assert browser.get(f"{PEOPLE}/sessions").status_code == 403
    assert events_named(app, "district_sessions_ended") == []


# -- first passwords (ASVS 6.4.1): they expire, and the person chooses their own -----------------

def _first_password_of(app: Flask, login: str) -> StaffUser:
    with app.app_context():
        person = db.session().scalar(select(StaffUser).where(StaffUser.login == login))
        assert person is not None
        db.session().expunge(person)
        return person


def test_a_first_password_signs_in_for_its_hours_then_says_why_it_does_not_6_4_1(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = _admin(app, client)
    response = post(client, f"{PEOPLE}/new", {
        "login": "first.timer", "full_name": "Бірінші Рет", "position": "Маман",
        "role": "specialist", "desk": ""})
    password = check_page(response).select_one("code.secret").get_text()
    assert "It signs in for 72 hours" in response.get_data(as_text=True)
    person = _first_password_of(app, "first.timer")
    assert person.first_password_until is not None
    assert dt.timedelta(hours=71) < person.first_password_until - utcnow() <= dt.timedelta(hours=72)
    later = person.first_password_until + dt.timedelta(seconds=1)
    monkeypatch.setattr("portal.views.auth.staff.utcnow", lambda: later)
    newcomer = app.test_client()
    newcomer.set_cookie("lang", "en")
    response = enter_password(newcomer, "first.timer", password)
    assert response.status_code == 422
    assert "This first password no longer signs in" in response.get_data(as_text=True)
    assert [e.data["why"] for e in events_named(app, "staff_sign_in_failed")] == [
        "first_password_expired"]
    # a wrong password past the time still gets the usual answer: only the holder learns more
    response = enter_password(newcomer, "first.timer", "not the password")
    assert "The login or the password is not right" in response.get_data(as_text=True)
    assert admin.id != person.id


def test_on_a_first_password_every_back_office_page_leads_to_choosing_ones_own(
        app: Flask, client: FlaskClient) -> None:
    staff = make_staff(app, role=Role.ADMIN,
                       first_password_until=utcnow() + dt.timedelta(hours=1))
    sign_in_directly(app, client, staff.id)
    for page in ("/staff/", PEOPLE, "/staff/dashboard"):
        response = client.get(page)
        assert response.status_code == 303, page
        assert response.location.endswith("/account/password")
    page = client.get("/account/password").get_data(as_text=True)
    assert "Choose your own password first" in page
    response = post(client, "/account/password", {
        "current": PASSWORD, "password": "my own long passphrase 2026 spring",
        "password_again": "my own long passphrase 2026 spring"})
    assert response.status_code == 303
    assert staff_row(app, staff.id).first_password_until is None
    assert client.get(PEOPLE).status_code == 200


def test_an_admin_gives_a_new_first_password_shown_once_and_the_old_one_stops(
        app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    colleague = make_staff(app, district_id=admin.district_id)
    with app.app_context():
        db.session().add(WebSession(id="c" * 64, subject_kind="staff", subject_id=colleague.id,
                                    method="password_totp", device_hash="0" * 64))
        db.session().commit()
    response = post(client, f"{PEOPLE}/{colleague.id}/new-password", {},
                    token_from=f"{PEOPLE}/{colleague.id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = check_page(response)
    assert page.h1 is not None and page.h1.get_text() == "New first password"
    password = page.select_one("code.secret").get_text()
    assert staff_row(app, colleague.id).first_password_until is not None
    assert enter_password(app.test_client(), colleague.login).status_code == 422  # the old one
    assert enter_password(app.test_client(), colleague.login, password).status_code == 303
    with app.app_context():
        assert db.session().get(WebSession, "c" * 64).ended_at is not None  # type: ignore[union-attr]
    [issued] = events_named(app, "staff_password_issued")
    assert (issued.actor_id, issued.data) == (admin.id, {"staff": colleague.id, "sessions": 1})
    assert password not in str(issued.data)


def test_an_admin_cannot_give_themselves_a_new_first_password(
        app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    assert f"{PEOPLE}/{admin.id}/new-password" not in client.get(
        f"{PEOPLE}/{admin.id}").get_data(as_text=True)
    response = post(client, f"{PEOPLE}/{admin.id}/new-password", {},
                    token_from=f"{PEOPLE}/{admin.id}")
    assert response.status_code == 303
    assert events_named(app, "staff_password_issued") == []
    assert staff_row(app, admin.id).first_password_until is None
