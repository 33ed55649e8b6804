"""Statuses of a case, the transition table, and who may make which move in which status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from portal.domain.calendar import Channel


class Status(StrEnum):
    DRAFT = "draft"  # being filled (citizen on the portal, or intake at a desk)
    SUBMITTED = "submitted"  # signed on the portal or accepted at a desk, awaiting R7.1
    REFUSED_ACCEPTANCE = "refused_acceptance"  # incomplete package: receipt F2-1 (R6.2)
    WITHDRAWN = "withdrawn"
    REGISTERED = "registered"  # accepted and registered (R6.1 "request accepted", R7.1)
    AT_PRECINCT = "at_precinct"  # documents sent to the precinct commission (R7.2)
    INSPECTION_REFUSED = "inspection_refused"  # applicant refused the inspection (F3)
    PRECINCT_CONCLUDED = "precinct_concluded"  # conclusion F4 made and accepted
    INCOME_COMPUTED = "income_computed"  # per-capita income computed (R11.1)
    AT_SPECIAL_COMMISSION = "at_special_commission"  # package with the special commission
    COMMISSION_CONCLUDED = "commission_concluded"
    PRELIMINARY_REFUSAL = "preliminary_refusal"  # L9 ground found, hearing set (R15.1, R15.2)
    OBJECTION_RECEIVED = "objection_received"  # R15.3
    HEARING_HELD = "hearing_held"  # protocol kept (R15.4), remarks window (R15.6)
    GRANTED = "granted"  # decision F5 signed: grant
    REFUSED = "refused"  # decision F5 signed: refuse
    NOTIFIED = "notified"  # notification F6/F7 delivered (R15.8–R15.11)


TERMINAL = frozenset({Status.REFUSED_ACCEPTANCE, Status.WITHDRAWN, Status.NOTIFIED})


class Role(StrEnum):
    CITIZEN = "citizen"
    INTAKE = "intake"  # provider, rural akim or State Corporation desk
    PRECINCT = "precinct"  # precinct commission member
    SPECIALIST = "specialist"  # social-assistance department
    COMMISSION = "commission"  # secretary of the special commission
    HEAD = "head"  # head of department: signs decisions
    OPERATOR = "operator"  # 1414 contact centre: reads only
    ADMIN = "admin"
    SYSTEM = "system"  # scheduled jobs: registration, automatic notification


class Action(StrEnum):
    SUBMIT = "submit"
    ACCEPT_PAPER = "accept_paper"
    REGISTER = "register"
    REFUSE_ACCEPTANCE = "refuse_acceptance"
    WITHDRAW = "withdraw"
    SEND_TO_PRECINCT = "send_to_precinct"
    RECORD_INSPECTION = "record_inspection"
    RECORD_INSPECTION_REFUSAL = "record_inspection_refusal"
    CONCLUDE_PRECINCT = "conclude_precinct"
    RECEIVE_DOCUMENTS = "receive_documents"
    COMPUTE_INCOME = "compute_income"
    SUBMIT_TO_COMMISSION = "submit_to_commission"
    CONCLUDE_COMMISSION = "conclude_commission"
    ISSUE_PRELIMINARY_REFUSAL = "issue_preliminary_refusal"
    DELIVER_PRELIMINARY_NOTICE = "deliver_preliminary_notice"
    SUBMIT_OBJECTION = "submit_objection"
    HOLD_HEARING = "hold_hearing"
    READ_PROTOCOL = "read_protocol"
    SUBMIT_REMARKS = "submit_remarks"
    RESUME_REVIEW = "resume_review"
    DECIDE_GRANT = "decide_grant"
    DECIDE_REFUSE = "decide_refuse"
    NOTIFY = "notify"


@dataclass(frozen=True)
class Actor:
    """Who acts: a role and, for intake staff, the desk (channel) they sit at."""

    role: Role
    desk: Channel | None = None


@dataclass(frozen=True)
class CaseFacts:
    """What the case's ground says about its route (R7.2, L8.2/R11.2, F5), from GroundRule."""

    needs_precinct: bool
    needs_income: bool
    needs_commission: bool = True


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | None  # None: the action is recorded but the status stays
    roles: frozenset[Role]
    # Statuses in which the action is taken but the status stays (several objections, R15.3).
    keeps_status_in: frozenset[Status] = frozenset()


def _t(
    action: Action,
    sources: Iterable[Status],
    target: Status | None,
    *roles: Role,
    keeps: Iterable[Status] = (),
) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), frozenset(keeps))


S = Status
R = Role
_BEFORE_DECISION = {
    S.DRAFT, S.SUBMITTED, S.REGISTERED, S.AT_PRECINCT, S.INSPECTION_REFUSED, S.PRECINCT_CONCLUDED,
    S.INCOME_COMPUTED, S.AT_SPECIAL_COMMISSION, S.COMMISSION_CONCLUDED, S.PRELIMINARY_REFUSAL,
    S.OBJECTION_RECEIVED, S.HEARING_HELD,
}
REFUSAL_PENDING = frozenset({S.PRELIMINARY_REFUSAL, S.OBJECTION_RECEIVED, S.HEARING_HELD})
# Line 63: a preliminary refusal is issued whenever an L9 ground is found — at registration (no
# consent, L9(2)), after an inspection, after the commission — not only after the commission.
_UNDER_REVIEW = {
    S.REGISTERED, S.AT_PRECINCT, S.INSPECTION_REFUSED, S.PRECINCT_CONCLUDED, S.INCOME_COMPUTED,
    S.AT_SPECIAL_COMMISSION, S.COMMISSION_CONCLUDED,
}

TRANSITIONS: tuple[Transition, ...] = (
    _t(Action.SUBMIT, {S.DRAFT}, S.SUBMITTED, R.CITIZEN),
    # Any desk accepts a paper package (R6.1); only the provider or the rural akim registers it
    # (R7.1, line 51) — a State Corporation desk accepts and forwards.
    _t(Action.ACCEPT_PAPER, {S.DRAFT}, S.SUBMITTED, R.INTAKE),
    _t(Action.REGISTER, {S.SUBMITTED}, S.REGISTERED, R.INTAKE, R.SPECIALIST, R.SYSTEM),
    # R6.2 (line 45): refused at the desk, or a submitted portal application by the provider or
    # the rural akim.
    _t(Action.REFUSE_ACCEPTANCE, {S.DRAFT, S.SUBMITTED}, S.REFUSED_ACCEPTANCE,
       R.INTAKE, R.SPECIALIST),
    _t(Action.WITHDRAW, _BEFORE_DECISION, S.WITHDRAWN, R.CITIZEN),
    _t(Action.SEND_TO_PRECINCT, {S.REGISTERED}, S.AT_PRECINCT, R.INTAKE, R.SPECIALIST),
    _t(Action.RECORD_INSPECTION, {S.AT_PRECINCT}, None, R.PRECINCT),
    _t(Action.RECORD_INSPECTION_REFUSAL, {S.AT_PRECINCT}, S.INSPECTION_REFUSED, R.PRECINCT),
    _t(Action.CONCLUDE_PRECINCT, {S.AT_PRECINCT, S.INSPECTION_REFUSED}, S.PRECINCT_CONCLUDED,
       R.PRECINCT),
    # R11.1 (line 59): the documents reach the provider from the precinct commission or the
    # rural akim; that day starts the 1-working-day income clock.
    _t(Action.RECEIVE_DOCUMENTS, {S.REGISTERED, S.PRECINCT_CONCLUDED}, None, R.SPECIALIST),
    _t(Action.COMPUTE_INCOME, {S.REGISTERED, S.PRECINCT_CONCLUDED}, S.INCOME_COMPUTED,
       R.SPECIALIST),
    _t(Action.SUBMIT_TO_COMMISSION, {S.REGISTERED, S.PRECINCT_CONCLUDED, S.INCOME_COMPUTED},
       S.AT_SPECIAL_COMMISSION, R.SPECIALIST),
    _t(Action.CONCLUDE_COMMISSION, {S.AT_SPECIAL_COMMISSION}, S.COMMISSION_CONCLUDED,
       R.COMMISSION),
    _t(Action.ISSUE_PRELIMINARY_REFUSAL, _UNDER_REVIEW, S.PRELIMINARY_REFUSAL, R.SPECIALIST),
    # R15.3: the objection window runs from the day the notice reached the person.
    _t(Action.DELIVER_PRELIMINARY_NOTICE, REFUSAL_PENDING, None,
       R.SPECIALIST, R.INTAKE, R.SYSTEM),
    _t(Action.SUBMIT_OBJECTION, REFUSAL_PENDING, S.OBJECTION_RECEIVED, R.CITIZEN, R.SPECIALIST,
       keeps={S.OBJECTION_RECEIVED, S.HEARING_HELD}),
    _t(Action.HOLD_HEARING, {S.PRELIMINARY_REFUSAL, S.OBJECTION_RECEIVED}, S.HEARING_HELD,
       R.SPECIALIST),
    _t(Action.READ_PROTOCOL, {S.HEARING_HELD}, None, R.CITIZEN, R.SPECIALIST),
    _t(Action.SUBMIT_REMARKS, {S.HEARING_HELD}, None, R.CITIZEN, R.SPECIALIST),
    # The objection or the hearing showed the ground to refuse was not there: the case goes back
    # to where its review stood (domain.guard.resume_status), and the preliminary refusal lapses.
    _t(Action.RESUME_REVIEW, REFUSAL_PENDING, None, R.SPECIALIST),
    _t(Action.DECIDE_GRANT,
       {S.REGISTERED, S.PRECINCT_CONCLUDED, S.INCOME_COMPUTED, S.COMMISSION_CONCLUDED,
        *REFUSAL_PENDING},
       S.GRANTED, R.HEAD),
    # R15.1: a refusal is only ever decided after a preliminary decision was notified; the dates
    # are checked by domain.guard.
    _t(Action.DECIDE_REFUSE, REFUSAL_PENDING, S.REFUSED, R.HEAD),
    _t(Action.NOTIFY, {S.GRANTED, S.REFUSED}, S.NOTIFIED, R.SPECIALIST, R.INTAKE, R.SYSTEM),
)

_BY_ACTION: dict[Action, Transition] = {t.action: t for t in TRANSITIONS}

# Intake desks that may take an action (lines 51, 55): registering and referring to the precinct
# commission are the provider's or the rural akim's; refusing a submitted application too.
# The portal is a channel but no desk: an intake actor "at the portal" may do nothing.
_LOCAL_DESKS: Final = frozenset({Channel.PROVIDER, Channel.RURAL_AKIM})
_ALL_DESKS: Final = _LOCAL_DESKS | {Channel.STATE_CORP}
_INTAKE_DESKS: Final[dict[Action, frozenset[Channel]]] = {
    Action.ACCEPT_PAPER: _ALL_DESKS,
    Action.REGISTER: _LOCAL_DESKS,
    Action.REFUSE_ACCEPTANCE: _ALL_DESKS,
    Action.SEND_TO_PRECINCT: _LOCAL_DESKS,
    Action.DELIVER_PRELIMINARY_NOTICE: _ALL_DESKS,
    Action.NOTIFY: _ALL_DESKS,
}


class IllegalTransition(Exception):
    """A move the law does not allow now; the status is left as it was.

    ``rule`` names the rule that forbids it when one does (e.g. ``R15.1``); ``possible_from`` is
    the first day on which it becomes possible, and ``closed_on`` the last day it was.
    """

    def __init__(
        self,
        status: Status,
        action: Action,
        role: Role,
        reason: str,
        *,
        rule: str | None = None,
        possible_from: date | None = None,
        closed_on: date | None = None,
    ) -> None:
        when = f" (possible from {possible_from})" if possible_from else ""
        closed = f" (closed on {closed_on})" if closed_on else ""
        cite = f" [{rule}]" if rule else ""
        super().__init__(
            f"{role} may not {action} a case in status {status}: {reason}{cite}{when}{closed}"
        )
        self.status = status
        self.action = action
        self.role = role
        self.reason = reason
        self.rule = rule
        self.possible_from = possible_from
        self.closed_on = closed_on


def transition_for(action: Action) -> Transition:
    return _BY_ACTION[action]


def desk_blocker(status: Status, action: Action, actor: Actor) -> str | None:
    """Why this intake desk may not take the action (lines 45, 51, 55), or None."""
    if actor.role is not Role.INTAKE:
        return None
    if actor.desk is None:
        return "no_desk"
    allowed = _INTAKE_DESKS.get(action, _ALL_DESKS)
    if action is Action.REFUSE_ACCEPTANCE and status is Status.SUBMITTED:
        allowed = _LOCAL_DESKS
    if actor.desk not in allowed:
        return "wrong_desk"
    return None


_AFTER_PRECINCT: Final = frozenset(
    {Action.RECEIVE_DOCUMENTS, Action.COMPUTE_INCOME, Action.SUBMIT_TO_COMMISSION,
     Action.DECIDE_GRANT}
)


def route_blocker(status: Status, action: Action, facts: CaseFacts) -> str | None:
    """Why the case's ground forbids this step now (a skipped inspection, income or
    commission), or None."""
    early = status is Status.REGISTERED
    if action is Action.SEND_TO_PRECINCT and not facts.needs_precinct:
        return "no_inspection_needed"
    # R7.2, then R11.1: on the precinct path the documents come back from the commission first.
    if action in _AFTER_PRECINCT and early and facts.needs_precinct:
        return "inspection_first"
    # R11.2, L8.2: a ground granted regardless of income (a socially significant disease, a
    # fire, …) asks for no income, so there is none to compute.
    if action is Action.COMPUTE_INCOME and not facts.needs_income:
        return "no_income_needed"
    if (
        action in {Action.SUBMIT_TO_COMMISSION, Action.DECIDE_GRANT}
        and facts.needs_income
        and status in {Status.REGISTERED, Status.PRECINCT_CONCLUDED}
    ):
        return "income_first"  # R11.1 for grounds that need income (L8.2)
    if (
        action is Action.DECIDE_GRANT
        and facts.needs_commission
        and status in {Status.REGISTERED, Status.PRECINCT_CONCLUDED, Status.INCOME_COMPUTED}
    ):
        return "commission_first"  # F5
    return None


# The rule behind each reason of route_blocker.
ROUTE_RULES: Final = MappingProxyType({
    "no_inspection_needed": "R7.2", "inspection_first": "R7.2", "income_first": "R11.1",
    "no_income_needed": "R11.2", "commission_first": "F5",
})


def apply(status: Status, action: Action, actor: Actor, facts: CaseFacts) -> Status:
    """The status after ``actor`` takes ``action`` in ``status``, by status, role, desk and
    route alone; raises IllegalTransition otherwise. Dates are checked by domain.guard."""
    t = _BY_ACTION[action]
    if status not in t.sources:
        raise IllegalTransition(status, action, actor.role, "wrong_status")
    if actor.role not in t.roles:
        raise IllegalTransition(status, action, actor.role, "wrong_role")
    blocker = desk_blocker(status, action, actor) or route_blocker(status, action, facts)
    if blocker is not None:
        raise IllegalTransition(status, action, actor.role, blocker, rule=ROUTE_RULES.get(blocker))
    if t.target is None or status in t.keeps_status_in:
        return status
    return t.target


def allowed_actions(status: Status, actor: Actor, facts: CaseFacts) -> list[Action]:
    """Which actions this actor may take now by status, role, desk and route, in table order."""
    return [
        t.action for t in TRANSITIONS
        if status in t.sources and actor.role in t.roles
        and desk_blocker(status, t.action, actor) is None
        and route_blocker(status, t.action, facts) is None
    ]


def is_terminal(status: Status) -> bool:
    return status in TERMINAL


def is_decided(status: Status) -> bool:
    return status in {Status.GRANTED, Status.REFUSED, Status.NOTIFIED}
