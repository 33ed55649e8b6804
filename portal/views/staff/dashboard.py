"""The dashboard: a district's figures for a period — cases by status, L3.1 kept, overdue now,
by ground and channel, preliminary refusals and objections, waits at the desks (L3.2, L3.3),
notifications not delivered — as server-drawn SVG charts, each with its table and a CSV.

For the head of department (their own district only: another district's id answers 404) and
administrators (any district). The filter is a GET form: a period and a district hold nothing
personal. The figures are aggregates made by the database (services/dashboard.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Response, abort, request, url_for
from flask_babel import format_percent, gettext
from flask_babel import lazy_gettext as _l

from portal import db
from portal.db import utcnow
from portal.domain.calendar import Channel, to_local
from portal.domain.forms import NotificationChannel
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Role, Status
from portal.forms.staff_dashboard import DashboardFilterForm
from portal.models import District, StaffUser
from portal.services import dashboard as figures
from portal.views.staff import bp
from portal.views.staff.queue import _status_label
from portal.web.access import allow, current
from portal.web.charts import Chart, bar_chart
from portal.web.htmx import render
from portal.web.labels import CHANNEL_LABELS, GROUND_LABELS
from portal.web.spreadsheet import csv_response

_TERM_ROWS = {
    "within_term": _l("Decided within 8 working days"),
    "late": _l("Decided after the term"),
    "overdue": _l("Not decided, the term has passed"),
    "running": _l("Not decided, the term is still running"),
    "ended": _l("Ended without a decision (withdrawn or not accepted)"),
}
_NOW_ROWS = {
    "open": _l("Cases not finished (decided ones count until the person is notified)"),
    "duty_overdue": _l("With a statutory duty past its day"),
    "term_passed": _l("Past the 8-working-day term without a decision"),
}
_PRELIMINARY_ROWS = {
    "issued": _l("Preliminary refusals issued"),
    "objected": _l("With an objection"),
    "changed": _l("Outcome changed: the refusal lapsed, or granted after an objection"),
    "upheld": _l("Refusal upheld by the decision"),
    "pending": _l("No decision yet"),
}
_NOTIFICATION_ROWS = {
    NotificationChannel.SMS.value: _l("By SMS"),
    NotificationChannel.CABINET.value: _l("Personal cabinet"),
    NotificationChannel.PRINT.value: _l("Printed, to hand over"),
}
_COLUMNS = {
    "cases": _l("Cases"),
    "count": _l("Count"),
    "granted": _l("Granted"),
    "refused": _l("Refused"),
    "within_term": _l("Decided within 8 working days"),
    "measured": _l("Receipts with times measured"),
    "wait_over": _l("Waited over 30 minutes (L3.2)"),
    "service_over": _l("Served over 30 minutes (L3.3)"),
    "longest_wait_minutes": _l("Longest wait, minutes"),
    "longest_service_minutes": _l("Longest service, minutes"),
    "pending": _l("Waiting to be sent"),
    "failed": _l("Sending failed"),
}
_UNDECIDED = _l("No decision yet")


def _row_label(table: str, key: str) -> str:
    if table == "status":
        return _status_label(Status(key))
    if table == "term":
        return str(_TERM_ROWS[key])
    if table == "now":
        return str(_NOW_ROWS[key])
    if table == "ground":
        return str(GROUND_LABELS[GroundCategory(key)])
    if table in {"channel", "intake"}:
        return gettext("All desks") if key == "all" else str(CHANNEL_LABELS[Channel(key)])
    if table == "preliminary":
        return str(_PRELIMINARY_ROWS[key])
    return str(_NOTIFICATION_ROWS[key])


@dataclass(frozen=True)
class Section:
    """A table of the page: its heading, what it counts, the chart and the CSV link."""

    name: str
    title: Any
    explanation: Any
    first_column: Any
    chart: Callable[[figures.Table], tuple[list[tuple[str, list[int]]], list[Any], bool]]


def _single(table: figures.Table) -> tuple[list[tuple[str, list[int]]], list[Any], bool]:
    return [(_row_label(table.name, k), [v[0]]) for k, v in table.rows], [], True


def _decided(table: figures.Table) -> tuple[list[tuple[str, list[int]]], list[Any], bool]:
    """Granted, refused and not yet decided, stacked: the bar is all the cases."""
    rows = [(_row_label(table.name, k), [v[1], v[2], v[0] - v[1] - v[2]])
            for k, v in table.rows if v[0]]
    return rows, [_COLUMNS["granted"], _COLUMNS["refused"], _UNDECIDED], True


def _intake(table: figures.Table) -> tuple[list[tuple[str, list[int]]], list[Any], bool]:
    rows = [(_row_label(table.name, k), [v[1], v[2]]) for k, v in table.rows if k != "all"]
    return rows, [_COLUMNS["wait_over"], _COLUMNS["service_over"]], False


def _notifications(table: figures.Table) -> tuple[list[tuple[str, list[int]]], list[Any], bool]:
    rows = [(_row_label(table.name, k), list(v)) for k, v in table.rows]
    return rows, [_COLUMNS["pending"], _COLUMNS["failed"]], True


SECTIONS = {s.name: s for s in (
    Section("status", _l("Cases by status"),
            _l("Cases whose term started in the period (handed in, or applied on the portal), "
               "by their status today."), _l("Status"), _single),
    Section("term", _l("Term of service: 8 working days (L3.1)"),
            _l("Cases whose 8-working-day term ends in the period. A case is decided on the "
               "day its result was issued or, until then, on the day of its decision."),
            _l("Indicator"), _single),
    Section("now", _l("Overdue now"),
            _l("The district's open cases today, whatever the period."), _l("Indicator"),
            _single),
    Section("ground", _l("By ground"),
            _l("Cases whose term started in the period, by the ground for assistance."),
            _l("Ground"), _decided),
    Section("channel", _l("By channel"),
            _l("Cases whose term started in the period, by the way they were handed in."),
            _l("Channel"), _decided),
    Section("preliminary", _l("Preliminary refusals and objections"),
            _l("Preliminary decisions to refuse issued in the period (R15.1) and what became "
               "of them (R15.3–R15.7)."), _l("Preliminary refusals"), _single),
    Section("intake", _l("Waiting and service at the desks (L3.2, L3.3)"),
            _l("Receipts issued at the desks in the period: waits and service times over the "
               "30 minutes allowed."), _l("Desk"), _intake),
    Section("notifications", _l("Notifications not yet delivered"),
            _l("Decision notifications (F6, F7) waiting to be sent or whose sending failed, "
               "today, whatever the period."), _l("Delivery channel"), _notifications),
)}
assert tuple(SECTIONS) == figures.TABLES


@dataclass(frozen=True)
class Choice:
    """What the dashboard shows: the district and the period, or the form's errors."""

    form: DashboardFilterForm
    district: District | None
    period: figures.Period
    # An administrator's districts to choose from, (id, name in the page's language).
    options: Sequence[tuple[int, str]] = ()

    @property
    def valid(self) -> bool:
        return self.district is not None and not self.form.errors

    def query(self) -> dict[str, str]:
        """The choice as query arguments for the CSV links (ISO dates)."""
        assert self.district is not None
        return {"from": self.period.start.isoformat(), "to": self.period.end.isoformat(),
                "district": str(self.district.id)}


def _today() -> dt.date:
    return to_local(utcnow()).date()


def _choose(staff: StaffUser) -> Choice:
    """Read the filter. A head has one district (asking for another one answers 404); an
    administrator chooses any (their own first)."""
    form = DashboardFilterForm(request.args)
    session = db.session()
    options: Sequence[tuple[int, str]] = ()
    if staff.role is Role.ADMIN:
        options = figures.districts(session, _locale())
        form.district.allowed = frozenset(i for i, _name in options)
        if not request.args.get("district"):
            form.district.data = staff.district_id if staff.district_id is not None else (
                options[0][0] if options else None)
    else:
        wanted = request.args.get("district")
        if staff.district_id is None or (wanted and wanted != str(staff.district_id)):
            abort(404)
        form.district.allowed = frozenset((staff.district_id,))
        form.district.data = staff.district_id
    form.validate()
    today = _today()
    # Unset: the month so far; only one end given: the other one follows it.
    start: dt.date | None = form.start.data if not form.start.errors else None
    end: dt.date | None = form.end.data if not form.end.errors else None
    if end is None:
        end = max(today, start) if start is not None else today
    if start is None:
        start = end.replace(day=1)
    # The boxes show the period the page shows; a mistyped date stays as typed, with its error.
    for field, day in ((form.start, start), (form.end, end)):
        if not field.errors and not field.raw_data:
            field.data = day
    district = None
    if not form.district.errors and form.district.data is not None:
        district = session.get(District, form.district.data)
    if district is None and not form.errors:
        abort(404)
    return Choice(form, district, figures.Period(start, end), options)


def _locale() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None and locale.language in {"kk", "ru", "en"} \
        else "kk"


@dataclass(frozen=True)
class Shown:
    """One section as the template draws it."""

    section: Section
    table: figures.Table
    header: list[str]
    rows: list[tuple[str, Sequence[int]]]
    chart: Chart
    legend: list[str]


def _shown(section: Section, table: figures.Table) -> Shown:
    chart_rows, legend, stacked = section.chart(table)
    return Shown(section, table, [str(_COLUMNS[c]) for c in table.columns],
                 [(_row_label(table.name, k), v) for k, v in table.rows],
                 bar_chart(chart_rows, stacked=stacked), [str(x) for x in legend])


@bp.route("/dashboard")
@allow(Role.HEAD, Role.ADMIN)
def dashboard() -> Response:
    staff = current().staff
    assert staff is not None
    choice = _choose(staff)
    shown: list[Shown] = []
    share = None
    if choice.valid:
        assert choice.district is not None
        session, today = db.session(), _today()
        tables = {name: figures.figures(session, name, choice.district.id, choice.period, today)
                  for name in figures.TABLES}
        shown = [_shown(SECTIONS[name], table) for name, table in tables.items()]
        ratio = figures.term_share(tables["term"])
        share = None if ratio is None else format_percent(ratio, "#,##0.0%")
    return render("staff/dashboard.html", status=200 if choice.valid else 422,
                  form=choice.form, choice=choice, shown=shown, share=share,
                  district_options=choice.options,
                  admin=staff.role is Role.ADMIN, csv_url=csv_url)


_SAFE_NAME = re.compile(r"[^A-Za-z0-9-]+")


@bp.route("/dashboard/<name>.csv")
@allow(Role.HEAD, Role.ADMIN)
def dashboard_csv(name: str) -> Response:
    if name not in SECTIONS:
        abort(404)
    staff = current().staff
    assert staff is not None
    choice = _choose(staff)
    if not choice.valid or choice.district is None:
        return dashboard()  # the page with the filter's errors (422)
    section = SECTIONS[name]
    table = figures.figures(db.session(), name, choice.district.id, choice.period, _today())
    code = _SAFE_NAME.sub("-", choice.district.code).strip("-") or str(choice.district.id)
    filename = (f"dashboard-{name}-{code}-{choice.period.start.isoformat()}-"
                f"{choice.period.end.isoformat()}.csv")
    return csv_response(filename, [str(section.first_column),
                                   *(str(_COLUMNS[c]) for c in table.columns)],
                        ([_row_label(name, k), *v] for k, v in table.rows))


def csv_url(name: str, choice: Choice) -> str:
    arguments: dict[str, Any] = {"name": name, **choice.query()}
    return url_for("staff.dashboard_csv", **arguments)
