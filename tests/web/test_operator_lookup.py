"""L10.1: the 1414 operator's desk — search by IIN or number, every look an event with a reason."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from portal import db
from portal.domain.workflow import Role
from portal.models import Event
from tests.pages import ClientRequest, check_page
from tests.web.lookup_helpers import BANK_ACCOUNT, IIN, STREET, csrf, make_case

URL = "/operator/"


def _search(client_request: ClientRequest, query: str, reason: str = "call"):  # type: ignore[no-untyped-def]
    client = client_request.client
    return client.post(URL, data={"csrf_token": csrf(client, URL), "query": query,
                                  "reason": reason})


def test_an_operator_finds_a_persons_applications_by_iin_L10_1(
        app: Flask, client_request: ClientRequest) -> None:
    case = make_case(app)
    client_request.login_as(Role.OPERATOR)
    response = _search(client_request, IIN)
    assert response.status_code == 200
    page = check_page(response)
    assert [h.text for h in page.select(".case-summary h3")] == [case.number]
    html = response.get_data(as_text=True)
    assert STREET not in html and BANK_ACCOUNT not in html  # no address, no account
    assert response.headers["Cache-Control"] == "no-store"


def test_an_operator_finds_an_application_by_number_L10_1(
        app: Flask, client_request: ClientRequest) -> None:
    case = make_case(app)
    client_request.login_as(Role.OPERATOR)
    page = check_page(_search(client_request, case.number.lower()))
    assert page.select_one(".case-summary h3").text == case.number


def test_every_lookup_is_an_event_with_the_operator_and_the_reason_L10_1(
        app: Flask, client_request: ClientRequest) -> None:
    case = make_case(app)
    operator = client_request.login_as(Role.OPERATOR)
    _search(client_request, IIN, reason="written_request")
    _search(client_request, "850321301238")  # nobody's: recorded too, without a case
    with app.app_context():
        seen = list(db.session().scalars(
            select(Event).where(Event.action == "operator_lookup").order_by(Event.seq)))
    assert [(e.application_id, e.actor_id, e.role, e.reason) for e in seen] == [
        (case.id, operator.id, "operator", "written_request"),
        (None, operator.id, "operator", "call"),
    ]
    assert all(IIN not in str(e.data) for e in seen)


def test_a_search_without_a_reason_is_refused_and_not_recorded_L10_1(
        app: Flask, client_request: ClientRequest) -> None:
    make_case(app)
    client_request.login_as(Role.OPERATOR)
    response = _search(client_request, IIN, reason="")
    assert response.status_code == 422
    with app.app_context():
        assert db.session().scalar(select(Event).where(Event.action == "operator_lookup")) is None


@pytest.mark.parametrize("who", ["citizen", Role.SPECIALIST, Role.INTAKE, Role.HEAD, Role.ADMIN])
def test_citizens_and_other_staff_may_not_use_the_desk_L10_1(
        client_request: ClientRequest, who: str | Role) -> None:
    client_request.login_as(who)
    assert client_request.client.get(URL).status_code in {403, 404}
    assert client_request.client.post(URL, data={"query": IIN, "reason": "call"}
                                      ).status_code in {400, 403, 404}


def test_an_anonymous_visitor_is_sent_to_staff_sign_in_L10_1(client_request: ClientRequest) -> None:
    response = client_request.client.get(URL)
    assert response.status_code in {302, 303}
