"""A due date as a person reads it: the date, or "was due on …, overdue" once it has passed unmet.

One filter for every page that shows a next step or the date the result is due (the public status
lookup, the 1414 operator's page, the cabinet's list and application page), so none of them shows a
past date as if it were still ahead."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import gettext
from markupsafe import Markup, escape

from portal.domain.deadlines import Deadline


def _today() -> dt.date:
    from portal.db import utcnow
    from portal.domain.calendar import to_local

    return to_local(utcnow()).date()


def is_late(value: Deadline | dt.date, done: bool = False, today: dt.date | None = None) -> bool:
    """A provider duty whose day has passed unmet. A statutory clock says it itself (a recipient's
    window or an earliest day is never overdue); a bare date (L3.1, the result) is late once past
    unless ``done``."""
    today = today or _today()
    if isinstance(value, Deadline):
        return value.is_overdue(today)
    return not done and value < today


def due_date(value: Deadline | dt.date | None, done: bool = False) -> Markup:
    """``27.11.2026``, or ``<strong class="overdue">was due on 20.11.2026, overdue</strong>``."""
    from portal.web.i18n import local_date

    if value is None:
        return Markup("")
    day = value.due if isinstance(value, Deadline) else value
    if not is_late(value, done):
        return escape(local_date(day))
    text = gettext("was due on %(day)s, overdue", day=local_date(day))
    return Markup('<strong class="overdue">{}</strong>').format(text)


def init_app(app: Flask) -> None:
    app.jinja_env.filters["due_date"] = due_date
    app.jinja_env.filters["is_late"] = is_late
