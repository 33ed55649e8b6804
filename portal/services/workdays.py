"""The working calendar the portal counts statutory deadlines with, built once per app.

The built-in override table (domain.calendar.DEFAULT_OVERRIDES) is extended by the file named in
CALENDAR_OVERRIDES, so a new decree's transferred days are a configuration change, not a release.
A file that cannot be read or is malformed stops the app at start: a wrong calendar would move
every deadline silently.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask, current_app

from portal.domain.calendar import WorkingCalendar, load_overrides

_KEY = "portal.calendar"


def build_calendar(overrides_file: str) -> WorkingCalendar:
    if not overrides_file:
        return WorkingCalendar()
    try:
        data = json.loads(Path(overrides_file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"CALENDAR_OVERRIDES: cannot read {overrides_file}: {exc}") from exc
    if not isinstance(data, dict):
        raise RuntimeError("CALENDAR_OVERRIDES: expected a JSON object")
    try:
        return WorkingCalendar(load_overrides(data))
    except ValueError as exc:
        raise RuntimeError(f"CALENDAR_OVERRIDES: {exc}") from exc


def init_app(app: Flask) -> None:
    app.extensions[_KEY] = build_calendar(app.config.get("CALENDAR_OVERRIDES", ""))


def calendar() -> WorkingCalendar:
    """The current app's calendar."""
    cal: WorkingCalendar = current_app.extensions[_KEY]
    return cal
