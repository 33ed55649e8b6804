"""Pages anyone may open: home, status lookup (L10.1), language switch, health check."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, make_response, redirect, request
from flask_limiter import RequestLimit

from portal import db
from portal.db import utcnow
from portal.domain.calendar import to_local
from portal.domain.lookup import normalise_number, parse_factor
from portal.extensions import limiter
from portal.forms.lookup import StatusLookupForm
from portal.services import lookup, readiness
from portal.services.workdays import calendar
from portal.web import ratelimits
from portal.web.access import ANYONE, allow
from portal.web.htmx import no_store, render
from portal.web.i18n import lang_cookie, safe_next

bp = Blueprint("public", __name__)


@bp.get("/")
@allow(ANYONE)
def index() -> Response:
    return render("public/index.html")


@bp.get("/apply")
@allow(ANYONE)
def apply_start() -> Response:
    """The service's start page: who can apply, what the portal fetches, what to attach, cost
    and term (L3.1, L6, L8); "Start now" leads to sign-in and on to the application."""
    return render("public/apply_start.html")


# Per address, and per application number from any address: guessing a second factor for one
# number is slow whoever tries. Shared by every worker through the limiter's storage (Redis).
STATUS_ADDRESS_LIMIT = "10 per minute;60 per hour"
STATUS_NUMBER_LIMIT = "10 per hour"


def _number_key() -> str:
    number = normalise_number(request.form.get("number"))
    return "status-number:" + hashlib.sha256(number.encode()).hexdigest()[:32]


def _status_page(form: StatusLookupForm | None, *, status: int = 200, **context: object) -> Response:
    return no_store(render("public/check_status.html", "public/_status_lookup.html",
                           form=form, status=status, **context))


def _limited(breach: RequestLimit) -> Response:
    """The lookup's own 429: the form again, the time to retry, in the page's language."""
    import datetime as dt

    ratelimits.on_breach(breach)
    retry_at = dt.datetime.fromtimestamp(breach.reset_at, dt.UTC)
    response = _status_page(StatusLookupForm(formdata=None), status=429, retry_at=retry_at)
    response.headers["Retry-After"] = str(max(1, int(breach.reset_at - utcnow().timestamp())))
    return response


@bp.route("/status", methods=["GET", "POST"])
@limiter.limit(STATUS_ADDRESS_LIMIT, methods=["POST"], on_breach=_limited)
@limiter.limit(STATUS_NUMBER_LIMIT, key_func=_number_key, methods=["POST"], on_breach=_limited)
@allow(ANYONE)
def check_status() -> Response:
    """L10.1: an application's status by its number and the applicant's IIN or date of birth,
    sent by POST (never in the URL). An unknown number and a wrong factor answer alike."""
    form = StatusLookupForm()
    if not form.validate_on_submit():
        return _status_page(form, status=422 if form.errors else 200)
    factor = parse_factor(form.factor.data)
    assert factor is not None  # the form checked it
    answer = lookup.status_for(db.session(), normalise_number(form.number.data), factor,
                               cal=calendar(), today=to_local(utcnow()).date())
    # The answer page shows neither what was typed nor whether the number exists; an answer
    # shows no form at all (a link asks for another), so none is built for it.
    blank = StatusLookupForm(formdata=None) if answer is None else None
    return _status_page(blank, answer=answer, failed=answer is None,
                        status=200)


@bp.get("/language/<code>")
@allow(ANYONE)
def set_language(code: str) -> Response:
    """Switch language and come back to the same page (works with JavaScript off)."""
    target = safe_next(request.args.get("next"))
    response = make_response(redirect(target, code=303))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            lang_cookie(), code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True, path="/",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response


@bp.get("/healthz")
@allow(ANYONE)
def health() -> tuple[dict[str, str], int]:
    """Liveness for a load balancer: the process answers. Touches nothing else (a database
    outage must not make every worker look dead and be restarted); readiness is /readyz."""
    return {"status": "ok"}, 200


@bp.get("/readyz")
@allow(ANYONE)
def ready() -> tuple[dict[str, object], int]:
    """Readiness: the database, the rate-limit store and the job broker answer (each one that
    this installation uses). 503 with the failing part named, never an error's text."""
    checks = readiness.check(current_app.config, db.session())
    ok = all(v in {"ok", "not used"} for v in checks.values())
    return {"status": "ready" if ok else "unavailable", "checks": checks}, 200 if ok else 503
