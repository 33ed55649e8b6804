"""Error pages in the user's language; no request ends in a bare 500."""

from __future__ import annotations

import datetime as dt
import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable
from werkzeug.wrappers import Response

log = logging.getLogger(__name__)

# How long a person or system is asked to wait when the database cannot be reached: a restart or
# fail-over of PostgreSQL takes seconds, and the pools reconnect by themselves (pool_pre_ping).
UNAVAILABLE_RETRY_SECONDS = 30


def database_unavailable(e: BaseException) -> bool:
    """Whether ``e`` says the database could not answer now (down, restarting, its connection
    cut, every pooled connection busy, a lock not granted in time) rather than that the request
    or the code is wrong: such a request may simply be tried again."""
    if isinstance(e, OperationalError | InterfaceError | PoolTimeout):
        return True
    return isinstance(e, DBAPIError) and e.connection_invalidated


def _forget_transaction() -> None:
    """The failed transaction is rolled back before the error page is made, so that nothing the
    page renders meets a session that waits for a rollback."""
    from portal import db

    try:
        db.session().rollback()
    except Exception:  # the connection may be gone; the page must still render
        log.debug("rollback after a database error failed")


def _retry_at() -> dt.datetime | None:
    """When the limit that refused this request lets the next one through."""
    from portal.extensions import limiter

    current = limiter.current_limit
    return dt.datetime.fromtimestamp(current.reset_at, dt.UTC) if current is not None else None


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_e: CSRFError) -> tuple[str, int]:
        return render_template("errors/error.html", code=400, csrf=True), 400

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> tuple[str, int, list[tuple[str, str]]] | Response:
        if e.code is None or e.code < 400:
            return e.get_response()
        if e.response is not None:  # a view's own answer (the status lookup's 429)
            return e.response  # type: ignore[return-value]
        if request.path.startswith("/api/"):  # even where no API route matched: a problem
            from portal.views.api import http_problem

            return http_problem(e)
        if e.code == 405 and request.method in {"GET", "HEAD"}:
            # A reloaded or bookmarked POST-only address: on to the page, not a dead end.
            from flask import redirect

            from portal.web.post_only import landing

            return redirect(landing(), code=303)
        headers = [(k, v) for k, v in e.get_headers() if k.lower() != "content-type"]
        retry_at = _retry_at() if e.code == 429 else None
        if retry_at is not None:
            wait = max(1, int((retry_at - dt.datetime.now(dt.UTC)).total_seconds()))
            headers.append(("Retry-After", str(wait)))
        return render_template("errors/error.html", code=e.code,
                               retry_at=retry_at), e.code, headers

    @app.errorhandler(Exception)
    def unexpected(e: Exception) -> tuple[str, int] | tuple[str, int, list[tuple[str, str]]] | Response:
        if database_unavailable(e):
            return unavailable(e)
        # Log the type and place only: the message may carry personal data.
        log.error("unhandled %s", type(e).__name__, exc_info=app.debug or app.testing)
        if request.path.startswith("/api/"):
            from portal.api.problems import problem

            return problem(500, "server-error")
        return render_template("errors/error.html", code=500), InternalServerError.code


def unavailable(e: Exception) -> tuple[str, int, list[tuple[str, str]]] | Response:
    """503 with Retry-After while the database cannot answer: a person is told that this attempt
    saved nothing and to try again in a minute (what they saved before is in the database), a
    system gets a problem document. Logged as an error by type only."""
    log.error("database unavailable: %s", type(e).__name__)
    _forget_transaction()
    retry = str(UNAVAILABLE_RETRY_SECONDS)
    if request.path.startswith("/api/"):
        from portal.api.problems import problem

        return problem(503, "unavailable", detail=f"Try again in {retry} seconds.",
                       headers={"Retry-After": retry}, retry_after=UNAVAILABLE_RETRY_SECONDS)
    page = render_template("errors/error.html", code=ServiceUnavailable.code)
    return page, ServiceUnavailable.code, [("Retry-After", retry)]
