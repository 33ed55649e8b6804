"""Shared fixtures for the domain unit tests."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.calendar import WorkingCalendar


@pytest.fixture(scope="session")
def cal() -> WorkingCalendar:
    # Session scope: the calendar is immutable and hypothesis refuses function-scoped fixtures.
    calendar = WorkingCalendar()
    # Build the years the property tests reach up front: the first look-up of a year asks the
    # holidays package and can take longer than hypothesis's per-example deadline.
    for year in range(2023, 2029):
        calendar.is_working_day(date(year, 1, 1))
    return calendar
