"""The demo's review cases (issue #11): one in each status from the precinct commission to the
special commission, moved through services/review.py, each step an event; loaded once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.cli import demo
from portal.models import Application, Event


def test_the_demo_has_a_case_in_each_review_status_moved_by_the_services(
        session: Session) -> None:
    demo.load(session)
    demo.load(session)  # idempotent: each case once
    found = {a.number: a for a in session.scalars(select(Application).where(
        Application.number.in_([n for n, _i, _s in demo.REVIEW_CASES])))}
    assert {n: found[n].status for n in found} == {n: s for n, _i, s in demo.REVIEW_CASES}
    concluded = found["SA-2026-DEMO-0105"]
    steps = list(session.scalars(select(Event.action).where(
        Event.application_id == concluded.id).order_by(Event.seq)))
    assert steps == ["accept_paper", "register", "send_to_precinct", "record_inspection", "conclude_precinct",
                     "receive_documents", "compute_income", "submit_to_commission",
                     "conclude_commission"]
    assert concluded.income_computation is not None and concluded.commission_conclusion
    assert concluded.version == 8  # every change moved the version
    assert session.scalar(select(func.count()).select_from(Event).where(
        Event.application_id == found["SA-2026-DEMO-0101"].id)) == 3
