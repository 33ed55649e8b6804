"""What the citizen's application page reads (never commits): the timeline, the running
statutory deadlines and who looked at the case (L10.1, R15.11; issue #10)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.deadlines import Deadline, DeadlineState, case_deadlines
from portal.domain.workflow import Action
from portal.models import Application, Event, StaffUser
from portal.services.cases import milestones

__all__ = ["DeadlineRow", "Look", "deadlines", "history", "looks", "timeline"]

# Events the person sees in the timeline: the steps of the case, not the signing plumbing.
_HIDDEN = frozenset({"signing_started", "signed", "signature_rejected", "signing_code_resent",
                     "signing_code_not_sent", "signing_secret_wrong", "signing_locked_out",
                     "signing_key_blocked"})


_STEPS = frozenset(a.value for a in Action)


def timeline(session: Session, application: Application) -> list[Event]:
    """Every step of the case in time order (the audit chain's own events). A staff member's
    event that is no step of the procedure (a view, a lookup) is in :func:`looks` instead."""
    return history(session, application)[0]


def _nothing_added(event: Event) -> bool:
    """An upload whose every file was refused: the audit keeps it, the timeline does not say
    "files added" for it."""
    return event.action == "document_files_added" and not (event.data or {}).get("files")


@dataclass(frozen=True)
class Look:
    """One staff view, change or 1414 lookup of the case: role, desk and time, no name."""

    at: dt.datetime
    role: str
    channel: Channel | None
    action: str


def looks(session: Session, application: Application) -> list[Look]:
    """Who looked at my data: every event a staff member (the 1414 operator included) made on
    this case, newest first."""
    return history(session, application)[1]


def history(session: Session, application: Application) -> tuple[list[Event], list[Look]]:
    """:func:`timeline` and :func:`looks` together, from one read of the case's events."""
    every = list(session.scalars(
        select(Event).where(Event.application_id == application.id).order_by(Event.seq)))
    steps = [e for e in every if e.action not in _HIDDEN
             and (e.actor_kind != "staff" or e.action in _STEPS) and not _nothing_added(e)]
    # The signing plumbing (a signature started or made) is no look at the person's data.
    rows = [e for e in reversed(every) if e.actor_kind == "staff" and e.action not in _HIDDEN]
    ids = {e.actor_id for e in rows if e.actor_id is not None}
    desks = {s.id: s.channel for s in session.scalars(
        select(StaffUser).where(StaffUser.id.in_(ids)))} if ids else {}
    return steps, [Look(e.at, e.role, desks.get(e.actor_id) if e.actor_id else None, e.action)
                   for e in rows]


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline
    state: DeadlineState
    working_days_left: int | None  # for a running clock


def deadlines(application: Application, cal: WorkingCalendar, today: dt.date) -> list[DeadlineRow]:
    """The case's statutory clocks as dates, each done, running or overdue (domain.deadlines)."""
    if application.ground is None:
        return []
    rows = []
    for d in case_deadlines(milestones(application), cal):
        state = d.state(today)
        left = (cal.working_days_between(today, d.due)
                if state is DeadlineState.RUNNING and d.due >= today else None)
        rows.append(DeadlineRow(d, state, left))
    return rows
