"""The staff back office (placeholder page; the back-office issue owns it)."""

from __future__ import annotations

from flask import Blueprint, Response

from portal.web.access import STAFF, allow
from portal.web.htmx import no_store, render

bp = Blueprint("staff", __name__)


@bp.get("/")
@allow(STAFF)
def queue() -> Response:
    return no_store(render("staff/queue.html"))
