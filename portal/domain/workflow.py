"""Statuses of a case, the transition table, and who may make which move in which status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"  # being filled (citizen on the portal, or intake at a desk)
    SUBMITTED = "submitted"  # signed on the portal, waiting for registration (R7.1)
    REFUSED_ACCEPTANCE = "refused_acceptance"  # incomplete package: receipt F2-1 (R6.2)
    WITHDRAWN = "withdrawn"
    REGISTERED = "registered"  # accepted and registered (R6.1 "request accepted", R7.1)
    AT_PRECINCT = "at_precinct"  # documents sent to the precinct commission (R7.2)
    INSPECTION_REFUSED = "inspection_refused"  # applicant refused the inspection (F3)
    PRECINCT_CONCLUDED = "precinct_concluded"  # conclusion F4 back with the provider
    INCOME_COMPUTED = "income_computed"  # per-capita income computed (R11.1)
    AT_SPECIAL_COMMISSION = "at_special_commission"  # package with the special commission
    COMMISSION_CONCLUDED = "commission_concluded"
    PRELIMINARY_REFUSAL = "preliminary_refusal"  # notified, hearing set (R15.1, R15.2)
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
    REGISTER = "register"
    ACCEPT_PAPER = "accept_paper"
    REFUSE_ACCEPTANCE = "refuse_acceptance"
    WITHDRAW = "withdraw"
    SEND_TO_PRECINCT = "send_to_precinct"
    RECORD_INSPECTION = "record_inspection"
    RECORD_INSPECTION_REFUSAL = "record_inspection_refusal"
    CONCLUDE_PRECINCT = "conclude_precinct"
    COMPUTE_INCOME = "compute_income"
    SUBMIT_TO_COMMISSION = "submit_to_commission"
    CONCLUDE_COMMISSION = "conclude_commission"
    ISSUE_PRELIMINARY_REFUSAL = "issue_preliminary_refusal"
    SUBMIT_OBJECTION = "submit_objection"
    HOLD_HEARING = "hold_hearing"
    READ_PROTOCOL = "read_protocol"
    SUBMIT_REMARKS = "submit_remarks"
    DECIDE_GRANT = "decide_grant"
    DECIDE_REFUSE = "decide_refuse"
    NOTIFY = "notify"


@dataclass(frozen=True)
class CaseFacts:
    """What the case's ground says about its route (R7.2, L8.2/R11.2), from grounds.GroundRule."""

    needs_precinct: bool
    needs_income: bool


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | None  # None: the action is recorded but the status stays
    roles: frozenset[Role]


def _t(action: Action, sources: Iterable[Status], target: Status | None, *roles: Role) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles))


S = Status
R = Role
_BEFORE_DECISION = {
    S.DRAFT, S.SUBMITTED, S.REGISTERED, S.AT_PRECINCT, S.INSPECTION_REFUSED, S.PRECINCT_CONCLUDED,
    S.INCOME_COMPUTED, S.AT_SPECIAL_COMMISSION, S.COMMISSION_CONCLUDED, S.PRELIMINARY_REFUSAL,
    S.OBJECTION_RECEIVED, S.HEARING_HELD,
}
_REFUSAL_PENDING = {S.PRELIMINARY_REFUSAL, S.OBJECTION_RECEIVED, S.HEARING_HELD}

TRANSITIONS: tuple[Transition, ...] = (
    _t(Action.SUBMIT, {S.DRAFT}, S.SUBMITTED, R.CITIZEN),
    _t(Action.REGISTER, {S.SUBMITTED}, S.REGISTERED, R.INTAKE, R.SPECIALIST, R.SYSTEM),
    _t(Action.ACCEPT_PAPER, {S.DRAFT}, S.REGISTERED, R.INTAKE),
    _t(Action.REFUSE_ACCEPTANCE, {S.DRAFT}, S.REFUSED_ACCEPTANCE, R.INTAKE),
    _t(Action.WITHDRAW, _BEFORE_DECISION, S.WITHDRAWN, R.CITIZEN),
    _t(Action.SEND_TO_PRECINCT, {S.REGISTERED}, S.AT_PRECINCT, R.INTAKE, R.SPECIALIST),
    _t(Action.RECORD_INSPECTION, {S.AT_PRECINCT}, None, R.PRECINCT),
    _t(Action.RECORD_INSPECTION_REFUSAL, {S.AT_PRECINCT}, S.INSPECTION_REFUSED, R.PRECINCT),
    _t(Action.CONCLUDE_PRECINCT, {S.AT_PRECINCT, S.INSPECTION_REFUSED}, S.PRECINCT_CONCLUDED,
       R.PRECINCT),
    _t(Action.COMPUTE_INCOME, {S.REGISTERED, S.PRECINCT_CONCLUDED}, S.INCOME_COMPUTED,
       R.SPECIALIST),
    _t(Action.SUBMIT_TO_COMMISSION, {S.REGISTERED, S.PRECINCT_CONCLUDED, S.INCOME_COMPUTED},
       S.AT_SPECIAL_COMMISSION, R.SPECIALIST),
    _t(Action.CONCLUDE_COMMISSION, {S.AT_SPECIAL_COMMISSION}, S.COMMISSION_CONCLUDED,
       R.COMMISSION),
    _t(Action.ISSUE_PRELIMINARY_REFUSAL, {S.COMMISSION_CONCLUDED}, S.PRELIMINARY_REFUSAL,
       R.SPECIALIST),
    _t(Action.SUBMIT_OBJECTION, {S.PRELIMINARY_REFUSAL}, S.OBJECTION_RECEIVED,
       R.CITIZEN, R.SPECIALIST),
    _t(Action.HOLD_HEARING, {S.PRELIMINARY_REFUSAL, S.OBJECTION_RECEIVED}, S.HEARING_HELD,
       R.SPECIALIST),
    _t(Action.READ_PROTOCOL, {S.HEARING_HELD}, None, R.CITIZEN, R.SPECIALIST),
    _t(Action.SUBMIT_REMARKS, {S.HEARING_HELD}, None, R.CITIZEN, R.SPECIALIST),
    _t(Action.DECIDE_GRANT, {S.COMMISSION_CONCLUDED, *_REFUSAL_PENDING}, S.GRANTED, R.HEAD),
    # R15.1: a refusal is only ever decided after a preliminary decision was notified.
    _t(Action.DECIDE_REFUSE, _REFUSAL_PENDING, S.REFUSED, R.HEAD),
    _t(Action.NOTIFY, {S.GRANTED, S.REFUSED}, S.NOTIFIED, R.SPECIALIST, R.INTAKE, R.SYSTEM),
)

_BY_ACTION: dict[Action, Transition] = {t.action: t for t in TRANSITIONS}


class IllegalTransition(Exception):
    """A move the transition table does not allow; the status is left as it was."""

    def __init__(self, status: Status, action: Action, role: Role, reason: str) -> None:
        super().__init__(f"{role} may not {action} a case in status {status}: {reason}")
        self.status = status
        self.action = action
        self.role = role
        self.reason = reason


def transition_for(action: Action) -> Transition:
    return _BY_ACTION[action]


def route_blocker(status: Status, action: Action, facts: CaseFacts) -> str | None:
    """Why the case's ground forbids this step now (a skipped inspection or income), or None."""
    if action is Action.SEND_TO_PRECINCT and not facts.needs_precinct:
        return "no_inspection_needed"
    if action is Action.COMPUTE_INCOME:
        if not facts.needs_income:
            return "no_income_needed"  # R11.2
        if status is Status.REGISTERED and facts.needs_precinct:
            return "inspection_first"  # R7.2, then R11.1
    if action is Action.SUBMIT_TO_COMMISSION:
        if status is Status.REGISTERED and facts.needs_precinct:
            return "inspection_first"
        if status in {Status.REGISTERED, Status.PRECINCT_CONCLUDED} and facts.needs_income:
            return "income_first"
    return None


def apply(status: Status, action: Action, role: Role, facts: CaseFacts) -> Status:
    """The status after `role` takes `action` in `status`; raises IllegalTransition otherwise."""
    t = _BY_ACTION[action]
    if status not in t.sources:
        raise IllegalTransition(status, action, role, "wrong_status")
    if role not in t.roles:
        raise IllegalTransition(status, action, role, "wrong_role")
    blocker = route_blocker(status, action, facts)
    if blocker is not None:
        raise IllegalTransition(status, action, role, blocker)
    return status if t.target is None else t.target


def allowed_actions(status: Status, role: Role, facts: CaseFacts) -> list[Action]:
    """Which actions this role may take now, in table order."""
    return [
        t.action for t in TRANSITIONS
        if status in t.sources and role in t.roles and route_blocker(status, t.action, facts) is None
    ]


def is_terminal(status: Status) -> bool:
    return status in TERMINAL


def is_decided(status: Status) -> bool:
    return status in {Status.GRANTED, Status.REFUSED, Status.NOTIFIED}
