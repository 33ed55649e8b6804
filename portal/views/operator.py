"""The 1414 operator's desk (L10.1): a person's applications by IIN or number, each look recorded."""

from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_limiter.util import get_remote_address

from portal import db
from portal.db import utcnow
from portal.domain.calendar import to_local
from portal.domain.lookup import normalise_number
from portal.domain.workflow import Role
from portal.extensions import limiter
from portal.forms.lookup import REASON_LABELS, OperatorSearchForm
from portal.services import lookup
from portal.services.workdays import calendar
from portal.views.account import first_password_gate
from portal.web.access import allow, current, current_row
from portal.web.htmx import no_store, render

bp = Blueprint("operator", __name__)
bp.before_request(first_password_gate)  # ASVS 6.4.1: their own password first

# Per operator, whatever the address (a call centre's desks share one): a day's calls need far
# less; a script walking through IINs is stopped (ASVS V2.4.1).
LOOKUP_LIMIT = "20 per minute;200 per hour"


def _operator_key() -> str:
    row = current_row()  # the limit is checked before the access check: read the session row
    return f"operator:{row.subject_id}" if row is not None else get_remote_address()


@bp.after_request
def _private(response: Response) -> Response:
    return no_store(response)  # every answer here names a person's cases


@bp.route("/", methods=["GET", "POST"])
@limiter.limit(LOOKUP_LIMIT, key_func=_operator_key, methods=["POST"])
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
