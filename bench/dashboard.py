"""The dashboard at a million cases: load them into PostgreSQL, time each table's query and the
page, EXPLAIN.

Usage: python bench/dashboard.py [--reuse] [--no-explain] [--drop]
  BENCH_DASHBOARD_URL  the database to (re)create, default
                       postgresql+psycopg://postgres@127.0.0.1:5432/bench_dashboard
  BENCH_CASES          how many cases (default 1,000,000); BENCH_RUNS timed runs each (50)

Loads the cases (COPY) over 200 districts — three heavy ones with 4% of the cases each, the
others about 0.45% each — started over the last three years: a case older than a month is
finished, a younger one open with the duties of its status. Then adds what the dashboard counts:
the L3.1 term of every case, decisions with their results and notifications for the finished
ones, preliminary refusals with objections (some lapsed), a few granted and withdrawn open
cases, and a receipt with the measured wait and service time for every case handed in at a
desk. Then times ``portal.services.dashboard`` — the very functions the page calls — for a
typical district over a year and a month and for the heaviest district over a year, with
EXPLAIN (ANALYZE, BUFFERS) of each year's query; and the page itself, GET /staff/dashboard
through the app as an administrator (figures, charts, template). ``--reuse`` keeps a loaded
database (and migrates it to the newest revision first, timing that), ``--drop`` drops the
database at the end. Exits 1 when the page for a year, of a typical district or of the heaviest,
is not under 500 ms at p95. Not a test.
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
import statistics
import time
from collections.abc import Iterator

import psycopg
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from portal import migrate
from portal.db import make_engine
from portal.domain.calendar import ALMATY, Channel
from portal.domain.deadlines import service_term_due
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Status
from portal.services import dashboard

_spec = importlib.util.spec_from_file_location("bench_queue", _HERE / "queue.py")
assert _spec is not None and _spec.loader is not None
bench_queue = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_queue)

URL = os.environ.get("BENCH_DASHBOARD_URL",
                     "postgresql+psycopg://postgres@127.0.0.1:5432/bench_dashboard")
TODAY = bench_queue.TODAY
CAL = bench_queue.CAL
TARGET_MS = 500.0


# Kazakhstan has about 200 districts: a few heavy ones (city districts) hold 4% of the cases
# each, the rest share what is left; the cases started over the last three years.
DISTRICTS = 200
HEAVY = (0.04, 0.04, 0.04)
YEARS = 3
TYPICAL = 100  # the measured district: one of the many ordinary ones
HEAVIEST = 1  # and the heaviest, for comparison
CITIZENS = 100_000


def load(url: str) -> None:
    """Migrate the database at ``url`` and load the cases over ``DISTRICTS`` districts and
    ``YEARS`` years: a case older than a month is finished (enrich() decides it), a younger one
    is open with the duties of its status (``next_due_on`` from the domain, as the queue's
    loader computes it). No events: the dashboard reads none."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    rng = random.Random(20261127)
    started_at = time.perf_counter()
    light = (1 - sum(HEAVY)) / (DISTRICTS - len(HEAVY))
    weights = [*HEAVY, *(light,) * (DISTRICTS - len(HEAVY))]
    with psycopg.connect(bench_queue._libpq(url)) as conn:
        bench_queue._copy(
            conn, "districts", "code, name_kk, name_ru, name_en, provider_name_kk,"
            " provider_name_ru, provider_name_en, provider_bin, threshold_numerator,"
            " threshold_denominator",
            ((f"bench-{n}", "Аудан", "Район", "District", "Бөлім", "Отдел", "Department",
              "990340001234", 7, 10) for n in range(1, DISTRICTS + 1)))
        bench_queue._copy(
            conn, "citizens", "iin, surname, given_name, birth_date, sex, locale, created_at",
            ((f"{800000000000 + i}", "Серіков", "Ерлан", "1980-01-01", "male", "kk",
              "2023-01-01 00:00:00+00") for i in range(CITIZENS)))
        grounds = list(GroundCategory)
        channels = list(Channel)
        districts = rng.choices(range(1, DISTRICTS + 1), weights, k=bench_queue.CASES)

        def applications() -> Iterator[tuple[object, ...]]:
            for i, district in enumerate(districts, 1):
                age = rng.randint(0, 365 * YEARS)
                finished = age > 30 or (age > 14 and rng.random() < 0.5)
                status = Status.NOTIFIED if finished else rng.choice(bench_queue.OPEN)
                ground, channel = rng.choice(grounds), rng.choice(channels)
                started = TODAY - dt.timedelta(days=age)
                registered, sent, due, received = bench_queue._due(
                    status if not finished else Status.REGISTERED, ground, channel, started,
                    finished)
                form = "F1-1" if channel is Channel.PORTAL else "F1"
                yield (f"SA-{started.year}-{i:09d}", rng.randint(1, CITIZENS), district,
                       channel.value, form, ground.value, status.value,
                       f"{700000000000 + rng.randint(0, 600_000)}", "Серіков", "Ерлан",
                       started, registered, sent, received, due,
                       f"{started} 05:00:00+00", f"{started} 05:00:00+00")

        made = bench_queue._copy(
            conn, "applications",
            "number, citizen_id, district_id, channel, form, ground, status, applicant_iin,"
            " applicant_surname, applicant_given_name, term_started_on, registered_on,"
            " sent_to_precinct_on, documents_received_on, next_due_on, created_at, updated_at",
            applications())
        conn.commit()
    print(f"loaded {made:,} cases over {DISTRICTS} districts and {YEARS} years in "
          f"{time.perf_counter() - started_at:.0f} s")


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
    "notifications": "application_id, district_id, decision_id, decision_granted, form,"
                     " assistance_type, channel, status, responsible_name,"
                     " responsible_position, created_at, sent_at",
    "preliminary_decisions": "application_id, district_id, refusal_ground, reasons, issued_at,"
                             " hearing_at, hearing_mode, lapsed_at",
    "objections": "application_id, submitted_at, oral, text",
    "receipts": "application_id, district_id, kind, number, issued_at, issued_by_name,"
                " missing_documents, incomplete, expired, wait_seconds, service_seconds",
}


def enrich(url: str) -> None:
    """Add to the loaded cases what the dashboard counts (see the module's docstring)."""
    rng = random.Random(20261128)
    started_at = time.perf_counter()
    out = _Buffers()
    decision_id = 0
    with psycopg.connect(bench_queue._libpq(url)) as conn:
        cases = conn.execute("SELECT id, district_id, status, channel, term_started_on"
                             " FROM applications ORDER BY id").fetchall()
        for case_id, district, status, channel, started in cases:
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
                    out.add("preliminary_decisions", case_id, district, "negative_conclusion",
                            "—", _at(pre_day, 10), _at(_after(started, 5), 11),
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
                out.add("preliminary_decisions", case_id, district,
                        "negative_approval_answer", "—", _at(started, 12),
                        _at(_after(started, 3), 11),
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
                out.add("notifications", case_id, district, decision_id, granted,
                        "F6" if granted else "F7", "—",
                        "cabinet" if channel == "portal" else rng.choice(("sms", "print")),
                        note, "—", "—", _at(day, 15), issued if note == "sent" else None)
            out.add("dash_fill", case_id, status, due, issued)
            if channel != "portal":
                out.add("receipts", case_id, district,
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


PERIODS = {"month": 30, "year": 365}
# (label, district, span): the target is about a typical district and a year; the heaviest
# district and a month are measured too.
CASES_MEASURED = (("typical", TYPICAL, "year"), ("typical", TYPICAL, "month"),
                  ("heavy", HEAVIEST, "year"))


def _period(span: str) -> dashboard.Period:
    return dashboard.Period(TODAY - dt.timedelta(days=PERIODS[span]), TODAY)


def _one(session: Session, *, name: str, district: int, period: dashboard.Period) -> object:
    return dashboard.figures(session, name, district, period, TODAY)


def measure(url: str, explain: bool) -> dict[str, tuple[float, float]]:
    """Each table's query for each measured (district, period): p50/p95, and EXPLAIN (ANALYZE,
    BUFFERS) of each for the typical district's year and the heavy district's year."""
    engine = make_engine(url)
    results: dict[str, tuple[float, float]] = {}
    for label, district, span in CASES_MEASURED:
        for name in dashboard.TABLES:
            key = f"{name} ({label}, {span})"
            run = functools.partial(_one, name=name, district=district, period=_period(span))
            results[key] = bench_queue._timed(engine, run)
            print(f"{key:36} p50 {results[key][0]:7.1f} ms   p95 {results[key][1]:7.1f} ms")
            if explain and span == "year":
                print(bench_queue._explain(engine, run))
                print()
    engine.dispose()
    return results


def whole_page(url: str) -> dict[str, tuple[float, float]]:
    """The page itself, GET /staff/dashboard through the Flask app as an administrator (the
    figures, the charts, the template), for each measured (district, period); and the Python
    part alone (charts and template, with the tables already counted)."""
    from portal import create_app, db
    from portal.config import TestConfig
    from portal.domain.workflow import Role
    from portal.models import StaffUser, WebSession
    from portal.models.accounts import SignInMethod, SubjectKind
    from portal.web.access import token_digest

    config = TestConfig()
    config.DATABASE_URL = url
    app = create_app(config)
    token = "bench-dashboard-session-token"  # noqa: S105 (a bench database of its own)
    with app.app_context():
        session = db.session()
        admin = session.scalar(select(StaffUser).where(StaffUser.login == "bench-admin"))
        if admin is None:
            admin = StaffUser(login="bench-admin", full_name="Bench", position="Admin",
                              role=Role.ADMIN, district_id=TYPICAL, password_hash="x")  # noqa: S106
            session.add(admin)
            session.flush()
        session.execute(delete(WebSession).where(WebSession.id == token_digest(token)))
        session.add(WebSession(id=token_digest(token), subject_kind=SubjectKind.STAFF,
                               subject_id=admin.id, method=SignInMethod.PASSWORD_TOTP,
                               device_hash="bench"))
        session.commit()
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["sid"] = token
    results: dict[str, tuple[float, float]] = {}
    for label, district, span in CASES_MEASURED:
        period = _period(span)
        query = {"from": period.start.isoformat(), "to": period.end.isoformat(),
                 "district": str(district)}
        times = []
        for i in range(bench_queue.RUNS + 5):
            began = time.perf_counter()
            response = client.get("/staff/dashboard", query_string=query)
            elapsed = (time.perf_counter() - began) * 1000
            assert response.status_code == 200, response.status_code
            if i >= 5:
                times.append(elapsed)
        times.sort()
        key = f"whole page ({label}, {span})"
        results[key] = (statistics.median(times), times[int(len(times) * 0.95) - 1])
        print(f"{key:36} p50 {results[key][0]:7.1f} ms   p95 {results[key][1]:7.1f} ms")
    db.engine_of(app).dispose()
    return results


def main() -> int:
    if "--reuse" not in sys.argv:
        bench_queue.create_database(URL)
        load(URL)
        enrich(URL)
    else:
        engine = make_engine(URL)
        began = time.perf_counter()
        migrate.upgrade(engine)  # a database loaded before a migration: bring it up to date
        print(f"migrated to {migrate.current(engine)} in {time.perf_counter() - began:.0f} s")
        engine.dispose()
        # A migration that rewrote rows leaves the visibility map unset: until a VACUUM (which
        # autovacuum does in time), PostgreSQL cannot scan the covering indexes alone.
        with psycopg.connect(bench_queue._libpq(URL), autocommit=True) as conn:
            began = time.perf_counter()
            conn.execute("VACUUM ANALYZE")
            print(f"VACUUM ANALYZE in {time.perf_counter() - began:.0f} s")
    engine = make_engine(URL)
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()  # noqa: S608
                  for t in (
            "applications", "decisions", "preliminary_decisions", "receipts", "notifications")}
        sizes = {d: conn.execute(text(
            "SELECT count(*), count(*) FILTER (WHERE term_started_on > :year)"
            " FROM applications WHERE district_id = :d"),
            {"d": d, "year": TODAY - dt.timedelta(days=365)}).one()
            for d in (TYPICAL, HEAVIEST)}
    engine.dispose()
    print(", ".join(f"{n:,} {t}" for t, n in counts.items()))
    print(f"typical district {TYPICAL}: {sizes[TYPICAL][0]:,} cases, {sizes[TYPICAL][1]:,} in"
          f" the last year; heavy district {HEAVIEST}: {sizes[HEAVIEST][0]:,} cases,"
          f" {sizes[HEAVIEST][1]:,} in the last year; {bench_queue.RUNS} runs each")
    print(f"load average: {os.getloadavg()}")
    queries = measure(URL, explain="--no-explain" not in sys.argv)
    pages = whole_page(URL)
    print(f"load average: {os.getloadavg()}")
    print(f"summary (p50 / p95 in ms; target: the whole page, a typical district's year and the"
          f" heaviest district's year, p95 < {TARGET_MS:.0f} ms):")
    for name, (p50, p95) in {**queries, **pages}.items():
        print(f"  {name:36} {p50:9.1f} / {p95:8.1f}")
    if "--drop" in sys.argv:
        base, name = bench_queue._libpq(URL).rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    return 0 if all(pages[f"whole page ({label}, year)"][1] < TARGET_MS
                    for label in ("typical", "heavy")) else 1


if __name__ == "__main__":
    sys.exit(main())
