"""The portal's application factory: config, extensions, blueprints, errors, CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, session
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import assets, db, errors, htmx, i18n, security
from portal.config import Config, config_from_env, instance_secret
from portal.extensions import babel, compress, csrf, limiter
from portal.services import workdays


def create_app(config: Config | dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    base = config if isinstance(config, Config) else config_from_env()
    app.config.update(base.as_dict())
    app.config["CONFIG_NAME"] = base.name
    if isinstance(config, dict):
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    missing = [name.removesuffix("_ENV") for name in getattr(base, "REQUIRED", ())
               if not app.config.get(name)]
    if missing:
        raise RuntimeError(f"{', '.join(missing)} must be set in production (PORTAL_ENV=production)")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(app.instance_path)
    if app.config["TRUSTED_PROXIES"] > 0:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
    url = app.config.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'portal.db'}"
    app.config["DATABASE_URL"] = db.normalise_url(url)

    db.init_app(app, app.config["DATABASE_URL"])
    workdays.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   default_translation_directories="translations")
    compress.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)

    from portal.jobs import init_celery

    init_celery(app)

    from portal import gateway

    gateway.init_app(app)

    @app.before_request
    def _sessions_expire() -> None:
        # Sessions end after SESSION_LIFETIME_SECONDS without a request (refreshed on each one).
        session.permanent = True

    from portal.views import register_blueprints

    register_blueprints(app)

    from portal.cli import register_cli

    register_cli(app)
    return app
