"""The dashboard's figures for one district and a period: aggregates computed by the database
(GROUP BY, COUNT … FILTER), never by loading cases — reads only, never a commit.

What each table counts, and from which date (docs/back-office.md, "The dashboard"):

- ``status``: the cases whose term started (the package handed in or the portal application
  made, ``term_started_on``) in the period, by their status today.
- ``term`` (L3.1): the cases whose 8-working-day term ends (``result_due_on``) in the period:
  decided within it, decided late, not decided with the term passed, term still running, ended
  without a decision (withdrawn, not accepted). A case is decided on the day its result was
  issued (``result_issued_at``, in Asia/Almaty) or, until then, on the day of its decision F5:
  ``Application.decided_on``, stored with ``decision_granted`` when the case changes
  (services/cases.py::refresh_decided), so no table here joins the decisions.
- ``now``: the district's open cases today, whatever the period: with a statutory duty past its
  day (``next_due_on``) and with the L3.1 term passed and no decision.
- ``ground`` and ``channel``: the period's cases (as ``status``) by ground and by channel, with
  the decisions taken on them.
- ``preliminary``: the preliminary refusals (R15.1) issued in the period, and what became of them:
  the outcome changed (the refusal lapsed, or the case was granted after an objection), upheld,
  still pending.
- ``intake`` (L3.2, L3.3): the receipts issued at the desks in the period with the waits and
  service times measured, how many were over 30 minutes, and the longest.
- ``notifications``: the decision notifications not delivered today (pending or failed).

The receipts, preliminary refusals and notifications carry their case's district
(``InCaseDistrict``, migration 0011_dashdistrict): each of those tables reads the district's own
rows by an index, never every district's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from portal.domain.calendar import ALMATY, Channel
from portal.domain.forms import NotificationChannel, NotificationStatus
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import TERMINAL, Status
from portal.models import (
    Application,
    District,
    Notification,
    Objection,
    PreliminaryDecision,
    Receipt,
)

__all__ = [
    "INTAKE_LIMIT_SECONDS",
    "OPEN_STATUSES",
    "TABLES",
    "Period",
    "Table",
    "by_channel",
    "by_ground",
    "by_status",
    "districts",
    "figures",
    "intake",
    "now",
    "preliminary",
    "service_term",
    "term_share",
    "undelivered_notifications",
]

# L3.2, L3.3: the longest allowed wait and service at a desk; a longer one is a breach.
INTAKE_LIMIT_SECONDS: Final = 30 * 60
OPEN_STATUSES: Final = tuple(s for s in Status if s is not Status.DRAFT and s not in TERMINAL)
ENDED_WITHOUT_DECISION: Final = (Status.WITHDRAWN, Status.REFUSED_ACCEPTANCE)
DESK_CHANNELS: Final = tuple(c for c in Channel if c is not Channel.PORTAL)
UNDELIVERED: Final = (NotificationStatus.PENDING, NotificationStatus.FAILED)
# The tables of the page, in its order; each is also a CSV at /staff/dashboard/<name>.csv.
TABLES: Final = ("status", "term", "now", "ground", "channel", "preliminary", "intake",
                 "notifications")


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included, in Asia/Almaty."""

    start: dt.date
    end: dt.date

    def instants(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as UTC instants: local midnight of the first day up to (excluding) local
        midnight after the last."""
        first = dt.datetime.combine(self.start, dt.time(), tzinfo=ALMATY)
        after = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=ALMATY)
        return first.astimezone(dt.UTC), after.astimezone(dt.UTC)


@dataclass(frozen=True)
class Table:
    """Figures by row and column: ``rows`` are (row key, one value per column)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]

    def value(self, row: str, column: str | None = None) -> int:
        index = 0 if column is None else self.columns.index(column)
        return next(values[index] for key, values in self.rows if key == row)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {key: dict(zip(self.columns, values, strict=True)) for key, values in self.rows}


def _int(value: object) -> int:
    return int(value) if value is not None else 0  # type: ignore[call-overload]


def _table(name: str, columns: Sequence[str], keys: Iterable[str],
           found: Mapping[str, Sequence[object]], *, keep_empty: bool = True) -> Table:
    """Rows in the order of ``keys``, with zeros for a key the database found nothing for."""
    rows = []
    for key in keys:
        values = tuple(_int(v) for v in found.get(key, (0,) * len(columns)))
        if keep_empty or any(values):
            rows.append((key, values))
    return Table(name, tuple(columns), tuple(rows))


def _same_case(application_id: Any, district_id: int) -> ColumnElement[bool]:
    """The join of a row (a receipt, a refusal) that carries its case's district to its case: by
    the case's id, and (the same) district, so that for a busy district PostgreSQL may hash the
    district's cases from the covering index instead of fetching each case by its id."""
    return and_(Application.id == application_id, Application.district_id == district_id)


def _started_in(district_id: int, period: Period) -> list[ColumnElement[bool]]:
    return [Application.district_id == district_id,
            Application.term_started_on.between(period.start, period.end),
            Application.status != Status.DRAFT]


def by_status(session: Session, district_id: int, period: Period) -> Table:
    """The period's cases by their status today (procedure order; statuses with none left out)."""
    found = {status.value: (count,) for status, count in session.execute(
        select(Application.status, func.count())
        .where(*_started_in(district_id, period))
        .group_by(Application.status))}
    return _table("status", ("cases",), (s.value for s in Status if s is not Status.DRAFT),
                  found, keep_empty=False)


TERM_ROWS: Final = ("within_term", "late", "overdue", "running", "ended")


def service_term(session: Session, district_id: int, period: Period, today: dt.date) -> Table:
    """L3.1: the cases whose term ends in the period, decided within it or not."""
    decided = Application.decided_on
    ended = Application.status.in_(ENDED_WITHOUT_DECISION)
    undecided = and_(decided.is_(None), ~ended)
    row = session.execute(
        select(
            func.count().filter(decided <= Application.result_due_on),
            func.count().filter(decided > Application.result_due_on),
            func.count().filter(undecided, Application.result_due_on < today),
            func.count().filter(undecided, Application.result_due_on >= today),
            func.count().filter(decided.is_(None), ended),
        )
        .where(Application.district_id == district_id,
               Application.result_due_on.between(period.start, period.end),
               Application.status != Status.DRAFT)
    ).one()
    return Table("term", ("cases",), tuple((k, (_int(v),)) for k, v in zip(
        TERM_ROWS, row, strict=True)))


def term_share(term: Table) -> float | None:
    """The share decided within the term, of the cases whose term has passed (None: none has)."""
    within = term.value("within_term")
    due = within + term.value("late") + term.value("overdue")
    return within / due if due else None


NOW_ROWS: Final = ("open", "duty_overdue", "term_passed")


def now(session: Session, district_id: int, today: dt.date) -> Table:
    """The district's open cases today: all, with a duty past its day, with L3.1 passed."""
    row = session.execute(
        select(
            func.count(),
            func.count().filter(Application.next_due_on < today),
            func.count().filter(Application.decided_on.is_(None),
                                Application.result_due_on < today),
        )
        .where(Application.district_id == district_id, Application.status.in_(OPEN_STATUSES))
    ).one()
    return Table("now", ("cases",), tuple((k, (_int(v),)) for k, v in zip(
        NOW_ROWS, row, strict=True)))


BREAKDOWN_COLUMNS: Final = ("cases", "granted", "refused", "within_term")


def _breakdown(session: Session, name: str, column: Any, keys: Iterable[str],
               district_id: int, period: Period) -> Table:
    found = {str(key.value if key is not None else ""): rest for key, *rest in session.execute(
        select(
            column,
            func.count(),
            func.count().filter(Application.decision_granted.is_(True)),
            func.count().filter(Application.decision_granted.is_(False)),
            func.count().filter(Application.decided_on <= Application.result_due_on),
        )
        .where(*_started_in(district_id, period))
        .group_by(column))}
    return _table(name, BREAKDOWN_COLUMNS, keys, found)


def by_ground(session: Session, district_id: int, period: Period) -> Table:
    """The period's cases by ground, with their decisions and L3.1 kept."""
    return _breakdown(session, "ground", Application.ground, (g.value for g in GroundCategory),
                      district_id, period)


def by_channel(session: Session, district_id: int, period: Period) -> Table:
    """The period's cases by the channel they came through (R2.2)."""
    return _breakdown(session, "channel", Application.channel, (c.value for c in Channel),
                      district_id, period)


PRELIMINARY_ROWS: Final = ("issued", "objected", "changed", "upheld", "pending")


def preliminary(session: Session, district_id: int, period: Period) -> Table:
    """R15.1–R15.7: the preliminary refusals issued in the period and what became of them."""
    start, after = period.instants()
    pd = PreliminaryDecision
    # An objection belongs to a refusal when it came after it and before it lapsed.
    objected = exists().where(
        Objection.application_id == pd.application_id, Objection.submitted_at >= pd.issued_at,
        or_(pd.lapsed_at.is_(None), Objection.submitted_at <= pd.lapsed_at))
    standing = pd.lapsed_at.is_(None)
    row = session.execute(
        select(
            func.count(),
            func.count().filter(objected),
            func.count().filter(or_(~standing,
                                    and_(Application.decision_granted.is_(True), objected))),
            func.count().filter(standing, Application.decision_granted.is_(False)),
            func.count().filter(standing, Application.decision_granted.is_(None)),
        )
        .select_from(pd)
        .join(Application, _same_case(pd.application_id, district_id))
        .where(pd.district_id == district_id, pd.issued_at >= start, pd.issued_at < after)
    ).one()
    return Table("preliminary", ("count",), tuple((k, (_int(v),)) for k, v in zip(
        PRELIMINARY_ROWS, row, strict=True)))


INTAKE_COLUMNS: Final = ("measured", "wait_over", "service_over", "longest_wait_minutes",
                         "longest_service_minutes")


def intake(session: Session, district_id: int, period: Period) -> Table:
    """L3.2, L3.3: waits and service times measured at the desks in the period, by channel,
    and a last row ``all`` for every desk together."""
    start, after = period.instants()
    measured = or_(Receipt.wait_seconds.is_not(None), Receipt.service_seconds.is_not(None))
    rows = session.execute(
        select(
            Application.channel,
            func.count().filter(measured),
            func.count().filter(Receipt.wait_seconds > INTAKE_LIMIT_SECONDS),
            func.count().filter(Receipt.service_seconds > INTAKE_LIMIT_SECONDS),
            func.max(Receipt.wait_seconds),
            func.max(Receipt.service_seconds),
        )
        .select_from(Receipt)
        .join(Application, _same_case(Receipt.application_id, district_id))
        .where(Receipt.district_id == district_id, Receipt.issued_at >= start,
               Receipt.issued_at < after)
        .group_by(Application.channel)).all()
    found: dict[str, Sequence[object]] = {}
    for channel, count, wait_over, service_over, wait, service in rows:
        found[channel.value] = (count, wait_over, service_over, _int(wait) // 60,
                                _int(service) // 60)
    every = list(found.values())
    found["all"] = (
        *(sum(_int(r[i]) for r in every) for i in range(3)),
        *(max((_int(r[i]) for r in every), default=0) for i in (3, 4)),
    )
    keys = [c.value for c in DESK_CHANNELS]
    if Channel.PORTAL.value in found:  # no wait is measured on the portal; shown if one was
        keys.append(Channel.PORTAL.value)
    return _table("intake", INTAKE_COLUMNS, [*keys, "all"], found)


NOTIFICATION_COLUMNS: Final = ("pending", "failed")


def undelivered_notifications(session: Session, district_id: int) -> Table:
    """R15.8–R15.11: the notifications of the district's decisions not delivered today."""
    found = {channel.value: (pending, failed) for channel, pending, failed in session.execute(
        select(
            Notification.channel,
            func.count().filter(Notification.status == NotificationStatus.PENDING),
            func.count().filter(Notification.status == NotificationStatus.FAILED),
        )
        .where(Notification.district_id == district_id, Notification.status.in_(UNDELIVERED))
        .group_by(Notification.channel))}
    return _table("notifications", NOTIFICATION_COLUMNS,
                  (c.value for c in NotificationChannel), found)


def figures(session: Session, name: str, district_id: int, period: Period,
            today: dt.date) -> Table:
    """One table of the dashboard by its name (one of ``TABLES``)."""
    if name == "status":
        return by_status(session, district_id, period)
    if name == "term":
        return service_term(session, district_id, period, today)
    if name == "now":
        return now(session, district_id, today)
    if name == "ground":
        return by_ground(session, district_id, period)
    if name == "channel":
        return by_channel(session, district_id, period)
    if name == "preliminary":
        return preliminary(session, district_id, period)
    if name == "intake":
        return intake(session, district_id, period)
    if name == "notifications":
        return undelivered_notifications(session, district_id)
    raise KeyError(name)


def districts(session: Session, language: str) -> list[tuple[int, str]]:
    """Every district's id and name in ``language`` (kk, ru or en), by code: an administrator's
    choice (one statement of two columns, no objects: there are about 200)."""
    name = {"kk": District.name_kk, "ru": District.name_ru, "en": District.name_en}[language]
    return [(i, n) for i, n in session.execute(
        select(District.id, name).order_by(District.code))]
