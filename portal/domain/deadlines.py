"""Every statutory deadline of a case, computed from its milestones and the working calendar.

Every period is counted in working days and excludes the day of the event that starts it
(:meth:`WorkingCalendar.add_working_days`): "within 1 working day of 3 March" ends on the first
working day after 3 March.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

from portal.domain.calendar import Channel, WorkingCalendar

__all__ = [
    "Blocker",
    "CaseMilestones",
    "Deadline",
    "DeadlineKind",
    "DeadlineState",
    "cabinet_notification_due",
    "case_deadlines",
    "commission_submission_due",
    "decision_after_remarks_date",
    "decision_target_due",
    "earliest_decision_date",
    "is_objection_in_time",
    "is_remark_in_time",
    "may_decide_on",
    "next_due",
    "objection_blocker",
    "objection_window_closes",
    "open_duties",
    "overdue",
    "precinct_referral_due",
    "refusal_blocker",
    "remarks_blocker",
    "remarks_window_closes",
    "service_term_due",
]

SERVICE_TERM_WORKING_DAYS: Final = 8  # L3.1
PRECINCT_REFERRAL_WORKING_DAYS: Final = 1  # R7.2
COMMISSION_SUBMISSION_WORKING_DAYS: Final = 1  # R11.1
PRELIMINARY_NOTICE_WORKING_DAYS: Final = 3  # R15.1
OBJECTION_WINDOW_WORKING_DAYS: Final = 2  # R15.3
REMARKS_WINDOW_WORKING_DAYS: Final = 3  # R15.6
CABINET_NOTIFICATION_WORKING_DAYS: Final = 1  # R15.11


class DeadlineKind(enum.StrEnum):
    DUE_BY = "due_by"  # the provider must act on or before ``due``
    NOT_BEFORE = "not_before"  # the provider may act on ``due`` at the earliest
    WINDOW_CLOSES = "window_closes"  # the recipient may act on or before ``due``


class DeadlineState(enum.StrEnum):
    RUNNING = "running"  # not met, still in time (or a window still open)
    DONE = "done"  # met in time
    OVERDUE = "overdue"  # a provider duty not done and past its last day
    BREACHED = "breached"  # met, but late (DUE_BY) or too early (NOT_BEFORE)
    CLOSED = "closed"  # a recipient window that closed without being used
    STOPPED = "stopped"  # the case ended (withdrawn, refused acceptance) before it was met


@dataclass(frozen=True)
class Deadline:
    rule: str
    kind: DeadlineKind
    due: date
    met_on: date | None = None
    # Which clock of the rule: L3.1 has the service term and the internal decision target.
    key: str = ""
    stopped_on: date | None = None  # the case ended before the clock was met

    def __post_init__(self) -> None:
        if self.met_on is not None and self.stopped_on is not None:
            raise ValueError("a clock that was met was not stopped")

    def is_overdue(self, today: date) -> bool:
        """An unmet provider duty whose last day has passed.

        A closed recipient window or a not-yet-reached earliest date is never overdue: nobody
        owes anything.
        """
        return (
            self.kind is DeadlineKind.DUE_BY
            and self.met_on is None
            and self.stopped_on is None
            and today > self.due
        )

    @property
    def met_late(self) -> bool:
        """A provider duty that was done, but after its last day."""
        return (
            self.kind is DeadlineKind.DUE_BY and self.met_on is not None and self.met_on > self.due
        )

    @property
    def met_too_early(self) -> bool:
        """R15.1: a NOT_BEFORE step taken before its earliest day — a breach of the rule."""
        return (
            self.kind is DeadlineKind.NOT_BEFORE
            and self.met_on is not None
            and self.met_on < self.due
        )

    def state(self, today: date) -> DeadlineState:
        if self.met_late or self.met_too_early:
            return DeadlineState.BREACHED
        if self.met_on is not None:
            return DeadlineState.DONE
        if self.stopped_on is not None:
            return DeadlineState.STOPPED
        if self.is_overdue(today):
            return DeadlineState.OVERDUE
        if self.kind is DeadlineKind.WINDOW_CLOSES and today > self.due:
            return DeadlineState.CLOSED
        return DeadlineState.RUNNING

    def days_left(self, today: date, cal: WorkingCalendar) -> int:
        """Working days from ``today`` to ``due``: 0 on the last day, negative once past it."""
        return cal.working_days_between(today, self.due)


@dataclass(frozen=True, kw_only=True)
class CaseMilestones:
    """The dates on which a case's events happened; None while an event has not happened."""

    channel: Channel
    needs_precinct: bool
    needs_commission: bool = True
    # L3.1: the package handed in, or the portal application made (calendar.term_starts_on).
    term_started_on: date | None = None
    registered_on: date | None = None
    sent_to_precinct_on: date | None = None
    # R11.1: the documents reached the provider from the precinct commission or the rural akim.
    documents_received_on: date | None = None
    income_computed_on: date | None = None
    submitted_to_commission_on: date | None = None
    preliminary_issued_on: date | None = None
    # R15.1, R15.3: the day the preliminary decision reached the person (delivered or handed).
    preliminary_delivered_on: date | None = None
    objection_submitted_on: date | None = None
    hearing_held_on: date | None = None
    protocol_read_on: date | None = None
    remarks_submitted_on: date | None = None
    decided_on: date | None = None
    refused: bool = False  # the decision taken (or about to be) is a refusal
    # L3.1: the result issued — the notification handed over, sent or put in the cabinet.
    result_issued_on: date | None = None
    cabinet_notified_on: date | None = None
    commission_concluded_on: date | None = None
    # The case ended without a result: withdrawn, or refused acceptance (R6.2).
    ended_on: date | None = None


def service_term_due(term_started_on: date, cal: WorkingCalendar) -> date:
    """L3.1: the result is issued within 8 working days of handing in the package or applying
    on the portal (lines 358, 360)."""
    return cal.add_working_days(term_started_on, SERVICE_TERM_WORKING_DAYS)


def decision_target_due(term_started_on: date, cal: WorkingCalendar) -> date:
    """The internal target for the decision: one working day before the term ends, so that the
    notification (R15.11: within 1 working day) still fits inside L3.1."""
    return cal.add_working_days(
        term_started_on, SERVICE_TERM_WORKING_DAYS - CABINET_NOTIFICATION_WORKING_DAYS
    )


def precinct_referral_due(registered_on: date, cal: WorkingCalendar) -> date:
    """R7.2: the documents go to the precinct commission within 1 working day."""
    return cal.add_working_days(registered_on, PRECINCT_REFERRAL_WORKING_DAYS)


def commission_submission_due(documents_received_on: date, cal: WorkingCalendar) -> date:
    """R11.1: income computed and the package submitted to the special commission within 1
    working day of the documents reaching the provider."""
    return cal.add_working_days(documents_received_on, COMMISSION_SUBMISSION_WORKING_DAYS)


def earliest_decision_date(preliminary_delivered_on: date, cal: WorkingCalendar) -> date:
    """R15.1: the notice of a preliminary refusal comes at least 3 working days before the
    decision, so the decision falls on the 3rd working day after the notice at the earliest."""
    return cal.add_working_days(preliminary_delivered_on, PRELIMINARY_NOTICE_WORKING_DAYS)


def objection_window_closes(preliminary_delivered_on: date, cal: WorkingCalendar) -> date:
    """R15.3: the last day for an objection, 2 working days after receiving the preliminary
    decision."""
    return cal.add_working_days(preliminary_delivered_on, OBJECTION_WINDOW_WORKING_DAYS)


def remarks_window_closes(protocol_read_on: date, cal: WorkingCalendar) -> date:
    """R15.6: the last day for remarks, 3 working days after reading the hearing protocol."""
    return cal.add_working_days(protocol_read_on, REMARKS_WINDOW_WORKING_DAYS)


def decision_after_remarks_date(protocol_read_on: date, cal: WorkingCalendar) -> date:
    """R15.7: with no remarks, a refusal is decided once the remarks window has closed."""
    return cal.next_working_day(remarks_window_closes(protocol_read_on, cal))


def cabinet_notification_due(decided_on: date, cal: WorkingCalendar) -> date:
    """R15.11: a portal applicant's cabinet gets the notification within 1 working day."""
    return cal.add_working_days(decided_on, CABINET_NOTIFICATION_WORKING_DAYS)


def is_objection_in_time(
    preliminary_delivered_on: date, submitted_on: date, cal: WorkingCalendar
) -> bool:
    """R15.3: an objection counts when made from the notice up to the window's last day."""
    _require_not_before(
        submitted_on, preliminary_delivered_on, "objection", "the preliminary notice"
    )
    return submitted_on <= objection_window_closes(preliminary_delivered_on, cal)


def is_remark_in_time(protocol_read_on: date, submitted_on: date, cal: WorkingCalendar) -> bool:
    """R15.6: remarks count when made from reading the protocol up to the window's last day."""
    _require_not_before(submitted_on, protocol_read_on, "remarks", "the reading of the protocol")
    return submitted_on <= remarks_window_closes(protocol_read_on, cal)


def may_decide_on(preliminary_delivered_on: date, day: date, cal: WorkingCalendar) -> bool:
    """R15.1: whether the 3-working-day notice period allows a refusal on ``day``."""
    return day >= earliest_decision_date(preliminary_delivered_on, cal)


@dataclass(frozen=True)
class Blocker:
    """Why a step is not lawful on a day: the rule, a reason code, and the dates that matter."""

    rule: str
    reason: str
    possible_from: date | None = None
    closed_on: date | None = None


def refusal_blocker(m: CaseMilestones, today: date, cal: WorkingCalendar) -> Blocker | None:
    """R15.1, R15.2, R15.3, R15.6, R15.7 (lines 63–81): why a refusal may not be decided on
    ``today``, or None.

    A refusal waits until the preliminary notice has reached the person and 3 working days have
    passed; the objection window has closed or an objection came; the hearing has taken place;
    and, where the protocol was read, the remarks window has closed or remarks came.
    """
    if m.preliminary_delivered_on is None:
        return Blocker("R15.1", "notice_not_delivered")
    closes = objection_window_closes(m.preliminary_delivered_on, cal)
    if m.objection_submitted_on is None and today <= closes:
        return Blocker("R15.3", "objection_window_open", possible_from=cal.next_working_day(closes))
    earliest = earliest_decision_date(m.preliminary_delivered_on, cal)
    if today < earliest:
        return Blocker("R15.1", "notice_period_running", possible_from=earliest)
    if m.hearing_held_on is None:
        return Blocker("R15.2", "hearing_not_held")
    if m.protocol_read_on is not None and m.remarks_submitted_on is None:
        after = decision_after_remarks_date(m.protocol_read_on, cal)
        if today < after:
            return Blocker("R15.6", "remarks_window_open", possible_from=after)
    return None


def objection_blocker(m: CaseMilestones, today: date, cal: WorkingCalendar) -> Blocker | None:
    """R15.3 (line 73): an objection is taken while its window is open — in any status of the
    pending refusal, several of them; the window counts from the day the notice reached the
    person, so before that day it is open."""
    if m.preliminary_delivered_on is None:
        return None
    closes = objection_window_closes(m.preliminary_delivered_on, cal)
    if today > closes:
        return Blocker("R15.3", "objection_window_closed", closed_on=closes)
    return None


def remarks_blocker(m: CaseMilestones, today: date, cal: WorkingCalendar) -> Blocker | None:
    """R15.6 (line 79): remarks come after reading the protocol, within 3 working days."""
    if m.protocol_read_on is None:
        return Blocker("R15.5", "protocol_not_read")
    closes = remarks_window_closes(m.protocol_read_on, cal)
    if today > closes:
        return Blocker("R15.6", "remarks_window_closed", closed_on=closes)
    return None


def _term_met(m: CaseMilestones) -> date | None:
    return m.result_issued_on


def _commission_met(m: CaseMilestones) -> date | None:
    return m.submitted_to_commission_on if m.needs_commission else m.income_computed_on


def _refusal_decided(m: CaseMilestones) -> date | None:
    return m.decided_on if m.refused else None


def _refusal_possible(m: CaseMilestones) -> bool:
    # A grant after a preliminary refusal needs no waiting: the NOT_BEFORE clocks are for refusals.
    return m.decided_on is None or m.refused


@dataclass(frozen=True)
class _Clock:
    """One statutory clock: which event starts it, which event meets it, when it applies."""

    rule: str
    kind: DeadlineKind
    due: Callable[[date, WorkingCalendar], date]
    starts: Callable[[CaseMilestones], date | None]
    met: Callable[[CaseMilestones], date | None]
    applies: Callable[[CaseMilestones], bool] = lambda _m: True
    key: str = ""


# In the order of the procedure. The service term (L3.1) runs from handing in to the result
# issued; the decision has an earlier internal target inside it. R7.2 only for precinct cases.
_CLOCKS: tuple[_Clock, ...] = (
    _Clock("L3.1", DeadlineKind.DUE_BY, service_term_due,
           lambda m: m.term_started_on, _term_met, key="service_term"),
    _Clock("L3.1", DeadlineKind.DUE_BY, decision_target_due,
           lambda m: m.term_started_on, lambda m: m.decided_on, key="decision_target"),
    _Clock("R7.2", DeadlineKind.DUE_BY, precinct_referral_due,
           lambda m: m.registered_on, lambda m: m.sent_to_precinct_on,
           lambda m: m.needs_precinct),
    _Clock("R11.1", DeadlineKind.DUE_BY, commission_submission_due,
           lambda m: m.documents_received_on, _commission_met),
    _Clock("R15.1", DeadlineKind.NOT_BEFORE, earliest_decision_date,
           lambda m: m.preliminary_delivered_on, _refusal_decided, _refusal_possible),
    _Clock("R15.3", DeadlineKind.WINDOW_CLOSES, objection_window_closes,
           lambda m: m.preliminary_delivered_on, lambda m: m.objection_submitted_on),
    _Clock("R15.6", DeadlineKind.WINDOW_CLOSES, remarks_window_closes,
           lambda m: m.protocol_read_on, lambda m: m.remarks_submitted_on),
    _Clock("R15.7", DeadlineKind.NOT_BEFORE, decision_after_remarks_date,
           lambda m: m.protocol_read_on, _refusal_decided,
           lambda m: m.remarks_submitted_on is None and _refusal_possible(m)),
    _Clock("R15.11", DeadlineKind.DUE_BY, cabinet_notification_due,
           lambda m: m.decided_on, lambda m: m.cabinet_notified_on,
           lambda m: m.channel is Channel.PORTAL),
)


def case_deadlines(m: CaseMilestones, cal: WorkingCalendar) -> list[Deadline]:
    """The deadlines whose starting event has happened, in the order of the procedure."""
    found: list[Deadline] = []
    for clock in _CLOCKS:
        started = clock.starts(m)
        if started is not None and clock.applies(m):
            met = clock.met(m)
            stopped = m.ended_on if met is None else None
            found.append(
                Deadline(clock.rule, clock.kind, clock.due(started, cal), met, clock.key, stopped)
            )
    return found


def overdue(deadlines: Iterable[Deadline], today: date) -> list[Deadline]:
    """The provider duties among ``deadlines`` that are past their last day and still undone."""
    return [d for d in deadlines if d.is_overdue(today)]


def open_duties(deadlines: Iterable[Deadline]) -> list[Deadline]:
    """The provider duties among ``deadlines`` still to be done (running or overdue), nearest
    first."""
    return sorted(
        (d for d in deadlines
         if d.kind is DeadlineKind.DUE_BY and d.met_on is None and d.stopped_on is None),
        key=lambda d: d.due,
    )


def next_due(deadlines: Iterable[Deadline]) -> date | None:
    """The last day of the nearest provider duty still to be done, or None when none runs.

    Only duties (DUE_BY) count: whether one is done does not depend on today, so the date stays
    right until the case changes, and the case is overdue exactly when this day has passed
    (:func:`overdue`). Recipient windows and earliest dates end on their own and would go stale.
    """
    duties = open_duties(deadlines)
    return duties[0].due if duties else None


def _require_not_before(later: date, earlier: date, what: str, start: str) -> None:
    if later < earlier:
        raise ValueError(f"{what} dated {later} is earlier than {start} ({earlier})")
