"""#14: the mixed load of bench/load.py, short, in the suite: gunicorn in production mode with
PostgreSQL, Redis rate limits and a Redis broker, behind a trusted proxy; citizens, staff, 1414
callers and visitors at once. The portal must answer every request of every kind without a server
error or a cut connection. The figures (throughput, p50/p95/p99 per page) are printed and kept in
instance/load-smoke.txt; they are not asserted — speed targets belong to bench/, on a quiet
machine (`make bench`, bench/load.py with its default steps)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import make_url

from tests.conftest import IN_CI, PG_URL

pytestmark = pytest.mark.load

ROOT = Path(__file__).resolve().parents[2]
# Every kind of visit bench/load.py makes (its Visit labels).
PAGES = {"cabinet list", "cabinet case page", "draft question", "draft autosave", "staff queue",
         "staff case page", "lookup form", "lookup POST", "home", "apply start"}


def test_a_short_mixed_load_gets_no_server_error_and_no_cut_connection(redis_url: str) -> None:
    if not PG_URL:
        if IN_CI:
            pytest.fail("TEST_DATABASE_URL is required in CI")
        pytest.skip("the load runs on PostgreSQL: TEST_DATABASE_URL not set")
    url = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    database = url.set(database=f"{url.database}_load_{worker}")
    env = {**os.environ,
           "BENCH_LOAD_URL": database.render_as_string(hide_password=False),
           # No unmeasured warm-up: the cold start's requests count like the rest (an error
           # while the workers warm up fails the test too).
           "REDIS_URL": redis_url, "BENCH_STEPS": "16", "BENCH_SECONDS": "10", "BENCH_WARMUP": "0",
           "BENCH_LOAD_CASES": "2000", "RATELIMIT_KEY_PREFIX": f"load-{uuid.uuid4().hex}"}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "load.py")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    (ROOT / "instance").mkdir(exist_ok=True)
    (ROOT / "instance" / "load-smoke.txt").write_text(done.stdout + done.stderr)
    print(done.stdout)
    assert done.returncode == 0, done.stderr[-3000:]
    step = re.search(r"^16 users: (\d+) req/s, .* errors (\d+), 4xx (\d+)$", done.stdout, re.M)
    assert step is not None, done.stdout[-3000:]
    served, errors, refused = (int(g) for g in step.groups())
    assert served > 0
    assert errors == 0, done.stdout[-3000:]
    assert refused == 0, done.stdout[-3000:]  # nobody is refused: each person has an address
    seen = {m.group(1).strip() for m in re.finditer(r"^  (\S.{0,19}?)\s+\d+\s+p50", done.stdout,
                                                      re.M)}
    # Each simulated person's choices come from a generator seeded by their number, so the kinds
    # of people met first are the same every run: citizens, staff and 1414 callers among them.
    assert seen <= PAGES and {"cabinet list", "staff queue", "lookup POST"} <= seen, seen
