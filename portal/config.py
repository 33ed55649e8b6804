"""Configuration classes: every setting comes from the environment with a safe default."""

from __future__ import annotations

import ipaddress
import os
import zlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

from portal.instance import instance_secret

__all__ = ["CONFIGS", "Config", "config_from_env", "instance_secret", "production_problems"]


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment; read when the app is created, not at import."""

    name = "base"
    TESTING = False
    DEBUG = False
    # Production refuses to start without an explicit SECRET_KEY (see create_app).
    SECRET_KEY_REQUIRED = False

    def __init__(self) -> None:
        self.SECRET_KEY: str | None = _env("SECRET_KEY") or None
        # Previous SECRET_KEYs (comma-separated) whose session cookies are still honoured, for
        # one session lifetime after a rotation (docs/operations.md, Key rotation). New cookies
        # are signed with SECRET_KEY only.
        self.SECRET_KEY_FALLBACKS: list[str] = [
            k.strip() for k in _env("SECRET_KEY_FALLBACKS").split(",") if k.strip()]
        # None means "SQLite file in instance/", resolved by create_app.
        self.DATABASE_URL: str | None = _env("DATABASE_URL") or None
        self.REDIS_URL: str = _env("REDIS_URL")
        self.RATELIMIT_STORAGE_URI: str = _env("RATELIMIT_STORAGE_URI", self.REDIS_URL or "memory://")
        # Installations sharing one Redis keep their counters apart by a prefix.
        self.RATELIMIT_KEY_PREFIX: str = _env("RATELIMIT_KEY_PREFIX")
        # Off only for load benchmarks from one address (bench/http.py); production refuses it.
        self.RATELIMIT_ENABLED: bool = _flag("RATELIMIT_ENABLED", True)
        self.API_RATE_LIMIT: str = _env("API_RATE_LIMIT", "300 per minute")
        self.CELERY_BROKER_URL: str = _env("CELERY_BROKER_URL", self.REDIS_URL)
        # Without a broker the jobs run in-process: the embedded default needs no extra service.
        self.CELERY_TASK_ALWAYS_EAGER: bool = _flag("CELERY_TASK_ALWAYS_EAGER", not self.CELERY_BROKER_URL)
        self.BABEL_DEFAULT_LOCALE = "kk"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Almaty"
        self.LANGUAGES = ("kk", "ru", "en")
        self.SIGNERS: str = _env("SIGNERS", "keyfile,mobile,sms")
        self.CA_KEY: str = _env("CA_KEY")
        # Key-encryption key for the signers' key stores; kept outside the database (item 3).
        self.KEYSTORE_KEY: str = _env("KEYSTORE_KEY")
        # Keys the audit chain's HMAC; kept outside the database so its owner cannot re-key it.
        self.AUDIT_CHAIN_KEY: str = _env("AUDIT_CHAIN_KEY")
        # Signs the status API's bearer tokens (HS256); the issuer they name (default: the
        # public address).
        self.API_TOKEN_KEY: str = _env("API_TOKEN_KEY")
        self.API_TOKEN_ISSUER: str = _env("API_TOKEN_ISSUER")
        # Keys tokens were signed with before API_TOKEN_KEY, still honoured while listed
        # (comma-separated; docs/operations.md, Key rotation): rotation without downtime.
        self.API_TOKEN_PREVIOUS_KEYS: list[str] = [
            k.strip() for k in _env("API_TOKEN_PREVIOUS_KEYS").split(",") if k.strip()]
        # Where `flask audit anchor` appends the chain's tip (None: instance/audit-anchors).
        self.AUDIT_ANCHOR_DIR: str | None = _env("AUDIT_ANCHOR_DIR") or None
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
        # Logs: "json" (one object a line, with the request id; production's default) or "text".
        self.LOG_FORMAT: str = _env("LOG_FORMAT", "json" if self.name == "production" else "text")
        self.LOG_LEVEL: str = _env("LOG_LEVEL", "INFO")
        # Retries of a failed SMS: waits of BACKOFF, 2×, 4×… seconds, capped (docs/notify.md).
        self.SMS_MAX_ATTEMPTS: int = int(_env("SMS_MAX_ATTEMPTS", "6"))
        self.SMS_RETRY_BACKOFF_SECONDS: float = float(_env("SMS_RETRY_BACKOFF_SECONDS", "30"))
        self.SMS_RETRY_BACKOFF_MAX_SECONDS: float = float(_env("SMS_RETRY_BACKOFF_MAX_SECONDS", "1800"))
        self.SHOW_TEST_MARKS: bool = _flag("SHOW_TEST_MARKS", True)
        # Absolute address of the portal, for links that leave the browser (QR codes, SMS).
        self.PUBLIC_BASE_URL: str = _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        # How many reverse proxies in front of us set X-Forwarded-*: 0 trusts none of them.
        self.TRUSTED_PROXIES: int = int(_env("TRUSTED_PROXIES", "0"))
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE: bool = _flag("SESSION_COOKIE_SECURE", False)
        self.PERMANENT_SESSION_LIFETIME = int(_env("SESSION_LIFETIME_SECONDS", "1800"))
        # How long a first password an administrator issued to a staff member signs in (ASVS 6.4.1).
        self.STAFF_FIRST_PASSWORD_HOURS: int = int(_env("STAFF_FIRST_PASSWORD_HOURS", "72"))
        self.WTF_CSRF_TIME_LIMIT = 3600
        # Uploaded files (docs/files.md): where they are kept, and how big one may be.
        self.STORAGE_BACKEND: str = _env("STORAGE_BACKEND", "local")
        self.STORAGE_PATH: str | None = _env("STORAGE_PATH") or None  # None: instance/files
        self.UPLOAD_MAX_BYTES: int = int(_env("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
        self.UPLOAD_MAX_FILES: int = int(_env("UPLOAD_MAX_FILES", "5"))  # in one request
        # A request may carry UPLOAD_MAX_FILES files of the largest size and the form around them;
        # anything bigger is refused with a 413 page before it is read.
        self.MAX_CONTENT_LENGTH = int(_env(
            "MAX_CONTENT_LENGTH", str(self.UPLOAD_MAX_BYTES * self.UPLOAD_MAX_FILES + 1024 * 1024)))
        # Antivirus scanning of every upload (docs/files.md): "clamd" (a ClamAV daemon at
        # CLAMD_ADDRESS, tcp://host:3310 or unix:///run/clamav/clamd.ctl) or "test" (the EICAR
        # string only, for development and the demo). Empty: clamd when an address is set.
        self.UPLOAD_SCANNER: str = _env("UPLOAD_SCANNER")
        self.CLAMD_ADDRESS: str = _env("CLAMD_ADDRESS")
        self.CLAMD_TIMEOUT_SECONDS: float = float(_env("CLAMD_TIMEOUT_SECONDS", "10"))
        # When the scanner cannot answer: refuse the file ("try again later"; production) or
        # keep it unscanned with a warning in the log (development).
        self.UPLOAD_SCAN_REQUIRED: bool = _flag("UPLOAD_SCAN_REQUIRED", False)
        # A separate origin for uploaded files (https://files.example.kz): the portal checks
        # access and redirects to it with a token valid FILES_TOKEN_MINUTES; empty: served here.
        self.FILES_ORIGIN: str = _env("FILES_ORIGIN").rstrip("/")
        self.FILES_TOKEN_MINUTES: int = int(_env("FILES_TOKEN_MINUTES", "5"))
        # Production wants FILES_ORIGIN (ASVS 3.5.4); this flag says the operator accepts files
        # served from the portal's own origin (as attachments with a sandbox CSP) instead.
        self.FILES_ON_PORTAL_ORIGIN_ACCEPTED: bool = _flag("FILES_ON_PORTAL_ORIGIN_ACCEPTED", False)
        # Production wants TLS with a verified certificate to every database or Redis on another
        # host (ASVS 12.3.1, 12.3.2): sslmode=verify-full, rediss://. This flag says the operator
        # accepts plain connections (e.g. a private link the operator encrypts otherwise).
        self.PLAIN_BACKENDS_ACCEPTED: bool = _flag("PLAIN_BACKENDS_ACCEPTED", False)
        # Sent with every sign-out (ASVS 14.3.1). "cookies" reaches the whole registrable domain
        # (every *.example.kz): a portal under a shared domain sets '"cache", "storage"'.
        self.CLEAR_SITE_DATA: str = _env("CLEAR_SITE_DATA", '"cache", "cookies", "storage"')
        # Retention periods (docs/operations.md, Retention): `flask retention purge --dry-run`
        # lists what is past them. The case file's period has no default: the archive list sets it.
        self.RETENTION_CASE_YEARS: str = _env("RETENTION_CASE_YEARS")
        self.RETENTION_DRAFT_DAYS: int = int(_env("RETENTION_DRAFT_DAYS", "180"))
        self.RETENTION_SESSION_DAYS: int = int(_env("RETENTION_SESSION_DAYS", "90"))
        self.RETENTION_SMS_DAYS: int = int(_env("RETENTION_SMS_DAYS", "180"))
        # Fonts for PDFs with every Kazakh letter (Debian package fonts-dejavu-core).
        self.PDF_FONT_DIR: str = _env("PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
        # A kept PDF not read for this many days is deleted (documents/cache.py, sweep): nightly
        # by Celery beat, or `flask documents sweep-pdfs`; the next request makes it again.
        self.PDF_CACHE_DAYS: int = int(_env("PDF_CACHE_DAYS", "30"))
        self.HSTS_SECONDS = int(_env("HSTS_SECONDS", "31536000"))
        self.COMPRESS_MIMETYPES = [
            "text/html", "text/css", "application/javascript", "text/javascript",
            "application/json", "image/svg+xml",
        ]
        self.COMPRESS_ALGORITHM = ["br", "gzip"]
        # Brotli 3, not Flask-Compress's 4: a third of the CPU per page for about 5 % more bytes
        # (home page 2.6 KB instead of 2.5 KB); every HTML response pays it.
        self.COMPRESS_BR_LEVEL = 3
        self.COMPRESS_MIN_SIZE = 300
        self.STATIC_MAX_AGE = 31536000
        self.SQLALCHEMY_ECHO = _flag("SQLALCHEMY_ECHO", False)
        self.LOAD_DEMO_DATA: bool = _flag("LOAD_DEMO_DATA", True)
        # A JSON file of decree day transfers the holidays package does not know yet
        # (domain.calendar.load_overrides); empty: the built-in table.
        self.CALENDAR_OVERRIDES: str = _env("CALENDAR_OVERRIDES")
        # How long a worker trusts its copy of the administrators' calendar override table
        # before reading it again (seconds): every worker sees a change within this time.
        self.CALENDAR_CACHE_SECONDS: float = float(_env("CALENDAR_CACHE_SECONDS", "10"))
        self._derive()

    def _derive(self) -> None:
        """Settings that follow from others; run again when a subclass changes those."""
        # __Host- cookies are Secure, host-only and Path=/; browsers refuse them over plain HTTP.
        prefix = "__Host-" if self.SESSION_COOKIE_SECURE else ""
        self.SESSION_COOKIE_NAME = f"{prefix}session"
        self.LANG_COOKIE_NAME = f"{prefix}lang"
        self.SESSION_COOKIE_PATH = "/"
        self.SESSION_COOKIE_DOMAIN = None
        # Host names we answer to; any other Host (or X-Forwarded-Host) gets a 400, so it never
        # ends up in an absolute redirect.
        hosts = [h.strip() for h in _env("TRUSTED_HOSTS").split(",") if h.strip()]
        if not hosts:
            public = urlsplit(self.PUBLIC_BASE_URL).hostname
            hosts = [public] if public else []
            if self.name != "production":
                hosts += ["localhost", "127.0.0.1"]
        files_host = urlsplit(self.FILES_ORIGIN).hostname if self.FILES_ORIGIN else None
        if files_host:
            hosts.append(files_host)  # the files origin is served by the same app
        self.TRUSTED_HOSTS: list[str] = list(dict.fromkeys(hosts))

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
        self.AUDIT_CHAIN_KEY = "test-audit-chain-key-not-for-production"
        self.API_TOKEN_KEY = "test-api-token-key-not-for-production"  # noqa: S105
        self.CA_KEY = "test-ca-key-not-for-production"
        self.KEYSTORE_KEY = "test-keystore-key-not-for-production"
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
    REQUIRED = ("SECRET_KEY", "CA_KEY", "KEYSTORE_KEY", "AUDIT_CHAIN_KEY", "API_TOKEN_KEY",
                "PUBLIC_BASE_URL_ENV")

    def __init__(self) -> None:
        super().__init__()
        self.SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)
        self.LOAD_DEMO_DATA = _flag("LOAD_DEMO_DATA", False)
        self.PUBLIC_BASE_URL_ENV = _env("PUBLIC_BASE_URL")  # QR codes must not point at localhost
        self.UPLOAD_SCAN_REQUIRED = _flag("UPLOAD_SCAN_REQUIRED", True)  # fail closed
        self.UPLOAD_SCANNER = _env("UPLOAD_SCANNER", "clamd")
        self._derive()


# Secrets production checks for length and variety.
SECRETS = ("SECRET_KEY", "CA_KEY", "AUDIT_CHAIN_KEY", "KEYSTORE_KEY", "API_TOKEN_KEY")
MIN_SECRET_LENGTH = 32


def weak_secret(value: str) -> bool:
    """Too short, too few different characters, or a repeated pattern (it compresses well).

    Not a proof of randomness, only a guard against placeholders such as `a` or `changeme…`;
    `python -c 'import secrets; print(secrets.token_urlsafe(48))'` passes easily."""
    if len(value) < MIN_SECRET_LENGTH or len(set(value)) < 10:
        return True
    return len(zlib.compress(value.encode(), 9)) < 0.6 * len(value)


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def _database_without_tls(url: str) -> bool:
    """A PostgreSQL URL to another host without sslmode=verify-full (TLS that checks the
    server's certificate and name). SQLite and unix sockets travel no network."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return False
    query = parse_qs(parts.query)
    host = parts.hostname or "".join(query.get("host", []))
    if not host or host.startswith("/") or _loopback(host):
        return False
    return query.get("sslmode") != ["verify-full"]


def _redis_without_tls(url: str) -> bool:
    """A Redis URL to another host without rediss:// or with its certificate check turned off."""
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname or _loopback(parts.hostname):
        return False
    checks = parse_qs(parts.query).get("ssl_cert_reqs", ["required"])  # redis-py's default
    return parts.scheme == "redis" or checks not in (["required"], ["CERT_REQUIRED"])


def _backend_problems(config: dict[str, Any]) -> list[str]:
    if config.get("PLAIN_BACKENDS_ACCEPTED"):
        return []
    problems = []
    if _database_without_tls(str(config.get("DATABASE_URL") or "")):
        problems.append("DATABASE_URL must use TLS to another host (?sslmode=verify-full), or "
                        "PLAIN_BACKENDS_ACCEPTED=1 say why not (docs/operations.md)")
    for name in ("REDIS_URL", "RATELIMIT_STORAGE_URI", "CELERY_BROKER_URL"):
        if _redis_without_tls(str(config.get(name) or "")):
            problems.append(f"{name} must use TLS to another host (rediss://), or "
                            "PLAIN_BACKENDS_ACCEPTED=1 say why not (docs/operations.md)")
    clamd = urlsplit(_with_scheme(str(config.get("CLAMD_ADDRESS") or "")))
    if clamd.scheme == "tcp" and clamd.hostname and not _loopback(clamd.hostname):
        # clamd speaks no TLS: every upload would cross the network in clear.
        problems.append("CLAMD_ADDRESS must be a unix socket or this machine (a TLS tunnel to "
                        "another host ends here), or PLAIN_BACKENDS_ACCEPTED=1 say why not")
    return problems


def _with_scheme(address: str) -> str:
    """clamd's address as a URL: ``host:port`` means tcp://host:port, a path a unix socket."""
    if not address or "://" in address:
        return address
    return f"unix://{address}" if address.startswith("/") else f"tcp://{address}"


def production_problems(config: dict[str, Any]) -> list[str]:
    """Why this configuration must not serve the public; empty when it may."""
    problems = [f"{name} is too weak (at least {MIN_SECRET_LENGTH} random characters)"
                for name in SECRETS if config.get(name) and weak_secret(str(config[name]))]
    for name in ("API_TOKEN_PREVIOUS_KEYS", "SECRET_KEY_FALLBACKS"):
        if any(weak_secret(key) for key in config.get(name) or ()):
            problems.append(f"{name} holds a key too weak (at least {MIN_SECRET_LENGTH} random "
                            "characters)")
    url = urlsplit(str(config.get("PUBLIC_BASE_URL", "")))
    if url.scheme != "https" or not url.hostname or _loopback(url.hostname):
        problems.append("PUBLIC_BASE_URL must be an https:// address other than this machine")
    if not config.get("RATELIMIT_ENABLED", True):
        problems.append("RATELIMIT_ENABLED must not be false: the limits guard sign-in and lookups")
    limiter_storage = str(config.get("RATELIMIT_STORAGE_URI", ""))
    if limiter_storage.split(":", 1)[0] in {"", "memory"}:
        problems.append("RATELIMIT_STORAGE_URI (or REDIS_URL) must name shared storage such as "
                        "redis://: in-memory limits count per worker")
    if config.get("UPLOAD_SCANNER") == "test":
        problems.append("UPLOAD_SCANNER must be clamd: the test scanner knows only the EICAR "
                        "string")
    problems += _backend_problems(config)
    if not config.get("FILES_ORIGIN") and not config.get("FILES_ON_PORTAL_ORIGIN_ACCEPTED"):
        problems.append("FILES_ORIGIN must name the files' own origin (https://files.example.kz), "
                        "or FILES_ON_PORTAL_ORIGIN_ACCEPTED=1 say why not (docs/operations.md)")
    files = urlsplit(str(config.get("FILES_ORIGIN") or ""))
    if files.geturl() and (files.scheme != "https" or not files.hostname
                           or files.hostname == url.hostname or files.path not in {"", "/"}):
        problems.append("FILES_ORIGIN must be an https:// origin on a host name of its own")
    return problems


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def require_explicit_environment() -> None:
    """Served by anything but the `flask` command, PORTAL_ENV must be set: a missing variable
    must not quietly mean development (generated secrets, demo data, in-memory limits)."""
    if not _env("PORTAL_ENV") and _env("FLASK_RUN_FROM_CLI") != "true":
        raise RuntimeError(
            "PORTAL_ENV is not set: say production (or development, test) explicitly; "
            "only the `flask` command defaults to development"
        )


def config_from_env() -> Config:
    name = _env("PORTAL_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"PORTAL_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
