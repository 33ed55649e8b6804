"""Case-changing use cases: each asks the one domain guard, changes the case, writes one event.

Every service that moves a case calls :func:`change`, which builds the case as the law sees it
(:func:`case_state`: status, route, dates, records) and asks :func:`portal.domain.guard.check` —
so a refusal decided too early or an objection after its window is refused here, whoever calls.
Services take ``now`` and the calendar; they never read the clock themselves.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session, aliased, joinedload

from portal.domain.calendar import WorkingCalendar, to_local
from portal.domain.deadlines import (
    CaseMilestones,
    case_deadlines,
    earliest_decision_date,
    next_due,
    objection_window_closes,
    remarks_window_closes,
)
from portal.domain.forms import NotificationChannel
from portal.domain.grounds import GroundCategory, GroundRule, load_ground_rules
from portal.domain.guard import CaseState, check
from portal.domain.workflow import Action, Actor, CaseFacts, Status
from portal.models import (
    Application,
    CommissionConclusion,
    Decision,
    District,
    DistrictGround,
    Document,
    IncomeComputation,
    Notification,
    Objection,
    PreliminaryDecision,
    Remark,
    Signature,
)
from portal.services import events

__all__ = [
    "case_state",
    "change",
    "check_allowed",
    "current_ground_id",
    "deliver_preliminary_notice",
    "ground_rule",
    "ground_rule_columns",
    "lookup_milestones",
    "lookup_milestones_select",
    "milestones",
    "own_ground_row",
    "read_protocol",
    "refresh_all_next_due",
    "refresh_decided",
    "refresh_next_due",
    "resume_review",
    "row_milestones",
    "rule_of_columns",
    "rule_with",
    "submit_objection",
    "submit_remarks",
]


def _day(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else to_local(moment).date()


def _first(moments: Iterable[dt.datetime]) -> dt.date | None:
    days = [to_local(m).date() for m in moments]
    return min(days) if days else None


# Everything `milestones` reads, in two queries instead of one per relation (a third of the
# lookup's time went to those lazy loads). Use with ``session.execute(...).unique()``.
MILESTONE_LOADS = (
    joinedload(Application.district).selectinload(District.grounds),
    joinedload(Application.income_computation), joinedload(Application.commission_conclusion),
    joinedload(Application.decision),
    joinedload(Application.preliminary_decisions).joinedload(PreliminaryDecision.hearing_protocol),
    joinedload(Application.objections), joinedload(Application.remarks),
    joinedload(Application.notifications),
)


def ground_rule(application: Application) -> GroundRule:
    """The ground's rule with the district's overrides (R7.2, L8.2, F5)."""
    if application.ground is None:
        raise ValueError("the application has no ground yet")
    override = own_ground_row(application) or next(
        (g for g in application.district.grounds
         if g.category is application.ground and g.retired_at is None), None
    )
    return rule_with(application.ground, override)


def own_ground_row(application: Application) -> DistrictGround | None:
    """The district row the application was made under, if it is for the case's ground: it keeps
    its rules after an administrator's edit (which retires it). Without one, callers take the
    district's current row for the ground (:func:`current_ground_id`)."""
    own: DistrictGround | None = application.district_ground
    return own if own is not None and own.category is application.ground else None


def rule_with(ground: GroundCategory, override: Any) -> GroundRule:
    """The ground's rule changed by the district's row (a DistrictGround or a row of its
    columns), if there is one."""
    changes = () if override is None else tuple(
        (name, getattr(override, name))
        for name in ("needs_precinct_inspection", "needs_income", "needs_special_commission")
        if getattr(override, name) is not None
    )
    return _changed_rule(ground, changes)


@functools.cache
def _changed_rule(ground: GroundCategory, changes: tuple[tuple[str, bool], ...]) -> GroundRule:
    """The rule once per ground and change (a few dozen in all; every case page asks)."""
    return load_ground_rules({ground.value: dict(changes)})[ground]


def rule_of_columns(ground: GroundCategory, row: Any) -> GroundRule:
    """:func:`ground_rule` from a row of columns (:func:`ground_rule_columns`): the case's own
    district row if it is for its ground, else the district's current one."""
    if row.own_category is ground:
        override: Any = SimpleNamespace(needs_precinct_inspection=row.own_precinct,
                                        needs_income=row.own_income,
                                        needs_special_commission=row.own_commission)
    elif row.current_precinct is not None or row.current_income is not None \
            or row.current_commission is not None:
        override = SimpleNamespace(needs_precinct_inspection=row.current_precinct,
                                   needs_income=row.current_income,
                                   needs_special_commission=row.current_commission)
    else:
        override = None  # no row, or one that changes nothing: the same rule
    return rule_with(ground, override)


def ground_rule_columns(query: Any) -> Any:
    """``query`` (of Application) with the columns :func:`rule_of_columns` reads: the case's
    own district row and the district's current row for its ground, joined."""
    own, current = aliased(DistrictGround), aliased(DistrictGround)
    return (query.add_columns(own.category.label("own_category"),
                              own.needs_precinct_inspection.label("own_precinct"),
                              own.needs_income.label("own_income"),
                              own.needs_special_commission.label("own_commission"),
                              current.needs_precinct_inspection.label("current_precinct"),
                              current.needs_income.label("current_income"),
                              current.needs_special_commission.label("current_commission"))
            .outerjoin(own, own.id == Application.district_ground_id)
            .outerjoin(current, current.id == current_ground_id()))


def milestones(application: Application, rule: GroundRule | None = None) -> CaseMilestones:
    """The case's dates in Asia/Almaty, from its rows (``rule``: the ground's, if known)."""
    rule = rule or ground_rule(application)
    pre = application.preliminary_decision
    protocol = application.hearing_protocol
    decision = application.decision
    computation = application.income_computation
    conclusion = application.commission_conclusion
    return _milestones(
        application, rule,
        pre_issued_at=pre.issued_at if pre else None,
        pre_delivered_at=pre.delivered_at if pre else None,
        held_at=protocol.held_at if protocol else None,
        read_at=protocol.read_at if protocol else None,
        decided_on=decision.decided_on if decision else None,
        granted=decision.granted if decision else None,
        computed_at=computation.computed_at if computation else None,
        concluded_on=conclusion.concluded_on if conclusion else None,
        objections=[o.submitted_at for o in application.objections],
        remarks=[r.submitted_at for r in application.remarks],
        cabinet=[n.sent_at for n in application.notifications
                 if n.channel is NotificationChannel.CABINET and n.sent_at is not None],
    )


def _milestones(case: Any, rule: GroundRule, *, pre_issued_at: dt.datetime | None,
                pre_delivered_at: dt.datetime | None, held_at: dt.datetime | None,
                read_at: dt.datetime | None, decided_on: dt.date | None, granted: bool | None,
                computed_at: dt.datetime | None, concluded_on: dt.date | None,
                objections: list[dt.datetime], remarks: list[dt.datetime],
                cabinet: list[dt.datetime]) -> CaseMilestones:
    """:func:`milestones` from plain values: ``case`` is the Application or a row of its columns
    (:func:`lookup_milestones`), the rest what its related rows hold (the pending preliminary
    refusal, its protocol, the decision ...)."""
    # Objections and remarks belong to the pending refusal round, not to one that lapsed.
    objections = [o for o in objections if pre_issued_at is not None and o >= pre_issued_at]
    remarks = [r for r in remarks if held_at is not None and r >= held_at]
    ended = case.status in {Status.WITHDRAWN, Status.REFUSED_ACCEPTANCE}
    return CaseMilestones(
        channel=case.channel,
        needs_precinct=rule.needs_precinct_inspection,
        needs_commission=rule.needs_special_commission,
        term_started_on=case.term_started_on,
        registered_on=case.registered_on,
        sent_to_precinct_on=case.sent_to_precinct_on,
        documents_received_on=case.documents_received_on,
        income_computed_on=_day(computed_at),
        submitted_to_commission_on=case.submitted_to_commission_on,
        preliminary_issued_on=_day(pre_issued_at),
        preliminary_delivered_on=_day(pre_delivered_at),
        objection_submitted_on=_first(objections),
        hearing_held_on=_day(held_at),
        protocol_read_on=_day(read_at),
        remarks_submitted_on=_first(remarks),
        decided_on=decided_on,
        refused=granted is not None and not granted,
        result_issued_on=_day(case.result_issued_at),
        cabinet_notified_on=_first(cabinet),
        commission_concluded_on=concluded_on,
        ended_on=_day(case.updated_at) if ended else None,
    )


def current_ground_id() -> Any:
    """:func:`ground_rule`'s district row for the case's ground when the case has none of its
    own, as a scalar subquery of Application: the district's current row, the first by id."""
    return (select(DistrictGround.id)
            .where(DistrictGround.district_id == Application.district_id,
                   DistrictGround.category == Application.ground,
                   DistrictGround.retired_at.is_(None))
            .order_by(DistrictGround.id).limit(1).scalar_subquery())


def lookup_milestones_select(*columns: Any) -> Any:
    """A select of Application (add ``where``) with ``columns`` and everything
    :func:`row_milestones` reads: the case's date columns, its ground rule's district rows
    (:func:`ground_rule_columns`), its income computation and commission conclusion, and
    ``decided_or_refusing``. Build it once per caller (``functools.cache``): building the
    statement (aliases, subqueries) costs more than running it, and SQLAlchemy keys its
    compiled-statement cache on the statement object's structure."""
    a = Application

    def having(model: Any) -> Any:
        return exists().where(model.application_id == a.id)

    return (
        ground_rule_columns(
            select(a.ground, a.status, a.channel, a.term_started_on, a.registered_on,
                   a.sent_to_precinct_on, a.documents_received_on, a.submitted_to_commission_on,
                   a.result_issued_at, a.updated_at, *columns))
        .add_columns(IncomeComputation.computed_at, CommissionConclusion.concluded_on,
                     (having(PreliminaryDecision) | having(Decision) | having(Notification))
                     .label("decided_or_refusing"))
        .outerjoin(IncomeComputation, IncomeComputation.application_id == a.id)
        .outerjoin(CommissionConclusion, CommissionConclusion.application_id == a.id)
    )


@functools.cache
def _lookup_milestones_query() -> Any:
    return lookup_milestones_select().where(Application.id == bindparam("application_id"))


def row_milestones(row: Any) -> CaseMilestones | None:
    """:func:`milestones` from a row of :func:`lookup_milestones_select` (of a case with a
    ground); None for a case that has a preliminary refusal, a decision or a notification,
    whose related rows the row does not carry: load it with :data:`MILESTONE_LOADS` and call
    :func:`milestones`."""
    if row.ground is None:
        raise ValueError("the application has no ground yet")
    if row.decided_or_refusing:
        return None
    return _milestones(
        row, rule_of_columns(row.ground, row), pre_issued_at=None, pre_delivered_at=None,
        held_at=None, read_at=None, decided_on=None, granted=None,
        computed_at=row.computed_at, concluded_on=row.concluded_on,
        objections=[], remarks=[], cabinet=[])


def lookup_milestones(session: Session, application_id: int) -> CaseMilestones | None:
    """:func:`milestones` of a case that has no preliminary refusal, decision or notification
    yet (most of them), read in one query of plain columns instead of loading its object graph;
    None for a case that has any of those rows (:func:`row_milestones`)."""
    # Core rows on the session's connection: no ORM result machinery for plain columns.
    return row_milestones(session.connection().execute(
        _lookup_milestones_query(), {"application_id": application_id}).one())


def refresh_next_due(application: Application, cal: WorkingCalendar) -> None:
    """Store the last day of the case's nearest open duty (``Application.next_due_on``), from
    the same deadlines the case page shows; the queue sorts and filters by it in SQL.

    The one place the column is written: :func:`change` calls it on every change of a case."""
    if application.ground is None:
        application.next_due_on = None  # a draft without a ground: no term runs yet
        return
    application.next_due_on = next_due(case_deadlines(milestones(application), cal))


def refresh_decided(application: Application) -> None:
    """Store L3.1 as the dashboard counts it: ``Application.decided_on``, the day the result was
    issued (``result_issued_at`` in Asia/Almaty) or, until it is, the day of the decision F5;
    and ``decision_granted``, the decision's outcome. None for both while there is no decision
    (a result is issued only of a decision).

    :func:`change` calls it on every change of a case (the decision F5 and the result issued
    are changes of the case), in the same transaction; so does ``notifications._issued``."""
    decision = application.decision
    issued = _day(application.result_issued_at)
    application.decided_on = issued or (decision.decided_on if decision is not None else None)
    application.decision_granted = decision.granted if decision is not None else None


def refresh_all_next_due(session: Session, cal: WorkingCalendar, *, batch: int = 500) -> int:
    """Recompute next_due_on for every case (after migration 0007, or a calendar decree that
    moved working days); a derived column, so no event. Commits per batch; returns how many."""
    from sqlalchemy import select

    done, last = 0, 0
    while True:
        chunk = list(session.scalars(select(Application).where(Application.id > last)
                                     .order_by(Application.id).limit(batch)))
        if not chunk:
            return done
        for application in chunk:
            refresh_next_due(application, cal)
        last = chunk[-1].id
        done += len(chunk)
        session.commit()
        session.expunge_all()


def case_state(application: Application) -> CaseState:
    rule = ground_rule(application)
    return CaseState(
        status=application.status,
        facts=CaseFacts(rule.needs_precinct_inspection, rule.needs_income,
                        rule.needs_special_commission),
        milestones=milestones(application, rule),
        has_inspection_act=application.inspection_act is not None,
    )


def change(
    session: Session,
    application: Application,
    action: Action,
    actor: Actor,
    who: events.Actor,
    *,
    now: dt.datetime,
    cal: WorkingCalendar,
    reason: str | None = None,
    data: dict[str, object] | None = None,
    effect: Callable[[], None] | None = None,
) -> Status:
    """Take ``action`` on the case if the law allows it today: the guard, the change, the event,
    one commit. Raises ``IllegalTransition`` (naming the rule and the date) and changes nothing
    otherwise."""
    today = to_local(now).date()
    target = check(case_state(application), action, actor, today, cal)
    before = application.status
    if effect is not None:
        effect()
    application.status = target
    # A new version on every change: a form read at the old one is refused (the case page's
    # conflict page), and a concurrent commit of the same version fails (StaleDataError).
    application.version += 1
    refresh_next_due(application, cal)
    refresh_decided(application)
    events.record(
        session, who, action.value, application_id=application.id,
        from_status=before.value, to_status=target.value, reason=reason, data=dict(data or {}),
        at=now,
    )
    # R15.9, R15.11: the steps the person must know of reach the cabinet (and SMS) at once.
    from portal.services import inbox

    inbox.on_change(session, application, action, now=now)
    session.commit()
    return target


def deliver_preliminary_notice(
    session: Session,
    application: Application,
    actor: Actor,
    who: events.Actor,
    *,
    delivered_at: dt.datetime,
    via: NotificationChannel,
    now: dt.datetime,
    cal: WorkingCalendar,
) -> None:
    """R15.1, R15.3: the preliminary decision reached the person; the objection window and the
    earliest decision date are counted from that day."""
    pre = application.preliminary_decision
    if pre is None:
        raise ValueError("no preliminary decision to deliver")
    day = to_local(delivered_at).date()

    def effect() -> None:
        pre.delivered_at = delivered_at
        pre.delivered_via = via
        pre.objection_due_on = objection_window_closes(day, cal)
        pre.earliest_decision_on = earliest_decision_date(day, cal)

    change(session, application, Action.DELIVER_PRELIMINARY_NOTICE, actor, who, now=now,
           cal=cal, data={"via": via.value, "delivered_on": day.isoformat()}, effect=effect)


def submit_objection(
    session: Session,
    application: Application,
    actor: Actor,
    who: events.Actor,
    *,
    text: str,
    oral: bool,
    now: dt.datetime,
    cal: WorkingCalendar,
    signature: Signature | None = None,
    attachments: Document | None = None,
) -> Objection:
    """R15.3, R15.4: an objection, written or oral, while the window is open; one signed in the
    cabinet names its signature and its attachments (sealed from now on)."""
    objection = Objection(application_id=application.id, submitted_at=now, oral=oral, text=text,
                          signature_id=signature.id if signature else None)

    def effect() -> None:
        application.objections.append(objection)
        _seal(objection, attachments, now)

    change(session, application, Action.SUBMIT_OBJECTION, actor, who, now=now, cal=cal,
           data={"oral": oral}, effect=effect)
    return objection


def resume_review(
    session: Session,
    application: Application,
    actor: Actor,
    who: events.Actor,
    *,
    reason: str,
    now: dt.datetime,
    cal: WorkingCalendar,
) -> Status:
    """The objection or the hearing removed the ground to refuse: the preliminary refusal lapses
    and the case goes back to where its review stood (domain.guard.resume_status)."""
    pre = application.preliminary_decision
    if pre is None:
        raise ValueError("no preliminary refusal to lapse")

    def effect() -> None:
        pre.lapsed_at = now

    return change(session, application, Action.RESUME_REVIEW, actor, who, now=now, cal=cal,
                  reason=reason, effect=effect)


def read_protocol(
    session: Session,
    application: Application,
    actor: Actor,
    who: events.Actor,
    *,
    now: dt.datetime,
    cal: WorkingCalendar,
) -> None:
    """R15.5: the person read the hearing protocol; that day starts the remarks window (R15.6)."""
    protocol = application.hearing_protocol
    if protocol is None:
        raise ValueError("no hearing protocol to read")
    day = to_local(now).date()

    def effect() -> None:
        protocol.read_at = now
        protocol.remarks_due_on = remarks_window_closes(day, cal)

    change(session, application, Action.READ_PROTOCOL, actor, who, now=now, cal=cal,
           data={"read_on": day.isoformat()}, effect=effect)


def submit_remarks(
    session: Session,
    application: Application,
    actor: Actor,
    who: events.Actor,
    *,
    text: str,
    now: dt.datetime,
    cal: WorkingCalendar,
    signature: Signature | None = None,
    attachments: Document | None = None,
) -> Remark:
    """R15.6: remarks on the protocol within 3 working days of reading it (signed, with their
    attachments, when made in the cabinet)."""
    remark = Remark(application_id=application.id, submitted_at=now, text=text,
                    signature_id=signature.id if signature else None)

    def effect() -> None:
        application.remarks.append(remark)
        _seal(remark, attachments, now)

    change(session, application, Action.SUBMIT_REMARKS, actor, who, now=now, cal=cal,
           effect=effect)
    return remark


def _seal(statement: Objection | Remark, attachments: Document | None, now: dt.datetime) -> None:
    if attachments is not None:
        statement.document = attachments
        attachments.sealed_at = now  # its files are fixed from now on (services/uploads.py)


def check_allowed(application: Application, action: Action, actor: Actor, *, now: dt.datetime,
                  cal: WorkingCalendar) -> None:
    """Ask the guard whether ``action`` may be taken today, changing nothing: a page asks before
    it takes files or starts a signature (raises ``IllegalTransition`` with the rule and the
    day, as :func:`change` would)."""
    check(case_state(application), action, actor, to_local(now).date(), cal)
