"""The demo's cases read as real cases: their dates in order, on working days, and consistent
with their statuses, whenever `flask demo load` runs (a weekday's office hours, a night, a
weekend). L3.1, R7.1, R7.2, R11.1, R15.1, R15.7."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import db
from portal.cli import demo
from portal.db import utcnow
from portal.domain.calendar import ALMATY, to_local
from portal.domain.workflow import Status
from portal.models import Application
from portal.services.workdays import calendar


def _next(weekday: int, at: dt.time) -> dt.datetime:
    """The next such weekday after today, at ``at`` in Almaty: later than any event already
    written (services stamp their events with the ``now`` they are given, and the audit chain
    refuses one dated before the last)."""
    day = to_local(utcnow()).date() + dt.timedelta(days=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, at, tzinfo=ALMATY)


# A Sunday night, a Friday night and a Wednesday morning before the office opens.
WHEN = {
    "sunday-night": (6, dt.time(20)),
    "friday-night": (4, dt.time(22, 30)),
    "before-hours": (2, dt.time(7)),
}
DECIDED = {Status.GRANTED, Status.REFUSED, Status.NOTIFIED}


def _day(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else to_local(moment).date()


@pytest.mark.parametrize("moment", WHEN)
def test_demo_case_dates_are_in_order_on_working_days_and_fit_the_status(
    session: Session, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    when = _next(*WHEN[moment])
    monkeypatch.setattr(demo, "utcnow", lambda: when.astimezone(dt.UTC))
    # The SMS jobs the demo's notifications queue read the same clock (portal.jobs imports it
    # from portal.db when a job runs) (eager Celery runs them
    # inline; with the real clock an SMS was stamped before the future decision it announces).
    monkeypatch.setattr(db, "utcnow", lambda: when.astimezone(dt.UTC))
    demo.load(session)
    demo.decision_cases(session)
    cal = calendar()
    numbers = [n for n, *_ in (*demo.APPLICATIONS, *demo.REVIEW_CASES, *demo.DECISION_CASES)]
    cases = list(session.scalars(select(Application).where(Application.number.in_(numbers))))
    assert len(cases) == len(numbers)
    for a in cases:
        decision = a.decision
        notified = [_day(n.sent_at) for n in a.notifications if n.sent_at]
        steps = [
            ("arrived", _day(a.arrived_at)),
            ("registered", a.registered_on),
            ("sent to precinct", a.sent_to_precinct_on),
            ("documents received", a.documents_received_on),
            ("income computed", _day(a.income_computation.computed_at) if a.income_computation else None),
            ("to commission", a.submitted_to_commission_on),
            ("decided", decision.decided_on if decision else None),
            ("notified", min(notified) if notified else None),
        ]
        dated = [(name, day) for name, day in steps if day is not None]
        assert [d for _n, d in dated] == sorted(d for _n, d in dated), (a.number, dated)
        for name, day in dated[:2]:  # R7.1: packages are registered on working days
            assert cal.is_working_day(day), (a.number, name, day)
        assert all(day <= to_local(when).date() for _n, day in dated), (a.number, dated)
        assert a.result_due_on is not None, a.number  # L3.1: every registered case has its term
        assert (decision is not None) == (a.status in DECIDED), a.number
        if a.status is Status.NOTIFIED:
            assert notified and decision is not None and decision.decided_on <= min(notified)
        if decision is not None:  # decided within the service term
            assert decision.decided_on <= a.result_due_on, a.number
