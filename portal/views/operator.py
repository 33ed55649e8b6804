"""The 1414 operator's desk (L10.1): a person's applications by IIN or number, each look recorded."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from portal import db
from portal.db import utcnow
from portal.domain.calendar import to_local
from portal.domain.lookup import normalise_number
from portal.domain.workflow import Role
from portal.forms.lookup import REASON_LABELS, OperatorSearchForm
from portal.services import lookup
from portal.services.workdays import calendar
from portal.web.access import allow, current
from portal.web.htmx import no_store, render

bp = Blueprint("operator", __name__)


@bp.after_request
def _private(response: Response) -> Response:
    return no_store(response)  # every answer here names a person's cases


@bp.route("/", methods=["GET", "POST"])
@allow(Role.OPERATOR)
def lookup_cases() -> Response:
    """Search by IIN or application number (POST: neither goes into a URL or a log); the list
    shows status, dates and where the case is — no amounts, no documents."""
    form = OperatorSearchForm()
    if not form.validate_on_submit():
        return render("operator/lookup.html", "operator/_results.html", form=form,
                      status=422 if form.errors else 200, reasons=REASON_LABELS)
    operator = current().staff
    if operator is None:
        abort(403)
    value = form.query.data.replace(" ", "")
    by_iin = value.isdigit()
    cases = lookup.operator_search(
        db.session(), operator, iin=value if by_iin else "",
        number="" if by_iin else normalise_number(value), reason=form.reason.data,
        cal=calendar(), today=to_local(utcnow()).date())
    return render("operator/lookup.html", "operator/_results.html", form=form, cases=cases,
                  searched=True, reasons=REASON_LABELS)
