"""A preliminary refusal in the cabinet, on SQLite and PostgreSQL (R15.1–R15.6, issue #10):
the notice, an objection while its window is open, the protocol read, remarks in their window."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select

from portal import db
from portal.db import utcnow
from portal.domain.calendar import WorkingCalendar, to_local
from portal.domain.forms import NotificationChannel
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.workflow import Actor, IllegalTransition, Role, Status
from portal.models import Application, Citizen, Event, HearingProtocol, Objection, Remark
from portal.models.review import PreliminaryDecision
from portal.services import cases, events
from tests.factories import almaty, create_application, create_citizen
from tests.pages import ClientRequest, check_page

CAL = WorkingCalendar()
SPECIALIST = Actor(Role.SPECIALIST)
CITIZEN = Actor(Role.CITIZEN)
STAFF = events.Actor("staff", 1, "specialist")


@pytest.fixture
def citizen(app: Flask) -> Citizen:
    with app.app_context():
        person = create_citizen(db.session(), confirmed_at=utcnow())
        db.session().commit()
        db.session().expunge(person)
        return person


def _refusal(app: Flask, citizen: Citizen, delivered_at: dt.datetime, *,
             protocol: bool = False) -> str:
    """A case with a preliminary refusal whose notice reached the person at ``delivered_at``."""
    with app.app_context():
        session = db.session()
        application = create_application(session, citizen=session.get(Citizen, citizen.id),
                                          status=Status.PRELIMINARY_REFUSAL)
        application.preliminary_decisions.append(PreliminaryDecision(
            refusal_ground=RefusalGround.NEGATIVE_CONCLUSION, reasons="F4: no need found",
            issued_at=delivered_at - dt.timedelta(hours=1), hearing_at=delivered_at
            + dt.timedelta(days=4), hearing_mode=HearingMode.VIDEO_OR_COMMUNICATION,
            hearing_link="https://meet.example/hearing-1"))
        session.commit()
        cases.deliver_preliminary_notice(session, application, SPECIALIST, STAFF,
                                         delivered_at=delivered_at,
                                         via=NotificationChannel.CABINET, now=utcnow(), cal=CAL)
        if protocol:
            cases.change(session, application, cases.Action.HOLD_HEARING, SPECIALIST, STAFF,
                         now=utcnow(), cal=CAL, effect=lambda: session.add(HearingProtocol(
                             application_id=application.id,
                             preliminary_decision_id=application.preliminary_decision.id,  # type: ignore[union-attr]
                             held_at=utcnow(), text="The applicant said the income is wrong.")))
        return application.number


def _csrf(page: BeautifulSoup) -> str:
    field = page.select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def test_r15_1_r15_3_the_notice_shows_ground_hearing_and_window_and_an_objection_is_saved(
        client_request: ClientRequest, app: Flask, citizen: Citizen) -> None:
    number = _refusal(app, citizen, utcnow())
    client_request.login(citizen)
    client = client_request.client
    page = check_page(client.get(f"/cabinet/applications/{number}"))
    notice = page.select_one("#refusal")
    assert notice is not None
    text = notice.get_text(" ")
    assert "F4: no need found" in text and "https://meet.example/hearing-1" in str(notice)
    assert page.select_one("#objection-text") is not None  # the window is open
    response = client.post(f"/cabinet/applications/{number}/objection",
                           data={"csrf_token": _csrf(page),
                                 "text": "The income counted is last year's, not this quarter."})
    assert response.status_code == 303
    with app.app_context():
        session = db.session()
        application = session.scalar(select(Application).where(Application.number == number))
        assert application is not None and application.status is Status.OBJECTION_RECEIVED
        assert session.scalar(select(func.count()).select_from(Objection)) == 1
        assert session.scalar(select(Event.actor_kind).where(
            Event.action == "submit_objection")) == "citizen"


def test_r15_3_a_late_objection_is_refused_with_the_reason_and_saved_nowhere(
        client_request: ClientRequest, app: Flask, citizen: Citizen) -> None:
    number = _refusal(app, citizen, almaty(dt.date(2026, 4, 6), 15))  # closed on 08.04.2026
    client_request.login(citizen)
    client = client_request.client
    page = check_page(client.get(f"/cabinet/applications/{number}"))
    assert page.select_one("#objection-text") is None  # the form is replaced by the reason
    assert page.select_one("#objection p") is not None
    response = client.post(f"/cabinet/applications/{number}/objection",
                           data={"csrf_token": _csrf(page), "text": "Too late but still here."})
    assert response.status_code == 303
    after = check_page(client.get(response.headers["Location"]))
    assert "2 жұмыс күні 08.04.2026 аяқталды" in after.get_text()  # the reason, with the day
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Objection)) == 0


def test_r15_5_r15_6_reading_the_protocol_opens_three_working_days_for_remarks(
        client_request: ClientRequest, app: Flask, citizen: Citizen) -> None:
    number = _refusal(app, citizen, utcnow(), protocol=True)
    client_request.login(citizen)
    client = client_request.client
    page = check_page(client.get(f"/cabinet/applications/{number}"))
    assert "The applicant said" not in page.get_text()  # not shown until it is opened
    # remarks before reading are refused (R15.5) and saved nowhere
    early = client.post(f"/cabinet/applications/{number}/remarks",
                        data={"csrf_token": _csrf(page), "text": "Remarks before reading it."})
    assert early.status_code == 303
    client.post(f"/cabinet/applications/{number}/protocol/read",
                data={"csrf_token": _csrf(page)})
    page = check_page(client.get(f"/cabinet/applications/{number}"))
    assert "The applicant said the income is wrong." in page.get_text()
    due = CAL.add_working_days(to_local(utcnow()).date(), 3)
    assert due.strftime("%d.%m.%Y") in page.select_one("#protocol").get_text()  # type: ignore[union-attr]
    client.post(f"/cabinet/applications/{number}/remarks",
                data={"csrf_token": _csrf(page), "text": "The protocol omits my second point."})
    with app.app_context():
        session = db.session()
        remarks = session.scalars(select(Remark)).all()
        assert [r.text for r in remarks] == ["The protocol omits my second point."]
        assert session.scalar(select(func.count()).select_from(Event).where(
            Event.action == "read_protocol")) == 1


def test_r15_3_an_objection_at_23_59_on_the_last_day_counts_and_at_00_01_it_does_not(
        app: Flask) -> None:
    """Friday 5 March 2027, before the 8 March holiday (Monday): the two working days are
    Tuesday 9 and Wednesday 10 March, Asia/Almaty time."""
    with app.app_context():
        session = db.session()
        friday = dt.date(2027, 3, 5)
        late = create_application(session, status=Status.PRELIMINARY_REFUSAL)
        in_time = create_application(session, status=Status.PRELIMINARY_REFUSAL)
        for application in (late, in_time):
            application.preliminary_decisions.append(PreliminaryDecision(
                refusal_ground=RefusalGround.NEGATIVE_CONCLUSION, reasons="x",
                issued_at=almaty(friday, 9), hearing_at=almaty(dt.date(2027, 3, 12), 11),
                hearing_mode=HearingMode.OTHER_MEANS))
            session.commit()
            cases.deliver_preliminary_notice(session, application, SPECIALIST, STAFF,
                                             delivered_at=almaty(friday, 15),
                                             via=NotificationChannel.CABINET,
                                             now=almaty(friday, 15, 30), cal=CAL)
        assert in_time.preliminary_decision.objection_due_on == dt.date(2027, 3, 10)  # type: ignore[union-attr]
        who = events.Actor("citizen", in_time.citizen_id, "citizen")
        cases.submit_objection(session, in_time, CITIZEN, who, text="in time", oral=False,
                               now=almaty(dt.date(2027, 3, 10), 23, 59), cal=CAL)
        with pytest.raises(IllegalTransition) as refused:
            cases.submit_objection(session, late, CITIZEN, who, text="late", oral=False,
                                   now=almaty(dt.date(2027, 3, 11), 0, 1), cal=CAL)
        assert refused.value.rule == "R15.3"
        assert refused.value.closed_on == dt.date(2027, 3, 10)
