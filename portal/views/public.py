"""Pages anyone may open: home, status lookup (L10.1), language switch, health check."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
)
from flask_limiter import RequestLimit
from markupsafe import Markup, escape

from portal import db
from portal.db import utcnow
from portal.domain.calendar import to_local
from portal.domain.lookup import Factor, normalise_number, parse_factor
from portal.extensions import limiter
from portal.forms.lookup import FACTOR_LENGTH, NUMBER_LENGTH, StatusLookupForm
from portal.services import lookup, readiness
from portal.services.lookup import StatusAnswer
from portal.services.workdays import calendar
from portal.web import fragments, ratelimits
from portal.web.access import ANYONE, allow
from portal.web.due import due_date
from portal.web.htmx import is_htmx, no_store, render_kept, respond
from portal.web.i18n import lang_cookie, local_date, safe_next
from portal.web.labels import step_label

bp = Blueprint("public", __name__)


@bp.get("/")
@allow(ANYONE)
def index() -> Response:
    return render_kept("public/index.html")


@bp.get("/apply")
@allow(ANYONE)
def apply_start() -> Response:
    """The service's start page: who can apply, what the portal fetches, what to attach, cost
    and term (L3.1, L6, L8); "Start now" leads to sign-in and on to the application."""
    return render_kept("public/apply_start.html")


# Per address, and per application number from any address: guessing a second factor for one
# number is slow whoever tries. Shared by every worker through the limiter's storage (Redis).
STATUS_ADDRESS_LIMIT = "10 per minute;60 per hour"
STATUS_NUMBER_LIMIT = "10 per hour"


def _number_key() -> str:
    number = normalise_number(request.form.get("number"))
    return "status-number:" + hashlib.sha256(number.encode()).hexdigest()[:32]


def _status_page(block: str, *, status: int = 200, failed: bool = False) -> Response:
    """The lookup page around ``block`` (its form or answer); only the block for htmx, which
    swaps it in place of the form. ``failed``: the title says "Error:"."""
    if is_htmx():
        return no_store(respond(block, status))
    return no_store(render_kept("public/check_status.html", failed, slot=block, failed=failed,
                                status=status))


def _form_block(form: StatusLookupForm, **context: object) -> str:
    return render_template("public/_status_lookup.html", form=form, **context)


def _blank_form(*, failed: bool = False) -> str:
    """The empty form (after a miss, under the miss's message): the same for everyone in one
    language but for the CSRF token, so kept rendered (portal/web/fragments.py)."""
    return fragments.kept("status-form", failed, make=lambda: _form_block(
        StatusLookupForm(formdata=None), failed=failed))


def _limited(breach: RequestLimit) -> Response:
    """The lookup's own 429: the form again, the time to retry, in the page's language."""
    import datetime as dt

    ratelimits.on_breach(breach)
    retry_at = dt.datetime.fromtimestamp(breach.reset_at, dt.UTC)
    response = _status_page(_form_block(StatusLookupForm(formdata=None), retry_at=retry_at),
                            status=429)
    response.headers["Retry-After"] = str(max(1, int(breach.reset_at - utcnow().timestamp())))
    return response


def valid_fields(form: Mapping[str, str]) -> tuple[str, Factor] | None:
    """The number and the second factor when both pass StatusLookupForm's checks (stripped, not
    empty, not too long, of the right shape), else None: then the form itself is built to say
    what is wrong, in its own words. The form's CSRF field needs no check here: CSRFProtect
    refused a POST without a valid token before the view ran."""
    number_text = (form.get("number") or "").strip()
    factor_text = (form.get("factor") or "").strip()
    if len(number_text) > NUMBER_LENGTH or len(factor_text) > FACTOR_LENGTH:
        return None
    number, factor = normalise_number(number_text), parse_factor(factor_text)
    return (number, factor) if number and factor is not None else None


@bp.route("/status", methods=["GET", "POST"])
@limiter.limit(STATUS_ADDRESS_LIMIT, methods=["POST"], on_breach=_limited)
@limiter.limit(STATUS_NUMBER_LIMIT, key_func=_number_key, methods=["POST"], on_breach=_limited)
@allow(ANYONE)
def check_status() -> Response:
    """L10.1: an application's status by its number and the applicant's IIN or date of birth,
    sent by POST (never in the URL). An unknown number and a wrong factor answer alike."""
    if request.method != "POST":
        return _status_page(_blank_form())
    fields = valid_fields(request.form)
    if fields is None:  # the form says what is wrong (422), in the words it always has
        form = StatusLookupForm()
        if not form.validate_on_submit():
            return _status_page(_form_block(form), status=422, failed=True)
        factor = parse_factor(form.factor.data)
        assert factor is not None  # the form checked it
        fields = normalise_number(form.number.data), factor
    number, factor = fields
    with db.connection() as connection:  # no ORM session: plain columns (services/lookup.py)
        answer = lookup.status_for(connection, number, factor, cal=calendar(),
                                   today=to_local(utcnow()).date())
    # The answer page shows neither what was typed nor whether the number exists; an answer
    # shows no form at all (a link asks for another).
    if answer is None:
        return _status_page(_blank_form(failed=True), failed=True)
    return _status_page(answer_block(answer))


def answer_facts(answer: StatusAnswer) -> tuple[dict[str, Markup], tuple[bool, bool]]:
    """What the answer states, as the page writes it (escaped markup, by name), and its two
    flags (made on the portal; decided)."""
    filters = current_app.jinja_env.filters
    facts = {"number": escape(answer.number),
             "stage": escape(filters["status_label"](answer.status.value))}
    if answer.registered_on:
        facts["registered_on"] = escape(local_date(answer.registered_on))
    if answer.next_step:
        facts["next_step"] = escape(step_label(answer.next_step))
        facts["next_due"] = due_date(answer.next_step)
    if answer.result_due_on and not answer.notification_issued_on:
        facts["result_due_on"] = due_date(answer.result_due_on)
    if answer.notification_issued_on:
        facts["notification_issued_on"] = escape(local_date(answer.notification_issued_on))
    return facts, (answer.portal, answer.decided)


def answer_block(answer: StatusAnswer) -> str:
    """The answer's markup. Its wording depends only on the language and on which facts it
    states, so it is rendered once per language and shape and this case's facts are filled in
    (fragments.with_facts): the rendering was a fifth of the lookup's time. No answer is kept."""
    facts, (portal, decided) = answer_facts(answer)
    return fragments.with_facts("status-answer", facts, portal, decided, make=lambda shown: (
        render_template("public/_status_lookup.html",
                        answer={**shown, "portal": portal, "decided": decided})))


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
