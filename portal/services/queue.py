"""The staff queue: a district's cases by the nearest statutory duty, filtered, searched and paged
by keyset — reads only, never a commit.

Sorting and filtering happen in SQL on ``Application.next_due_on`` (the last day of the nearest
open duty, kept by ``services/cases.py::refresh_next_due``) with the composite indexes of
migration 0007. An overdue case is one whose day has passed, so "overdue first" is the order
itself. Cases with no running duty (finished ones) come last, by id. What a row shows is
computed from the case's own milestones by the domain (``case_deadlines``), for the page's rows
only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import ColumnElement, Select, select, tuple_
from sqlalchemy.orm import Session, selectinload

from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.deadlines import Deadline, case_deadlines, open_duties
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Status
from portal.models import Application, District, PreliminaryDecision
from portal.services.cases import milestones

__all__ = ["PAGE_SIZE", "Cursor", "QueueFilters", "QueuePage", "QueueRow", "page", "search_terms"]

PAGE_SIZE: Final = 25
IIN_SHAPE: Final = re.compile(r"\d{12}")
# The cursor carries no personal data: a date and a row id ("2026-12-01.123", "-.456").
_CURSOR: Final = re.compile(r"(\d{4}-\d{2}-\d{2}|-)\.(\d{1,12})")
_NO_DAY: Final = "-"


@dataclass(frozen=True)
class Cursor:
    """The last row of a page: the next page starts after (next_due_on, id)."""

    due: dt.date | None
    id: int

    def encode(self) -> str:
        return f"{self.due.isoformat() if self.due else _NO_DAY}.{self.id}"

    @classmethod
    def decode(cls, value: str | None) -> Cursor | None:
        match = _CURSOR.fullmatch(value or "")
        if match is None:
            return None
        day, row = match.groups()
        try:
            return cls(None if day == _NO_DAY else dt.date.fromisoformat(day), int(row))
        except ValueError:
            return None


@dataclass(frozen=True)
class QueueFilters:
    status: Status | None = None
    ground: GroundCategory | None = None
    channel: Channel | None = None
    # "me", "none" (not assigned) or a staff member's id
    assignee: str | None = None
    overdue: bool = False


@dataclass(frozen=True)
class QueueRow:
    application: Application
    duties: list[Deadline]  # the open provider duties, nearest first
    today: dt.date

    @property
    def nearest(self) -> Deadline | None:
        return self.duties[0] if self.duties else None

    @property
    def overdue(self) -> list[Deadline]:
        return [d for d in self.duties if d.is_overdue(self.today)]


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_cursor: Cursor | None
    search: str | None = None
    filters: QueueFilters = field(default_factory=QueueFilters)


def search_terms(query: str) -> ColumnElement[bool]:
    """A 12-digit query is the applicant's IIN; anything else an application number."""
    query = query.strip()
    if IIN_SHAPE.fullmatch(query):
        return Application.applicant_iin == query
    return Application.number == query.upper()


def _conditions(district_id: int, filters: QueueFilters, search: str | None, today: dt.date,
                me: int | None) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [
        Application.district_id == district_id, Application.status != Status.DRAFT,
    ]
    if search:
        # A search looks through the whole district, whatever the filters say.
        return [*found, search_terms(search)]
    if filters.status is not None:
        found.append(Application.status == filters.status)
    if filters.ground is not None:
        found.append(Application.ground == filters.ground)
    if filters.channel is not None:
        found.append(Application.channel == filters.channel)
    if filters.assignee == "me":
        found.append(Application.assignee_id == me)
    elif filters.assignee == "none":
        found.append(Application.assignee_id.is_(None))
    elif filters.assignee and filters.assignee.isdigit():
        found.append(Application.assignee_id == int(filters.assignee))
    if filters.overdue:
        found.append(Application.next_due_on < today)
    return found


def _with_milestones(query: Select[Application]) -> Select[Application]:
    """Everything services/cases.py::milestones reads, in a few queries for the whole page."""
    return query.options(
        selectinload(Application.preliminary_decisions)
        .selectinload(PreliminaryDecision.hearing_protocol),
        selectinload(Application.decision), selectinload(Application.income_computation),
        selectinload(Application.commission_conclusion),
        selectinload(Application.notifications), selectinload(Application.objections),
        selectinload(Application.remarks),
        selectinload(Application.district).selectinload(District.grounds),
        selectinload(Application.assignee),
    )


def page(
    session: Session,
    district_id: int,
    *,
    today: dt.date,
    cal: WorkingCalendar,
    filters: QueueFilters | None = None,
    search: str | None = None,
    after: Cursor | None = None,
    me: int | None = None,
    size: int = PAGE_SIZE,
) -> QueuePage:
    """One page of the district's queue, nearest duty first (overdue ones lead), after
    ``after``. Two index range scans: the cases with a running duty by (next_due_on, id), then
    — once those run out — the ones without, by id."""
    filters = filters or QueueFilters()
    conditions = _conditions(district_id, filters, search, today, me)
    ids: list[tuple[dt.date | None, int]] = []
    if after is None or after.due is not None:
        dated = select(Application.next_due_on, Application.id).where(
            *conditions, Application.next_due_on.is_not(None))
        if after is not None:
            dated = dated.where(tuple_(Application.next_due_on, Application.id)
                                > tuple_(after.due, after.id))
        ids += [(d, i) for d, i in session.execute(
            dated.order_by(Application.next_due_on, Application.id).limit(size + 1))]
    if len(ids) <= size and not filters.overdue:
        undated = select(Application.next_due_on, Application.id).where(
            *conditions, Application.next_due_on.is_(None))
        if after is not None and after.due is None:
            undated = undated.where(Application.id > after.id)
        ids += [(d, i) for d, i in session.execute(
            undated.order_by(Application.id).limit(size + 1 - len(ids)))]
    more = len(ids) > size
    ids = ids[:size]
    loaded = {a.id: a for a in session.scalars(
        _with_milestones(select(Application).where(Application.id.in_([i for _d, i in ids]))))}
    applications = [loaded[i] for _d, i in ids]
    rows = [QueueRow(a, _duties(a, cal), today) for a in applications]
    cursor = Cursor(*ids[-1]) if more and ids else None
    return QueuePage(rows, cursor, search, filters)


def _duties(application: Application, cal: WorkingCalendar) -> list[Deadline]:
    if application.ground is None:
        return []
    return open_duties(case_deadlines(milestones(application), cal))


def district_staff(session: Session, district_id: int) -> Sequence[tuple[int, str]]:
    """Who cases can be assigned to in the district (for the assignee filter)."""
    from portal.models import StaffUser

    rows = session.execute(
        select(StaffUser.id, StaffUser.full_name)
        .where(StaffUser.district_id == district_id, StaffUser.active.is_(True))
        .order_by(StaffUser.full_name))
    return [(staff_id, name) for staff_id, name in rows]
