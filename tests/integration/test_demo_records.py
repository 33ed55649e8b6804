"""Each demo case holds the records its status says it has, and no record of a step its status
never passed: a case that passed the special commission has its conclusion, one past the
precinct commission its act and F4, a refusal its preliminary decision (F3, F4, R7.2, R11.1,
F5, R15.1–R15.8). The steps the services took (the events) follow the transition table."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.cli import demo
from portal.domain.grounds import GroundRule
from portal.domain.guard import resume_status
from portal.domain.workflow import REFUSAL_PENDING, Action, Status, transition_for
from portal.models import Application, Event
from portal.services import cases

S = Status


def _before(status: Status, rule: GroundRule) -> set[Status]:
    """The statuses a case must have passed to reach ``status`` by the ground's route."""
    precinct = S.PRECINCT_CONCLUDED if rule.needs_precinct_inspection else S.REGISTERED
    income = S.INCOME_COMPUTED if rule.needs_income else precinct
    decided = S.COMMISSION_CONCLUDED if rule.needs_special_commission else income
    return {
        S.AT_PRECINCT: {S.REGISTERED}, S.PRECINCT_CONCLUDED: {S.AT_PRECINCT},
        S.INCOME_COMPUTED: {precinct}, S.AT_SPECIAL_COMMISSION: {income},
        S.COMMISSION_CONCLUDED: {S.AT_SPECIAL_COMMISSION},
        S.PRELIMINARY_REFUSAL: {S.REGISTERED}, S.OBJECTION_RECEIVED: {S.PRELIMINARY_REFUSAL},
        S.HEARING_HELD: {S.PRELIMINARY_REFUSAL},
        S.GRANTED: {decided},  # F5: a grant only after the route (guard._route_done)
        S.REFUSED: {S.PRELIMINARY_REFUSAL},  # R15.1
    }.get(status, set())


# What each status leaves on the case.
RECORDS: dict[Status, Callable[[Application], bool]] = {
    S.REGISTERED: lambda a: a.registered_on is not None and a.result_due_on is not None,
    S.AT_PRECINCT: lambda a: a.sent_to_precinct_on is not None,
    S.PRECINCT_CONCLUDED: lambda a: (a.inspection_act is not None
                                     and a.precinct_conclusion is not None),
    S.INCOME_COMPUTED: lambda a: a.income_computation is not None,
    S.AT_SPECIAL_COMMISSION: lambda a: a.submitted_to_commission_on is not None,
    S.COMMISSION_CONCLUDED: lambda a: a.commission_conclusion is not None,
    S.PRELIMINARY_REFUSAL: lambda a: a.preliminary_decision is not None,
    S.OBJECTION_RECEIVED: lambda a: bool(a.objections),
    S.HEARING_HELD: lambda a: a.hearing_protocol is not None,
    S.GRANTED: lambda a: a.decision is not None and a.decision.granted,
    S.REFUSED: lambda a: a.decision is not None and not a.decision.granted,
    S.NOTIFIED: lambda a: any(n.sent_at is not None for n in a.notifications),
}


def _passed(a: Application, steps: list[Event], rule: GroundRule) -> set[Status]:
    """Every status the case has been in: its events' and its own, with what each implies. A
    refusal leaves the review where it stood (line 63): the status a resumed review returns
    to, read from the case's dates and records (guard.resume_status)."""
    found = {a.status} | {Status(s) for e in steps for s in (e.from_status, e.to_status) if s}
    if a.status is S.NOTIFIED and a.decision is not None:
        found.add(S.GRANTED if a.decision.granted else S.REFUSED)
    if found & {*REFUSAL_PENDING, S.GRANTED, S.REFUSED}:
        found.add(resume_status(cases.milestones(a)))
    todo = list(found)
    while todo:
        for earlier in _before(todo.pop(), rule) - found:
            found.add(earlier)
            todo.append(earlier)
    return found


def test_f4_f5_r15_each_demo_case_has_the_records_of_the_statuses_it_passed(
        session: Session) -> None:
    demo.load(session)
    demo.decision_cases(session)
    numbers = [n for n, *_ in (*demo.APPLICATIONS, *demo.INTAKE_CASES, *demo.REVIEW_CASES,
                               *demo.DECISION_CASES)]
    found = list(session.scalars(select(Application).where(Application.number.in_(numbers))))
    assert len(found) == len(numbers)
    for a in found:
        steps = [e for e in session.scalars(select(Event).where(Event.application_id == a.id)
                                            .order_by(Event.seq)) if e.from_status]
        for before, after in pairwise(steps):  # one status follows another
            assert after.from_status == before.to_status, (a.number, before.action, after.action)
        for e in steps:  # each step is one the table allows from where the case stood
            assert Status(e.from_status) in transition_for(Action(e.action)).sources, (
                a.number, e.action, e.from_status)
        passed = _passed(a, steps, cases.ground_rule(a))
        for status, has in RECORDS.items():
            assert has(a) == (status in passed), (a.number, a.status.value, status.value)


def test_demo_cases_in_a_refusal_were_concluded_by_both_commissions_first(
        session: Session) -> None:
    """The refusals cite the commissions' findings (L9: a negative conclusion); the grants
    their recommendation (F5)."""
    demo.load(session)
    demo.decision_cases(session)
    for number, _iin, _channel, wanted in demo.DECISION_CASES:
        a = session.scalar(select(Application).where(Application.number == number))
        assert a is not None and a.commission_conclusion is not None, number
        assert a.precinct_conclusion is not None and a.income_computation is not None, number
        granted = wanted in {S.GRANTED, S.NOTIFIED}
        assert a.commission_conclusion.needs_assistance is granted, number
        assert a.precinct_conclusion.needs_assistance is granted, number
        assert a.income_computation.below_threshold is granted, number
