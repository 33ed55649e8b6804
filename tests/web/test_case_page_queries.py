"""The two case pages people live on read a fixed number of SQL statements (issue #10's
performance target, the back office's case page): a budget for a case with 30 events, and the
same count with three times as many events, documents with files and more officials — no
statement per event, per document or per person."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event, func, select

from portal import db
from portal.db import utcnow
from portal.domain.calendar import Channel
from portal.domain.package import DocumentKind
from portal.domain.workflow import Role, Status
from portal.models import Application, Document, DocumentFile, Event, StaffUser
from portal.services import events
from tests.factories import create_application, create_citizen, create_desk, create_staff
from tests.pages import ClientRequest, check_page
from tests.web.case_helpers import Office, make_office

# What each page reads now (the session, the person, the case with which of its relations it
# has, the events, the desks or staff who made them, the relations the case has ...). Raise a
# budget only with a reason; a statement per row is never one. The cabinet's page: the session, the
# case (with its signature and the bell's count), the events, the officials' desks, and here its
# documents and their files.
CABINET_BUDGET = 6
STAFF_BUDGET = 16  # the audit event of the view (four statements on SQLite, three on PostgreSQL)


@contextmanager
def statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def _get(client_request: ClientRequest, path: str) -> tuple[list[str], Any]:
    client_request.client.get(path)  # warm: the session's first touch writes
    with statements() as seen:
        page = check_page(client_request.client.get(path))
    return [" ".join(s.split())[:90] for s in seen if not _elsewhere(s)], page


def _elsewhere(statement: str) -> bool:
    """What a request reads or writes now and then whatever the page: the session's
    last-seen time (written now and then) and the calendar's cached overrides."""
    return "web_sessions SET" in statement or "FROM calendar_overrides" in statement


def _more(app: Flask, application_id: int, n: int, *, district_id: int) -> None:
    """``n`` events (steps and views by several officials at several desks) and two documents
    with two files each."""
    with app.app_context():
        session = db.session()
        officials = []
        for i, channel in enumerate((Channel.STATE_CORP, Channel.PROVIDER, Channel.RURAL_AKIM)):
            district = session.get(Application, application_id).district  # type: ignore[union-attr]
            officials.append(create_staff(session, district, Role.INTAKE,
                                          desk=create_desk(session, district, channel),
                                          full_name=f"Қызметкер {secrets.token_hex(3)} {i}"))
        for k in range(n):
            who = officials[k % len(officials)]
            events.record(session, events.Actor("staff", who.id, "intake"),
                          "case_viewed" if k % 2 else "register", application_id=application_id)
        for _ in range(2):
            document = Document(application_id=application_id, kind=DocumentKind.OTHER,
                                title="Анықтама", sheets=1)
            session.add(document)
            session.flush()
            for _ in range(2):
                session.add(DocumentFile(
                    document_id=document.id, storage_key=secrets.token_hex(16),
                    content_type="application/pdf", size_bytes=1000, sha256="0" * 64,
                    original_name="a.pdf", uploaded_at=utcnow()))
        session.commit()
        assert district_id


def test_the_cabinet_application_page_reads_a_fixed_number_of_statements(
        app: Flask, client_request: ClientRequest) -> None:
    with app.app_context():
        session = db.session()
        citizen = create_citizen(session, confirmed_at=utcnow())
        application = create_application(session, citizen=citizen, status=Status.REGISTERED)
        application.term_started_on = application.registered_on = dt.date(2026, 11, 27)
        session.commit()
        ids = application.id, application.district_id, application.number
        session.expunge(citizen)
    _more(app, ids[0], 30, district_id=ids[1])
    client_request.login(citizen)
    path = f"/cabinet/applications/{ids[2]}"
    first, page = _get(client_request, path)
    assert len(page.select("ul.looks li")) == 30  # the page shows what it read
    assert len(first) <= CABINET_BUDGET, first
    _more(app, ids[0], 60, district_id=ids[1])
    again, page = _get(client_request, path)
    assert len(page.select("ul.looks li")) == 90
    assert len(again) == len(first), (first, again)  # nothing per event, per document or per official


def test_the_staff_case_page_reads_a_fixed_number_of_statements(
        app: Flask, client_request: ClientRequest) -> None:
    office: Office = make_office(app)
    number = office.case()
    with app.app_context():
        application = db.session().query(Application).filter_by(number=number).one()
        ids = application.id, application.district_id
    _more(app, ids[0], 30, district_id=ids[1])
    client_request.login(StaffUser(id=office.staff[Role.SPECIALIST]))
    path = f"/staff/cases/{number}"
    first, page = _get(client_request, path)
    assert len(first) <= STAFF_BUDGET, first
    _more(app, ids[0], 90, district_id=ids[1])
    again, page = _get(client_request, path)
    assert len(again) == len(first), (first, again)  # nothing per event, per document or per official
    # the history keeps every step; the views are counted in full and the latest listed
    assert len(page.select(".case-history tbody tr")) >= 60
    views = page.select("details.register-summary ul li")
    assert len(views) == 50
    with app.app_context():
        viewed = db.session().scalar(select(func.count()).select_from(Event).where(
            Event.application_id == ids[0], Event.action == "case_viewed"))
    assert viewed > 50
    summary = page.select_one("details.register-summary summary")
    assert summary is not None and str(viewed) in summary.get_text()


QUEUE_BUDGET = 10  # the session, the person, the assignee list, two id ranges, the district and its
# grounds, the page's cases, and one statement per relation some row has (here: objections)


def _queue_cases(app: Flask, district_id: int, n: int, *, objections: int = 0) -> None:
    """``n`` registered cases with a running term (and objections in the first few), with
    next_due_on set as a change sets it."""
    from portal.models import District, Objection
    from portal.services import cases
    from portal.services.workdays import calendar

    with app.app_context():
        session = db.session()
        district = session.get(District, district_id)
        for k in range(n):
            started = dt.date(2026, 11, 2) + dt.timedelta(days=k % 20)
            application = create_application(session, district=district,
                                              term_started_on=started, registered_on=started)
            cases.refresh_next_due(application, calendar())
            session.flush()
            if k < objections:
                session.add(Objection(application_id=application.id, submitted_at=utcnow(),
                                      oral=False, text="Келіспеймін"))
        session.commit()


def test_the_staff_queue_reads_a_fixed_number_of_statements(
        app: Flask, client_request: ClientRequest) -> None:
    office: Office = make_office(app)
    with app.app_context():
        specialist = db.session().get(StaffUser, office.staff[Role.SPECIALIST])
        assert specialist is not None and specialist.district_id is not None
        district_id = specialist.district_id
    _queue_cases(app, district_id, 5, objections=2)
    client_request.login(StaffUser(id=office.staff[Role.SPECIALIST]))
    first, page = _get(client_request, "/staff/")
    assert len(page.select("tr.queue-row")) == 5
    assert len(first) <= QUEUE_BUDGET, first
    _queue_cases(app, district_id, 40, objections=3)
    again, page = _get(client_request, "/staff/")
    assert len(page.select("tr.queue-row")) == 25
    # nothing per row (one id range fewer: the dated cases fill the page)
    assert len(again) <= len(first), (first, again)
