"""Shared fixtures for the domain unit tests."""

from __future__ import annotations

import pytest

from portal.domain.calendar import WorkingCalendar


@pytest.fixture(scope="session")
def cal() -> WorkingCalendar:
    # Session scope: the calendar is immutable and hypothesis refuses function-scoped fixtures.
    return WorkingCalendar()
