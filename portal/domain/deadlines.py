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
    "CaseMilestones",
    "Deadline",
    "DeadlineKind",
    "cabinet_notification_due",
    "case_deadlines",
    "commission_submission_due",
    "earliest_decision_date",
    "is_objection_in_time",
    "is_remark_in_time",
    "may_decide_on",
    "objection_window_closes",
    "overdue",
    "precinct_referral_due",
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


@dataclass(frozen=True)
class Deadline:
    rule: str
    kind: DeadlineKind
    due: date
    met_on: date | None = None

    def is_overdue(self, today: date) -> bool:
        """An unmet provider duty whose last day has passed.

        A closed recipient window or a not-yet-reached earliest date is never overdue: nobody
        owes anything.
        """
        return self.kind is DeadlineKind.DUE_BY and self.met_on is None and today > self.due

    @property
    def met_late(self) -> bool:
        """A provider duty that was done, but after its last day."""
        return (
            self.kind is DeadlineKind.DUE_BY and self.met_on is not None and self.met_on > self.due
        )

    def days_left(self, today: date, cal: WorkingCalendar) -> int:
        """Working days from ``today`` to ``due``: 0 on the last day, negative once past it."""
        return cal.working_days_between(today, self.due)


@dataclass(frozen=True, kw_only=True)
class CaseMilestones:
    """The dates on which a case's events happened; None while an event has not happened."""

    channel: Channel
    needs_precinct: bool
    registered_on: date | None = None
    sent_to_precinct_on: date | None = None
    precinct_returned_on: date | None = None
    submitted_to_commission_on: date | None = None
    preliminary_notified_on: date | None = None
    objection_submitted_on: date | None = None
    protocol_read_on: date | None = None
    remarks_submitted_on: date | None = None
    decided_on: date | None = None
    cabinet_notified_on: date | None = None


def service_term_due(registered_on: date, cal: WorkingCalendar) -> date:
    """L3.1: the service is provided within 8 working days of registration."""
    return cal.add_working_days(registered_on, SERVICE_TERM_WORKING_DAYS)


def precinct_referral_due(registered_on: date, cal: WorkingCalendar) -> date:
    """R7.2: the documents go to the precinct commission within 1 working day."""
    return cal.add_working_days(registered_on, PRECINCT_REFERRAL_WORKING_DAYS)


def commission_submission_due(precinct_returned_on: date, cal: WorkingCalendar) -> date:
    """R11.1: income computed and the package submitted to the special commission within 1
    working day of the documents coming back."""
    return cal.add_working_days(precinct_returned_on, COMMISSION_SUBMISSION_WORKING_DAYS)


def earliest_decision_date(preliminary_notified_on: date, cal: WorkingCalendar) -> date:
    """R15.1: the notice of a preliminary refusal comes at least 3 working days before the
    decision, so the decision falls on the 3rd working day after the notice at the earliest."""
    return cal.add_working_days(preliminary_notified_on, PRELIMINARY_NOTICE_WORKING_DAYS)


def objection_window_closes(preliminary_notified_on: date, cal: WorkingCalendar) -> date:
    """R15.3: the last day for an objection, 2 working days after receiving the preliminary
    decision."""
    return cal.add_working_days(preliminary_notified_on, OBJECTION_WINDOW_WORKING_DAYS)


def remarks_window_closes(protocol_read_on: date, cal: WorkingCalendar) -> date:
    """R15.6: the last day for remarks, 3 working days after reading the hearing protocol."""
    return cal.add_working_days(protocol_read_on, REMARKS_WINDOW_WORKING_DAYS)


def cabinet_notification_due(decided_on: date, cal: WorkingCalendar) -> date:
    """R15.11: a portal applicant's cabinet gets the notification within 1 working day."""
    return cal.add_working_days(decided_on, CABINET_NOTIFICATION_WORKING_DAYS)


def is_objection_in_time(
    preliminary_notified_on: date, submitted_on: date, cal: WorkingCalendar
) -> bool:
    """R15.3: an objection counts when made from the notice up to the window's last day."""
    _require_not_before(
        submitted_on, preliminary_notified_on, "objection", "the preliminary notice"
    )
    return submitted_on <= objection_window_closes(preliminary_notified_on, cal)


def is_remark_in_time(protocol_read_on: date, submitted_on: date, cal: WorkingCalendar) -> bool:
    """R15.6: remarks count when made from reading the protocol up to the window's last day."""
    _require_not_before(submitted_on, protocol_read_on, "remarks", "the reading of the protocol")
    return submitted_on <= remarks_window_closes(protocol_read_on, cal)


def may_decide_on(preliminary_notified_on: date, day: date, cal: WorkingCalendar) -> bool:
    """R15.1: whether a refusal that was preliminarily notified may be decided on ``day``."""
    return day >= earliest_decision_date(preliminary_notified_on, cal)


@dataclass(frozen=True)
class _Clock:
    """One statutory clock: which event starts it, which event meets it, when it applies."""

    rule: str
    kind: DeadlineKind
    due: Callable[[date, WorkingCalendar], date]
    starts: Callable[[CaseMilestones], date | None]
    met: Callable[[CaseMilestones], date | None]
    applies: Callable[[CaseMilestones], bool] = lambda _m: True


# In the order of the procedure. The service term (L3.1) is met by the decision; the notification
# that follows it has its own clock (R15.11, portal applications only). R7.2 only for precinct cases.
_CLOCKS: tuple[_Clock, ...] = (
    _Clock("L3.1", DeadlineKind.DUE_BY, service_term_due,
           lambda m: m.registered_on, lambda m: m.decided_on),
    _Clock("R7.2", DeadlineKind.DUE_BY, precinct_referral_due,
           lambda m: m.registered_on, lambda m: m.sent_to_precinct_on,
           lambda m: m.needs_precinct),
    _Clock("R11.1", DeadlineKind.DUE_BY, commission_submission_due,
           lambda m: m.precinct_returned_on, lambda m: m.submitted_to_commission_on),
    _Clock("R15.1", DeadlineKind.NOT_BEFORE, earliest_decision_date,
           lambda m: m.preliminary_notified_on, lambda m: m.decided_on),
    _Clock("R15.3", DeadlineKind.WINDOW_CLOSES, objection_window_closes,
           lambda m: m.preliminary_notified_on, lambda m: m.objection_submitted_on),
    _Clock("R15.6", DeadlineKind.WINDOW_CLOSES, remarks_window_closes,
           lambda m: m.protocol_read_on, lambda m: m.remarks_submitted_on),
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
            found.append(Deadline(clock.rule, clock.kind, clock.due(started, cal), clock.met(m)))
    return found


def overdue(deadlines: Iterable[Deadline], today: date) -> list[Deadline]:
    """The provider duties among ``deadlines`` that are past their last day and still undone."""
    return [d for d in deadlines if d.is_overdue(today)]


def _require_not_before(later: date, earlier: date, what: str, start: str) -> None:
    if later < earlier:
        raise ValueError(f"{what} dated {later} is earlier than {start} ({earlier})")
