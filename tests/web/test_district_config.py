"""District configuration pages (issue 11): only an administrator, only their own district; an
edit keeps old applications on the configuration they were made under (R7.2, L8.2, R11.2, F5)."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import db
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Role
from portal.models import (
    Application,
    CalendarOverride,
    CommissionMember,
    District,
    DistrictGround,
)
from portal.services import cases
from portal.services.workdays import calendar
from tests.factories import create_application, create_citizen
from tests.pages import check_page
from tests.web.staff_helpers import events_named, make_staff, post, sign_in_directly

DISTRICT = "/staff/admin/district"
CALENDAR = "/staff/admin/calendar"


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    browser = app.test_client()
    browser.set_cookie("lang", "en")
    return browser


def _admin(app: Flask, client: FlaskClient, district_id: int | None = None):  # type: ignore[no-untyped-def]
    admin = make_staff(app, role=Role.ADMIN, district_id=district_id)
    sign_in_directly(app, client, admin.id)
    return admin


def _ground(app: Flask, district_id: int, category: GroundCategory) -> DistrictGround:
    with app.app_context():
        row = db.session().scalar(select(DistrictGround).where(
            DistrictGround.district_id == district_id, DistrictGround.category == category,
            DistrictGround.retired_at.is_(None)))
        assert row is not None
        db.session().expunge(row)
        return row


def _ground_form(**changes: str) -> dict[str, str]:
    return {"amount": "196600", "frequency": "one_off", "enabled": "y",
            "needs_precinct_inspection": "", "needs_income": "", "needs_special_commission": "",
            **changes}


PAGES = (DISTRICT, f"{DISTRICT}/threshold", f"{DISTRICT}/grounds/new",
         f"{DISTRICT}/commissions", f"{DISTRICT}/commissions/new", CALENDAR)


@pytest.mark.parametrize("role", [r for r in Role if r not in {Role.ADMIN, Role.CITIZEN,
                                                               Role.SYSTEM}])
def test_only_an_administrator_reaches_the_configuration_pages(
        app: Flask, client: FlaskClient, role: Role) -> None:
    staff = make_staff(app, role=role)
    sign_in_directly(app, client, staff.id)
    for url in PAGES:
        assert client.get(url).status_code == 403, url


def test_a_citizen_and_someone_signed_out_are_refused(app: Flask, client_request) -> None:  # type: ignore[no-untyped-def]
    anonymous = app.test_client()
    assert anonymous.get(DISTRICT).status_code == 302
    client_request.login_as("citizen")
    for url in PAGES:
        assert client_request.client.get(url).status_code == 403, url


@pytest.mark.parametrize("url", PAGES)
def test_every_configuration_page_is_a_proper_page(app: Flask, client: FlaskClient,
                                                   url: str) -> None:
    _admin(app, client)
    for lang in ("kk", "ru", "en"):
        client.set_cookie("lang", lang)
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        check_page(response)


def test_the_threshold_shows_its_monthly_figure_for_2025_and_2026(
        app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    response = post(client, f"{DISTRICT}/threshold", {"numerator": "7", "denominator": "10"})
    assert response.status_code in {302, 303}
    text = client.get(DISTRICT).get_data(as_text=True)
    # 70 % of 46 228 ₸ (2025) and of 50 851 ₸ (2026), rounded down to the tiyn.
    assert "32,359.60" in text and "35,595.70" in text
    [event] = events_named(app, "threshold_changed")
    assert event.actor_id == admin.id
    assert event.data["before"] == [1, 1] and event.data["after"] == [7, 10]


def test_another_districts_configuration_answers_404(app: Flask, client: FlaskClient) -> None:
    _admin(app, client)
    stranger = make_staff(app, role=Role.ADMIN)
    ground = _ground(app, stranger.district_id or 0, GroundCategory.FIRE)
    assert client.get(f"{DISTRICT}/grounds/{ground.id}").status_code == 404
    response = post(client, f"{DISTRICT}/grounds/{ground.id}", _ground_form(amount="1"),
                    token_from=DISTRICT)
    assert response.status_code == 404
    assert _ground(app, stranger.district_id or 0, GroundCategory.FIRE).id == ground.id
    with app.app_context():
        s = db.session()
        member = CommissionMember(district_id=stranger.district_id, commission="precinct",
                                  full_name="Stranger Member", position="p", role="member")
        s.add(member)
        s.commit()
        member_id = member.id
    assert client.get(f"{DISTRICT}/commissions/{member_id}").status_code == 404
    assert "Stranger Member" not in client.get(f"{DISTRICT}/commissions").get_data(as_text=True)


def test_an_edit_keeps_old_applications_on_their_old_row_r7_2_l8_2(
        app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    old = _ground(app, admin.district_id or 0, GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE)
    with app.app_context():
        s = db.session()
        district = s.get(District, admin.district_id)
        made = create_application(s, district=district, citizen=create_citizen(s),
                                  ground=GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE,
                                  district_ground_id=old.id)
        s.commit()
        made_id = made.id
        assert not cases.ground_rule(made).needs_precinct_inspection
    response = post(client, f"{DISTRICT}/grounds/{old.id}", _ground_form(
        amount="250000.50", frequency="monthly", needs_precinct_inspection="yes",
        needs_income="yes"))
    assert response.status_code in {302, 303}
    new = _ground(app, admin.district_id or 0, GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE)
    assert new.id != old.id and new.replaces_id == old.id
    assert (new.amount_tiyn, new.needs_precinct_inspection, new.needs_income) == (
        25_000_050, True, True)
    with app.app_context():
        s = db.session()
        kept = s.get(Application, made_id)
        assert kept is not None and kept.district_ground_id == old.id
        assert kept.district_ground is not None and kept.district_ground.amount_tiyn == 100_000
        rule = cases.ground_rule(kept)
        assert not rule.needs_precinct_inspection and not rule.needs_income
        retired = s.get(DistrictGround, old.id)
        assert retired is not None and retired.retired_at is not None
    [event] = events_named(app, "ground_changed")
    assert event.actor_id == admin.id
    assert event.data["before"]["amount_tiyn"] == 100_000
    assert event.data["after"]["amount_tiyn"] == 25_000_050
    assert event.data["after"]["needs_precinct_inspection"] is True
    # The old version still opens, read-only.
    assert "earlier settings" in client.get(f"{DISTRICT}/grounds/{old.id}").get_data(as_text=True)


def test_a_new_application_is_offered_only_the_current_rows(app: Flask,
                                                            client: FlaskClient) -> None:
    from portal.views.citizen.apply import _offers

    admin = _admin(app, client)
    old = _ground(app, admin.district_id or 0, GroundCategory.ORPHAN)
    post(client, f"{DISTRICT}/grounds/{old.id}", _ground_form(amount="5"))
    with app.app_context():
        s = db.session()
        draft = create_application(s, district=s.get(District, admin.district_id),
                                   citizen=create_citizen(s))
        offered = [(g.id, g.category) for g in _offers(draft)]
    assert old.id not in [i for i, _c in offered]
    assert [c for _i, c in offered].count(GroundCategory.ORPHAN) == 1


@pytest.mark.parametrize("category", [GroundCategory.NATURAL_DISASTER, GroundCategory.FIRE,
                                      GroundCategory.LOW_INCOME])
def test_grounds_1_2_4_cannot_drop_the_special_commission_f5(
        app: Flask, client: FlaskClient, category: GroundCategory) -> None:
    admin = _admin(app, client)
    row = _ground(app, admin.district_id or 0, category)
    response = post(client, f"{DISTRICT}/grounds/{row.id}",
                    _ground_form(needs_special_commission="no"))
    assert response.status_code == 422
    page = check_page(response)
    assert "always go to the special commission" in page.select_one(".error-summary").get_text()
    assert page.title is not None and page.title.get_text().startswith("Error")
    assert _ground(app, admin.district_id or 0, category).id == row.id
    assert events_named(app, "ground_changed") == []


def test_another_ground_may_go_to_a_decision_without_the_special_commission(
        app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    row = _ground(app, admin.district_id or 0, GroundCategory.ORPHAN)
    response = post(client, f"{DISTRICT}/grounds/{row.id}",
                    _ground_form(needs_special_commission="no"))
    assert response.status_code in {302, 303}
    new = _ground(app, admin.district_id or 0, GroundCategory.ORPHAN)
    assert new.needs_special_commission is False


def test_a_bad_amount_is_an_error_in_words(app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    row = _ground(app, admin.district_id or 0, GroundCategory.FIRE)
    response = post(client, f"{DISTRICT}/grounds/{row.id}", _ground_form(amount="12,3,4"))
    assert response.status_code == 422
    assert "as digits" in check_page(response).select_one(".error-summary").get_text()


def test_a_disabled_ground_is_not_offered_and_a_new_one_can_be_added(
        app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    row = _ground(app, admin.district_id or 0, GroundCategory.FIRE)
    form = _ground_form()
    del form["enabled"]
    post(client, f"{DISTRICT}/grounds/{row.id}", form)
    assert _ground(app, admin.district_id or 0, GroundCategory.FIRE).enabled is False
    response = post(client, f"{DISTRICT}/grounds/new",
                    {**_ground_form(frequency="monthly"), "category": "fire"})
    assert response.status_code in {302, 303}
    again = post(client, f"{DISTRICT}/grounds/new",
                 {**_ground_form(frequency="monthly"), "category": "fire"})
    assert again.status_code == 422
    assert [e.data["category"] for e in events_named(app, "ground_added")] == ["fire"]


def test_commission_members_are_added_and_changed_with_events(
        app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    response = post(client, f"{DISTRICT}/commissions/new", {
        "commission": "special", "full_name": "Сәрсенова Айжан", "position": "Бас маман",
        "role": "chair", "active": "y"})
    assert response.status_code in {302, 303}
    with app.app_context():
        member = db.session().scalar(select(CommissionMember))
        assert member is not None and member.district_id == admin.district_id
        member_id = member.id
    post(client, f"{DISTRICT}/commissions/{member_id}", {
        "commission": "special", "full_name": "Сәрсенова Айжан", "position": "Бас маман",
        "role": "secretary"})
    [changed] = events_named(app, "commission_member_changed")
    assert changed.data["before"]["role"] == "chair" and changed.data["before"]["active"]
    assert changed.data["after"]["role"] == "secretary" and not changed.data["after"]["active"]
    assert "Сәрсенова Айжан" in client.get(f"{DISTRICT}/commissions").get_data(as_text=True)


def test_a_calendar_override_moves_a_deadline_in_every_worker(
        app: Flask, client: FlaskClient) -> None:
    _admin(app, client)
    thursday = dt.date(2027, 3, 4)
    with app.app_context():
        before = calendar().add_working_days(thursday, 1)
    assert before == dt.date(2027, 3, 5)
    response = post(client, CALENDAR, {"day": "05.03.2027", "kind": "day_off",
                                       "act": "Government Decree No. 1 (test)"})
    assert response.status_code in {302, 303}
    with app.app_context():
        assert calendar().add_working_days(thursday, 1) == dt.date(2027, 3, 9)  # Mon 8 March
        row = db.session().scalar(select(CalendarOverride))
        assert row is not None
        row_id = row.id
    [added] = events_named(app, "calendar_day_added")
    assert added.data["after"] == {"day": "2027-03-05", "kind": "day_off",
                                   "act": "Government Decree No. 1 (test)"}
    duplicate = post(client, CALENDAR, {"day": "2027-03-05", "kind": "working_day",
                                        "act": "Another"})
    assert duplicate.status_code == 422
    response = post(client, f"{CALENDAR}/{row_id}/remove", {}, token_from=CALENDAR)
    assert response.status_code in {302, 303}
    with app.app_context():
        assert calendar().add_working_days(thursday, 1) == dt.date(2027, 3, 5)
    [removed] = events_named(app, "calendar_day_removed")
    assert removed.data["before"]["day"] == "2027-03-05" and removed.data["after"] is None


def test_the_ground_page_and_its_choices_are_in_the_persons_language(
        app: Flask, client: FlaskClient) -> None:
    admin = _admin(app, client)
    row = _ground(app, admin.district_id or 0, GroundCategory.ORPHAN)
    client.set_cookie("lang", "kk")
    page = check_page(client.get(f"{DISTRICT}/grounds/{row.id}"))
    options = [o.get_text() for o in page.select("#needs_income option")]
    assert options == ["Үлгілік қағидалар бойынша", "Иә", "Жоқ"]
    client.set_cookie("lang", "ru")
    page = check_page(client.get(f"{DISTRICT}/grounds/{row.id}"))
    assert page.select_one("#frequency option").get_text() == "Выплачивается единовременно"


def test_of_two_administrators_saving_one_ground_at_once_the_second_is_told(
        app: Flask, client: FlaskClient) -> None:
    from sqlalchemy import update

    from portal.models import StaffUser
    from portal.services import district_config
    from portal.services.district_config import ConfigProblem, ConfigRefused

    admin = _admin(app, client)
    row = _ground(app, admin.district_id or 0, GroundCategory.ORPHAN)
    with app.app_context():
        s = db.session()
        mine = s.get(DistrictGround, row.id)
        assert mine is not None
        settings = district_config.settings_of(mine)
        # The other administrator's save lands between this one's read and its write.
        with db.engine_of(app).begin() as other:
            other.execute(update(DistrictGround).where(DistrictGround.id == row.id)
                          .values(retired_at=dt.datetime.now(dt.UTC)))
        me = s.get(StaffUser, admin.id)
        assert me is not None
        with pytest.raises(ConfigRefused) as refused:
            district_config.change_ground(s, me, mine, district_config.GroundSettings(
                **{**settings.__dict__, "amount_tiyn": 1}))
        assert refused.value.problem is ConfigProblem.CHANGED_MEANWHILE
    assert events_named(app, "ground_changed") == []
