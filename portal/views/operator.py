"""The 1414 status lookup (placeholder page; the lookup issue owns it)."""

from __future__ import annotations

from flask import Blueprint, Response

from portal.web.access import ANYONE, allow
from portal.web.htmx import render

bp = Blueprint("operator", __name__)


@bp.get("/")
@allow(ANYONE)
def lookup() -> Response:
    return render("operator/lookup.html")
