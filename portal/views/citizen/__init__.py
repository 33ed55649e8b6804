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
    """The person's applications a page at a time (open ones first, newest first), each with
    its status and next statutory step; a fixed number of queries whatever their number."""
    from flask import request

    from portal import db
    from portal.db import utcnow
    from portal.domain.calendar import to_local
    from portal.services import case_view, holiday
    from portal.services.workdays import calendar
    from portal.web.access import current

    principal = current()
    assert principal.kind == "citizen" and principal.id is not None
    requested = request.args.get("page", "1")
    number = int(requested) if requested.isdigit() and 0 < len(requested) < 7 else 1
    page = case_view.applications_page(db.session(), principal.id, number)
    today = to_local(utcnow()).date()
    cal = calendar()
    return no_store(render("citizen/cabinet.html", listing=page,
                           applications=page.applications,
                           next_steps=case_view.next_steps(page.applications, cal, today),
                           holiday_awards=holiday.of_citizen(db.session(), principal.id)))


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
    case,
    forms,
    inbox,
    refusal,
)
