"""A mixed load on the portal as production runs it, stepped up until it no longer holds.

Usage: python bench/load.py   (BENCH_LOAD_URL: the PostgreSQL database to create and fill,
default bench_load on the local server; REDIS_URL: Redis, default db 13; BENCH_SECONDS per step,
default 30, after BENCH_WARMUP seconds (5) not measured; BENCH_STEPS, default "8,16,32,64"
concurrent users; BENCH_LOAD_CASES, default 20000).

gunicorn (2 × cores workers) in production mode with PostgreSQL, Redis rate limits and a Redis
broker, behind a trusted proxy so every simulated person has an address of their own (the
limits count per person, as in real life). The people, by weight:
- citizens (45 %): the cabinet list, their case page, a draft question page and an autosave;
- staff (25 %): the queue and a case page of their district;
- 1414 callers and the public (20 %): the lookup form and a lookup POST;
- visitors (10 %): the home and the apply start page.
Prints, for each step, throughput, p50/p95/p99 per page and the errors (5xx or a cut
connection; 4xx are counted apart), then the largest step that held: 0 errors and p95 < 200 ms.
Not a test: it takes minutes and wants a quiet machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]  # bench/http.py

import datetime as dt
import http.client
import os
import random
import re
import socket
import subprocess
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

ROOT = _HERE.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
HOST = "portal.example.kz"
SECRET = "bench-load-vP3q-7xZ_kL9mN2bR5tW8yA1cE4gH6jU0oS3dF7hK9"  # noqa: S105 (bench only)
DB_URL = os.environ.get("BENCH_LOAD_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_load")
REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13")
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
STEPS = [int(s) for s in os.environ.get("BENCH_STEPS", "8,16,32,64").split(",")]
CASES = int(os.environ.get("BENCH_LOAD_CASES", "20000"))
LOOKUP_PEOPLE = int(os.environ.get("BENCH_LOOKUP_PEOPLE", "300"))
# Unmeasured: every worker's first requests (imports, templates, connections) before the steps.
WARMUP = float(os.environ.get("BENCH_WARMUP", "5"))


@dataclass(frozen=True)
class Visit:
    label: str
    method: str
    path: str
    body: str | None = None


@dataclass(frozen=True)
class Persona:
    cookie: str
    csrf: str
    visits: tuple[Visit, ...]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"FLASK_RUN_FROM_CLI"}}
    env.update({
        "PORTAL_ENV": "production", "PUBLIC_BASE_URL": f"https://{HOST}", "DATABASE_URL": DB_URL,
        "REDIS_URL": REDIS, "SESSION_COOKIE_SECURE": "false", "TRUSTED_PROXIES": "1",
        "LOAD_DEMO_DATA": "true", "FLASK_APP": "wsgi", "LOG_LEVEL": "WARNING",
        # localhost: the set-up signs people in through the test client, whose host it is.
        "TRUSTED_HOSTS": f"{HOST},localhost",
        # One host, no clamd: uploads are not part of the load, and production asks for both
        # to be accepted in writing (docs/operations.md, What production needs).
        "FILES_ON_PORTAL_ORIGIN_ACCEPTED": "1", "UPLOAD_SCAN_REQUIRED": "false",
    })
    for name in ("SECRET_KEY", "CA_KEY", "AUDIT_CHAIN_KEY", "KEYSTORE_KEY", "API_TOKEN_KEY"):
        env[name] = f"{name}-{SECRET}"
    return env


def _recreate_database() -> None:
    from sqlalchemy import create_engine, make_url, text

    url = make_url(DB_URL)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def _prepare(env: dict[str, str]) -> dict[str, list[Persona]]:
    """Migrate, load the demo, add CASES cases, and sign the people in (cookies and tokens)."""
    for command in (["db", "upgrade"], ["signing", "init-ca"], ["demo", "load"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    os.environ.update(env)
    from sqlalchemy import func, insert, select

    from portal import create_app, db
    from portal.domain.calendar import Channel
    from portal.domain.forms import Sex
    from portal.domain.grounds import GroundCategory
    from portal.domain.iin import Sex as IinSex
    from portal.domain.iin import make_iin
    from portal.domain.workflow import Role, Status
    from portal.models import Application, ApplicationForm, Citizen, District, StaffUser
    from portal.services import cases
    from portal.services.workdays import calendar
    from tests.pages import ClientRequest

    app = create_app()
    app.config["RATELIMIT_ENABLED"] = False  # the set-up's own requests
    with app.app_context():
        s = db.session()
        citizens = list(s.scalars(select(Citizen)))
        district = s.scalar(select(District).order_by(District.id))
        assert district is not None
        statuses = [Status.SUBMITTED, Status.REGISTERED, Status.AT_PRECINCT,
                    Status.INCOME_COMPUTED, Status.PRELIMINARY_REFUSAL]
        grounds = list(GroundCategory)
        # The load's cases belong to people of their own, two each, as in life (a person has an
        # application or two): the demo's citizens keep just their own few.
        owners: list[tuple[int, str]] = []
        serial = 1
        while len(owners) < (CASES + 1) // 2:
            born = dt.date(1950, 1, 1) + dt.timedelta(days=serial // 5000)
            iin = make_iin(born, IinSex.MALE, 1000 + serial % 5000)
            serial += 1
            if iin is None:
                continue
            person = Citizen(iin=iin, surname="LOAD", given_name=f"P{serial}",
                             birth_date=born, sex=Sex.MALE)
            s.add(person)
            owners.append((0, iin))
        s.flush()
        ids = {iin: id_ for iin, id_ in s.execute(
            select(Citizen.iin, Citizen.id).where(Citizen.surname == "LOAD"))}
        owners = [(ids[iin], iin) for _, iin in owners]
        s.commit()
        for start in range(0, CASES, 5000):
            s.execute(insert(Application), [
                {"number": f"SA-LOAD-{n:07d}", "citizen_id": owners[n // 2][0],
                 "district_id": district.id, "channel": Channel.PORTAL,
                 "form": ApplicationForm.F1_1, "ground": grounds[n % len(grounds)],
                 "status": statuses[n % len(statuses)], "sections": {},
                 "applicant_iin": owners[n // 2][1]}
                for n in range(start, min(start + 5000, CASES))])
            s.commit()
        cases.refresh_all_next_due(s, calendar())  # commits per batch and clears the session
        citizens = list(s.scalars(select(Citizen).where(Citizen.surname != "LOAD")))
        own = {c.id: list(s.scalars(select(Application.number).where(
            Application.citizen_id == c.id, Application.status != Status.DRAFT).limit(20)))
            for c in citizens}
        staff = list(s.scalars(select(StaffUser).where(
            StaffUser.district_id == district.id,
            StaffUser.role.in_([Role.SPECIALIST, Role.HEAD, Role.INTAKE]))))
        total = s.scalar(select(func.count()).select_from(Application))
        for person in citizens + staff:
            s.expunge(person)
    print(f"{total} cases; {len(citizens)} citizens and {len(staff)} staff signed in")
    people: dict[str, list[Persona]] = defaultdict(list)

    def signed_in(person: Citizen | StaffUser | None, first: str) -> tuple[str, str, str]:
        client = app.test_client()
        if person is not None:
            ClientRequest(app, client).login(person)
        page = client.get(first)
        html = page.get_data(as_text=True)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', html)
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        return (f"{cookie.key}={cookie.value}" if cookie else "", token.group(1) if token else "",
                page.headers.get("Location", ""))

    for citizen in citizens:
        numbers = own[citizen.id] or ["SA-2026-DEMO-0001"]
        cookie, csrf, _ = signed_in(citizen, "/cabinet/")
        client_draft = app.test_client()
        ClientRequest(app, client_draft).login(citizen)
        html = client_draft.get("/cabinet/applications/new")
        token = re.search(r'"X-CSRFToken": "([^"]+)"', html.get_data(as_text=True))
        started = client_draft.post("/cabinet/applications/new",
                                    data={"csrf_token": token.group(1) if token else ""})
        found = re.search(r"/applications/([^/]+)/", started.headers.get("Location", ""))
        draft = f"/cabinet/applications/{found.group(1) if found else 'none'}"
        draft_cookie = client_draft.get_cookie(app.config["SESSION_COOKIE_NAME"])
        draft_token = token.group(1) if token else ""
        contacts = draft.rstrip("/") + "/contacts"
        people["citizen"].append(Persona(cookie, csrf, (
            Visit("cabinet list", "GET", "/cabinet/"),
            Visit("cabinet case page", "GET", f"/cabinet/applications/{random.choice(numbers)}"),
        )))
        if draft_cookie is not None:
            people["citizen"].append(Persona(
                f"{draft_cookie.key}={draft_cookie.value}", draft_token, (
                    Visit("draft question", "GET", contacts),
                    Visit("draft autosave", "POST", contacts,
                          f"phone=%2B77011234567&email=&csrf_token={draft_token}"),
                )))
    for member in staff:
        cookie, csrf, _ = signed_in(member, "/staff/")
        people["staff"].append(Persona(cookie, csrf, (
            Visit("staff queue", "GET", "/staff/"),
            Visit("staff case page", "GET", f"/staff/cases/SA-LOAD-{random.randrange(CASES):07d}"),
        )))
    # Many callers asking about many cases: the lookup's limits count per address and per
    # application number (10 a minute each), as they would for real callers.
    for _ in range(LOOKUP_PEOPLE):
        cookie, csrf, _ = signed_in(None, "/status")
        n = random.randrange(CASES)
        iin = owners[n // 2][1]
        people["lookup"].append(Persona(cookie, csrf, (
            Visit("lookup form", "GET", "/status"),
            Visit("lookup POST", "POST", "/status",
                  f"csrf_token={csrf}&number=SA-LOAD-{n:07d}&factor={iin}"),
        )))
    people["visitor"].append(Persona("", "", (Visit("home", "GET", "/"),
                                              Visit("apply start", "GET", "/apply"))))
    return people


WEIGHTS = {"citizen": 45, "staff": 25, "lookup": 20, "visitor": 10}


def _step(port: int, people: dict[str, list[Persona]], users: int, seconds: float = SECONDS
          ) -> tuple[float, dict[str, list[float]], int, int]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors = refused = 0
    refusals: Counter[str] = Counter()
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    kinds = [k for k, w in WEIGHTS.items() for _ in range(w) if people[k]]

    def user(number: int) -> None:
        nonlocal errors, refused
        rng = random.Random(number)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: dict[str, list[float]] = defaultdict(list)
        mine_4xx: Counter[str] = Counter()
        bad = four = 0
        while time.perf_counter() < stop_at:
            persona = rng.choice(people[rng.choice(kinds)])
            # A new person each round, with an address of their own (the limits count per
            # person, as in real life; one thread is many people one after another).
            address = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            for visit in persona.visits:
                headers = {"Host": HOST, "X-Forwarded-For": address, "X-Forwarded-Proto": "https",
                           "Accept-Encoding": "br, gzip"}
                if persona.cookie:
                    headers["Cookie"] = persona.cookie
                if visit.method == "POST":
                    # Over HTTPS (the proxy says so) the CSRF check also wants our own Referer.
                    headers["Referer"] = f"https://{HOST}{visit.path}"
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                    headers["X-CSRFToken"] = persona.csrf
                start = time.perf_counter()
                try:
                    conn.request(visit.method, visit.path, body=visit.body, headers=headers)
                    response = conn.getresponse()
                    response.body = response.read()  # type: ignore[attr-defined]
                    if response.status >= 500:
                        bad += 1
                    elif response.status >= 400:
                        if os.environ.get("BENCH_DEBUG") and not mine_4xx:
                            print(visit.path, response.status, response.getheader("Location"),
                                  re.sub(r"\s+", " ", body_text(response))[:400])
                        four += 1
                        mine_4xx[f"{visit.label} {response.status}"] += 1
                except (OSError, http.client.HTTPException):
                    bad += 1
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                mine[visit.label].append(time.perf_counter() - start)
        with lock:
            for label, values in mine.items():
                latencies[label].extend(values)
            errors += bad
            refused += four
            refusals.update(mine_4xx)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if refusals:
        print("  4xx by page:", ", ".join(f"{k} ×{n}" for k, n in refusals.most_common()))
    return time.perf_counter() - began, latencies, errors, refused


def body_text(response: http.client.HTTPResponse) -> str:
    import gzip

    raw = getattr(response, "body", b"")
    if response.getheader("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    elif response.getheader("Content-Encoding") == "br":
        import brotli

        raw = brotli.decompress(raw)
    return re.sub(r"<[^>]+>", " ", raw.decode("utf-8", "replace"))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    env = _env()
    _recreate_database()
    people = _prepare(env)
    port = _free_port()
    workers = 2 * (os.cpu_count() or 1)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    held = 0
    try:
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz", headers={"Host": HOST})
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        print(f"gunicorn -w {workers} on {os.cpu_count()} cores, PostgreSQL, Redis; "
              f"{SECONDS:.0f} s per step after {WARMUP:.0f} s of warm-up")
        if WARMUP > 0:
            _step(port, people, STEPS[0], WARMUP)
        for users in STEPS:
            elapsed, latencies, errors, refused = _step(port, people, users)
            every = [v for values in latencies.values() for v in values]
            p95 = _pct(every, 0.95)
            print(f"\n{users} users: {len(every) / elapsed:.0f} req/s, p50 {_pct(every, 0.5):.1f} "
                  f"ms, p95 {p95:.1f} ms, p99 {_pct(every, 0.99):.1f} ms, errors {errors}, "
                  f"4xx {refused}")
            for label in sorted(latencies):
                values = latencies[label]
                print(f"  {label:<20} {len(values):7d}  p50 {_pct(values, 0.5):7.1f}  "
                      f"p95 {_pct(values, 0.95):7.1f}  p99 {_pct(values, 0.99):7.1f} ms")
            if errors == 0 and p95 < 200:
                held = users
        print(f"\nheld (0 errors, p95 < 200 ms): {held} concurrent users")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
