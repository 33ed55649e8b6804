"""Faults (#14): a real PostgreSQL restart during a journey.

The machine's shared PostgreSQL is never restarted (other test runs use it): the test starts a
throwaway server of its own — ``initdb`` into a temporary directory, a free port, its unix socket
in that directory — migrates it, serves the portal on it with gunicorn, walks a citizen to the
signing step, and restarts the server with ``pg_ctl restart -m fast`` (every connection of every
worker dies): the next requests succeed at once (the pools ping before use) and the submission
goes through exactly once. Then a submission whose request is in flight when the server goes
down: the request fails, the person's retry submits the application exactly once.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from portal import migrate
from portal.db import make_engine
from tests.conftest import IN_CI
from tests.integration.faults import Portal, blocked_backends, serve
from tests.integration.test_faults import _ready_to_sign, _sign, _submitted_once, _text
from tests.integration.test_gunicorn import _free_port

pytestmark = [pytest.mark.db, pytest.mark.fault]


def _bindir() -> Path | None:
    """PostgreSQL's server programs: PG_BINDIR, else Debian's newest, else the PATH's."""
    candidates = [os.environ.get("PG_BINDIR", "")]
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0,
        reverse=True,
    )
    which = shutil.which("initdb")
    candidates.append(str(Path(which).parent) if which else "")
    for folder in filter(None, candidates):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


@dataclass
class Server:
    url: str
    ctl: Callable[..., None]


@pytest.fixture
def server() -> Iterator[Server]:
    """A PostgreSQL server of this test alone, run as the ``postgres`` OS user when the tests
    run as root (initdb refuses root)."""
    bindir = _bindir()
    if bindir is None:
        if IN_CI:
            pytest.fail("PostgreSQL's initdb and pg_ctl are required in CI (postgresql package)")
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    owner: dict[str, int] = {}
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(root, account.pw_uid, account.pw_gid)
        owner = {"user": account.pw_uid, "group": account.pw_gid}
    data, port = root / "data", _free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"

    def run(*args: str | Path) -> None:
        done = subprocess.run(
            [str(a) for a in args], cwd=root, capture_output=True, text=True, check=False, **owner
        )  # type: ignore[call-overload]
        assert done.returncode == 0, f"{args[0]}: {done.stderr or done.stdout}"

    def ctl(*args: str) -> None:
        run(bindir / "pg_ctl", "-D", data, "-l", root / "server.log", "-o", options, "-w", "-t", "60", *args)

    try:
        run(
            bindir / "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        ctl("start")
        yield Server(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", ctl)
    finally:
        with contextlib.suppress(AssertionError):
            ctl("stop", "-m", "immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def portal_on_server(server: Server, redis_url: str, tmp_path: Path) -> Iterator[Portal]:
    engine = make_engine(server.url)
    migrate.upgrade(engine)
    engine.dispose()
    with serve(server.url, redis_url, tmp_path) as served:
        yield served


def _all_answer(portal: Portal, number: str, cookie: str) -> None:
    """Several requests, so both workers answer, each on its first try: readiness (a query)
    and the person's own page of applications (the session and the data)."""
    for _ in range(3):
        assert portal.request("GET", "/readyz")[0] == 200, _text(portal.last_body)[:300]
        page = f"/cabinet/applications/{number}/check"
        assert portal.request("GET", page, "", {"Cookie": cookie})[0] == 200


def test_a_journey_goes_on_across_a_real_postgresql_restart(server: Server, portal_on_server: Portal) -> None:
    portal = portal_on_server
    number, form = _ready_to_sign(portal)
    _all_answer(portal, number, form["cookie"])  # every worker holds pooled connections now
    server.ctl("restart", "-m", "fast")
    _all_answer(portal, number, form["cookie"])
    assert _sign(portal, number, form) == 303, _text(portal.last_body)[:600]
    _submitted_once(portal.app, number)

    # A submission in flight when the server goes down: held at its first write of an event
    # (the lock lets reads through), then the server restarts under it.
    number, form = _ready_to_sign(portal)
    admin = create_engine(server.url)
    outcome: list[int | None] = []
    try:
        holder = admin.connect()
        holder.execute(text("LOCK TABLE events IN EXCLUSIVE MODE"))
        sender = threading.Thread(target=lambda: outcome.append(_sign(portal, number, form)))
        sender.start()
        deadline = time.monotonic() + 30
        while not blocked_backends(admin) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert blocked_backends(admin), f"the submission never reached the events: {outcome}"
        server.ctl("restart", "-m", "fast")
        sender.join(timeout=60)
        with contextlib.suppress(Exception):
            holder.close()  # its server process is gone
    finally:
        admin.dispose()
    assert outcome and outcome[0] != 303, "the request in flight did not go through"
    # The person presses "sign" again (a reload sends the same form).
    retried, deadline = _sign(portal, number, form), time.monotonic() + 60
    while retried == 422 and time.monotonic() < deadline:  # a key-store try still leased
        time.sleep(2)
        retried = _sign(portal, number, form)
    assert retried == 303, (retried, _text(portal.last_body)[:600])
    _submitted_once(portal.app, number)
