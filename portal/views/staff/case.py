"""The case page `/staff/cases/<number>`: everything about one case of the official's district,
and a form for each action the workflow gives this official now (the registry of
`views/staff/actions`).

- Another district's case, or a draft, is a 404 for every case URL; every view is an audit event
  (the citizen's "who looked at my data" reads it).
- One POST route takes every action: it refuses a form read at an older version of the case
  (409, "here is what changed", never an overwrite), an action this official may not take now
  (403, with why), and shows a refusal of the law's dates with its rule and date.
- Assigning the case to a specialist is a form of its own (`staff.assign`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from flask import Response, abort, flash, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from portal import db
from portal.db import utcnow
from portal.domain.calendar import to_local
from portal.domain.guard import CaseState, evidence_blocker
from portal.domain.workflow import Action, IllegalTransition, Role, Status, allowed_actions, apply
from portal.models import Application, Event, StaffUser
from portal.services import case_view, cases, events, review
from portal.services.workdays import calendar
from portal.views.staff import bp
from portal.views.staff.actions import ACTION_FORMS, ActionForm, CaseContext
from portal.views.staff.queue import _status_label
from portal.views.words import words
from portal.web.access import BACK_OFFICE, allow, current
from portal.web.htmx import is_htmx, no_store, redirect_after_post, render
from portal.web.i18n import local_date

# Who may give a case to a specialist: the specialists themselves and the head of department.
ASSIGNERS = frozenset({Role.SPECIALIST, Role.HEAD})

# Why an action is not this official's now (workflow.apply's reasons), in words.
_NOT_YOURS = {
    "wrong_status": _l("This step is not taken in the case's present status."),
    "wrong_role": _l("This step belongs to another role."),
    "wrong_desk": _l("This step is not taken at your desk."),
    "no_desk": _l("Your account has no desk; ask the administrator."),
    "no_inspection_needed": _l("This ground needs no precinct inspection (R7.2)."),
    "inspection_first": _l("The precinct commission's inspection comes first (R7.2)."),
    "income_first": _l("The income has to be computed first (R11.1)."),
    "no_income_needed": _l("This ground is granted regardless of income: no income is computed "
                           "(R11.2)."),
    "commission_first": _l("The special commission's conclusion comes first (F5)."),
}
# Why the law's records or dates forbid a step today (domain.guard's blockers), in words.
_BLOCKED = {
    "no_inspection_act": _l("The act of inspection (F3) has not been recorded yet."),
    "documents_already_received": _l("The documents have already been received."),
    "documents_not_received": _l("The documents from the precinct commission have not been "
                                 "received yet."),
}


def _office_status(status: str | Status) -> str:
    try:
        return _status_label(Status(status))
    except ValueError:
        return str(status)


def _staff() -> StaffUser:
    staff = current().staff
    if staff is None or staff.district_id is None:
        abort(404)
    return staff


def load_case(number: str, staff: StaffUser, *, full: bool = False) -> Application:
    """The case in the official's district, or 404 (another district's, a draft, none).
    ``full``: for the case page, with which of its relations it has (case_view.STAFF_PAGE):
    the absent ones are set empty without a query, each present one loads on first use."""
    params = {"number": number, "district_id": staff.district_id}
    if full:
        row = db.session().execute(_full_case_query(), params).first()
        application = case_view.settle(row, case_view.STAFF_PAGE) if row is not None else None
    else:
        application = db.session().execute(_case_query(), params).scalar_one_or_none()
    if application is None:
        abort(404)
    return application


def _in_district(query: Any) -> Any:
    return query.where(Application.number == bindparam("number"),
                       Application.district_id == bindparam("district_id"),
                       Application.status != Status.DRAFT)


@functools.cache
def _case_query() -> Any:
    """Built once, as the queries below: SQLAlchemy keeps its compiled form."""
    return _in_district(select(Application))


@functools.cache
def _full_case_query() -> Any:
    return _in_district(case_view.with_presence(select(Application), case_view.STAFF_PAGE)
                        .options(*case_view.STAFF_ONE_EACH, *case_view.NESTED))


def _who(staff: StaffUser) -> events.Actor:
    return events.Actor("staff", staff.id, staff.role.value)


# The "opened by staff" list shows this many of the latest views (the count is of them all): a
# case read every day for years would otherwise make its page longer with each reading.
VIEWS_LISTED = 50


@dataclass(frozen=True)
class History:
    """The case's events as the page shows them: plain rows of the columns it reads."""

    steps: list[Any]  # every event but the views, in order
    views: list[Any]  # the latest VIEWS_LISTED views, newest first
    view_count: int
    people: dict[int, StaffUser]  # the staff members who made them (name, role, desk)


def _history(application: Application) -> History:
    session = db.session()
    connection = session.connection()
    params = {"application_id": application.id}
    steps = list(connection.execute(_steps_query(), params))
    views = list(connection.execute(_views_query(), {**params, "limit": VIEWS_LISTED}))
    count = views[0].total if views else 0  # of them all, in the same statement
    ids = {e.actor_id for e in steps + views if e.actor_kind == "staff" and e.actor_id is not None}
    people = {s.id: s for s in session.scalars(_people_query(), {"ids": list(ids)})} if ids else {}
    return History(steps, views, count, people)


_EVENT_COLUMNS = (Event.at, Event.action, Event.actor_kind, Event.actor_id, Event.role,
                  Event.from_status, Event.to_status, Event.reason)


@functools.cache
def _steps_query() -> Any:
    return (select(*_EVENT_COLUMNS).where(Event.application_id == bindparam("application_id"),
                                          Event.action != "case_viewed").order_by(Event.seq))


@functools.cache
def _views_query() -> Any:
    return (select(*_EVENT_COLUMNS, func.count().over().label("total"))
            .where(Event.application_id == bindparam("application_id"),
                   Event.action == "case_viewed")
            .order_by(Event.seq.desc()).limit(bindparam("limit")))


@functools.cache
def _people_query() -> Any:
    return (select(StaffUser).options(joinedload(StaffUser.desk))
            .where(StaffUser.id.in_(bindparam("ids", expanding=True))))


def _whos(rows: list[Any], people: dict[int, StaffUser]) -> dict[tuple[Any, ...], str]:
    """Who made each event, in words, by (actor_kind, actor_id, role): worked out once for each
    person (a case's 50 listed views are mostly the same few officials), not once a row."""
    roles = words("role_label", {e.role for e in rows} | {"system"})
    desks = words("desk_label", {p.channel.value for p in people.values() if p.channel})
    found: dict[tuple[Any, ...], str] = {}
    for e in rows:
        key = (e.actor_kind, e.actor_id, e.role)
        if key in found:
            continue
        if e.actor_kind == "staff" and e.actor_id in people:
            person = people[e.actor_id]
            desk = f" ({desks[person.channel.value]})" if person.channel else ""
            found[key] = f"{person.full_name}, {roles[e.role]}{desk}"
        elif e.actor_kind == "citizen":
            found[key] = gettext("The applicant")
        elif e.actor_kind == "system":
            found[key] = roles["system"]
        else:
            found[key] = roles[e.role]
    return found


def _done_already(state: CaseState, action: Action, staff: StaffUser) -> bool:
    """A step the case has already had (documents received, notice delivered, protocol read):
    no form for it. Other refusals of the law's dates stay, and name their rule when posted."""
    blocker = evidence_blocker(state, action, to_local(utcnow()).date(), calendar())
    return blocker is not None and "already" in blocker.reason


def _forms(application: Application, staff: StaffUser) -> list[ActionForm]:
    state = cases.case_state(application)
    return [ACTION_FORMS[a] for a in allowed_actions(application.status, staff.actor, state.facts)
            if a in ACTION_FORMS and not _done_already(state, a, staff)]


def _partial_context(form: ActionForm, application: Application, staff: StaffUser,
                     seen: int, values: MultiDict[str, str] | None,
                     errors: dict[str, str] | None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "application": application, "staff": staff, "seen": seen, "action": form.action,
        "action_form": form, "values": values if values is not None else MultiDict(),
        "errors": errors or {}, "today": to_local(utcnow()).date(), "cal": calendar()}
    if form.context is not None:
        context.update(form.context(application, staff))
    return context


def _page(application: Application, staff: StaffUser, seen: int, *, status: int = 200,
          active: Action | None = None, values: MultiDict[str, str] | None = None,
          errors: dict[str, str] | None = None, assign_error: str | None = None) -> Response:
    today = to_local(utcnow()).date()
    history = _history(application)
    staff_events = history.steps + history.views
    # Each action's partial rendered with its own variables (the values and errors only for the
    # one that was posted), the same HTML htmx gets alone after an error. Markup: the output of
    # an autoescaping template, not text from a person.
    panels = [(form, Markup(render_template(form.template, **_partial_context(  # noqa: S704
        form, application, staff, seen, values if form.action is active else None,
        errors if form.action is active else None))))
        for form in _forms(application, staff)]
    return no_store(render(
        "staff/case.html", status=status, application=application, staff=staff, seen=seen,
        deadlines=case_view.deadlines(application, calendar(), today), today=today,
        steps=history.steps, views=history.views, view_count=history.view_count,
        people=history.people, panels=panels, active=active,
        # each label once, not once a row (a gettext each)
        labels=words("staff_event_label", {e.action for e in history.steps}),
        whos=_whos(staff_events, history.people),
        assign_error=assign_error, office_status=_office_status,
        specialists=review.assignable_staff(db.session(), application.district_id)
        if staff.role in ASSIGNERS else [],
        rule=cases.ground_rule(application) if application.ground else None))


@bp.get("/cases/<number>")
@allow(BACK_OFFICE)
def case(number: str) -> Response:
    staff = _staff()
    application = load_case(number, staff, full=True)
    session = db.session()
    view = events.record(session, _who(staff), "case_viewed", application_id=application.id)
    session.commit()
    return _page(application, staff, view.id)


def _seen() -> int:
    try:
        return max(0, int(request.form.get("seen", "0")))
    except ValueError:
        return 0


def _conflict(number: str, staff: StaffUser, seen: int) -> Response:
    """409: the case changed after the official read it; list what changed, apply nothing."""
    db.session().rollback()
    application = load_case(number, staff)
    rows = list(db.session().scalars(
        select(Event).where(Event.application_id == application.id, Event.id > seen,
                            Event.action != "case_viewed").order_by(Event.seq)))
    ids = {e.actor_id for e in rows if e.actor_kind == "staff" and e.actor_id is not None}
    people = {s.id: s for s in db.session().scalars(
        select(StaffUser).where(StaffUser.id.in_(ids)))} if ids else {}
    response = render("staff/conflict.html", "staff/_conflict.html", status=409,
                      application=application, changes=rows, people=people)
    if is_htmx():
        response.headers["HX-Retarget"] = "#case"
        response.headers["HX-Reswap"] = "innerHTML"
    return no_store(response)


def _refused(application: Application, staff: StaffUser, why: str) -> Response:
    response = render("staff/not_yours.html", "staff/_not_yours.html", status=403,
                      application=application, why=why)
    if is_htmx():
        response.headers["HX-Retarget"] = "#case"
        response.headers["HX-Reswap"] = "innerHTML"
    return no_store(response)


def _blocked_message(error: IllegalTransition) -> str:
    reason = _BLOCKED.get(error.reason)
    parts = [str(reason) if reason else gettext("The law does not allow this step today.")]
    if error.rule:
        parts.append(gettext("Rule: %(rule)s.", rule=error.rule))
    if error.possible_from:
        parts.append(gettext("Possible from %(date)s.", date=local_date(error.possible_from)))
    if error.closed_on:
        parts.append(gettext("The time for it ended on %(date)s.",
                             date=local_date(error.closed_on)))
    return " ".join(parts)


def _invalid(application: Application, staff: StaffUser, form: ActionForm, seen: int,
             errors: dict[str, str]) -> Response:
    """The action's form again with its errors and what was entered: the partial for htmx,
    the whole case page otherwise."""
    values = MultiDict(request.form)
    if is_htmx():
        context = _partial_context(form, application, staff, seen, values, errors)
        return no_store(Response(render_template(form.template, **context), status=422))
    return _page(application, staff, seen, status=422, active=form.action, values=values,
                 errors=errors)


@bp.post("/cases/<number>/actions/<action>")
@allow(BACK_OFFICE)
def act(number: str, action: str) -> BaseResponse:
    staff = _staff()
    application = load_case(number, staff, full=True)
    try:
        chosen = Action(action)
    except ValueError:
        abort(404)
    form = ACTION_FORMS.get(chosen)
    if form is None:
        abort(404)
    seen = _seen()
    if request.form.get("version", "") != str(application.version):
        return _conflict(number, staff, seen)
    facts = cases.case_state(application).facts
    if chosen not in allowed_actions(application.status, staff.actor, facts):
        try:
            apply(application.status, chosen, staff.actor, facts)
            why = gettext("This step is not open to you now.")
        except IllegalTransition as error:
            why = str(_NOT_YOURS.get(error.reason, error.reason))
        return _refused(application, staff, why)
    session = db.session()
    context = CaseContext(
        application=application, staff=staff, actor=staff.actor, who=_who(staff), now=utcnow(),
        cal=calendar(), session=session, form=request.form, files=request.files)
    try:
        outcome = form.handler(context)
    except IllegalTransition as error:
        session.rollback()
        return _invalid(load_case(number, staff, full=True), staff, form, seen,
                        {"_": _blocked_message(error)})
    except StaleDataError:
        return _conflict(number, staff, seen)
    if outcome.errors:
        session.rollback()
        return _invalid(load_case(number, staff, full=True), staff, form, seen, outcome.errors)
    if outcome.message:
        flash(outcome.message, "ok")
    return redirect_after_post(outcome.redirect or url_for("staff.case", number=number))


@bp.post("/cases/<number>/assign")
@allow(BACK_OFFICE)
def assign(number: str) -> BaseResponse:
    """Give the case to a specialist of the district (or to nobody)."""
    staff = _staff()
    application = load_case(number, staff, full=True)
    seen = _seen()
    if request.form.get("version", "") != str(application.version):
        return _conflict(number, staff, seen)
    if staff.role not in ASSIGNERS:
        return _refused(application, staff, gettext("Cases are given to specialists by a "
                                                    "specialist or the head of department."))
    chosen = request.form.get("assignee", "")
    people = {str(s.id): s for s in review.assignable_staff(db.session(),
                                                            application.district_id)}
    if chosen and chosen not in people:
        return _page(application, staff, seen, status=422, assign_error=gettext(
            "Choose a specialist of the district from the list."))
    try:
        review.assign(db.session(), application, people.get(chosen), _who(staff), now=utcnow())
    except StaleDataError:
        return _conflict(number, staff, seen)
    assignee = people.get(chosen)
    flash(gettext("The case was given to %(name)s.", name=assignee.full_name) if assignee
          else gettext("The case is assigned to nobody now."), "ok")
    return redirect_after_post(url_for("staff.case", number=number))


@bp.record_once
def _filters(state: Any) -> None:
    from portal.web.labels import init_staff_case

    init_staff_case(state.app)
