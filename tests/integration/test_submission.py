"""Submitting a portal application (F1-1) on SQLite and PostgreSQL: the dates of R7.1 and L3.1,
registration by the scheduled job, one application however many times it is submitted, drafts
one per ground, withdrawal until the decision."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import db
from portal.domain.calendar import WorkingCalendar
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import IllegalTransition, Status
from portal.models import Application, Citizen, Event, Signature
from portal.services import drafts, submission
from tests.factories import almaty, create_citizen, create_district

CAL = WorkingCalendar()
FRIDAY = dt.date(2026, 11, 27)
MONDAY = dt.date(2026, 11, 30)


def _signature(session: Session, application: Application, citizen: Citizen) -> Signature:
    signature = Signature(application_id=application.id, document_kind="application",
                          signer_iin=citizen.iin, signer_role="citizen", certificate_serial="1",
                          document=b"{}", document_digest="0" * 64, envelope="x.y.z",
                          verification_code=f"code-{application.id}")
    session.add(signature)
    session.commit()
    return signature


def _draft(session: Session, now: dt.datetime, iin: str = "850321301238"
           ) -> tuple[Application, Citizen]:
    district = create_district(session)
    citizen = create_citizen(session, iin=iin)
    draft = drafts.start_draft(session, citizen, district, now=now)
    offer = next(g for g in district.grounds if g.category is GroundCategory.LOW_INCOME)
    drafts.choose_ground(session, draft, citizen, offer, None)
    return draft, citizen


def test_r7_1_l3_1_application_within_working_hours_is_registered_the_same_day(
        db_app: Flask) -> None:
    with db_app.app_context():
        session = db.session()
        now = almaty(FRIDAY, 11)
        draft, citizen = _draft(session, now)
        submission.submit(session, draft, citizen, _signature(session, draft, citizen), now=now,
                          cal=CAL)
        assert draft.status is Status.REGISTERED
        assert draft.registered_on == FRIDAY
        assert draft.term_started_on == FRIDAY
        # L3.1: 8 working days from Friday 27 November 2026
        assert draft.result_due_on == CAL.add_working_days(FRIDAY, 8)
        # The queue's order (R7.2): low income goes to the precinct commission by Monday.
        assert draft.next_due_on == MONDAY


def test_r7_1_after_hours_application_waits_and_the_job_registers_it_on_the_next_working_day(
        db_app: Flask) -> None:
    with db_app.app_context():
        session = db.session()
        evening = almaty(FRIDAY, 21, 30)
        draft, citizen = _draft(session, evening)
        submission.submit(session, draft, citizen, _signature(session, draft, citizen),
                          now=evening, cal=CAL)
        assert draft.status is Status.SUBMITTED and draft.registered_on is None
        assert draft.term_started_on == MONDAY  # L7: handled on the next working day
        # The queue's order: until registered, only the L3.1 decision target runs.
        assert draft.next_due_on == CAL.add_working_days(MONDAY, 7)
        # Saturday and Monday before the office opens: nothing to register yet
        assert submission.register_due(session, now=almaty(dt.date(2026, 11, 28), 10),
                                       cal=CAL) == 0
        assert submission.register_due(session, now=almaty(MONDAY, 8, 45), cal=CAL) == 0
        assert submission.register_due(session, now=almaty(MONDAY, 9, 0), cal=CAL) == 1
        session.refresh(draft)
        assert draft.status is Status.REGISTERED and draft.registered_on == MONDAY
        assert draft.next_due_on == dt.date(2026, 12, 1)  # R7.2: registered Monday
        actions = session.scalars(select(Event.action).where(
            Event.application_id == draft.id).order_by(Event.seq)).all()
        assert actions[-2:] == ["submit", "register"]


def test_f1_1_a_submitted_draft_submitted_again_raises_already_submitted(db_app: Flask) -> None:
    with db_app.app_context():
        session = db.session()
        now = almaty(FRIDAY, 11)
        draft, citizen = _draft(session, now)
        signature = _signature(session, draft, citizen)
        submission.submit(session, draft, citizen, signature, now=now, cal=CAL)
        with pytest.raises(submission.AlreadySubmitted):
            submission.submit(session, draft, citizen, signature, now=now, cal=CAL)


def test_f1_1_two_concurrent_submissions_of_one_draft_make_one_application(
        db_app: Flask) -> None:
    """Double tap, two tabs, a retried request: the version column lets exactly one win."""
    now = almaty(FRIDAY, 21)  # after hours: submit alone, no registration in the same call
    with db_app.app_context():
        session = db.session()
        draft, citizen = _draft(session, now)
        signature_id = _signature(session, draft, citizen).id
        draft_id, citizen_id = draft.id, citizen.id
    barrier = threading.Barrier(2, timeout=60)
    results: list[object] = []

    def submit_once() -> None:
        with db_app.app_context():
            session = db.session()
            mine = session.get(Application, draft_id)
            who = session.get(Citizen, citizen_id)
            signature = session.get(Signature, signature_id)
            assert mine is not None and who is not None and signature is not None
            barrier.wait()
            try:
                submission.submit(session, mine, who, signature, now=now, cal=CAL)
                results.append("submitted")
            except submission.AlreadySubmitted:
                results.append("already")
            except Exception as exc:
                results.append(exc)

    threads = [threading.Thread(target=submit_once) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, results)) == ["already", "submitted"], results
    with db_app.app_context():
        session = db.session()
        submits = session.scalar(select(func.count()).select_from(Event).where(
            Event.application_id == draft_id, Event.action == "submit"))
        assert submits == 1
        assert session.get(Application, draft_id).status is Status.SUBMITTED  # type: ignore[union-attr]


def test_one_draft_per_person_and_ground_a_second_is_offered_the_first(db_app: Flask) -> None:
    with db_app.app_context():
        session = db.session()
        now = almaty(FRIDAY, 11)
        first, citizen = _draft(session, now)
        second = drafts.start_draft(session, citizen, first.district, now=now)
        offer = next(g for g in first.district.grounds
                     if g.category is GroundCategory.LOW_INCOME)
        with pytest.raises(drafts.DraftExists) as exists:
            drafts.choose_ground(session, second, citizen, offer, None)
        assert exists.value.draft.id == first.id


def test_a_draft_can_be_deleted_and_leaves_its_events(db_app: Flask) -> None:
    with db_app.app_context():
        session = db.session()
        now = almaty(FRIDAY, 11)
        draft, citizen = _draft(session, now)
        number = draft.number
        drafts.delete_draft(session, draft, citizen, now=now)
        assert session.scalar(select(Application).where(Application.number == number)) is None
        assert session.scalar(select(func.count()).select_from(Event).where(
            Event.action == "draft_deleted")) == 1


def test_a_submitted_application_can_be_withdrawn_until_the_decision(db_app: Flask) -> None:
    with db_app.app_context():
        session = db.session()
        now = almaty(FRIDAY, 11)
        draft, citizen = _draft(session, now)
        submission.submit(session, draft, citizen, _signature(session, draft, citizen), now=now,
                          cal=CAL)
        submission.withdraw(session, draft, citizen, now=now, cal=CAL)
        assert draft.status is Status.WITHDRAWN
        decided, other = _draft(session, now, iin="921231445671")
        decided.status = Status.GRANTED
        session.commit()
        with pytest.raises(IllegalTransition):
            submission.withdraw(session, decided, other, now=now, cal=CAL)
