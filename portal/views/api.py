"""The status API (L10.1): ``GET /api/v1/applications/{number}/status`` for systems with a bearer
token, and its OpenAPI 3.1 document. Every error is an RFC 9457 problem."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import get_locale
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException

from portal import db
from portal.api import openapi
from portal.api.problems import problem
from portal.api.tokens import Claims, TokenRefused
from portal.db import utcnow
from portal.domain.calendar import to_local
from portal.domain.lookup import normalise_number, parse_factor
from portal.extensions import csrf, limiter
from portal.services import api_tokens, lookup
from portal.services.workdays import calendar
from portal.web import ratelimits
from portal.web.access import ANYONE, allow
from portal.web.labels import STATUS_LABELS, step_label

log = logging.getLogger("portal.security")
bp = Blueprint("api", __name__)
csrf.exempt(bp)
FACTOR_HEADER = "X-Applicant-Factor"
_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="status", error="invalid_token"'}


def _claims() -> Claims | None:
    """The caller's verified token, once per request (the limiter's key asks first)."""
    if "api_claims" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        claims = None
        if scheme.lower() == "bearer" and token.strip():
            try:
                claims = api_tokens.check(db.session(), token.strip())
            except TokenRefused as refused:
                log.info("api token refused: %s", refused.reason)
        g.api_claims = claims
    result: Claims | None = g.api_claims
    return result


def _system_key() -> str:
    claims = _claims()
    return f"api-system:{claims.system}" if claims else f"api-anonymous:{get_remote_address()}"


def _limit() -> str:
    return str(current_app.config.get("API_RATE_LIMIT", "300 per minute"))


def _limited(breach: RequestLimit) -> Response:
    ratelimits.on_breach(breach)
    seconds = max(1, int(breach.reset_at - utcnow().timestamp()))
    return problem(429, "rate-limited", detail=f"Try again in {seconds} seconds.",
                   headers={"Retry-After": str(seconds)}, retry_after=seconds)


@bp.errorhandler(HTTPException)
def _http_problem(e: HTTPException) -> Response:
    return http_problem(e)


def http_problem(e: HTTPException) -> Response:
    """Any HTTP error under /api/ as a problem (also for paths no route matched)."""
    if e.response is not None and e.response.mimetype == "application/problem+json":
        return e.response  # type: ignore[return-value]
    code = e.code or 500
    headers = {k: v for k, v in e.get_headers() if k.lower() != "content-type"}
    return problem(code, title=e.name, headers=headers)


@bp.get("/openapi.json")
@allow(ANYONE)
def openapi_document() -> Response:
    response = jsonify(openapi.document(current_app.config["PUBLIC_BASE_URL"]))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _json(answer: lookup.StatusAnswer) -> dict[str, Any]:
    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    step = answer.next_step
    issued = answer.notification_issued_on
    return {
        "number": answer.number,
        "stage": {"code": answer.status.value, "label": str(STATUS_LABELS[answer.status])},
        "registered_on": day(answer.registered_on),
        "next_step": None if step is None else {
            "rule": step.rule, "label": step_label(step), "due": step.due.isoformat()},
        "result_due_on": day(answer.result_due_on),
        "decided": answer.decided,
        "notification": None if issued is None else {
            "issued_on": issued.isoformat(), "where": "cabinet" if answer.portal else "handed"},
    }


@bp.get("/applications/<path:number>/status")
@limiter.limit(_limit, key_func=_system_key, on_breach=_limited)
@allow(ANYONE)  # the bearer token is the caller's credential, checked below
def application_status(number: str) -> Response:
    if _claims() is None:
        return problem(401, "unauthorized", headers=_UNAUTHORIZED)
    body = request.get_json(silent=True) if request.is_json else None
    text = request.headers.get(FACTOR_HEADER) or (
        body.get("factor") if isinstance(body, dict) and isinstance(body.get("factor"), str)
        else None)
    factor = parse_factor(text)
    wanted = normalise_number(number)
    if factor is None and wanted and re.match(openapi.FACTOR_PATTERN, text or ""):
        return problem(404, "not-found")  # shaped like a date, but none: it matches nobody
    if factor is None or not wanted:
        return problem(400, "invalid-request", detail=(
            f"Send the application number in the path and the applicant's IIN or date of "
            f"birth in the {FACTOR_HEADER} header."))
    with db.connection() as connection:  # the session's, opened for the token's check
        answer = lookup.status_for(connection, wanted, factor, cal=calendar(),
                                   today=to_local(utcnow()).date())
    if answer is None:
        return problem(404, "not-found")
    response = jsonify(_json(answer))
    response.headers["Cache-Control"] = "no-store"
    # The labels are in the language Accept-Language asked for (web/i18n.py::select_locale).
    response.headers["Content-Language"] = str(get_locale() or "kk")
    response.vary.add("Accept-Language")
    return response
