"""The citizen's personal cabinet: their applications (the cabinet issue adds the case pages)."""

from __future__ import annotations

from flask import Blueprint, Response
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response as BaseResponse

from portal.web.access import CITIZEN, allow
from portal.web.htmx import no_store, render

bp = Blueprint("citizen", __name__)


@bp.get("/")
@allow(CITIZEN)
def cabinet() -> Response:
    from sqlalchemy import select

    from portal import db
    from portal.models import Application
    from portal.web.access import current

    principal = current()
    assert principal is not None and principal.citizen is not None
    from portal.db import utcnow
    from portal.domain.calendar import to_local
    from portal.domain.deadlines import DeadlineState
    from portal.services import case_view
    from portal.services.cases import MILESTONE_LOADS
    from portal.services.workdays import calendar

    # Each row's next step reads the case's milestones: loaded with the list, not per row.
    applications = db.session().execute(
        select(Application).options(*MILESTONE_LOADS)
        .where(Application.citizen_id == principal.citizen.id)
        .order_by(Application.created_at.desc(), Application.id.desc())).unique().scalars().all()
    today = to_local(utcnow()).date()
    next_steps = {}
    for application in applications:
        running = [r for r in case_view.deadlines(application, calendar(), today)
                   if r.state in (DeadlineState.RUNNING, DeadlineState.OVERDUE)]
        if running:
            next_steps[application.id] = min(running, key=lambda r: r.deadline.due)
    from portal.services import holiday

    return no_store(render("citizen/cabinet.html", applications=applications,
                           next_steps=next_steps,
                           holiday_awards=holiday.of_citizen(db.session(), principal.citizen.id)))


@bp.errorhandler(StaleDataError)
def _changed_meanwhile(_error: StaleDataError) -> BaseResponse:
    """Another tab or a second tap changed the application a moment before this request."""
    from flask import flash, redirect, request
    from flask_babel import gettext

    from portal import db

    db.session().rollback()
    if request.headers.get("HX-Request"):
        return Response("", status=409)
    flash(gettext("The application was changed a moment ago (in another tab?). Here it is "
                  "as it is now."), "info")
    return redirect(request.path, code=303)


from portal.views.citizen import (  # noqa: E402,F401  (routes on bp)
    apply,
    apply_sign,
    forms,
    inbox,
    refusal,
)
