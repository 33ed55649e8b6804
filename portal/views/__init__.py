"""Blueprints by audience: public, auth, citizen, staff, operator."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from portal.views import auth, citizen, operator, public, sign, staff

    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp, url_prefix="/sign-in")
    app.register_blueprint(citizen.bp, url_prefix="/cabinet")
    app.register_blueprint(staff.bp, url_prefix="/staff")
    app.register_blueprint(operator.bp, url_prefix="/operator")
    app.register_blueprint(sign.bp, url_prefix="/sign")
