"""The staff back office (placeholder page; the back-office issue owns it)."""

from __future__ import annotations

from flask import Blueprint, Response

from portal.web.access import STAFF, allow
from portal.web.htmx import render

bp = Blueprint("staff", __name__)


@bp.get("/")
@allow(STAFF)
def queue() -> Response:
    response = render("staff/queue.html")
    response.headers["Cache-Control"] = "no-store"
    return response
