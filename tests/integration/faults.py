"""The portal as production runs it, for the fault tests (#14): gunicorn with two workers and
Redis for limits and the broker, on a given database; beside it an in-process app on the same
database with the same secrets, so a cookie made in-process works on both sides."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, text

from portal import create_app, db
from portal.config import SECRETS, TestConfig
from tests.conftest import PRODUCTION_SECRET
from tests.integration.test_gunicorn import BIN, HOST, ROOT, _free_port, _production_env
from tests.pages import ClientRequest


def _secrets() -> dict[str, str]:
    return {name: f"{name}-{PRODUCTION_SECRET}" for name in SECRETS}


@dataclass
class Portal:
    """gunicorn serving the test's database, and an in-process app on the same one."""

    port: int
    master: subprocess.Popen[bytes]
    app: Flask
    client: ClientRequest
    last_body: str = ""

    def workers(self) -> list[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.master.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(p) for p in out.split()]

    def kill_workers(self) -> list[int]:
        killed = self.workers()
        for pid in killed:
            os.kill(pid, signal.SIGKILL)  # no clean-up, as when the OOM killer strikes
        return killed

    def worker_of(self, client_port: int, *, remote: bool = False) -> int | None:
        """The worker holding the TCP socket whose local port is ``client_port`` (its database
        connection from that port), or with ``remote`` whose peer's port is (the HTTP request a
        client sent from that port, once a worker has accepted it); read in /proc: the socket,
        and the worker that has it open."""
        column = 2 if remote else 1
        inodes = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as rows:
                for row in list(rows)[1:]:
                    fields = row.split()
                    if int(fields[column].rsplit(":", 1)[1], 16) == client_port:
                        inodes.add(f"socket:[{fields[9]}]")
        for pid in self.workers():
            fds = Path(f"/proc/{pid}/fd")
            try:
                if any(os.readlink(fd) in inodes for fd in fds.iterdir()):
                    return pid
            except OSError:
                continue
        return None

    def request(
        self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None,
        sent: Callable[[int], None] | None = None,
    ) -> tuple[int, dict[str, str]]:
        """``sent`` is called with the client's port once the request is written."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body or None, headers={"Host": HOST, **(headers or {})})
            if sent is not None:
                sent(conn.sock.getsockname()[1])
            response = conn.getresponse()
            self.last_body = response.read().decode("utf-8", "replace")
            return response.status, dict(response.getheaders())
        finally:
            conn.close()

    def post(self, path: str, body: str, cookie: str,
             sent: Callable[[int], None] | None = None) -> int | None:
        """A form POST through gunicorn; None when the connection was cut."""
        try:
            status, _ = self.request(
                "POST", path, body, {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
                sent,
            )
        except (OSError, http.client.HTTPException):
            return None
        return status

    def wait_ready(self, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail("gunicorn did not become ready")


def in_process_app(database_url: str, tmp_path: Path, **settings: object) -> Flask:
    """An app in this process with the served portal's database, files and secrets."""
    config = TestConfig()
    config.DATABASE_URL = database_url
    config.STORAGE_PATH = str(tmp_path / "files")
    for name, value in {**_secrets(), **settings}.items():
        setattr(config, name, value)
    return create_app(config, instance_path=str(tmp_path / "instance"))


@contextmanager
def serve(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[Portal]:
    app = in_process_app(database_url, tmp_path)
    # Its own rate-limit counters: every request of every test comes from 127.0.0.1, and the
    # signing limit (10 a minute per address) would otherwise count the other fault tests' tries.
    env = _production_env(
        tmp_path,
        REDIS_URL=redis_url,
        SESSION_COOKIE_SECURE="false",
        DATABASE_URL=database_url,
        STORAGE_PATH=str(tmp_path / "files"),
        RATELIMIT_KEY_PREFIX=f"fault-{tmp_path.name}-{os.getpid()}",
    )
    port = _free_port()
    master = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "1",
            "--error-logfile",
            str(tmp_path / "error.log"),
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    served = Portal(port, master, app, ClientRequest(app, app.test_client()))
    try:
        served.wait_ready(within=120)  # the first start imports everything; slow on a busy CI
        yield served
    finally:
        master.terminate()
        master.wait(timeout=30)
        db.engine_of(app).dispose()


def blocked_backends(engine: Engine) -> dict[int, int]:
    """The PostgreSQL backends of the database waiting for a lock (a held request): each
    backend's pid and its client's TCP port."""
    with engine.connect() as conn:
        return {
            int(pid): int(port)
            for pid, port in conn.execute(
                text(
                    "SELECT pid, client_port FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
            )
        }


def gone(engine: Engine, pids: list[int], within: float = 15.0) -> bool:
    """Wait until the backends ``pids`` have ended (their client was killed)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            left = conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:p)"), {"p": pids})
        if not left:
            return True
        time.sleep(0.1)
    return False
