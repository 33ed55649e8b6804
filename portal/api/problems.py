"""RFC 9457 problem details: every error of the API as ``application/problem+json``."""

from __future__ import annotations

from typing import Any, Final

from flask import Response, current_app, json

MEDIA_TYPE: Final = "application/problem+json"
# Our problem types; a plain HTTP error (a 404 for an unknown path, a 405) is ``about:blank``.
TYPES: Final = {
    "unauthorized": "Bearer token missing, unknown, expired, revoked or not valid",
    "invalid-request": "The request is not valid",
    "not-found": "No application with this number and this second factor",
    "rate-limited": "Too many requests",
    "server-error": "Something went wrong on our side",
    "unavailable": "The service is briefly unavailable",
}


def type_uri(slug: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/api/v1/problems/{slug}"


def problem(status: int, slug: str | None = None, *, title: str | None = None,
            detail: str | None = None, headers: dict[str, str] | None = None,
            **extra: Any) -> Response:
    body: dict[str, Any] = {
        "type": type_uri(slug) if slug else "about:blank",
        "title": title or (TYPES[slug] if slug else "Error"),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
