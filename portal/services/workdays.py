"""The working calendar the portal counts statutory deadlines with.

Three layers, each overriding the one before: the built-in table (domain.calendar.DEFAULT_OVERRIDES),
the file named in CALENDAR_OVERRIDES (read once at start: a file that cannot be read or is
malformed stops the app, since a wrong calendar would move every deadline silently), and the
calendar_overrides table an administrator keeps (admin pages). Every worker must see a change to
the table, so the table is read again when the cached copy is older than CALENDAR_CACHE_SECONDS,
and the calendar is rebuilt only when the rows differ from the ones it was built from.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import inspect, select
from sqlalchemy.exc import DBAPIError

from portal import db
from portal.domain.calendar import CalendarOverrides, WorkingCalendar, load_overrides

_KEY = "portal.calendar"
DEFAULT_CACHE_SECONDS = 10.0

Rows = tuple[tuple[str, str, str], ...]  # (day, kind, act), sorted


def _file_overrides(overrides_file: str) -> CalendarOverrides:
    if not overrides_file:
        return WorkingCalendar().overrides
    try:
        data = json.loads(Path(overrides_file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"CALENDAR_OVERRIDES: cannot read {overrides_file}: {exc}") from exc
    if not isinstance(data, dict):
        raise RuntimeError("CALENDAR_OVERRIDES: expected a JSON object")
    try:
        return load_overrides(data)
    except ValueError as exc:
        raise RuntimeError(f"CALENDAR_OVERRIDES: {exc}") from exc


def build_calendar(overrides_file: str) -> WorkingCalendar:
    """The calendar of the built-in table and the file, without the database's rows."""
    return WorkingCalendar(_file_overrides(overrides_file))


def with_rows(base: CalendarOverrides, rows: Rows) -> WorkingCalendar:
    """The calendar of ``base`` extended by the table's rows (the table wins)."""
    data: dict[str, dict[str, str]] = {"extra_days_off": {}, "extra_working_days": {}}
    for day, kind, act in rows:
        key = "extra_days_off" if kind == "day_off" else "extra_working_days"
        data[key][day] = act
    return WorkingCalendar(load_overrides(data, base))


@dataclass
class _Cached:
    base: CalendarOverrides
    ttl: float
    rows: Rows | None = None
    calendar: WorkingCalendar | None = None
    read_at: float = float("-inf")
    lock: threading.Lock = field(default_factory=threading.Lock)


def init_app(app: Flask) -> None:
    base = _file_overrides(app.config.get("CALENDAR_OVERRIDES", ""))
    ttl = float(app.config.get("CALENDAR_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))
    app.extensions[_KEY] = _Cached(base=base, ttl=ttl)


def _read_rows(app: Flask) -> Rows:
    from portal.models import CalendarOverride

    # Its own connection: the request's session may hold unflushed changes or a failed
    # transaction, and a calendar read must neither flush nor be rolled back with them.
    with db.engine_of(app).connect() as conn:
        try:
            found = conn.execute(select(CalendarOverride.day, CalendarOverride.kind,
                                        CalendarOverride.act)).all()
        except DBAPIError:
            conn.rollback()
            if not inspect(conn).has_table(CalendarOverride.__tablename__):
                return ()  # a database not migrated yet (a fresh file, a unit test)
            raise
    return tuple(sorted((d.isoformat(), getattr(k, "value", k), a) for d, k, a in found))


def calendar() -> WorkingCalendar:
    """The current app's calendar, at most CALENDAR_CACHE_SECONDS behind the table."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cached: _Cached = app.extensions[_KEY]
    now = time.monotonic()
    with cached.lock:
        if cached.calendar is not None and now - cached.read_at < cached.ttl:
            return cached.calendar
    rows = _read_rows(app)
    with cached.lock:
        if cached.calendar is None or rows != cached.rows:
            cached.calendar = with_rows(cached.base, rows)
            cached.rows = rows
        cached.read_at = now
        return cached.calendar


def forget(app: Flask | None = None) -> None:
    """Read the table again at the next use (this worker: after its own change)."""
    target = app or current_app._get_current_object()  # type: ignore[attr-defined]
    cached: _Cached = target.extensions[_KEY]
    with cached.lock:
        cached.read_at = float("-inf")
