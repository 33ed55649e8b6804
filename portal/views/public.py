"""Pages anyone may open: home, language switch, health check."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, make_response, redirect, request
from sqlalchemy import text

from portal import db
from portal.web.access import ANYONE, allow
from portal.web.htmx import render
from portal.web.i18n import lang_cookie, safe_next

bp = Blueprint("public", __name__)


@bp.get("/")
@allow(ANYONE)
def index() -> Response:
    return render("public/index.html")


@bp.get("/apply")
@allow(ANYONE)
def apply_start() -> Response:
    """The service's start page: who can apply, what the portal fetches, what to attach, cost
    and term (L3.1, L6, L8); "Start now" leads to sign-in and on to the application."""
    return render("public/apply_start.html")


@bp.get("/language/<code>")
@allow(ANYONE)
def set_language(code: str) -> Response:
    """Switch language and come back to the same page (works with JavaScript off)."""
    target = safe_next(request.args.get("next"))
    response = make_response(redirect(target, code=303))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            lang_cookie(), code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True, path="/",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response


@bp.get("/healthz")
@allow(ANYONE)
def health() -> tuple[dict[str, str], int]:
    try:
        db.session().execute(text("SELECT 1"))
    except Exception:  # any database failure means "not ready"
        return {"status": "unavailable"}, 503
    return {"status": "ok"}, 200
