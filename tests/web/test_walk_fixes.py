"""What a cold walk through the portal found: each page tells where you are and where to go."""
from __future__ import annotations

import datetime as dt

import pytest

from portal import db
from portal.db import utcnow
from portal.domain.workflow import Role, Status
from portal.models import Citizen
from tests.factories import create_application
from tests.pages import ClientRequest


@pytest.mark.parametrize(("role", "shown", "hidden"), [
    (Role.SPECIALIST, {"staff.queue", "staff.print_list"}, {"staff.dashboard",
                                                            "staff_admin.people"}),
    (Role.HEAD, {"staff.queue", "staff.dashboard"}, {"staff_admin.people", "citizen.cabinet"}),
])
def test_the_staff_menu_leads_to_the_back_offices_pages_each_role_may_open(
        client_request: ClientRequest, role: Role, shown: set[str], hidden: set[str]) -> None:
    client_request.login_as(role)
    page = client_request.get("staff.queue")
    menu = {a["href"] for a in page.select("nav.main-nav a")}
    assert {client_request.url(e) for e in shown} <= menu
    assert not {client_request.url(e) for e in hidden} & menu


def test_l10_the_case_page_after_a_preliminary_refusal_says_so_not_application_submitted(
        client_request: ClientRequest) -> None:
    citizen = client_request.login_as("citizen")
    assert isinstance(citizen, Citizen)
    with client_request.app.app_context():
        s = db.session()
        application = create_application(
            s, citizen=s.get(Citizen, citizen.id), status=Status.PRELIMINARY_REFUSAL,
            submitted_at=utcnow() - dt.timedelta(days=3))
        number = application.number
        s.commit()
    page = client_request.get("citizen.application", number=number)
    heading = page.select_one("h1")
    assert heading is not None and number in heading.get_text()
    assert page.select_one(".panel-confirmation") is None
    facts = page.select_one("dl.facts")
    assert facts is not None and "Бас тарту туралы алдын ала шешім" in facts.get_text()


def test_r15_9_a_decided_case_page_says_what_was_decided_amount_and_from_when(
        client_request: ClientRequest) -> None:
    from portal.domain.forms import Frequency
    from portal.models import Decision

    citizen = client_request.login_as("citizen")
    with client_request.app.app_context():
        s = db.session()
        application = create_application(s, citizen=s.get(Citizen, citizen.id),
                                         status=Status.NOTIFIED, submitted_at=utcnow())
        s.add(Decision(application_id=application.id, number="walk/2026/00001",
                       decided_on=dt.date(2026, 11, 27), granted=True, amount_tiyn=4_325_000,
                       frequency=Frequency.ONE_OFF, paid_from=dt.date(2026, 11, 27)))
        number = application.number
        s.commit()
    page = client_request.get("citizen.application", number=number)
    decision = page.select_one("section[aria-labelledby=h-decision]")
    assert decision is not None
    text = " ".join(decision.get_text().split())
    assert "тағайындалды" in text and "walk/2026/00001" in text and "43 250" in text


def test_the_staff_sign_in_page_offers_eds_as_the_citizens_page_does(
        client_request: ClientRequest) -> None:
    page = client_request.get("auth.staff_sign_in")
    assert page.select_one(f"a[href^='{client_request.url('auth.staff_eds_sign_in')}']")


def test_an_upload_whose_files_were_all_refused_is_no_files_added_step(
        client_request: ClientRequest) -> None:
    from portal.services import case_view, events
    from portal.services.accounts import actor_of

    with client_request.app.app_context():
        s = db.session()
        application = create_application(s)
        citizen = s.get(Citizen, application.citizen_id)
        assert citizen is not None
        events.record(s, actor_of(citizen), "document_files_added",
                      application_id=application.id, data={"files": [], "refused": 1})
        events.record(s, actor_of(citizen), "document_files_added",
                      application_id=application.id,
                      data={"files": [{"id": 1}], "refused": 0})
        s.commit()
        shown = [e for e in case_view.timeline(s, application)
                 if e.action == "document_files_added"]
        assert [e.data["files"] for e in shown] == [[{"id": 1}]]
