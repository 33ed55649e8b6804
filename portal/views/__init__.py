"""Blueprints by audience: public, auth, citizen, staff, operator, and the signed-in person's own
account; dev pages outside production."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from portal.views import (
        account,
        api,
        auth,
        citizen,
        files,
        operator,
        public,
        sign,
        staff,
        staff_admin,
        verify,
    )

    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp, url_prefix="/sign-in")
    app.register_blueprint(citizen.bp, url_prefix="/cabinet")
    app.register_blueprint(account.bp, url_prefix="/account")
    app.register_blueprint(staff.bp, url_prefix="/staff")
    app.register_blueprint(staff_admin.bp, url_prefix="/staff/admin")
    app.register_blueprint(operator.bp, url_prefix="/operator")
    app.register_blueprint(sign.bp, url_prefix="/sign")
    app.register_blueprint(files.bp, url_prefix="/files")
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    app.register_blueprint(verify.bp, url_prefix="/verify")

    # Development pages (the SMS outbox) exist in development and test only: in production the
    # URLs are not there at all (404), not merely hidden.
    dev_pages = app.config.get("CONFIG_NAME") in {"development", "test"}
    if dev_pages:
        from portal.views import dev

        app.register_blueprint(dev.bp, url_prefix="/dev")
    app.jinja_env.globals["dev_pages"] = dev_pages
