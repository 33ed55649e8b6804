"""The cabinet's list of applications a page at a time (issue #10): a person with thousands of
applications gets one page of them, open cases first, with a pagination nav that works without
JavaScript, and the page reads the same number of statements whatever their number."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import insert

from portal import db
from portal.db import utcnow
from portal.domain.calendar import Channel
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Status
from portal.models import Application, ApplicationForm, Citizen
from portal.services.case_view import PAGE_SIZE
from tests.factories import create_citizen, create_district
from tests.pages import ClientRequest, check_page
from tests.web.test_case_page_queries import statements


def _many(app: Flask, citizen_id: int, start: int, n: int, *, status: Status) -> None:
    """``n`` applications of the person, each a minute newer than the one before."""
    with app.app_context():
        session = db.session()
        district = create_district(session)
        base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        session.execute(insert(Application), [
            {"number": f"SA-LIST-{citizen_id}-{k:05d}", "citizen_id": citizen_id,
             "district_id": district.id, "channel": Channel.PORTAL, "form": ApplicationForm.F1_1,
             "ground": GroundCategory.LOW_INCOME, "status": status, "sections": {},
             "applicant_iin": "850321301238", "created_at": base + dt.timedelta(minutes=k),
             "registered_on": dt.date(2026, 11, 2), "term_started_on": dt.date(2026, 11, 2)}
            for k in range(start, start + n)])
        session.commit()


def _person(app: Flask) -> Citizen:
    with app.app_context():
        person = create_citizen(db.session(), confirmed_at=utcnow())
        db.session().commit()
        db.session().expunge(person)
        return person


def _read(client_request: ClientRequest, path: str) -> tuple[int, object]:
    client_request.client.get(path)  # warm: the session's first touch writes
    with statements() as seen:
        page = check_page(client_request.client.get(path))
    return len([s for s in seen if "web_sessions SET" not in s
                and "FROM calendar_overrides" not in s]), page


def test_a_person_with_many_applications_gets_them_a_page_at_a_time_open_ones_first(
        app: Flask, client_request: ClientRequest) -> None:
    person = _person(app)
    _many(app, person.id, 0, 30, status=Status.NOTIFIED)  # older cases, decided and notified
    _many(app, person.id, 30, 15, status=Status.REGISTERED)  # newer, still open
    _many(app, person.id, 45, 10, status=Status.WITHDRAWN)  # newest, withdrawn
    client_request.login(person)
    first_count, page = _read(client_request, "/cabinet/")
    cards = page.select("ul.card-list li.card")  # type: ignore[attr-defined]
    assert len(cards) == PAGE_SIZE
    numbers = [c.select_one("a").get_text() for c in cards]
    # the 15 open ones first, newest first; then the ended ones, newest first
    assert f"SA-LIST-{person.id}-00044" in numbers[0]
    assert f"SA-LIST-{person.id}-00030" in numbers[14]
    assert f"SA-LIST-{person.id}-00054" in numbers[15]
    nav = page.select_one("nav.pagination[aria-label]")  # type: ignore[attr-defined]
    assert nav is not None
    assert nav.select_one("[aria-current=page]").get_text() == "1"
    assert nav.select_one("a[rel=prev]") is None
    following = nav.select_one("a[rel=next]")
    assert following is not None and following["href"] == "/cabinet/?page=2"

    last = check_page(client_request.client.get("/cabinet/?page=3"))
    assert len(last.select("ul.card-list li.card")) == 55 - 2 * PAGE_SIZE
    assert last.select_one("nav.pagination a[rel=next]") is None
    assert last.select_one("nav.pagination a[rel=prev]")["href"] == "/cabinet/?page=2"  # type: ignore[index]
    # a page past the last is the last; a page that is no number is the first
    beyond = check_page(client_request.client.get("/cabinet/?page=99"))
    assert beyond.select_one("nav.pagination [aria-current=page]").get_text() == "3"  # type: ignore[union-attr]
    junk = check_page(client_request.client.get("/cabinet/?page=x%27"))
    assert junk.select_one("nav.pagination [aria-current=page]").get_text() == "1"  # type: ignore[union-attr]

    # ten times as many applications: the same page size and the same statements
    _many(app, person.id, 55, 500, status=Status.REGISTERED)
    again, page = _read(client_request, "/cabinet/")
    assert len(page.select("ul.card-list li.card")) == PAGE_SIZE  # type: ignore[attr-defined]
    assert again == first_count


def test_a_person_with_a_few_applications_sees_no_pagination(
        app: Flask, client_request: ClientRequest) -> None:
    person = _person(app)
    _many(app, person.id, 0, 3, status=Status.REGISTERED)
    client_request.login(person)
    page = check_page(client_request.client.get("/cabinet/"))
    assert len(page.select("ul.card-list li.card")) == 3
    assert page.select_one("nav.pagination") is None
