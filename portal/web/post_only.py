"""A GET on a URL that only takes a POST (a reloaded or bookmarked signing or action address):
send the person on to a page, not to a bare 405.

The page they came from when the browser says so (same site only), else the step's own page: a
few POST-only addresses name it (:data:`STEP_PAGES`), the rest go to the nearest address above
them that answers a GET (``…/objection/sign`` → ``…/objection``, ``/staff/cases/<n>/actions/x`` →
``/staff/cases/<n>``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, url_for
from werkzeug.exceptions import HTTPException

# The POST-only endpoint → the page of its step, where the parent address is not that page.
STEP_PAGES = {
    "citizen.complete_signing": "citizen.check_answers",  # signing F1-1 starts on "Check"
    "staff.decision_complete": "staff.decision_sign",  # the F5 as it will be signed
}
# Pages a GET must not land on by walking up: a file download is not where a person was.
NOT_LANDINGS = frozenset({"files.show_file"})


def _get_endpoint(path: str) -> str | None:
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _args = adapter.match(path, method="GET")
    except HTTPException:  # not found, a 405, or a redirect (a slash added): not a page
        return None
    return str(endpoint)


def _from_referrer() -> str | None:
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if (
        parts.netloc != request.host
        or not parts.path.startswith("/")
        or parts.path.startswith("//")
        or parts.path == request.path
    ):
        return None
    if _get_endpoint(parts.path) in (None, *NOT_LANDINGS):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _step_page() -> str | None:
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, args = adapter.match(request.path, method="POST")
    except HTTPException:
        return None
    target = STEP_PAGES.get(str(endpoint))
    return url_for(target, **args) if target else None


def _above() -> str:
    parts = request.path.rstrip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        path = "/".join(parts) or "/"
        for candidate in (path, path + "/"):
            if _get_endpoint(candidate) not in (None, *NOT_LANDINGS):
                return candidate
    return "/"


def landing() -> str:
    """Where a GET on this POST-only address goes (a same-site path)."""
    return _from_referrer() or _step_page() or _above()
