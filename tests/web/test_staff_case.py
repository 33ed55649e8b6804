"""The staff case page /staff/cases/<number> (issue #11): everything about the case, only the
actions this role has now, the district wall, the audit of every view, and two officials acting
on one case at once."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from portal.domain.workflow import Role, Status
from portal.models import StaffUser
from tests.pages import ClientRequest, check_page
from tests.web.case_helpers import Office, act, make_office, token


@pytest.fixture
def office(app: Flask) -> Office:
    return make_office(app)


def _login(client_request: ClientRequest, office: Office, role: Role,
           *, foreign: bool = False) -> None:
    table = office.foreign_staff if foreign else office.staff
    client_request.login(StaffUser(id=table[role]))


def _panels(page: BeautifulSoup) -> list[str]:
    return [str(s["id"]).removeprefix("action-") for s in page.select("section.action-panel[id]")]


def test_the_case_page_shows_the_application_family_income_and_history(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case()
    _login(client_request, office, Role.SPECIALIST)
    page = client_request.get("staff.case", number=number)
    text = page.get_text(" ", strip=True).replace("\xa0", " ").replace("\u202f", " ")
    assert number in page.h1.get_text()
    for expected in ("Серіков Ерлан", "900101350229", "Серікова Айгүл", "90 000"):
        assert expected in text
    assert page.select_one("#h-deadlines") is not None
    assert "Серіков Ерлан" in page.select_one("#h-income").find_parent("section").get_text()


def test_every_view_is_an_event_and_the_history_says_who_and_when(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case()
    _login(client_request, office, Role.SPECIALIST)
    client_request.get("staff.case", number=number)
    assert act(client_request, number, "send_to_precinct", {}).status_code == 303
    page = client_request.get("staff.case", number=number)
    events = office.events(number)
    assert [e.action for e in events] == ["case_viewed", "case_viewed", "send_to_precinct",
                                          "case_viewed"]
    assert {e.actor_id for e in events} == {office.staff[Role.SPECIALIST]}
    row = page.select(".case-history tbody tr")[-1]
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    sent = events[2].at
    from portal.domain.calendar import to_local

    assert cells[0] == to_local(sent).strftime("%d.%m.%Y %H:%M")  # Asia/Almaty
    assert "Әлеуметтік көмек маманы" in cells[2]  # the role, in the page's language
    # the page's hidden `seen` is the newest event it showed: its own view
    assert page.select_one("#action-send_to_precinct") is None
    assert "3" in page.select_one("details.register-summary summary").get_text()


def test_another_districts_case_is_404_for_every_case_url(
        office: Office, client_request: ClientRequest) -> None:
    from portal.views.staff.actions import ACTION_FORMS

    number = office.case(foreign=True)
    draft = office.case(Status.DRAFT)
    _login(client_request, office, Role.SPECIALIST)
    csrf = token(client_request.client.get("/staff/").get_data(as_text=True))
    for n in (number, draft, "SA-999999"):
        assert client_request.client.get(f"/staff/cases/{n}").status_code == 404
        for action in [*ACTION_FORMS, "send_to_precinct"]:
            code = getattr(action, "value", action)
            response = client_request.client.post(
                f"/staff/cases/{n}/actions/{code}",
                data={"csrf_token": csrf, "version": "1", "seen": "0"})
            assert response.status_code == 404, (n, code)
        assert client_request.client.post(f"/staff/cases/{n}/assign", data={
            "csrf_token": csrf, "version": "1", "assignee": ""}).status_code == 404
    # and every role of the foreign district is walled off from ours the same way
    own = office.case()
    for role in (Role.INTAKE, Role.PRECINCT, Role.SPECIALIST, Role.COMMISSION, Role.HEAD):
        _login(client_request, office, role, foreign=True)
        assert client_request.client.get(f"/staff/cases/{own}").status_code == 404
    assert [e.action for e in office.events(number)] == []


def test_two_officials_at_once_the_second_gets_what_changed_and_nothing_is_overwritten(
        app: Flask, office: Office) -> None:
    """Two sessions read the case at the same version; the first sends it to the precinct
    commission, the second's form is refused with a 409 that lists the change (both DBs)."""
    number = office.case()
    first, second = ClientRequest(app, app.test_client()), ClientRequest(app, app.test_client())
    first.login(StaffUser(id=office.staff[Role.SPECIALIST]))
    second.login(StaffUser(id=office.staff[Role.INTAKE]))
    page_1 = first.get("staff.case", number=number)
    page_2 = second.get("staff.case", number=number)
    assert act(first, number, "send_to_precinct", {}, page=page_1).status_code == 303
    for htmx in (False, True):
        response = act(second, number, "send_to_precinct", {}, page=page_2, htmx=htmx)
        assert response.status_code == 409
        if htmx:
            assert response.headers["HX-Retarget"] == "#case"
            conflict = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        else:
            conflict = check_page(response)
        rows = conflict.select(".case-history tbody tr")
        assert len(rows) == 1 and "Учаскелік комиссияға жіберілді" in rows[0].get_text()
    case = office.application(number)
    assert case.status is Status.AT_PRECINCT and case.version == 2
    assert [e.action for e in office.events(number)].count("send_to_precinct") == 1
    # assigning is guarded by the same version
    response = second.client.post(f"/staff/cases/{number}/assign", data={
        "csrf_token": str(page_2.select_one("input[name=csrf_token]")["value"]),
        "version": "1", "seen": "0", "assignee": str(office.staff[Role.SPECIALIST])})
    assert response.status_code == 409
    assert office.application(number).assignee_id is None


def test_a_concurrent_commit_of_the_same_version_fails_and_changes_nothing(
        app: Flask, office: Office) -> None:
    """Below the hidden field: two database sessions load the case at one version and both
    change it; the second commit raises StaleDataError (the version column), on both DBs."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    from portal import db
    from portal.db import utcnow
    from portal.models import Application
    from portal.services import events, review
    from portal.services.workdays import calendar

    number = office.case()
    with app.app_context():
        engine = db.engine_of(app)
        with Session(engine) as one, Session(engine) as two:
            a1 = one.scalar(select(Application).where(Application.number == number))
            a2 = two.scalar(select(Application).where(Application.number == number))
            assert a1 is not None and a2 is not None and a1.version == a2.version == 1
            staff = one.get(StaffUser, office.staff[Role.SPECIALIST])
            assert staff is not None
            who = events.Actor("staff", staff.id, "specialist")
            review.send_to_precinct(one, a1, staff.actor, who, now=utcnow(), cal=calendar())
            specialist = two.get(StaffUser, office.staff[Role.SPECIALIST])
            with pytest.raises(StaleDataError):
                review.assign(two, a2, specialist, who, now=utcnow())
            two.rollback()
    case = office.application(number)
    assert case.status is Status.AT_PRECINCT and case.assignee_id is None and case.version == 2


def test_a_case_is_assigned_to_a_specialist_of_the_district(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case()
    with office.seed() as (s, district):
        from tests.factories import create_staff

        colleague = create_staff(s, district, full_name="Әлиева Дана").id
    _login(client_request, office, Role.SPECIALIST)
    page = client_request.get("staff.case", number=number)
    options = [o["value"] for o in page.select("#assignee option")]
    assert str(colleague) in options and str(office.staff[Role.PRECINCT]) not in options
    form = page.select_one("form[action$='/assign']")
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    bad = client_request.client.post(f"/staff/cases/{number}/assign",
                                     data={**data, "assignee": str(office.staff[Role.PRECINCT])})
    assert bad.status_code == 422
    assert check_page(bad).select_one("#assignee-error") is not None
    response = client_request.client.post(f"/staff/cases/{number}/assign",
                                          data={**data, "assignee": str(colleague)})
    assert response.status_code == 303
    case = office.application(number)
    assert case.assignee_id == colleague and case.version == 2
    assert office.events(number)[-1].action == "assign"
    queue = client_request.get("staff.queue", assignee=str(colleague))
    assert number in queue.get_text()
    # the precinct member may not assign: no form, and a refusal
    _login(client_request, office, Role.PRECINCT)
    page = client_request.get("staff.case", number=number)
    assert page.select_one("form[action$='/assign']") is None
    data["version"] = "2"
    assert client_request.client.post(f"/staff/cases/{number}/assign", data={
        **data, "assignee": ""}).status_code == 403


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_case_page_in_each_language(office: Office, client_request: ClientRequest,
                                        language: str) -> None:
    number = office.case(Status.AT_PRECINCT)
    client_request.set_language(language)
    _login(client_request, office, Role.PRECINCT)
    page = client_request.get("staff.case", number=number)
    assert page.select_one("#action-record_inspection fieldset") is not None
    # family members are prefilled in the act's income table
    members = [i["value"] for i in page.select("input[name=income_member]")]
    assert members[:2] == ["Серіков Ерлан", "Серікова Айгүл"]


def test_the_1414_operator_and_citizens_never_reach_a_case(
        office: Office, client_request: ClientRequest) -> None:
    number = office.case()
    with office.seed() as (s, district):
        from tests.factories import create_staff

        operator = create_staff(s, district, role=Role.OPERATOR).id
    client_request.login(StaffUser(id=operator))
    assert client_request.client.get(f"/staff/cases/{number}").status_code in (403, 404)
