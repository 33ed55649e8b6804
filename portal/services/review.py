"""The review half of a case, from the precinct commission to the special commission's
recommendation (R7.2, F3, F4, R11.1): each use case goes through ``cases.change`` — the one guard,
one event, one commit — and takes ``now`` and the calendar, never the clock.

Assigning a case to a specialist is no step of the procedure, but it changes the case: it moves
the version (so two officials assigning at once do not overwrite each other) and writes an event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.calendar import WorkingCalendar, to_local
from portal.domain.forms import DocumentAcceptor
from portal.domain.income import (
    SUBSISTENCE_MINIMUM_TIYN,
    is_below_threshold,
    per_capita_income,
    previous_quarter,
    threshold_tiyn,
)
from portal.domain.inspection import InspectionFindings
from portal.domain.workflow import Action, Actor, Role
from portal.models import (
    Application,
    Commission,
    CommissionConclusion,
    CommissionMember,
    District,
    IncomeComputation,
    InspectionAct,
    PrecinctConclusion,
    StaffUser,
)
from portal.services import events
from portal.services.cases import change

__all__ = [
    "IncomeLine",
    "IncomePlan",
    "assign",
    "assignable_staff",
    "commission_members",
    "compute_income",
    "conclude_commission",
    "conclude_precinct",
    "district_threshold",
    "income_plan",
    "receive_documents",
    "record_inspection",
    "record_inspection_refusal",
    "send_to_precinct",
    "submit_to_commission",
]


def _today(now: dt.datetime) -> dt.date:
    return to_local(now).date()


def send_to_precinct(session: Session, application: Application, actor: Actor,
                     who: events.Actor, *, now: dt.datetime, cal: WorkingCalendar) -> None:
    """R7.2: the documents go to the precinct commission (due 1 working day after
    registration; the deadline shows on the case page and orders the queue)."""
    day = _today(now)

    def effect() -> None:
        application.sent_to_precinct_on = day

    change(session, application, Action.SEND_TO_PRECINCT, actor, who, now=now, cal=cal,
           data={"sent_on": day.isoformat()}, effect=effect)


def _act(application: Application) -> InspectionAct:
    act = application.inspection_act
    if act is None:
        act = InspectionAct(application_id=application.id)
        application.inspection_act = act
    return act


def record_inspection(session: Session, application: Application, actor: Actor,
                      who: events.Actor, *, inspected_on: dt.date, findings: InspectionFindings,
                      chair: str, members: Sequence[str], applicant_has_read: bool,
                      now: dt.datetime, cal: WorkingCalendar) -> InspectionAct:
    """F3: the act of inspection, every item; a second act replaces the first (a correction
    before the conclusion). Inconsistent findings are refused (ValueError) before any change."""
    problems = findings.problems()
    if problems:
        raise ValueError(f"inspection act is inconsistent: {', '.join(problems)}")
    holder: list[InspectionAct] = []

    def effect() -> None:
        act = _act(application)
        act.fill(findings)
        act.inspected_on = inspected_on
        act.refused, act.refused_by = False, None
        act.chair, act.members = chair, list(members)
        act.applicant_has_read = applicant_has_read
        holder.append(act)

    change(session, application, Action.RECORD_INSPECTION, actor, who, now=now, cal=cal,
           data={"inspected_on": inspected_on.isoformat(), "members": len(members) + 1},
           effect=effect)
    return holder[0]


def record_inspection_refusal(session: Session, application: Application, actor: Actor,
                              who: events.Actor, *, inspected_on: dt.date, refused_by: str,
                              chair: str, members: Sequence[str], now: dt.datetime,
                              cal: WorkingCalendar) -> InspectionAct:
    """F3 "I refuse the inspection": the applicant or a family member refused; the act keeps who
    and the commission that came."""
    holder: list[InspectionAct] = []

    def effect() -> None:
        act = _act(application)
        act.inspected_on = inspected_on
        act.refused, act.refused_by = True, refused_by
        act.housing = None
        act.chair, act.members = chair, list(members)
        holder.append(act)

    change(session, application, Action.RECORD_INSPECTION_REFUSAL, actor, who, now=now, cal=cal,
           reason=refused_by, data={"inspected_on": inspected_on.isoformat()}, effect=effect)
    return holder[0]


@dataclass(frozen=True)
class Acceptance:
    """F4 "accepted with the documents in ___ copies" by a rural akim or a department employee."""

    copies: int
    accepted_on: dt.date
    name: str
    position: str
    kind: DocumentAcceptor
    staff_id: int | None = None


def conclude_precinct(session: Session, application: Application, actor: Actor,
                      who: events.Actor, *, number: str, concluded_on: dt.date,
                      needs_assistance: bool, reasons: str, chair: str, members: Sequence[str],
                      acceptance: Acceptance | None, now: dt.datetime,
                      cal: WorkingCalendar) -> PrecinctConclusion:
    """F4: the precinct commission's conclusion on need / no need, signed by the members present;
    its reasons are the event's reason."""
    applicant = " ".join(p for p in (application.applicant_surname,
                                     application.applicant_given_name,
                                     application.applicant_patronymic) if p)
    conclusion = PrecinctConclusion(
        application_id=application.id, number=number, concluded_on=concluded_on,
        applicant_name=applicant or application.number, needs_assistance=needs_assistance,
        chair=chair, members=list(members))
    if acceptance is not None:
        conclusion.copies = acceptance.copies
        conclusion.accepted_on = acceptance.accepted_on
        conclusion.accepted_by_name = acceptance.name
        conclusion.accepted_by_position = acceptance.position
        conclusion.accepted_by_kind = acceptance.kind
        conclusion.accepted_by_id = acceptance.staff_id

    def effect() -> None:
        application.precinct_conclusion = conclusion

    change(session, application, Action.CONCLUDE_PRECINCT, actor, who, now=now, cal=cal,
           reason=reasons or None,
           data={"number": number, "needs_assistance": needs_assistance,
                 "members": len(members) + 1}, effect=effect)
    return conclusion


def receive_documents(session: Session, application: Application, actor: Actor,
                      who: events.Actor, *, now: dt.datetime, cal: WorkingCalendar) -> None:
    """R11.1: the documents reached the provider from the precinct commission or the rural akim;
    that day starts the 1-working-day income clock."""
    day = _today(now)

    def effect() -> None:
        application.documents_received_on = day

    change(session, application, Action.RECEIVE_DOCUMENTS, actor, who, now=now, cal=cal,
           data={"received_on": day.isoformat()}, effect=effect)


# -- R11.1: income ---------------------------------------------------------------------------

@dataclass(frozen=True)
class IncomeLine:
    """One income of one member the computation may count: from the registers / the application
    (``register``) or from the F3 act's family income table (``act``)."""

    key: str  # "register-<id>" or "act-<id>": the form's checkbox value
    source: str
    member: str
    kind: str
    quarter_tiyn: int
    counted_by_default: bool


@dataclass(frozen=True)
class IncomePlan:
    quarter_start: dt.date
    quarter_end: dt.date
    members: int
    threshold_tiyn: int
    lines: tuple[IncomeLine, ...]

    def total(self, keys: set[str]) -> int:
        return sum(line.quarter_tiyn for line in self.lines if line.key in keys)

    def per_member(self, keys: set[str]) -> dict[str, int]:
        totals: dict[str, int] = {}
        for line in self.lines:
            if line.key in keys:
                totals[line.member] = totals.get(line.member, 0) + line.quarter_tiyn
        return totals


def district_threshold(district: District, on: dt.date) -> int:
    """The district's monthly per-capita threshold in tiyn for the year of ``on``: the
    subsistence minimum × the maslikhat's multiple (Model Rules p.8(4))."""
    known = sorted(SUBSISTENCE_MINIMUM_TIYN)
    year = min(max(on.year, known[0]), known[-1])
    return threshold_tiyn(SUBSISTENCE_MINIMUM_TIYN[year],
                          Fraction(district.threshold_numerator, district.threshold_denominator))


def _norm(name: str) -> str:
    return " ".join(name.lower().split())


def income_plan(application: Application, today: dt.date) -> IncomePlan:
    """What the computation reads: the registers' (the application's) incomes of the quarter
    before the application, and the act's family income table. By default every register line
    counts, and an act line counts only for a member the registers show no income for — so one
    income is not counted twice; the specialist may change the ticks."""
    base = application.registered_on or application.term_started_on or today
    start, end = previous_quarter(base)
    lines: list[IncomeLine] = []
    in_registers = set()
    for r in application.incomes:
        lines.append(IncomeLine(f"register-{r.id}", "register", r.member_name, r.kind.value,
                                r.amount_tiyn, True))
        in_registers.add(_norm(r.member_name))
    act = application.inspection_act
    if act is not None and not act.refused:
        for row in act.incomes:
            lines.append(IncomeLine(f"act-{row.id}", "act", row.member_name, row.income_kind,
                                    row.quarter_tiyn, _norm(row.member_name) not in in_registers))
    return IncomePlan(start, end, 1 + len(application.family),
                      district_threshold(application.district, today), tuple(lines))


def compute_income(session: Session, application: Application, actor: Actor, who: events.Actor,
                   *, counted: set[str], computed_by: StaffUser | None, now: dt.datetime,
                   cal: WorkingCalendar) -> IncomeComputation:
    """R11.1: the average monthly per-capita income (domain.income, Order 181) from the lines the
    specialist counts, compared with the district's threshold, frozen with its figures."""
    plan = income_plan(application, _today(now))
    unknown = counted - {line.key for line in plan.lines}
    if unknown:
        raise ValueError(f"unknown income lines: {sorted(unknown)}")
    total = plan.total(counted)
    per_capita = per_capita_income(total, plan.members)
    below = is_below_threshold(per_capita, plan.threshold_tiyn)
    computation = IncomeComputation(
        application_id=application.id, quarter_start=plan.quarter_start,
        quarter_end=plan.quarter_end, total_tiyn=total, members=plan.members,
        per_capita_tiyn=per_capita, threshold_tiyn=plan.threshold_tiyn, below_threshold=below,
        computed_by_id=computed_by.id if computed_by else None, computed_at=now)

    def effect() -> None:
        application.income_computation = computation

    change(session, application, Action.COMPUTE_INCOME, actor, who, now=now, cal=cal,
           data={"total_tiyn": total, "members": plan.members, "per_capita_tiyn": per_capita,
                 "threshold_tiyn": plan.threshold_tiyn, "below_threshold": below,
                 "lines": sorted(counted), "per_member": plan.per_member(counted)},
           effect=effect)
    return computation


def submit_to_commission(session: Session, application: Application, actor: Actor,
                         who: events.Actor, *, now: dt.datetime, cal: WorkingCalendar) -> None:
    """R11.1: the complete package goes to the special commission."""
    day = _today(now)

    def effect() -> None:
        application.submitted_to_commission_on = day

    change(session, application, Action.SUBMIT_TO_COMMISSION, actor, who, now=now, cal=cal,
           data={"submitted_on": day.isoformat()}, effect=effect)


def conclude_commission(session: Session, application: Application, actor: Actor,
                        who: events.Actor, *, concluded_on: dt.date, needs_assistance: bool,
                        model_rules_ground: int | None, recommended_amount_tiyn: int | None,
                        reasons: str, now: dt.datetime,
                        cal: WorkingCalendar) -> CommissionConclusion:
    """The special commission's recommendation, cited in the decision F5 (grounds 1), 2), 4))."""
    if model_rules_ground not in (None, 1, 2, 4):
        raise ValueError("the special commission concludes on grounds 1), 2) or 4) only")
    conclusion = CommissionConclusion(
        application_id=application.id, concluded_on=concluded_on,
        needs_assistance=needs_assistance, model_rules_ground=model_rules_ground,
        recommended_amount_tiyn=recommended_amount_tiyn, reasons=reasons or None)

    def effect() -> None:
        application.commission_conclusion = conclusion

    change(session, application, Action.CONCLUDE_COMMISSION, actor, who, now=now, cal=cal,
           reason=reasons or None,
           data={"needs_assistance": needs_assistance, "model_rules_ground": model_rules_ground,
                 "recommended_amount_tiyn": recommended_amount_tiyn}, effect=effect)
    return conclusion


# -- the district's people -------------------------------------------------------------------

def commission_members(session: Session, district_id: int,
                       commission: Commission) -> list[CommissionMember]:
    """The active members of one of the district's commissions, chair first."""
    rows = session.scalars(select(CommissionMember).where(
        CommissionMember.district_id == district_id, CommissionMember.commission == commission,
        CommissionMember.active.is_(True)).order_by(CommissionMember.id))
    return sorted(rows, key=lambda m: (m.role.value != "chair", m.id))


def assignable_staff(session: Session, district_id: int) -> list[StaffUser]:
    """The district's active social-assistance specialists, who may be given a case."""
    return list(session.scalars(select(StaffUser).where(
        StaffUser.district_id == district_id, StaffUser.role == Role.SPECIALIST,
        StaffUser.active.is_(True)).order_by(StaffUser.full_name, StaffUser.id)))


def assign(session: Session, application: Application, assignee: StaffUser | None,
           who: events.Actor, *, now: dt.datetime) -> None:
    """Give the case to a specialist of its district (None: to nobody); an event, a new version,
    one commit."""
    if assignee is not None and (assignee.district_id != application.district_id
                                 or assignee.role is not Role.SPECIALIST or not assignee.active):
        raise ValueError("only an active specialist of the case's district may be assigned")
    before = application.assignee_id
    application.assignee_id = assignee.id if assignee else None
    application.version += 1
    events.record(session, who, "assign", application_id=application.id,
                  data={"from": before, "to": application.assignee_id}, at=now)
    session.commit()
