"""Configuration classes: every setting comes from the environment with a safe default."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def instance_secret(instance_path: str) -> str:
    """A development secret generated once and kept in instance/, so sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


class Config:
    """Settings shared by every environment; read when the app is created, not at import."""

    name = "base"
    TESTING = False
    DEBUG = False
    # Production refuses to start without an explicit SECRET_KEY (see create_app).
    SECRET_KEY_REQUIRED = False

    def __init__(self) -> None:
        self.SECRET_KEY: str | None = _env("SECRET_KEY") or None
        # None means "SQLite file in instance/", resolved by create_app.
        self.DATABASE_URL: str | None = _env("DATABASE_URL") or None
        self.REDIS_URL: str = _env("REDIS_URL")
        self.RATELIMIT_STORAGE_URI: str = _env("RATELIMIT_STORAGE_URI", self.REDIS_URL or "memory://")
        self.CELERY_BROKER_URL: str = _env("CELERY_BROKER_URL", self.REDIS_URL)
        # Without a broker the jobs run in-process: the embedded default needs no extra service.
        self.CELERY_TASK_ALWAYS_EAGER: bool = _flag("CELERY_TASK_ALWAYS_EAGER", not self.CELERY_BROKER_URL)
        self.BABEL_DEFAULT_LOCALE = "kk"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
        self.LANGUAGES = ("kk", "ru", "en")
        self.SIGNERS: str = _env("SIGNERS", "keyfile,mobile")
        self.CA_KEY: str = _env("CA_KEY")
        self.GATEWAY_BACKEND: str = _env("GATEWAY_BACKEND", "simulated")
        # docs/gateway.md: how long a register may take, and a share of calls that time out on
        # purpose (decided per request id, so a test can pin it).
        self.GATEWAY_TIMEOUT_SECONDS: float = float(_env("GATEWAY_TIMEOUT_SECONDS", "5"))
        self.GATEWAY_TIMEOUT_SHARE: float = float(_env("GATEWAY_TIMEOUT_SHARE", "0"))
        self.GATEWAY_SIMULATED_DELAY_MS: int = int(_env("GATEWAY_SIMULATED_DELAY_MS", "0"))
        # The simulated population `flask demo load` generates when there is none.
        self.GATEWAY_SEED: int = int(_env("GATEWAY_SEED", "2026"))
        self.GATEWAY_DEMO_PEOPLE: int = int(_env("GATEWAY_DEMO_PEOPLE", "2000"))
        self.SMS_BACKEND: str = _env("SMS_BACKEND", "outbox")
        self.SHOW_TEST_MARKS: bool = _flag("SHOW_TEST_MARKS", True)
        # Absolute address of the portal, for links that leave the browser (QR codes, SMS).
        self.PUBLIC_BASE_URL: str = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        # How many reverse proxies in front of us set X-Forwarded-*: 0 trusts none of them.
        self.TRUSTED_PROXIES: int = int(_env("TRUSTED_PROXIES", "0"))
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE: bool = _flag("SESSION_COOKIE_SECURE", False)
        self.PERMANENT_SESSION_LIFETIME = int(_env("SESSION_LIFETIME_SECONDS", "1800"))
        self.WTF_CSRF_TIME_LIMIT = 3600
        self.MAX_CONTENT_LENGTH = int(_env("MAX_CONTENT_LENGTH", str(10 * 1024 * 1024)))
        self.HSTS_SECONDS = int(_env("HSTS_SECONDS", "31536000"))
        self.COMPRESS_MIMETYPES = [
            "text/html", "text/css", "application/javascript", "text/javascript",
            "application/json", "image/svg+xml",
        ]
        self.COMPRESS_ALGORITHM = ["br", "gzip"]
        self.COMPRESS_MIN_SIZE = 300
        self.STATIC_MAX_AGE = 31536000
        self.SQLALCHEMY_ECHO = _flag("SQLALCHEMY_ECHO", False)
        self.LOAD_DEMO_DATA: bool = _flag("LOAD_DEMO_DATA", True)
        # A JSON file of decree day transfers the holidays package does not know yet
        # (domain.calendar.load_overrides); empty: the built-in table.
        self.CALENDAR_OVERRIDES: str = _env("CALENDAR_OVERRIDES")

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in dir(self) if k.isupper()}


class DevelopmentConfig(Config):
    name = "development"
    DEBUG = False  # the debugger would run arbitrary code; use FLASK_DEBUG=1 explicitly


class TestConfig(Config):
    __test__ = False  # not a pytest test class
    name = "test"
    TESTING = True

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
        self.DATABASE_URL = "sqlite://"
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.CELERY_TASK_ALWAYS_EAGER = True
        self.CELERY_BROKER_URL = ""
        self.LOAD_DEMO_DATA = False
        self.GATEWAY_DEMO_PEOPLE = 300  # tests that need more ask for it


class ProductionConfig(Config):
    name = "production"
    SECRET_KEY_REQUIRED = True
    # Settings without which production must not start (each has a development default).
    REQUIRED = ("SECRET_KEY", "CA_KEY", "PUBLIC_BASE_URL_ENV")

    def __init__(self) -> None:
        super().__init__()
        self.SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)
        self.LOAD_DEMO_DATA = _flag("LOAD_DEMO_DATA", False)
        self.PUBLIC_BASE_URL_ENV = _env("PUBLIC_BASE_URL")  # QR codes must not point at localhost


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_env() -> Config:
    name = _env("PORTAL_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"PORTAL_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
