"""The one place that knows about htmx-flask: page-or-fragment rendering for htmx requests."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, TypeVar

from flask import Flask, Response, make_response, redirect, render_template
from htmx_flask import Htmx
from htmx_flask import request as htmx_request
from werkzeug.wrappers import Response as BaseResponse

htmx = Htmx()


def init_app(app: Flask) -> None:
    htmx.init_app(app)


def is_htmx() -> bool:
    """True for a request htmx made for a fragment; history restores and boosted links need the
    whole page."""
    headers = htmx_request.htmx
    return bool(headers) and not headers.history_restore_request and not headers.boosted


def redirect_after_post(location: str) -> BaseResponse:
    """After a successful POST: a 303 for a plain form, an HX-Redirect for htmx (which would
    otherwise swap the next page into the element that posted)."""
    if is_htmx():
        response: BaseResponse = make_response("", 200)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)


R = TypeVar("R", bound=BaseResponse)


def no_store(response: R) -> R:
    """Pages with personal data or secrets: never kept by a browser or a shared cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def render(page: str, fragment: str | None = None, *, status: int = 200, **context: Any) -> Response:
    """Render the full page, or only its fragment when htmx asks (one URL, two views)."""
    template = fragment if fragment is not None and is_htmx() else page
    return respond(render_template(template, **context), status)


def respond(html: str, status: int = 200) -> Response:
    """An HTML answer that differs for htmx (Vary: HX-Request)."""
    return Response(html, status, {"Vary": "HX-Request"}, mimetype="text/html")


def render_kept(page: str, *key: Hashable, status: int = 200, **context: Any) -> Response:
    """:func:`render` of a page that is the same for every anonymous visitor in a language (and
    ``key``): rendered once and kept (portal/web/fragments.py), this request's nonce and CSRF
    token filled in. ``context`` must be determined by ``key``."""
    from portal.web import fragments

    return respond(fragments.page(page, *key, **context), status)
