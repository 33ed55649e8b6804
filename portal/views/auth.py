"""Sign-in for citizens and staff (placeholder page; the citizen-journey issue owns it)."""

from __future__ import annotations

from flask import Blueprint, Response

from portal.web.htmx import render

bp = Blueprint("auth", __name__)


@bp.get("/")
def sign_in() -> Response:
    return render("auth/sign_in.html")
