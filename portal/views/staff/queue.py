"""The queue: the official's district's cases, nearest statutory duty first, overdue marked.

Filters are a GET form (nothing personal in them); the search by number or IIN is a POST, so an
IIN never reaches a URL, a log line or the browser history: its next page is posted again with
the same search. With htmx the list swaps in place (``staff/_rows.html``); without, the page
comes back whole.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from flask import Response, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from portal import db
from portal.db import utcnow
from portal.domain.calendar import Channel, to_local
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Status
from portal.forms.staff_queue import QueueFilterForm, QueueSearchForm
from portal.services import queue as queue_service
from portal.services.workdays import calendar
from portal.views.staff import bp
from portal.web.access import BACK_OFFICE, allow, current
from portal.web.htmx import render
from portal.web.i18n import local_date
from portal.web.labels import CHANNEL_LABELS, GROUND_LABELS, STATUS_LABELS, duty_label

# The statuses a case in the queue can have (drafts are not the office's yet), in procedure
# order. Where the citizen's plain label is shared by two statuses, the office needs them apart.
QUEUE_STATUSES = [s for s in Status if s is not Status.DRAFT]
_OFFICE_LABELS = {
    Status.INSPECTION_REFUSED: _l("With the precinct commission: the inspection was refused"),
    Status.INCOME_COMPUTED: _l("Being checked by the department: income computed"),
    Status.NOTIFIED: _l("Decided: the person has been notified"),
}


def _status_label(status: Status) -> str:
    return str(_OFFICE_LABELS.get(status, STATUS_LABELS[status]))


def _filter_form() -> QueueFilterForm:
    form = QueueFilterForm(request.args)
    everything = ("", gettext("All"))
    form.status.choices = [everything, *((s.value, _status_label(s)) for s in QUEUE_STATUSES)]
    form.ground.choices = [everything, *((g.value, str(GROUND_LABELS[g]))
                                         for g in GroundCategory)]
    form.channel.choices = [everything, *((c.value, str(CHANNEL_LABELS[c])) for c in Channel)]
    staff = current().staff
    people = [] if staff is None or staff.district_id is None else [
        (str(i), name) for i, name in queue_service.district_staff(db.session(), staff.district_id)]
    form.assignee.choices = [everything, ("me", gettext("Me")),
                             ("none", gettext("Nobody yet")), *people]
    return form


@dataclass(frozen=True)
class Line:
    """A row of the queue as the page prints it: its words worked out in Python, each distinct
    label once a page (25 rows share a few statuses, grounds, duties and days), not once a row
    in the template."""

    number: str
    applicant: str
    status: str
    ground: str
    channel: str
    overdue: bool
    due: str  # ISO day of the nearest duty, "" when none runs
    due_text: str
    duty: str  # the duty's words and rule
    assignee: str


def _once(compute: Callable[[Any], str]) -> Callable[[Any], str]:
    """``compute`` remembered for the page: each value worked out once."""
    seen: dict[Hashable, str] = {}

    def get(value: Any) -> str:
        if value not in seen:
            seen[value] = compute(value)
        return seen[value]

    return get


def _lines(result: queue_service.QueuePage) -> list[Line]:
    status = _once(_status_label)
    ground = _once(lambda g: str(GROUND_LABELS[g]) if g is not None else "—")
    channel = _once(lambda c: str(CHANNEL_LABELS[c]))
    day = _once(local_date)
    duty = _once(lambda d: f"{duty_label(*d)} ({d[0]})")
    nobody = gettext("Nobody yet")
    lines = []
    for row in result.rows:
        a, nearest = row.application, row.nearest
        name = " ".join(p for p in (a.applicant_surname, a.applicant_given_name,
                                    a.applicant_patronymic) if p)
        lines.append(Line(
            number=a.number, applicant=name or "—", status=status(a.status), ground=ground(a.ground),
            channel=channel(a.channel), overdue=bool(row.overdue),
            due=nearest.due.isoformat() if nearest else "",
            due_text=day(nearest.due) if nearest else "",
            duty=duty((nearest.rule, nearest.key)) if nearest else "",
            assignee=a.assignee.full_name if a.assignee else nobody))
    return lines


def _filters(form: QueueFilterForm) -> queue_service.QueueFilters:
    status, ground, channel = form.value("status"), form.value("ground"), form.value("channel")
    return queue_service.QueueFilters(
        status=Status(status) if status else None,
        ground=GroundCategory(ground) if ground else None,
        channel=Channel(channel) if channel else None,
        assignee=form.value("assignee"),
        overdue=bool(form.overdue.data),
    )


@bp.route("/", methods=["GET", "POST"])
@allow(BACK_OFFICE)
def queue() -> Response:
    staff = current().staff
    assert staff is not None
    filter_form = _filter_form()
    form = QueueSearchForm(formdata=request.form if request.method == "POST" else None)
    search: str | None = None
    status = 200
    after = queue_service.Cursor.decode(request.args.get("after"))
    if request.method == "POST":
        after = queue_service.Cursor.decode(form.after.data)
        if form.validate():
            search = form.q.data
        else:
            status = 422
    today = to_local(utcnow()).date()
    result = None
    if staff.district_id is not None and status == 200:
        result = queue_service.page(
            db.session(), staff.district_id, today=today, cal=calendar(),
            filters=None if search else _filters(filter_form), search=search, after=after,
            me=staff.id)
    return render("staff/queue.html", "staff/_rows.html", status=status, form=form,
                  filter_form=filter_form, result=result, lines=_lines(result) if result else [],
                  staff=staff)
