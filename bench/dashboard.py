"""The dashboard at a million cases: load them into PostgreSQL, time each table's query, EXPLAIN.

Usage: python bench/dashboard.py [--reuse] [--with-only] [--drop]
  BENCH_DASHBOARD_URL  the database to (re)create, default
                       postgresql+psycopg://postgres@127.0.0.1:5432/bench_dashboard
  BENCH_CASES          how many cases (default 1,000,000); BENCH_RUNS timed runs per query (50)

Loads the cases with bench/queue.py's loader (COPY; 70% of them in the measured district), then
adds what the dashboard counts: the L3.1 term of every case, decisions with their results and
notifications for the finished ones, preliminary refusals with objections (some lapsed), a few
granted and withdrawn open cases, and a receipt with the measured wait and service time for every
case handed in at a desk. Then times ``portal.services.dashboard`` — the very functions the page
calls — for a month and for a year, first without the indexes of migration 0008_dashboard and
then with them, and prints p50/p95 and EXPLAIN (ANALYZE) of each query. ``--reuse`` keeps a
loaded database, ``--with-only`` measures only with the indexes, ``--drop`` drops the database at
the end. Not a test.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds files named queue.py and http.py: keep it off the import path (as
# bench/queue.py does) and load the queue's loader from its file.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import datetime as dt
import functools
import importlib.util
import io
import os
import random
import time
from collections.abc import Callable

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from portal.db import make_engine
from portal.domain.calendar import ALMATY
from portal.domain.deadlines import service_term_due
from portal.services import dashboard

_spec = importlib.util.spec_from_file_location("bench_queue", _HERE / "queue.py")
assert _spec is not None and _spec.loader is not None
bench_queue = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_queue)

URL = os.environ.get("BENCH_DASHBOARD_URL",
                     "postgresql+psycopg://postgres@127.0.0.1:5432/bench_dashboard")
TODAY = bench_queue.TODAY
CAL = bench_queue.CAL
DISTRICT = 1
TARGET_MS = 500.0
# The indexes of migration 0008_dashboard, dropped for the "before" measurement.
INDEXES = {
    "ix_applications_dashboard_started":
        "applications (district_id, term_started_on, status)"
        " INCLUDE (ground, channel, result_due_on, result_issued_at, id)",
    "ix_applications_dashboard_due":
        "applications (district_id, result_due_on) INCLUDE (status, result_issued_at, id)",
    "ix_applications_dashboard_open":
        "applications (district_id, status)"
        " INCLUDE (next_due_on, result_due_on, result_issued_at, id)",
    "ix_decisions_dashboard": "decisions (application_id, decided_on, granted)",
    "ix_preliminary_decisions_issued_at":
        "preliminary_decisions (issued_at) INCLUDE (application_id, lapsed_at)",
    "ix_receipts_issued_at":
        "receipts (issued_at) INCLUDE (application_id, wait_seconds, service_seconds)",
    "ix_notifications_undelivered": "notifications (status, channel, application_id)",
}


@functools.cache
def _due(started: dt.date) -> dt.date:
    return service_term_due(started, CAL)


@functools.cache
def _after(started: dt.date, days: int) -> dt.date:
    return CAL.add_working_days(started, days)


def _at(day: dt.date, hour: int) -> str:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ALMATY).astimezone(dt.UTC).isoformat()


class _Buffers:
    """A COPY text buffer per table."""

    def __init__(self) -> None:
        self.data: dict[str, io.StringIO] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: str, *row: object) -> None:
        buffer = self.data.setdefault(table, io.StringIO())
        buffer.write("\t".join(bench_queue._nul(v) for v in row) + "\n")
        self.counts[table] = self.counts.get(table, 0) + 1


COLUMNS = {
    "dash_fill": "id, status, result_due_on, result_issued_at",
    "decisions": "id, application_id, number, decided_on, granted, amount_tiyn, frequency,"
                 " refusal_ground",
    "notifications": "application_id, decision_id, decision_granted, form, assistance_type,"
                     " channel, status, responsible_name, responsible_position, created_at,"
                     " sent_at",
    "preliminary_decisions": "application_id, refusal_ground, reasons, issued_at, hearing_at,"
                             " hearing_mode, lapsed_at",
    "objections": "application_id, submitted_at, oral, text",
    "receipts": "application_id, kind, number, issued_at, issued_by_name, missing_documents,"
                " incomplete, expired, wait_seconds, service_seconds",
}


def enrich(url: str) -> None:
    """Add to the loaded cases what the dashboard counts (see the module's docstring)."""
    rng = random.Random(20261128)
    started_at = time.perf_counter()
    out = _Buffers()
    decision_id = 0
    with psycopg.connect(bench_queue._libpq(url)) as conn:
        cases = conn.execute("SELECT id, status, channel, term_started_on FROM applications"
                             " ORDER BY id").fetchall()
        for case_id, status, channel, started in cases:
            due = _due(started)
            issued: str | None = None
            decided: tuple[dt.date, bool] | None = None
            if status == "notified":
                refused_first = rng.random() < 0.12
                granted = rng.random() < 0.8
                if refused_first:
                    pre_day = _after(started, 3)
                    objected = rng.random() < 0.5
                    lapsed = objected and rng.random() < 0.6
                    granted = lapsed
                    out.add("preliminary_decisions", case_id, "negative_conclusion", "—",
                            _at(pre_day, 10), _at(_after(started, 5), 11),
                            "video_or_communication",
                            _at(_after(started, 5), 12) if lapsed else None)
                    if objected:
                        out.add("objections", case_id, _at(_after(started, 4), 9), "false", "—")
                late = rng.random() < 0.15
                day = _after(started, rng.randint(9, 11) if late else rng.randint(4, 7))
                decided = (day, granted)
                issued = _at(day, 16)
            elif rng.random() < 0.04:
                status = "preliminary_refusal"
                out.add("preliminary_decisions", case_id, "negative_approval_answer", "—",
                        _at(started, 12), _at(_after(started, 3), 11),
                        "video_or_communication", None)
            elif rng.random() < 0.01:
                status = "granted"
                decided = (_after(started, 5), True)
            elif rng.random() < 0.01:
                status = "withdrawn"
            if decided is not None:
                decision_id += 1
                day, granted = decided
                out.add("decisions", decision_id, case_id, f"D-{case_id}", day, granted,
                        100_000 if granted else None, "one_off" if granted else None,
                        None if granted else "L9 1)")
                sent = rng.random()
                note = "pending" if sent < 0.03 else "failed" if sent < 0.05 else "sent"
                if status == "granted":
                    note = "pending"
                out.add("notifications", case_id, decision_id, granted, "F6" if granted else "F7",
                        "—", "cabinet" if channel == "portal" else rng.choice(("sms", "print")),
                        note, "—", "—", _at(day, 15), issued if note == "sent" else None)
            out.add("dash_fill", case_id, status, due, issued)
            if channel != "portal":
                out.add("receipts", case_id,
                        "electronic_receipt" if channel == "state_corp" else "coupon",
                        f"R-{case_id}", _at(started, 10), "—", "[]", "false", "false",
                        min(int(rng.expovariate(1 / 600)), 4 * 3600),
                        min(int(rng.expovariate(1 / 900)), 4 * 3600))
        conn.execute("CREATE TEMPORARY TABLE dash_fill (id integer PRIMARY KEY, status text,"
                     " result_due_on date, result_issued_at timestamptz)")
        for table in COLUMNS:
            with conn.cursor() as cur, cur.copy(
                    f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                copy.write(out.data[table].getvalue())
        conn.execute("UPDATE applications a SET status = f.status, result_due_on ="
                     " f.result_due_on, result_issued_at = f.result_issued_at FROM dash_fill f"
                     " WHERE a.id = f.id")
        conn.execute("SELECT setval('decisions_id_seq', %s)", (decision_id,))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    made = ", ".join(f"{n:,} {t}" for t, n in out.counts.items() if t != "dash_fill")
    print(f"added {made} in {time.perf_counter() - started_at:.0f} s")


def _indexes(url: str, present: bool) -> None:
    with psycopg.connect(bench_queue._libpq(url), autocommit=True) as conn:
        for name, on in INDEXES.items():
            if present:
                conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {on}")
            else:
                conn.execute(f"DROP INDEX IF EXISTS {name}")
        conn.execute("ANALYZE")


def measure(url: str, label: str) -> list[tuple[str, float, float]]:
    engine = make_engine(url)
    month = dashboard.Period(TODAY - dt.timedelta(days=30), TODAY)
    year = dashboard.Period(TODAY - dt.timedelta(days=365), TODAY)
    queries: dict[str, Callable[[Session], object]] = {}
    for name in dashboard.TABLES:
        for span, period in (("month", month), ("year", year)):
            if name in {"now", "notifications"} and span == "year":
                continue  # the "now" tables do not depend on the period
            queries[f"{name} ({span})" if name not in {"now", "notifications"} else name] = (
                functools.partial(_one, name=name, period=period))
    print(f"--- {label}")
    results = []
    for name, run in queries.items():
        p50, p95 = bench_queue._timed(engine, run)
        results.append((name, p50, p95))
        print(f"{name:24} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
        print(bench_queue._explain(engine, run))
        print()
    engine.dispose()
    return results


def _one(session: Session, *, name: str, period: dashboard.Period) -> object:
    return dashboard.figures(session, name, DISTRICT, period, TODAY)


def whole_page(url: str) -> tuple[float, float]:
    """Every table of the page for a month, as the page asks for them."""
    engine = make_engine(url)
    month = dashboard.Period(TODAY - dt.timedelta(days=30), TODAY)

    def run(session: Session) -> None:
        for name in dashboard.TABLES:
            dashboard.figures(session, name, DISTRICT, month, TODAY)

    try:
        return bench_queue._timed(engine, run)  # type: ignore[no-any-return]
    finally:
        engine.dispose()


def main() -> int:
    if "--reuse" not in sys.argv:
        bench_queue.create_database(URL)
        bench_queue.load(URL)
        enrich(URL)
    engine = make_engine(URL)
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608
                  for t in (
            "applications", "decisions", "preliminary_decisions", "receipts", "notifications")}
        mine = conn.execute(text("SELECT count(*) FROM applications WHERE district_id = 1"))\
            .scalar_one()
    engine.dispose()
    print(", ".join(f"{n:,} {t}" for t, n in counts.items())
          + f"; {mine:,} cases in the measured district; {bench_queue.RUNS} runs per query\n")
    _indexes(URL, present=False)
    if "--with-only" in sys.argv:  # a second look at a loaded database: skip the slow "before"
        before, page_before = [], (float("nan"), float("nan"))
    else:
        before = measure(URL, "without the indexes of 0008_dashboard")
        page_before = whole_page(URL)
    _indexes(URL, present=True)
    after = measure(URL, "with the indexes of 0008_dashboard")
    page_after = whole_page(URL)
    print(f"summary (p50 / p95 in ms; target p95 < {TARGET_MS:.0f} ms):")
    print(f"  {'query':24} {'without indexes':>20} {'with indexes':>20}")
    nothing = (float("nan"), float("nan"))
    earlier = {name: (p50, p95) for name, p50, p95 in before}
    for name, a50, a95 in after:
        b50, b95 = earlier.get(name, nothing)
        print(f"  {name:24} {b50:9.1f} / {b95:8.1f} {a50:9.1f} / {a95:8.1f}")
    print(f"  {'whole page (month)':24} {page_before[0]:9.1f} / {page_before[1]:8.1f}"
          f" {page_after[0]:9.1f} / {page_after[1]:8.1f}")
    if "--drop" in sys.argv:
        base, name = bench_queue._libpq(URL).rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    slow = [name for name, _p50, p95 in after if p95 >= TARGET_MS]
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
