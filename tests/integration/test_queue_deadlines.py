"""next_due_on, the queue's sort key, follows every change of a case (services/cases.py)."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import db
from portal.domain.calendar import WorkingCalendar
from portal.domain.deadlines import case_deadlines, next_due
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Action, Actor, Role, Status
from portal.models import Application
from portal.services import cases, events
from tests.factories import almaty, create_application

CAL = WorkingCalendar()
MONDAY = dt.date(2026, 11, 23)
SPECIALIST = Actor(Role.SPECIALIST)
WHO = events.Actor("staff", 1, "specialist")


def test_r7_2_sending_to_the_precinct_moves_next_due_to_the_decision_target_L3_1(
    session: Session,
) -> None:
    application = create_application(session, status=Status.REGISTERED,
                                      ground=GroundCategory.NATURAL_DISASTER,
                                      term_started_on=MONDAY, registered_on=MONDAY)
    cases.refresh_next_due(application, CAL)
    session.commit()
    assert application.next_due_on == dt.date(2026, 11, 24)  # R7.2: 1 working day

    def sent() -> None:
        application.sent_to_precinct_on = dt.date(2026, 11, 24)

    cases.change(session, application, Action.SEND_TO_PRECINCT, SPECIALIST, WHO,
                 now=almaty(dt.date(2026, 11, 24)), cal=CAL, effect=sent)
    session.expire_all()
    assert application.status is Status.AT_PRECINCT
    # L3.1: the decision target, 7 working days after the Monday the term started.
    assert application.next_due_on == dt.date(2026, 12, 2)
    assert application.next_due_on == next_due(
        case_deadlines(cases.milestones(application), CAL))


def test_l3_1_a_withdrawn_case_has_no_running_duty_and_no_next_due(session: Session) -> None:
    application = create_application(session, status=Status.REGISTERED,
                                      term_started_on=MONDAY, registered_on=MONDAY)
    cases.refresh_next_due(application, CAL)
    session.commit()
    assert application.next_due_on is not None
    cases.change(session, application, Action.WITHDRAW, Actor(Role.CITIZEN),
                 events.Actor("citizen", application.citizen_id, "citizen"),
                 now=almaty(dt.date(2026, 11, 25)), cal=CAL)
    session.expire_all()
    assert application.status is Status.WITHDRAWN
    assert application.next_due_on is None


def test_l3_1_refresh_deadlines_fills_next_due_for_cases_made_before_the_column(
    db_app: Flask,
) -> None:
    with db_app.app_context():
        session = db.session()
        application = create_application(session, status=Status.REGISTERED,
                                          ground=GroundCategory.ORPHAN,
                                          term_started_on=MONDAY, registered_on=MONDAY)
        session.commit()
        number = application.number
        assert application.next_due_on is None
    result = db_app.test_cli_runner().invoke(args=["db", "refresh-deadlines"])
    assert result.exit_code == 0, result.output
    assert "recomputed for 1 cases" in result.output
    with db_app.app_context():
        refreshed = db.session().scalar(select(Application).where(Application.number == number))
        assert refreshed is not None
        assert refreshed.next_due_on == dt.date(2026, 12, 2)  # L3.1 decision target
