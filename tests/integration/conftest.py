"""The served portal of the fault tests (tests/integration/faults.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.faults import Portal, serve


@pytest.fixture
def portal(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[Portal]:
    """gunicorn on the test's database (each database in turn), Redis for limits and broker."""
    with serve(database_url, redis_url, tmp_path) as served:
        yield served


@pytest.fixture
def pg_portal(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[Portal]:
    """The same on PostgreSQL only: skipped on SQLite before gunicorn is started for nothing."""
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL fault (connections, locks)")
    with serve(database_url, redis_url, tmp_path) as served:
        yield served
