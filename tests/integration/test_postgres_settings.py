"""The portal's PostgreSQL sessions as portal/db.py opens them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session


def test_postgresql_sessions_run_without_jit(session: Session) -> None:
    """A case page loads its case in one query whose estimated cost passes jit_above_cost while
    the tables' statistics are thin; with JIT that query took 1.5 s of compiling instead of
    0.1 ms of running (portal/db.py::make_engine)."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no JIT")
    assert session.execute(text("SHOW jit")).scalar() == "off"
