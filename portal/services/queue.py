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
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import ColumnElement, bindparam, select, tuple_
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.deadlines import Deadline, case_deadlines, open_duties
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Status
from portal.models import Application, District, PreliminaryDecision
from portal.services.case_view import settle, with_presence
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


# The relations milestones() reads that a case may have many of: most cases in a queue have none
# yet, so the page's one query says which each row has (EXISTS), and only the rows that have one
# are loaded, one statement per relation for the whole page.
_LISTS: Final = ("preliminary_decisions", "objections", "remarks", "notifications")
@functools.cache
def _rows_query() -> Any:
    """The page's cases with everything services/cases.py::milestones reads that a case has at
    most one of (joined, the case stays one row), and a has_* column per list relation. Built
    once: SQLAlchemy keeps its compiled form."""
    return (with_presence(select(Application), _LISTS)
            .options(joinedload(Application.decision), joinedload(Application.income_computation),
                     joinedload(Application.commission_conclusion),
                     joinedload(Application.district_ground), joinedload(Application.assignee))
            .where(Application.id.in_(bindparam("ids", expanding=True))))


@functools.cache
def _district_query() -> Any:
    return (select(District).options(selectinload(District.grounds))
            .where(District.id == bindparam("id")))


def _load(session: Session, district_id: int, ids: list[int]) -> dict[int, Application]:
    """The page's applications by id, with what their deadlines read: the absent list relations
    set empty without a query, the present ones loaded together (none for a page of new cases)."""
    if not ids:
        return {}
    # The district (with its grounds, for the ground rules) is the same for every row: loaded
    # once and set on each (not joined to 25 rows).
    district = session.scalars(_district_query(), {"id": district_id}).one()
    loaded: dict[int, Application] = {}
    having: dict[str, list[int]] = {name: [] for name in _LISTS}
    for row in session.execute(_rows_query(), {"ids": ids}):
        application = settle(row, _LISTS)
        set_committed_value(application, "district", district)
        loaded[application.id] = application
        for name, present in zip(_LISTS, row[1:], strict=True):
            if present:
                having[name].append(application.id)
    for name, some in having.items():
        if some:
            _fill(session, name, [loaded[i] for i in some])
    return loaded


def _fill(session: Session, name: str, applications: list[Application]) -> None:
    """Load the relation ``name`` of ``applications`` in one statement of its own rows (in the
    relation's order), and set it on each, as a selectinload would without selecting the
    applications again."""
    relation = Application.__mapper__.relationships[name]
    target: Any = relation.mapper.class_
    query = select(target).where(target.application_id.in_([a.id for a in applications]))
    query = query.order_by(*(relation.order_by or (target.id,)))
    if target is PreliminaryDecision:
        query = query.options(selectinload(PreliminaryDecision.hearing_protocol))
    rows: dict[int, list[Any]] = {a.id: [] for a in applications}
    for row in session.scalars(query):
        rows[row.application_id].append(row)
    for application in applications:
        set_committed_value(application, name, rows[application.id])


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
    loaded = _load(session, district_id, [i for _d, i in ids])
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
