"""The staff case page /staff/cases/<number> (issue #11): everything about the case, only the
actions this role has now, the district wall, the audit of every view, and two officials acting
on one case at once."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from portal.domain.workflow import Role, Status
from portal.models import StaffUser
from tests.pages import ClientRequest, check_page
from tests.web.case_helpers import TODAY, Office, act, make_office, token


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
