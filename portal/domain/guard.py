"""The one check every case-changing use case goes through: status, role, desk, route and dates.

`workflow` knows what a status allows; this module adds what the case's own dates and records
allow on a given day (R11.1, R15.1–R15.7, F3/F4), so that a service never has to remember to ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.domain.calendar import WorkingCalendar
from portal.domain.deadlines import (
    Blocker,
    CaseMilestones,
    objection_blocker,
    refusal_blocker,
    remarks_blocker,
)
from portal.domain.workflow import (
    REFUSAL_PENDING,
    TRANSITIONS,
    Action,
    Actor,
    CaseFacts,
    IllegalTransition,
    Status,
    apply,
)

__all__ = ["CaseState", "allowed", "check", "evidence_blocker", "resume_status"]


@dataclass(frozen=True, kw_only=True)
class CaseState:
    """A case as the law sees it: status, route, dates and which records exist."""

    status: Status
    facts: CaseFacts
    milestones: CaseMilestones
    has_inspection_act: bool = False


def evidence_blocker(
    state: CaseState, action: Action, today: date, cal: WorkingCalendar
) -> Blocker | None:
    """Why the case's dates or records forbid ``action`` on ``today``, or None."""
    m = state.milestones
    if (
        action is Action.CONCLUDE_PRECINCT
        and state.status is Status.AT_PRECINCT
        and not state.has_inspection_act
    ):
        return Blocker("F3", "no_inspection_act")  # an act, or a recorded refusal of it
    if action is Action.RECEIVE_DOCUMENTS and m.documents_received_on is not None:
        return Blocker("R11.1", "documents_already_received")
    # On the precinct path the provider works from the documents it received back (R11.1).
    if (
        action in {Action.COMPUTE_INCOME, Action.SUBMIT_TO_COMMISSION, Action.DECIDE_GRANT}
        and state.status is Status.PRECINCT_CONCLUDED
        and m.documents_received_on is None
    ):
        return Blocker("R11.1", "documents_not_received")
    if action is Action.DELIVER_PRELIMINARY_NOTICE and m.preliminary_delivered_on is not None:
        return Blocker("R15.3", "notice_already_delivered")
    if action is Action.SUBMIT_OBJECTION:
        return objection_blocker(m, today, cal)
    if action is Action.HOLD_HEARING and m.preliminary_delivered_on is None:
        return Blocker("R15.1", "notice_not_delivered")
    if action is Action.READ_PROTOCOL and m.protocol_read_on is not None:
        return Blocker("R15.5", "protocol_already_read")
    if action is Action.SUBMIT_REMARKS:
        return remarks_blocker(m, today, cal)
    if action is Action.DECIDE_REFUSE:
        return refusal_blocker(m, today, cal)
    if action is Action.DECIDE_GRANT and state.status in REFUSAL_PENDING:
        return _route_done(state)
    return None


def _route_done(state: CaseState) -> Blocker | None:
    """A grant after a preliminary refusal still needs the route the ground asks for (R7.2,
    R11.1, F5): the refusal may have been issued before the inspection, income or commission."""
    m, facts = state.milestones, state.facts
    if facts.needs_precinct and m.documents_received_on is None:
        return Blocker("R7.2", "inspection_first")
    if facts.needs_income and m.income_computed_on is None:
        return Blocker("R11.1", "income_first")
    if facts.needs_commission and m.commission_concluded_on is None:
        return Blocker("F5", "commission_first")
    return None


def resume_status(m: CaseMilestones) -> Status:
    """Where a case's review stood, from what has been done: the status a resumed review
    returns to."""
    if m.commission_concluded_on is not None:
        return Status.COMMISSION_CONCLUDED
    if m.submitted_to_commission_on is not None:
        return Status.AT_SPECIAL_COMMISSION
    if m.income_computed_on is not None:
        return Status.INCOME_COMPUTED
    if m.documents_received_on is not None and m.sent_to_precinct_on is not None:
        return Status.PRECINCT_CONCLUDED
    if m.sent_to_precinct_on is not None:
        return Status.AT_PRECINCT
    return Status.REGISTERED


def check(
    state: CaseState, action: Action, actor: Actor, today: date, cal: WorkingCalendar
) -> Status:
    """The status after ``actor`` takes ``action`` on ``today``; raises IllegalTransition,
    naming the rule and the first day it becomes possible where there is one."""
    target = apply(state.status, action, actor, state.facts)
    blocker = evidence_blocker(state, action, today, cal)
    if blocker is not None:
        raise IllegalTransition(
            state.status, action, actor.role, blocker.reason, rule=blocker.rule,
            possible_from=blocker.possible_from, closed_on=blocker.closed_on,
        )
    if action is Action.RESUME_REVIEW:
        return resume_status(state.milestones)
    return target


def allowed(state: CaseState, actor: Actor, today: date, cal: WorkingCalendar) -> list[Action]:
    """What this actor may do with the case today, in the order of the procedure."""
    found: list[Action] = []
    for t in TRANSITIONS:
        try:
            check(state, t.action, actor, today, cal)
        except IllegalTransition:
            continue
        found.append(t.action)
    return found
