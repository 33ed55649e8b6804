"""The citizen's application page after submission (issue #10): status, decision, the
preliminary refusal, the statutory deadlines, the timeline, what was sent and who looked.

The page people reload while they wait, so it is built for its cost: a fixed number of queries
(tests/web/test_case_page_queries.py), each label worked out once per distinct code, and the
timeline's rows made here as plain strings (a Jinja call per cell cost more than the rest of the
page together).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask import abort, current_app, redirect, url_for
from flask_babel import gettext
from markupsafe import Markup, escape
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.domain.calendar import ALMATY, Channel, to_local
from portal.domain.workflow import Status
from portal.models import Application, Document
from portal.services import case_view
from portal.services.workdays import calendar
from portal.views.citizen import bp
from portal.views.citizen.apply import citizen_id
from portal.views.citizen.inbox import remember_unread
from portal.views.words import words
from portal.web.access import CITIZEN, allow
from portal.web.htmx import no_store, render
from portal.web.i18n import local_date


def minute(at: dt.datetime) -> str:
    """``27.11.2026 14:05`` in Almaty time: what the ``local_datetime("short")`` filter writes,
    in one conversion and no ``strftime`` (the page writes one per event)."""
    t = (at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)).astimezone(ALMATY)
    return f"{t.day:02d}.{t.month:02d}.{t.year:04d} {t.hour:02d}:{t.minute:02d}"


def _time(at: dt.datetime, memo: dict[dt.datetime, str]) -> str:
    """``<time>`` of an event: digits and punctuation of a datetime only, nothing to escape;
    ``memo``: the page's, as a staff step is in the timeline and in "who looked" both."""
    found = memo.get(at)
    if found is None:
        found = memo[at] = f'<time datetime="{at.isoformat()}">{minute(at)}</time>'
    return found


def timeline_items(steps: list[Any], labels: dict[str, str],
                   times: dict[dt.datetime, str] | None = None) -> Markup:
    """The timeline's ``<li>`` rows: each label escaped once, the rows written here rather than
    by a loop of the template (an output and an escape per cell cost more than the page's
    queries). What they say is the services' (tests/web/test_cabinet.py compares)."""
    said = {code: escape(text) for code, text in labels.items()}
    times = {} if times is None else times
    return Markup("".join([f"<li>{_time(step.at, times)} {said[step.action]}</li>\n"  # noqa: S704
                           for step in steps]))


def form_view_labels(codes: Iterable[str]) -> dict[str, str]:
    """The words for an official's opening of a form (case_view.look_action): which document,
    and whether as a page or a PDF."""
    from portal.documents import labels as document_labels

    found: dict[str, str] = {}
    for code in codes:
        if code.startswith(case_view.FORM_VIEWED):
            slug, _sep, kind = code[len(case_view.FORM_VIEWED):].partition(":")
            title = document_labels.word(document_labels.FORM_TITLES, slug)
            found[code] = (gettext("downloaded “%(document)s” as a PDF", document=title)
                           if kind == "pdf" else gettext("opened “%(document)s”", document=title))
    return found


def look_items(looks: list[case_view.Look], labels: dict[str, str], roles: dict[str, str],
               desks: dict[str, str], times: dict[dt.datetime, str] | None = None) -> Markup:
    """The ``<li>`` rows of "who looked at my data", as :func:`timeline_items`; each role and
    desk written once."""
    said = {code: escape(text) for code, text in labels.items()}
    who = {key: escape(roles[key[0]] + (f", {desks[key[1].value]}" if key[1] else ""))
           for key in {(role, channel) for _, role, channel, _ in looks}}
    times = {} if times is None else times
    return Markup("".join([  # noqa: S704 — every text escaped above
        f"<li>{_time(at, times)} — {who[role, channel]}: {said[action]}</li>\n"
        for at, role, channel, action in looks]))


def deadline_items(rows: list[case_view.DeadlineRow]) -> Markup:
    """The ``<li>`` rows of the statutory deadlines, as :func:`timeline_items` (the names and
    states in words once each; what they say is the labels' and the services')."""
    filters = current_app.jinja_env.filters
    states = words("deadline_state_label", {row.state.value for row in rows})
    items = []
    for row in rows:
        # the catalogue's text as the template's _() takes it: markup, the number in it
        left = ("" if row.working_days_left is None else " · " + Markup(  # noqa: S704
            gettext("%(n)s working days left", n=row.working_days_left)))
        items.append(
            f'\n  <li class="deadline deadline-{escape(row.state.value)}">\n'
            f'    <span class="deadline-name">{escape(filters["deadline_label"](row.deadline))}'
            f'</span>\n'
            f'    <strong class="deadline-date">{local_date(row.deadline.due)}</strong>\n'
            f'    <span class="deadline-state">{escape(states[row.state.value])}{left}</span>\n'
            f'  </li>\n')
    return Markup("".join(items) + "\n" if items else "")  # noqa: S704 — every text escaped


def sent_files(application: Application) -> list[tuple[Document, Any]]:
    """What the person sent, as ``(document, file)``: every file of the application's own
    documents and of the statements sealed (a statement's draft attachments are not sent yet).
    Worked out here, not by the template: a ``{% set %}`` in a block makes Jinja copy the
    context for every ``_()`` after it."""
    return [(d, f) for d in application.documents if d.statement is None or d.sealed_at
            for f in d.files]


def _form_links() -> Any:
    """The ``form_links`` macro of documents/_links.html from the template's own module (Jinja
    keeps it): an ``{% import %}`` in the page would look for the page's new globals in it on
    every render, which costs more than the list it writes."""
    return current_app.jinja_env.get_template("documents/_links.html").module.form_links  # type: ignore[attr-defined]


@bp.get("/applications/<number>")
@allow(CITIZEN)
def application(number: str) -> BaseResponse:
    session = db.session()
    case = case_view.citizen_case(session, citizen_id(), number)
    if case is None:
        abort(404)
    found = case.application
    if found.status is Status.DRAFT:
        return redirect(url_for("citizen.task_list", number=number), code=303)
    cal = calendar()
    signed = case.signature
    remember_unread(case.unread)  # the bell's count, read with the case
    registration_day = (cal.registration_date(found.submitted_at, Channel.PORTAL)
                        if found.submitted_at else None)
    after_hours = (found.submitted_at is not None and registration_day is not None
                   and registration_day != to_local(found.submitted_at).date())
    today = to_local(utcnow()).date()
    pre, protocol = found.preliminary_decision, found.hearing_protocol
    objection_open = pre is not None and (pre.objection_due_on is None
                                          or today <= pre.objection_due_on)
    remarks_open = (protocol is not None and protocol.remarks_due_on is not None
                    and today <= protocol.remarks_due_on)
    days_left = (cal.working_days_between(today, pre.objection_due_on)
                 if pre is not None and pre.objection_due_on and objection_open else None)
    steps, looks = case_view.history(session, found)  # one read of the case's events
    # each label once, not once a row (a gettext each)
    labels = words("event_label", {e.action for e in steps} | {look.action for look in looks})
    labels.update(form_view_labels(labels))
    roles = words("role_label", {look.role for look in looks})
    desks = words("desk_label", {look.channel.value for look in looks if look.channel})
    times: dict[dt.datetime, str] = {}  # an event's <time>, written once for both lists
    return no_store(render(
        "citizen/apply/submitted.html", application=found,
        objection_open=objection_open, remarks_open=remarks_open, objection_days_left=days_left,
        signature=signed, registration_day=registration_day, after_hours=after_hours,
        decision=found.decision, sent=sent_files(found), form_links=_form_links(),
        document=signed.document if signed else None,
        events=timeline_items(steps, labels, times),
        looks=look_items(looks, labels, roles, desks, times),
        statements=case_view.statements_sent(session, found),
        deadline_rows=deadline_items(case_view.deadlines(found, cal, today, case.rule))))
