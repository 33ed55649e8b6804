"""The one place that knows about htmx-flask: page-or-fragment rendering for htmx requests."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, make_response, render_template
from flask import request as flask_request
from htmx_flask import Htmx

htmx = Htmx()


def init_app(app: Flask) -> None:
    htmx.init_app(app)


def is_htmx() -> bool:
    return bool(getattr(flask_request, "htmx", False))


def render(page: str, fragment: str | None = None, *, status: int = 200, **context: Any) -> Response:
    """Render the full page, or only its fragment when htmx asks (CONVENTIONS: one URL, two views)."""
    htmx_request = is_htmx() and fragment is not None and not getattr(
        flask_request, "htmx"
    ).history_restore_request
    template = fragment if htmx_request and fragment else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
