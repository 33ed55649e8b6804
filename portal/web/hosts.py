"""Pinned host names: a request for any other Host (or trusted X-Forwarded-Host) gets a 400.

Flask's own TRUSTED_HOSTS check fails while the request context is being built, before there is
a URL adapter, so the error page itself could not be rendered (a 500). This middleware runs
first: it swaps an untrusted host for our public one, so the page renders normally, and marks
the request, which a before_request hook then refuses. The untrusted name never reaches a URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask, abort, request
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.wsgi import get_host

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

MARK = "portal.untrusted_host"


class PinnedHosts:
    def __init__(self, app: WSGIApplication, trusted: list[str]) -> None:
        self.app = app
        self.trusted = trusted

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        host = get_host(environ)  # after ProxyFix: the forwarded host when proxies are trusted
        if not host_is_trusted(host, self.trusted):
            environ[MARK] = True
            environ["HTTP_HOST"] = self.trusted[0]
        return self.app(environ, start_response)


def init_app(app: Flask) -> None:
    trusted: list[str] = app.config.get("TRUSTED_HOSTS") or []
    if not trusted:
        return  # nothing pinned (a development set-up without any host name)
    app.wsgi_app = PinnedHosts(app.wsgi_app, trusted)  # type: ignore[method-assign]

    def refuse_untrusted_host() -> Any:
        if request.environ.get(MARK):
            abort(400)
        return None

    # First of all hooks: before rate limiting, CSRF or anything that would do work for it.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_untrusted_host)
