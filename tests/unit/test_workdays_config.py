"""The working calendar takes decree transfers from configuration (spec/KAZAKHSTAN.md)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from portal import create_app
from portal.config import TestConfig
from portal.services.workdays import calendar


def _app(tmp_path: Path, overrides: object | str) -> object:
    path = tmp_path / "overrides.json"
    path.write_text(overrides if isinstance(overrides, str) else json.dumps(overrides), "utf-8")
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{tmp_path / 'p.db'}"
    config.CALENDAR_OVERRIDES = str(path)
    return create_app(config)


def test_a_decree_day_off_from_configuration_stops_the_clock_on_that_day(tmp_path: Path) -> None:
    app = _app(tmp_path, {"extra_days_off": {"2027-03-04": "Government Decree (test)"}})
    with app.app_context():  # type: ignore[attr-defined]
        cal = calendar()
        assert not cal.is_working_day(dt.date(2027, 3, 4))
        assert not cal.is_working_day(dt.date(2026, 5, 27))  # the built-in table stays


def test_without_configuration_the_built_in_table_is_used(tmp_path: Path) -> None:
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{tmp_path / 'p.db'}"
    with create_app(config).app_context():
        assert calendar().is_working_day(dt.date(2027, 3, 4))


@pytest.mark.parametrize("bad", [
    "{not json", "[]", {"extra_days_off": {"2027-13-01": "x"}},
    {"extra_days_off": {"2027-03-04": ""}}, {"days": {}},
])
def test_a_malformed_calendar_file_stops_the_app_at_start(tmp_path: Path, bad: object) -> None:
    with pytest.raises(RuntimeError, match="CALENDAR_OVERRIDES"):
        _app(tmp_path, bad)


def test_a_missing_calendar_file_stops_the_app_at_start(tmp_path: Path) -> None:
    config = TestConfig()
    config.CALENDAR_OVERRIDES = str(tmp_path / "absent.json")
    with pytest.raises(RuntimeError, match="cannot read"):
        create_app(config)
