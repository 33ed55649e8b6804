"""The calendar override table (issue 11): every worker's calendar follows it within
CALENDAR_CACHE_SECONDS; the CALENDAR_OVERRIDES file stays as a layer beneath it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from flask import Flask

from portal import create_app, db
from portal.config import TestConfig
from portal.domain.calendar import DEFAULT_OVERRIDES
from portal.models import DayKind
from portal.services import district_config, workdays
from portal.services.workdays import calendar, with_rows
from tests.factories import create_district, create_staff

FRIDAY = dt.date(2027, 3, 5)


def _worker(url: str, cache_seconds: float, overrides_file: str = "") -> Flask:
    config = TestConfig()
    config.DATABASE_URL = url
    config.CALENDAR_CACHE_SECONDS = cache_seconds
    config.CALENDAR_OVERRIDES = overrides_file
    return create_app(config)


def _add_friday_off(app: Flask) -> None:
    with app.app_context():
        s = db.session()
        admin = create_staff(s, create_district(s))
        s.commit()
        district_config.add_day(s, admin, day=FRIDAY, kind=DayKind.DAY_OFF,
                                act="Government Decree (test)")


def test_a_change_to_the_table_reaches_another_worker_after_the_cache_time(
        database_url: str) -> None:
    eager, patient = _worker(database_url, 0), _worker(database_url, 3600)
    for worker in (eager, patient):
        with worker.app_context():
            assert calendar().is_working_day(FRIDAY)
    writer = _worker(database_url, 10)
    _add_friday_off(writer)
    db.engine_of(writer).dispose()
    with eager.app_context():
        assert not calendar().is_working_day(FRIDAY)
    with patient.app_context():
        assert calendar().is_working_day(FRIDAY)  # its copy is not old enough yet
        workdays.forget()  # as when CALENDAR_CACHE_SECONDS have passed
        assert not calendar().is_working_day(FRIDAY)
    for worker in (eager, patient):
        db.engine_of(worker).dispose()


def test_the_table_extends_the_file_and_wins_over_it(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "overrides.json"
    path.write_text(json.dumps({"extra_working_days": {"2027-03-05": "An older decree"},
                                "extra_days_off": {"2027-03-12": "Decree (file)"}}), "utf-8")
    worker = _worker(database_url, 0, str(path))
    with worker.app_context():
        assert calendar().is_working_day(FRIDAY)
    _add_friday_off(worker)
    with worker.app_context():
        assert not calendar().is_working_day(FRIDAY)
        assert not calendar().is_working_day(dt.date(2027, 3, 12))  # the file's day stays
    db.engine_of(worker).dispose()


def test_a_working_day_row_makes_a_weekend_day_count() -> None:
    saturday = dt.date(2027, 3, 6)
    cal = with_rows(DEFAULT_OVERRIDES, (("2027-03-06", "working_day", "Decree (test)"),))
    assert cal.is_working_day(saturday)
    assert cal.add_working_days(dt.date(2027, 3, 5), 1) == saturday
