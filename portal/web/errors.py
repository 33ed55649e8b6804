"""Error pages in the user's language; no request ends in a bare 500."""

from __future__ import annotations

import datetime as dt
import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

log = logging.getLogger(__name__)

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
    def unexpected(e: Exception) -> tuple[str, int] | Response:
        # Log the type and place only: the message may carry personal data.
        log.error("unhandled %s", type(e).__name__, exc_info=app.debug or app.testing)
        if request.path.startswith("/api/"):
            from portal.api.problems import problem

            return problem(500, "server-error")
        return render_template("errors/error.html", code=500), InternalServerError.code
