"""The portal's application factory: config, extensions, blueprints, errors, CLI."""

from __future__ import annotations

from collections.abc import Callable
from inspect import CO_COROUTINE
from pathlib import Path
from types import FunctionType
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import db, logs
from portal.config import (
    Config,
    config_from_env,
    production_problems,
    require_explicit_environment,
)
from portal.extensions import babel, csrf, limiter
from portal.instance import instance_secret
from portal.services import workdays
from portal.web import (
    access,
    assets,
    compression,
    errors,
    files_origin,
    fragments,
    hosts,
    htmx,
    i18n,
    security,
)
from portal.web.sessions import PortalSessionInterface


class PortalFlask(Flask):
    """Flask, asking a plain function's code flags directly whether it is ``async def``:
    Flask's ``ensure_sync`` runs ``inspect.iscoroutinefunction`` for every hook, view and
    context processor of every request (nineteen on a page), which unwraps and checks more."""

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        if type(func) is FunctionType and "_is_coroutine_marker" not in func.__dict__:
            return self.async_to_sync(func) if func.__code__.co_flags & CO_COROUTINE else func
        return super().ensure_sync(func)


def create_app(config: Config | dict[str, Any] | None = None,
               instance_path: str | None = None) -> Flask:
    app = PortalFlask(__name__, instance_path=instance_path, instance_relative_config=True)
    if not isinstance(config, Config):
        require_explicit_environment()  # gunicorn or Celery with no PORTAL_ENV: refuse
    base = config if isinstance(config, Config) else config_from_env()
    app.config.update(base.as_dict())
    app.config["CONFIG_NAME"] = base.name
    if isinstance(config, dict):
        app.config.update(config)
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)

    missing = [name.removesuffix("_ENV") for name in getattr(base, "REQUIRED", ())
               if not app.config.get(name)]
    if missing:
        raise RuntimeError(f"{', '.join(missing)} must be set in production (PORTAL_ENV=production)")
    if base.name == "production" and (problems := production_problems(app.config)):
        raise RuntimeError("production refuses to start: " + "; ".join(problems))
    # Development keys, generated once into instance/ (production has refused to get here).
    for name, file in (("SECRET_KEY", "secret_key"), ("CA_KEY", "ca_key"),
                       ("AUDIT_CHAIN_KEY", "audit_chain_key"), ("KEYSTORE_KEY", "keystore_key"),
                       ("API_TOKEN_KEY", "api_token_key")):
        if not app.config.get(name):
            app.config[name] = instance_secret(app.instance_path, file)
    logs.init_app(app)  # first: every later hook's log lines carry the request id
    hosts.init_app(app)  # wrapped by ProxyFix below, so it judges the forwarded host
    files_origin.init_app(app)  # the files host serves files only, the portal's host none
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
    compression.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    fragments.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    access.init_app(app)
    app.session_interface = PortalSessionInterface()

    from portal.jobs import init_celery

    init_celery(app)

    from portal import notify

    notify.init_app(app)

    from portal import gateway

    gateway.init_app(app)

    from portal import storage

    storage.init_app(app)

    from portal.views import register_blueprints

    register_blueprints(app)

    from portal.cli import register_cli

    register_cli(app)
    return app
