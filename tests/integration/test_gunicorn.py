"""The portal as production serves it: gunicorn with four workers, Redis for rate limits."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from portal.config import SECRETS
from tests.conftest import PRODUCTION_SECRET

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "portal.example.kz"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"REDIS_URL", "RATELIMIT_STORAGE_URI", "CELERY_BROKER_URL",
                        "FLASK_RUN_FROM_CLI", "TRUSTED_HOSTS", "SESSION_COOKIE_SECURE"}}
    env.update({"PORTAL_ENV": "production", "PUBLIC_BASE_URL": f"https://{HOST}",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}", "FLASK_APP": "wsgi",
                # no separate files origin here, and no clamd: /readyz would wait for one
                "FILES_ON_PORTAL_ORIGIN_ACCEPTED": "1", "UPLOAD_SCAN_REQUIRED": "false"})
    for name in SECRETS:
        env[name] = f"{name}-{PRODUCTION_SECRET}"
    env.update(extra)
    return env


def _gunicorn(env: dict[str, str], port: int, log: Path, workers: int = 4
              ) -> subprocess.Popen[bytes]:
    """Access log lines are `worker-pid status`; errors go to error.log beside it."""
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--access-logfile", str(log),
         "--access-logformat", "%(p)s %(s)s", "--error-logfile", str(log.parent / "error.log"),
         "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("unset", "why"),
    [("REDIS_URL", "RATELIMIT_STORAGE_URI"), ("PORTAL_ENV", "PORTAL_ENV is not set")],
)
def test_gunicorn_refuses_to_serve_without_shared_limits_or_an_explicit_environment(
    tmp_path: Path, unset: str, why: str
) -> None:
    env = _production_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/4")
    env.pop(unset)
    # One worker: each worker imports the portal and is refused alike; more only cost more.
    server = _gunicorn(env, _free_port(), tmp_path / "access.log", workers=1)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.terminate()
        server.wait(timeout=10)
        pytest.fail("gunicorn kept serving")
    assert server.returncode != 0
    assert why in (tmp_path / "error.log").read_text()


@pytest.fixture
def four_workers(tmp_path: Path, redis_url: str, sqlite_template: Path
                 ) -> Iterator[tuple[int, Path]]:
    env = _production_env(tmp_path, REDIS_URL=redis_url, SESSION_COOKIE_SECURE="false")
    shutil.copyfile(sqlite_template, tmp_path / "portal.db")  # the migrated database
    subprocess.run([str(BIN / "flask"), "signing", "init-ca"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    port, log = _free_port(), tmp_path / "access.log"
    server = _gunicorn(env, port, log)
    try:
        for _ in range(100):
            try:
                _request(port, "GET", "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        _wait_for_workers(port, log)
        yield port, log
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wait_for_workers(port: int, log: Path, wanted: int = 2, within: float = 30.0) -> None:
    """gunicorn answers as soon as one worker has booted; the others may still be importing the
    app. Wait until at least ``wanted`` workers have answered, so the test's requests spread."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda _: _request(port, "GET", "/healthz"), range(16)))
        time.sleep(0.2)
        seen = {line.split()[0] for line in log.read_text().splitlines() if line.strip()}
        if len(seen) >= wanted:
            return
        time.sleep(0.3)


def _request(port: int, method: str, path: str, body: str = "",
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path, body=body or None, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def test_a_rate_limit_holds_across_four_gunicorn_workers_sharing_redis(
    four_workers: tuple[int, Path],
) -> None:
    """The PIN form allows 10 tries a minute per address and signing, whichever worker answers."""
    port, log = four_workers
    status, headers, html = _request(port, "GET", "/")
    assert status == 200
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    assert token is not None
    path = f"/sign/mobile/{secrets.token_urlsafe(16)}"  # a signing of its own: a fresh counter

    def try_pin(_: int) -> int:
        return _request(port, "POST", path, body="pin=000000", headers={
            "Cookie": cookie, "X-CSRFToken": token.group(1),
            "Content-Type": "application/x-www-form-urlencoded"})[0]

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(try_pin, range(24)))
    assert statuses.count(429) == 14, statuses
    assert all(s != 429 and s < 500 for s in statuses if s != 429)
    time.sleep(0.5)  # the access log is written after the response
    workers = {line.split()[0] for line in log.read_text().splitlines() if " 4" in line}
    assert len(workers) > 1, "all requests went to one worker: the test proves nothing"
