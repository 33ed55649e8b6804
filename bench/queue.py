"""The staff queue at a million cases: load them into PostgreSQL, time the queue's pages, EXPLAIN.

Usage: python bench/queue.py [--reuse]
  BENCH_QUEUE_URL   the database to (re)create, default
                    postgresql+psycopg://postgres@127.0.0.1:5432/bench_queue
  BENCH_CASES       how many cases (default 1,000,000); BENCH_RUNS timed runs per page (50)

Creates the database afresh (``--reuse`` keeps a loaded one), migrates it, loads the cases and
about three events per case with COPY, then times ``portal.services.queue.page`` — the very
function the queue's view calls, with the rows' deadlines computed by the domain — for the first
page, filtered pages, a deep page (keyset after ~500,000 rows) and searches by IIN and number.
Prints p50/p95 per page and EXPLAIN (ANALYZE) of each page's main statement. Not a test.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds files named queue.py and http.py: keep it off the import path so the
# standard library's modules are the ones imported (psycopg imports queue).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import datetime as dt
import functools
import hashlib
import io
import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from portal import migrate
from portal.db import make_engine
from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.deadlines import CaseMilestones, case_deadlines, next_due
from portal.domain.grounds import DEFAULT_GROUND_RULES, GroundCategory
from portal.domain.workflow import Status
from portal.services import queue as queue_service

URL = os.environ.get("BENCH_QUEUE_URL",
                     "postgresql+psycopg://postgres@127.0.0.1:5432/bench_queue")
CASES = int(os.environ.get("BENCH_CASES", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "50"))
TODAY = dt.date(2026, 11, 27)
CAL = WorkingCalendar()
# The measured district holds 70% of the cases, three others 10% each.
SHARES = (0.7, 0.1, 0.1, 0.1)
CITIZENS = 200_000
STAFF = 20
TARGET_MS = 100.0
# Open cases in procedure order, and the finished ones (which have no running duty).
OPEN = (Status.SUBMITTED, Status.REGISTERED, Status.AT_PRECINCT, Status.PRECINCT_CONCLUDED,
        Status.INCOME_COMPUTED, Status.AT_SPECIAL_COMMISSION)
FINISHED_SHARE = 0.2


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def create_database(url: str = URL) -> None:
    base, name = _libpq(url).rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _nul(value: object) -> str:
    return "\\N" if value is None else str(value)


def _copy(conn: psycopg.Connection[Any], table: str, columns: str,
          rows: Iterator[tuple[object, ...]]) -> int:
    count = 0
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(_nul(v) for v in row) + "\n")
            count += 1
            if count % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


@functools.cache
def _due(status: Status, ground: GroundCategory, channel: Channel, started: dt.date,
         finished: bool) -> tuple[dt.date | None, dt.date | None, dt.date | None, dt.date | None]:
    """The case's milestone dates for its status, and next_due_on from the domain's deadlines,
    exactly as services/cases.py::refresh_next_due computes it."""
    precinct = DEFAULT_GROUND_RULES[ground].needs_precinct_inspection
    registered = None if status is Status.SUBMITTED else started
    sent = (CAL.add_working_days(started, 1) if precinct and status in OPEN[2:] else None)
    received = (CAL.add_working_days(started, 3) if status in OPEN[3:] else None)
    commission = CAL.add_working_days(started, 4) if status is OPEN[5] else None
    decided = CAL.add_working_days(started, 6) if finished else None
    m = CaseMilestones(
        channel=channel, needs_precinct=precinct, term_started_on=started,
        registered_on=registered, sent_to_precinct_on=sent, documents_received_on=received,
        income_computed_on=commission, submitted_to_commission_on=commission,
        decided_on=decided, result_issued_on=decided, cabinet_notified_on=decided)
    return registered, sent, next_due(case_deadlines(m, CAL)), received


def load(url: str = URL) -> None:
    """Migrate the database at ``url`` and load the cases (bench/dashboard.py loads its own
    database with this too, then adds what the dashboard counts)."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    rng = random.Random(20261127)
    started_at = time.perf_counter()
    with psycopg.connect(_libpq(url)) as conn:
        for n in range(1, len(SHARES) + 1):
            conn.execute(
                "INSERT INTO districts (code, name_kk, name_ru, name_en, provider_name_kk,"
                " provider_name_ru, provider_name_en, provider_bin, threshold_numerator,"
                " threshold_denominator) VALUES (%s, 'Аудан', 'Район', 'District', 'Бөлім',"
                " 'Отдел', 'Department', '990340001234', 7, 10)", (f"bench-{n}",))
        for n in range(1, STAFF + 1):
            conn.execute(
                "INSERT INTO staff_users (login, full_name, position, role, district_id,"
                " password_hash, active, created_at) VALUES (%s, %s, 'Маман', 'specialist', 1,"
                " 'x', true, now())", (f"bench-{n}", f"Маман {n:02d}"))
        _copy(conn, "citizens", "iin, surname, given_name, birth_date, sex, locale, created_at",
              ((f"{800000000000 + i}", "Серіков", "Ерлан", "1980-01-01", "male", "kk",
                "2026-01-01 00:00:00+00") for i in range(CITIZENS)))
        grounds = list(GroundCategory)
        channels = list(Channel)
        bounds = [round(sum(SHARES[:i + 1]) * CASES) for i in range(len(SHARES))]

        def applications() -> Iterator[tuple[object, ...]]:
            for i in range(1, CASES + 1):
                district = next(d for d, b in enumerate(bounds, 1) if i <= b)
                finished = rng.random() < FINISHED_SHARE
                status = Status.NOTIFIED if finished else rng.choice(OPEN)
                ground, channel = rng.choice(grounds), rng.choice(channels)
                started = TODAY - dt.timedelta(days=rng.randint(0, 45 if not finished else 700))
                registered, sent, due, received = _due(
                    status if not finished else Status.REGISTERED, ground, channel, started,
                    finished)
                assignee = rng.randint(1, STAFF) if district == 1 and rng.random() < 0.6 else None
                form = "F1-1" if channel is Channel.PORTAL else "F1"
                yield (f"SA-{2026 - (i % 2)}-{i:09d}", rng.randint(1, CITIZENS), district,
                       channel.value, form, ground.value, status.value,
                       f"{700000000000 + rng.randint(0, 600_000)}", "Серіков", "Ерлан",
                       started, registered, sent, received, due, assignee,
                       f"{started} 05:00:00+00", f"{started} 05:00:00+00")

        made = _copy(conn, "applications",
                     "number, citizen_id, district_id, channel, form, ground, status,"
                     " applicant_iin, applicant_surname, applicant_given_name, term_started_on,"
                     " registered_on, sent_to_precinct_on, documents_received_on, next_due_on,"
                     " assignee_id, created_at, updated_at", applications())

        def events() -> Iterator[tuple[object, ...]]:
            previous = "0" * 64
            seq = 0
            for application in range(1, made + 1):
                for action, before, after in (("submit", "draft", "submitted"),
                                              ("register", "submitted", "registered"),
                                              ("staff_view", None, None)):
                    seq += 1
                    digest = hashlib.sha256(f"{seq}".encode()).hexdigest()
                    yield (seq, application, "system", "\\N", "system", action, _nul(before),
                           _nul(after), "{}", "2026-01-01 05:00:00+00", previous, digest)
                    previous = digest

        logged = _copy(conn, "events", "seq, application_id, actor_kind, actor_id, role, action,"
                       " from_status, to_status, data, at, prev_hash, hash", events())
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    print(f"loaded {made:,} cases and {logged:,} events in "
          f"{time.perf_counter() - started_at:.0f} s")


def _timed(engine: Any, run: Callable[[Session], object]) -> tuple[float, float]:
    times = []
    for i in range(RUNS + 5):
        with Session(engine) as session:
            start = time.perf_counter()
            run(session)
            elapsed = (time.perf_counter() - start) * 1000
        if i >= 5:  # warm-up
            times.append(elapsed)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def _explain(engine: Any, run: Callable[[Session], object]) -> str:
    """EXPLAIN ANALYZE of the first statement the page runs (the keyset range scan)."""
    captured: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        with Session(engine) as session:
            run(session)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    statement, parameters = captured[0]
    with engine.connect() as conn:
        raw = conn.connection.cursor()
        raw.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters)
        return "\n".join(f"    {row[0]}" for row in raw.fetchall())


def measure() -> int:
    engine = make_engine(URL)
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM applications")).scalar_one()
        events = conn.execute(text("SELECT count(*) FROM events")).scalar_one()
        mine = conn.execute(text("SELECT count(*) FROM applications WHERE district_id = 1"))\
            .scalar_one()
        dated = conn.execute(text("SELECT count(*) FROM applications WHERE district_id = 1"
                                  " AND next_due_on IS NOT NULL")).scalar_one()
        deep = min(500_000, dated * 9 // 10)  # set-up only: the queue itself never OFFSETs
        deep_due, deep_id = conn.execute(text(
            "SELECT next_due_on, id FROM applications WHERE district_id = 1"
            " AND status <> 'draft' AND next_due_on IS NOT NULL ORDER BY next_due_on, id"
            " OFFSET :deep LIMIT 1"), {"deep": deep}).one()
        iin, number = conn.execute(text(
            "SELECT applicant_iin, number FROM applications WHERE district_id = 1"
            " ORDER BY id DESC LIMIT 1")).one()
    print(f"{total:,} cases ({mine:,} in the measured district), {events:,} events; "
          f"{RUNS} runs per page, page size {queue_service.PAGE_SIZE}\n")

    def page(**kw: Any) -> Callable[[Session], object]:
        return lambda s: queue_service.page(s, 1, today=TODAY, cal=CAL, me=3, **kw)

    pages = {
        "first page": page(),
        "filtered: status at_precinct": page(filters=queue_service.QueueFilters(
            status=Status.AT_PRECINCT)),
        "filtered: overdue, ground fire": page(filters=queue_service.QueueFilters(
            overdue=True, ground=GroundCategory.FIRE)),
        "filtered: assigned to me": page(filters=queue_service.QueueFilters(assignee="me")),
        f"deep page (after {deep:,})": page(after=queue_service.Cursor(deep_due, deep_id)),
        "search by IIN": page(search=iin),
        "search by number": page(search=number),
    }
    failed = 0
    results = []
    for name, run in pages.items():
        p50, p95 = _timed(engine, run)
        ok = p95 < TARGET_MS
        failed += not ok
        results.append((name, p50, p95, ok))
        print(f"{name:34} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   {'ok' if ok else 'SLOW'}")
        print(_explain(engine, run))
        print()
    print("summary (p95 target < 100 ms):")
    for name, p50, p95, ok in results:
        print(f"  {name:34} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {'ok' if ok else 'SLOW'}")
    engine.dispose()
    return failed


def main() -> int:
    if "--reuse" not in sys.argv:
        create_database()
        load()
    return 1 if measure() else 0


if __name__ == "__main__":
    sys.exit(main())
