"""The citizen's personal cabinet (placeholder page; the citizen-journey issue owns it)."""

from __future__ import annotations

from flask import Blueprint, Response

from portal.web.access import CITIZEN, allow
from portal.web.htmx import no_store, render

bp = Blueprint("citizen", __name__)


@bp.get("/")
@allow(CITIZEN)
def cabinet() -> Response:
    return no_store(render("citizen/cabinet.html"))


from portal.views.citizen import apply, apply_sign  # noqa: E402,F401  (routes on bp)
