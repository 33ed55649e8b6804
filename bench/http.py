"""Throughput and latency of portal pages under gunicorn (2 workers), against a bare Flask app.

Usage: python bench/http.py [PATH ...]   (default: /, /sign-in/, /status, /healthz, then the
status lookup POST with BENCH_CASES cases in the database, 100,000 by default, a signed-in
question page, a submitted application's page with 30 events and a staff case page). Prints
requests per second, p50 and p95 per page, the ratio to the bare app measured just before it by
the same load generator, and the server's CPU per request. BENCH_CONCURRENCY connections (32),
BENCH_SECONDS per run (5), BENCH_ONLY=text runs only the pages whose label has it,
BENCH_DATABASE_URL another database (PostgreSQL). Not a test. Rate limits are off for the run
(all the load comes from one address).

Two load generators: ``wrk`` (C, the Debian package; ``make bench`` installs it when root) and
this script's own Python threads. The Python client takes about one core of the machine's two to
make its requests, so the servers get the other and its latencies include its own queueing: its
p95 cannot go below ~50 ms for any page, even bare Flask's. wrk takes a few per cent of a core, so
its figures are the server's. BENCH_CLIENT=wrk|python|both (both by default when wrk is on PATH,
python otherwise): each page is measured by each client, bare and portal alike, and printed side
by side.

Beside the lookup POST and the application page it measures the floor (bench/floor/floor_app.py):
a Flask app on the same stack that does only the work those pages cannot skip, serving the
portal's own page bytes. The portal cannot be cheaper than its floor, so a ratio target above the
floor's own ratio cannot be met on this stack and machine. BENCH_FLOOR=0 leaves it out.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it off the import path so the standard library's
# http package is the one imported.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))
DURATION = float(os.environ.get("BENCH_SECONDS", "5"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(port: int, path: str = "/") -> None:
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


def gunicorn(app: str, port: int, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    gunicorn_bin = str(Path(PY).parent / "gunicorn")
    return subprocess.Popen(
        [gunicorn_bin, "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", app],
        cwd=cwd, env=env,
    )


def server_cpu(master: subprocess.Popen[bytes]) -> float:
    """CPU seconds the server's workers have used so far (Linux /proc): divided by the requests
    served, a cost that other load on a shared machine hardly changes, unlike requests per
    second."""
    try:
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    except OSError:
        return float("nan")
    total = 0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def load_python(port: int, path: str, cookie: str | None = None, body: str | None = None
                ) -> tuple[float, float, float, int]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + DURATION

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        bad = 0
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            try:
                headers = {"Accept-Encoding": "br, gzip"}
                if cookie:
                    headers["Cookie"] = cookie
                if body is None:
                    conn.request("GET", path, headers=headers)
                else:
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                    conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    bad += 1
            except OSError:
                bad += 1
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
    return len(latencies) / elapsed, p50, p95, errors


_WRK_SCRIPT = """
wrk.method = {method}
wrk.headers["Accept-Encoding"] = "br, gzip"
{extra}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %.0f %.0f %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def _lua(text: str) -> str:
    """A Lua long string holding ``text`` (a form body, a cookie) as it is."""
    level = "=" * 4
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


def load_wrk(port: int, path: str, cookie: str | None = None, body: str | None = None
             ) -> tuple[float, float, float, int]:
    """The same run with wrk: two threads (the cores), CONCURRENCY connections, DURATION s.
    Errors: failed connections, reads, writes, timeouts and answers of 400 and above."""
    extra = []
    if cookie:
        extra.append(f'wrk.headers["Cookie"] = {_lua(cookie)}')
    if body is not None:
        extra.append('wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"')
        extra.append(f"wrk.body = {_lua(body)}")
    script = _WRK_SCRIPT.format(method='"POST"' if body is not None else '"GET"',
                                extra="\n".join(extra))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        done = subprocess.run(
            ["wrk", "-t", "2", "-c", str(CONCURRENCY), "-d", f"{DURATION:.0f}s", "-s", f.name,
             f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True)
    finally:
        os.unlink(f.name)
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    requests, micros, p50, p95, errors = (float(x) for x in line.split()[1:])
    return requests / (micros / 1e6), p50 / 1000, p95 / 1000, int(errors)


LOADERS = {"wrk": load_wrk, "python": load_python}


def warm(port: int, path: str, cookie: str | None = None, body: str | None = None) -> None:
    """A few requests first, so that both workers have imported, compiled and kept what the page
    needs (the first lookup imports the holidays package: most of a second) before the clock
    runs: a cold worker's seconds would otherwise be charged to the run's few hundred requests
    and time out wrk's first requests."""
    headers = {"Accept-Encoding": "br, gzip"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    for _ in range(20):  # new connections: gunicorn hands them to either worker
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET" if body is None else "POST", path, body=body, headers=headers)
        conn.getresponse().read()
        conn.close()


def clients() -> list[str]:
    """BENCH_CLIENT: wrk, python or both (both when wrk is installed, else python)."""
    chosen = os.environ.get("BENCH_CLIENT") or ("both" if shutil.which("wrk") else "python")
    names = ["wrk", "python"] if chosen == "both" else [chosen]
    for name in names:
        if name not in LOADERS:
            raise SystemExit(f"BENCH_CLIENT={chosen}: wrk, python or both")
        if name == "wrk" and not shutil.which("wrk"):
            raise SystemExit("wrk is not installed (make bench installs it as root)")
    return names


_SIGN_IN = """
import re
from sqlalchemy import select
from portal import create_app, db
from portal.models import Citizen
from tests.pages import ClientRequest
app = create_app()
client = app.test_client()
with app.app_context():
    citizen = db.session().scalar(select(Citizen).where(Citizen.iin == "850321301238"))
    db.session().expunge(citizen)
ClientRequest(app, client).login(citizen)
page = client.get("/cabinet/applications/new").get_data(as_text=True)
csrf = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
location = client.post("/cabinet/applications/new", data={"csrf_token": csrf}).headers["Location"]
cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
# an application with 30 events (the cabinet's case page)
from portal.domain.workflow import Status
from portal.models import Application
from portal.services import events
with app.app_context():
    session = db.session()
    case = session.scalar(select(Application).where(Application.citizen_id == citizen.id,
                                                    Application.status != Status.DRAFT))
    if case is None:
        from tests.factories import create_application
        case = create_application(session, citizen=session.get(Citizen, citizen.id),
                                  status=Status.REGISTERED)
        session.commit()
    # the demo case has none of its own: 30 in all, half of them steps, half staff views
    from sqlalchemy import func
    from portal.models import Event
    have = session.scalar(select(func.count()).select_from(Event)
                          .where(Event.application_id == case.id))
    for n in range(have, 30):
        events.record(session, events.Actor("staff", None, "specialist"),
                      "case_viewed" if n % 2 else "register", application_id=case.id)
    session.commit()
    number = case.number
print(location.rstrip("/") + "/contacts", "/cabinet/applications/" + number,
      cookie.key + "=" + cookie.value)
"""


_STAFF_CASE = """
from sqlalchemy import select
from portal import create_app, db
from portal.models import StaffUser
from tests.pages import ClientRequest
app = create_app()
client = app.test_client()
with app.app_context():
    specialist = db.session().scalar(select(StaffUser).where(StaffUser.login == "specialist"))
    db.session().expunge(specialist)
ClientRequest(app, client).login(specialist)
client.get("/staff/")
cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
# a demo case through the precinct commission and income (F3, F4, R11.1) with its events
print("/staff/cases/SA-2026-DEMO-0103", cookie.key + "=" + cookie.value)
"""


def staff_case_page(env: dict[str, str]) -> tuple[str, str]:
    """The staff case page of a demo case and a specialist's Cookie header. Every GET of it is
    an audit event (who looked at the person's data), so the run includes that write."""
    done = subprocess.run([PY, "-c", _STAFF_CASE], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    path, cookie = done.stdout.split()[-2:]
    return path, cookie


_LOOKUP = """
import re, sys
from sqlalchemy import func, insert, select
from portal import create_app, db
from portal.domain.calendar import Channel
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Status
from portal.models import Application, ApplicationForm, Citizen, District
app = create_app()
wanted = int(sys.argv[1])
with app.app_context():
    s = db.session()
    have = s.scalar(select(func.count()).select_from(Application))
    citizens = list(s.scalars(select(Citizen.id)))
    district = s.scalar(select(District.id))
    statuses = [Status.SUBMITTED, Status.REGISTERED, Status.AT_PRECINCT, Status.INCOME_COMPUTED]
    grounds = list(GroundCategory)
    for start in range(have, wanted, 5000):
        s.execute(insert(Application), [
            {"number": f"SA-BENCH-{n:07d}", "citizen_id": citizens[n % len(citizens)],
             "district_id": district, "channel": Channel.PORTAL, "form": ApplicationForm.F1_1,
             "ground": grounds[n % len(grounds)], "status": statuses[n % len(statuses)],
             "applicant_iin": f"{n:012d}", "sections": {}}
            for n in range(start, min(start + 5000, wanted))])
        s.commit()
    total = s.scalar(select(func.count()).select_from(Application))
client = app.test_client()
page = client.get("/status").get_data(as_text=True)
csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
print(total, csrf, cookie.key + "=" + cookie.value)
"""


def lookup_post(env: dict[str, str], cases: int) -> tuple[int, str, str]:
    """BENCH_CASES cases in the database; the lookup form's (case count, POST body, Cookie)."""
    done = subprocess.run([PY, "-c", _LOOKUP, str(cases)], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    total, csrf, cookie = done.stdout.split()[-3:]
    body = f"csrf_token={csrf}&number=SA-2026-DEMO-0001&factor=850321301238"
    return int(total), body, cookie


def signed_in_pages(env: dict[str, str]) -> tuple[str, str, str]:
    """A demo citizen's draft, an application with 30 events and the session cookie:
    (question page path, application page path, Cookie header)."""
    done = subprocess.run([PY, "-c", _SIGN_IN], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    question, case, cookie = done.stdout.split()[-3:]
    return question, case, cookie


_FLOOR_SESSION = """
from sqlalchemy import text
from portal import create_app, db
app = create_app()
with app.app_context():
    row = db.session().execute(text(
        "SELECT id, subject_id FROM web_sessions WHERE subject_kind = 'citizen' AND ended_at IS NULL"
        " ORDER BY created_at DESC")).first()
print(row.id, row.subject_id)
"""


def save_page(port: int, path: str, cookie: str | None, body: str | None, to: Path) -> None:
    """The portal's page as it serves it (uncompressed), for the floor to serve the same bytes."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request("GET" if body is None else "POST", path, body=body, headers=headers)
    response = conn.getresponse()
    page = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status}")
    to.write_bytes(page)


def floor_cookies(port: int, env: dict[str, str]) -> tuple[str, str, str]:
    """The floor's lookup POST body and Cookie, and a signed-in Cookie naming the newest web
    session of a citizen in the database: (body, lookup cookie, case cookie)."""
    import re

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/status")
    response = conn.getresponse()
    page = response.read().decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page)
    cookie = (response.getheader("Set-Cookie") or "").split(";")[0]
    if token is None or not cookie:
        raise RuntimeError("the floor's /status gave no CSRF token or cookie")
    body = f"csrf_token={token.group(1)}&number=SA-2026-DEMO-0001&factor=850321301238"
    done = subprocess.run([PY, "-c", _FLOOR_SESSION], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    sid, citizen = done.stdout.split()[-2:]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", f"/start/{sid}/{citizen}")
    response = conn.getresponse()
    response.read()
    signed_in = (response.getheader("Set-Cookie") or "").split(";")[0]
    return body, cookie, signed_in


def measure(load: Callable[..., tuple[float, float, float, int]],
            server: subprocess.Popen[bytes], port: int, path: str, cookie: str | None,
            body: str | None) -> tuple[float, float, float, int, float]:
    """One run: requests per second, p50, p95, errors and the server's CPU ms per request."""
    cpu = server_cpu(server)
    rps, p50, p95, errors = load(port, path, cookie, body)
    return rps, p50, p95, errors, (server_cpu(server) - cpu) / (rps * DURATION) * 1000


def main() -> None:
    pages = sys.argv[1:] or ["/", "/sign-in/", "/status", "/healthz"]
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    # Development, said explicitly (gunicorn refuses an unset PORTAL_ENV): production refuses a
    # loopback address and per-worker limits, and the bench needs neither HTTPS nor Redis. The
    # request path is the same code.
    env = {**os.environ, "PORTAL_ENV": "development", "SECRET_KEY": "bench-only-secret",
           "CA_KEY": "bench-only-ca-key", "AUDIT_CHAIN_KEY": "bench-only-audit-chain-key",
           "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{work}/portal.db"),
           "API_TOKEN_KEY": "bench-only-api-token-key", "RATELIMIT_ENABLED": "false",
           "FLASK_APP": "wsgi", "SESSION_COOKIE_SECURE": "false", "LOAD_DEMO_DATA": "true"}
    for name in ("PUBLIC_BASE_URL", "TRUSTED_HOSTS", "RATELIMIT_STORAGE_URI", "CELERY_BROKER_URL"):
        env.pop(name, None)
    env.pop("REDIS_URL", None)
    flask_bin = str(Path(PY).parent / "flask")
    subprocess.run([flask_bin, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([flask_bin, "demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True)
    portal_port, bare_port = free_port(), free_port()
    servers = [gunicorn("wsgi:app", portal_port, env, ROOT),
               gunicorn("bare_app:app", bare_port, env, Path(__file__).parent / "bare")]
    try:
        wait_up(portal_port)
        wait_up(bare_port)
        generators = clients()
        print(f"{CONCURRENCY} connections, {DURATION:.0f} s per page, gunicorn -w 2, on "
              f"{os.cpu_count()} cores, load from {' and '.join(generators)}; bare Flask measured "
              "again by the same generator just before each page, and each ratio is to that run "
              "(the machine may be shared)")
        runs: list[tuple[str, str, str | None, str | None]] = [
            (path, path, None, None) for path in pages]
        floors: dict[str, tuple[str, str | None, str | None]] = {}
        floor_port = 0
        if not sys.argv[1:]:
            total, body, lookup_cookie = lookup_post(env, int(os.environ.get("BENCH_CASES",
                                                                             "100000")))
            runs.append((f"POST /status ({total} cases)", "/status", lookup_cookie, body))
            question, case, cookie = signed_in_pages(env)
            runs.append(("question (signed in)", question, cookie, None))
            runs.append(("application, 30 events", case, cookie, None))
            staff_path, staff_cookie = staff_case_page(env)
            runs.append(("staff case page", staff_path, staff_cookie, None))
            if os.environ.get("BENCH_FLOOR", "1") != "0":
                pages_dir = work / "floor"
                pages_dir.mkdir()
                save_page(portal_port, "/status", lookup_cookie, body, pages_dir / "lookup.html")
                save_page(portal_port, case, cookie, None, pages_dir / "case.html")
                floor_port = free_port()
                servers.append(gunicorn("floor_app:app", floor_port,
                                        {**env, "FLOOR_PAGES": str(pages_dir)},
                                        Path(__file__).parent / "floor"))
                wait_up(floor_port, "/status")
                floor_body, floor_cookie, floor_signed_in = floor_cookies(floor_port, env)
                floors = {"POST /status": ("/status", floor_cookie, floor_body),
                          "application, 30 events": ("/case/" + case.rsplit("/", 1)[1],
                                                     floor_signed_in, None)}
        only = os.environ.get("BENCH_ONLY")  # e.g. "status": only the runs whose label has it
        for label, path, cookie, body in runs:
            if only and only not in label:
                continue
            warm(bare_port, "/")
            warm(portal_port, path, cookie, body)
            for generator in generators:
                load = LOADERS[generator]
                bare_rps, _p50, bare_p95, _errors, bare_cpu = measure(
                    load, servers[1], bare_port, "/", None, None)
                measured = [("portal", measure(load, servers[0], portal_port, path, cookie, body),
                             f"(bare {bare_rps:5.0f} req/s, p95 {bare_p95:4.1f} ms)")]
                floor = next((f for key, f in floors.items() if label.startswith(key)), None)
                if floor is not None:
                    warm(floor_port, *floor)
                    measured.append(("floor", measure(load, servers[2], floor_port, *floor),
                                     "(the same bare run)"))
                for name, (rps, p50, p95, errors, per), bare in measured:
                    print(f"{generator:<6} {name:<6} {label:<23} {rps:6.0f} req/s  p50 "
                          f"{p50:5.1f} ms  p95 {p95:5.1f} ms  ratio {rps / bare_rps:4.2f}  {bare}"
                          f"  errors {errors}  server CPU per request {per:.2f} ms, bare "
                          f"{bare_cpu:.2f} ms: ratio {bare_cpu / per:4.2f}", flush=True)
    finally:
        # Stop both servers even when one is slow to go (a loaded machine): a gunicorn left
        # behind would go on holding a port and memory.
        for s in servers:
            s.terminate()
        for s in servers:
            try:
                s.wait(timeout=30)
            except subprocess.TimeoutExpired:
                s.kill()
                s.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
