"""The staff queue at /staff/: a district's cases by the nearest statutory deadline (issue 11)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy.orm import Session

from portal import db
from portal.domain.calendar import Channel
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Role, Status
from portal.models import Application, District, StaffUser
from portal.services import cases
from portal.services.workdays import calendar
from tests.factories import create_application, create_district, create_staff
from tests.pages import ClientRequest, check_page
from tests.web.case_helpers import today

IIN = "900101350229"


def _case(session: Any, district: District, started: dt.date, **fields: Any) -> Application:
    """A registered case whose term started on ``started``, with next_due_on as a change sets it
    (on a ground without the precinct inspection unless told, so L3.1 is its only duty)."""
    fields.setdefault("ground", GroundCategory.ORPHAN)
    application = create_application(session, district=district, term_started_on=started,
                                     registered_on=started, applicant_surname="Серіков",
                                     applicant_given_name="Ерлан", **fields)
    cases.refresh_next_due(application, calendar())
    session.flush()
    return application


@dataclass
class Office:
    """A specialist of one district signed in, and a second district next door."""

    client_request: ClientRequest
    staff: StaffUser
    district_id: int
    foreign_id: int

    @contextmanager
    def seed(self) -> Iterator[tuple[Session, District]]:
        """A session and the office's district to make cases in; committed at the end."""
        with self.client_request.app.app_context():
            s = db.session()
            district = s.get(District, self.district_id)
            assert district is not None
            yield s, district
            s.commit()


@pytest.fixture
def office(client_request: ClientRequest) -> Office:
    with client_request.app.app_context():
        s = db.session()
        mine, theirs = create_district(s), create_district(s)
        staff = create_staff(s, mine)
        s.commit()
        s.expunge_all()
    client_request.login(staff)
    return Office(client_request, staff, mine.id, theirs.id)


def _numbers(page: BeautifulSoup) -> list[str]:
    return [str(row["data-number"]) for row in page.select("tr.queue-row")]


def _post(client_request: ClientRequest, data: dict[str, str],
          headers: dict[str, str] | None = None) -> Any:
    page = client_request.client.get("/staff/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    return client_request.client.post("/staff/", data={"csrf_token": token.group(1), **data},
                                      headers=headers or {})


def test_the_queue_shows_only_the_officials_own_district(office: Office) -> None:
    with office.seed() as (s, district):
        own = _case(s, district, today())
        foreign = _case(s, s.get(District, office.foreign_id), today() - dt.timedelta(days=30))
        draft = create_application(s, district=district, status=Status.DRAFT)
        own_number, foreign_number, draft_number = own.number, foreign.number, draft.number
    client_request = office.client_request
    page = client_request.get("staff.queue")
    assert _numbers(page) == [own_number]
    assert foreign_number not in str(page) and draft_number not in str(page)
    link = page.select_one("tr.queue-row a")
    assert link is not None and link["href"] == f"/staff/cases/{own_number}"
    case_page = client_request.get_url(str(link["href"]))
    assert own_number in case_page.h1.get_text()
    for hidden in (foreign_number, draft_number):
        client_request.get_url(f"/staff/cases/{hidden}", 404)
    # every staff view of a case is an event, with the role: the citizen's "who looked"
    from sqlalchemy import select as _select

    from portal.models import Application as _Application
    from portal.models import Event as _Event

    with office.seed() as (s, _district):
        viewed = s.scalars(_select(_Event).join(
            _Application, _Application.id == _Event.application_id).where(
            _Event.action == "case_viewed")).all()
        assert [(e.actor_kind, s.get(_Application, e.application_id).number)  # type: ignore[union-attr]
                for e in viewed] == [("staff", own_number)]


def test_another_districts_case_is_found_neither_by_number_nor_by_iin(office: Office) -> None:
    with office.seed() as (s, _district):
        foreign = _case(s, s.get(District, office.foreign_id), today(), applicant_iin=IIN)
        number = foreign.number
    client_request = office.client_request
    for query in (number, IIN):
        page = check_page(_post(client_request, {"q": query}))
        assert _numbers(page) == []
        assert "Сәйкес өтініштер жоқ" in page.get_text()
    assert client_request.client.get(f"/staff/cases/{number}").status_code == 404


def test_l3_1_overdue_cases_come_first_and_are_marked_then_the_nearest_deadline(office: Office) -> None:
    with office.seed() as (s, district):
        later = _case(s, district, today())
        overdue = _case(s, district, today() - dt.timedelta(days=40))
        finished = _case(s, district, today() - dt.timedelta(days=90), status=Status.WITHDRAWN)
        sooner = _case(s, district, today() - dt.timedelta(days=3))
        more_overdue = _case(s, district, today() - dt.timedelta(days=60))
        assert overdue.next_due_on is not None and overdue.next_due_on < today()
        assert finished.next_due_on is None  # a withdrawn case's clocks stopped: last
        expected = [more_overdue.number, overdue.number, sooner.number, later.number,
                    finished.number]
        due_overdue = overdue.next_due_on
    client_request = office.client_request
    page = client_request.get("staff.queue")
    assert _numbers(page) == expected
    rows = page.select("tr.queue-row")
    assert [("is-overdue" in row["class"]) for row in rows] == [True, True, False, False, False]
    assert rows[1].select_one(".tag-overdue").get_text(strip=True) == "Мерзімі өткен"
    assert rows[1].select_one("time").get_text() == due_overdue.strftime("%d.%m.%Y")
    assert "(L3.1)" in rows[1].select_one(".due").get_text()


def test_each_filter_narrows_the_list_status_ground_channel_assignee_overdue(office: Office) -> None:
    with office.seed() as (s, district):
        colleague = create_staff(s, district)
        plain = _case(s, district, today())
        at_precinct = _case(s, district, today(), status=Status.AT_PRECINCT)
        fire = _case(s, district, today(), ground=GroundCategory.FIRE)
        desk = _case(s, district, today(), channel=Channel.STATE_CORP)
        mine_case = _case(s, district, today(), assignee_id=office.staff.id)
        theirs_case = _case(s, district, today(), assignee_id=colleague.id)
        late = _case(s, district, today() - dt.timedelta(days=40))
        n = {k: v.number for k, v in locals().items() if isinstance(v, Application)}
        colleague_id = colleague.id
    client_request = office.client_request

    def shown(**args: str) -> set[str]:
        return set(_numbers(client_request.get("staff.queue", **args)))

    assert shown(status="at_precinct") == {n["at_precinct"]}
    assert shown(ground="fire") == {n["fire"]}
    assert shown(channel="state_corp") == {n["desk"]}
    assert shown(assignee="me") == {n["mine_case"]}
    assert shown(assignee=str(colleague_id)) == {n["theirs_case"]}
    assert n["plain"] in shown(assignee="none") and n["mine_case"] not in shown(assignee="none")
    assert shown(overdue="y") == {n["late"]}
    assert len(shown()) == 7
    assert len(shown(status="no-such-status")) == 7  # an unknown value filters nothing


def test_keyset_pages_show_every_case_once_without_gaps(office: Office) -> None:
    with office.seed() as (s, district):
        made = [_case(s, district, today() - dt.timedelta(days=i % 20)) for i in range(52)]
        for application in made[:6]:
            application.next_due_on = None  # cases with no running duty come last
        every = {a.number for a in made}
    client_request = office.client_request
    seen: list[str] = []
    url = "/staff/?overdue=&status="
    pages = 0
    while url:
        page = client_request.get_url(url)
        pages += 1
        seen += _numbers(page)
        following = page.select_one(".queue-pages a.button")
        url = str(following["href"]) if following else ""
        assert "OFFSET" not in url.upper()
    assert pages == 3
    assert len(seen) == len(set(seen)) == 52
    assert set(seen) == every


def test_search_by_number_and_by_iin_is_a_post_and_the_iin_never_reaches_a_url(office: Office) -> None:
    with office.seed() as (s, district):
        first = _case(s, district, today(), applicant_iin=IIN)
        second = _case(s, district, today() - dt.timedelta(days=1), applicant_iin=IIN)
        other = _case(s, district, today(), applicant_iin="850321301238")
        numbers = {first.number, second.number}
        other_number = other.number
    client_request = office.client_request
    response = _post(client_request, {"q": f"  {IIN} "})
    page = check_page(response)
    assert set(_numbers(page)) == numbers
    for element in page.find_all(True):
        for attribute in ("href", "action", "hx-get", "hx-post", "src"):
            assert IIN not in str(element.get(attribute, ""))
    assert response.headers["Cache-Control"] == "no-store"
    by_number = check_page(_post(client_request, {"q": other_number.lower()}))
    assert _numbers(by_number) == [other_number]
    # A search in the query string is not a search: the whole queue shows.
    assert len(_numbers(client_request.get_url(f"/staff/?q={IIN}"))) == 3


def test_a_search_that_is_not_a_number_nor_an_iin_says_what_to_enter(
    client_request: ClientRequest,
) -> None:
    client_request.login_as(Role.SPECIALIST)
    response = _post(client_request, {"q": "<script>"})
    assert response.status_code == 422
    page = check_page(response)
    assert page.select_one(".error-summary") is not None
    assert page.title is not None and page.title.get_text().startswith("Қате:")


def test_the_list_is_a_fragment_for_htmx_and_the_whole_page_without(office: Office) -> None:
    with office.seed() as (s, district):
        _case(s, district, today(), applicant_iin=IIN)
    client_request = office.client_request
    whole = client_request.get_response("staff.queue")
    fragment = client_request.get_response("staff.queue", _headers={"HX-Request": "true"})
    for response in (whole, fragment):
        assert "HX-Request" in response.headers["Vary"]
        assert response.headers["Cache-Control"] == "no-store"
    assert "<html" in whole.get_data(as_text=True)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "<h1" not in body and 'class="queue"' in body
    searched = _post(client_request, {"q": IIN}, headers={"HX-Request": "true"})
    assert "<html" not in searched.get_data(as_text=True)
    assert len(_numbers(BeautifulSoup(searched.get_data(as_text=True), "html.parser"))) == 1
    assert 'hx-history="false"' in whole.get_data(as_text=True)


def test_the_1414_operator_and_citizens_are_refused_the_queue(app: Flask) -> None:
    for who in (Role.OPERATOR, "citizen"):
        client_request = ClientRequest(app, app.test_client())
        client_request.login_as(who)
        client_request.get_response("staff.queue", 403)
        client_request.get_response("staff.case", 403, number="SA-000001")


def test_every_back_office_role_gets_the_queue_in_three_languages(app: Flask) -> None:
    for role in (Role.INTAKE, Role.PRECINCT, Role.SPECIALIST, Role.COMMISSION, Role.HEAD,
                 Role.ADMIN):
        for lang in ("kk", "ru", "en"):
            client_request = ClientRequest(app, app.test_client())
            client_request.set_language(lang)
            client_request.login_as(role)
            page = client_request.get("staff.queue")
            assert page.html is not None and page.html["lang"] == lang
