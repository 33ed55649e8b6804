"""Configuration from the environment, with safe defaults (foundation)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from portal import create_app
from portal.config import (
    SECRETS,
    ProductionConfig,
    TestConfig,
    config_from_env,
    instance_secret,
    production_problems,
)
from portal.db import normalise_url
from portal.web.access import ANYONE, allow
from portal.web.i18n import safe_next

ROOT = Path(__file__).resolve().parents[2]
STRONG = "vP3q-7xZ_kL9mN2bR5tW8yA1cE4gH6jU0oS3dF7hK9"  # a secret as token_urlsafe makes them


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Everything production needs, each test then spoils one thing."""
    for name in SECRETS:
        monkeypatch.setenv(name, f"{name}-{STRONG}")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://portal.example.kz")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/4")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("FILES_ON_PORTAL_ORIGIN_ACCEPTED", "1")
    for name in ("RATELIMIT_STORAGE_URI", "TRUSTED_HOSTS", "SESSION_COOKIE_SECURE", "FILES_ORIGIN",
                 "CELERY_BROKER_URL", "PLAIN_BACKENDS_ACCEPTED"):
        monkeypatch.delenv(name, raising=False)
    yield monkeypatch


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "CA_KEY", "AUDIT_CHAIN_KEY", "KEYSTORE_KEY", "PUBLIC_BASE_URL"]
)
def test_production_refuses_to_start_without_its_required_settings(
    production_env: pytest.MonkeyPatch, missing: str
) -> None:
    production_env.delenv(missing)
    with pytest.raises(RuntimeError, match=missing):
        create_app(ProductionConfig())


def test_production_starts_with_its_required_settings(production_env: pytest.MonkeyPatch) -> None:
    app = create_app(ProductionConfig())
    assert app.config["PUBLIC_BASE_URL"] == "https://portal.example.kz"
    assert app.config["TRUSTED_HOSTS"] == ["portal.example.kz"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("SECRET_KEY", "a"), ("CA_KEY", "b"), ("AUDIT_CHAIN_KEY", "short-but-not-a-placeholder"),
     ("SECRET_KEY", "a" * 64), ("CA_KEY", "0123456789" * 4), ("SECRET_KEY", "changeme" * 6)],
)
def test_production_refuses_short_or_low_entropy_secrets(
    production_env: pytest.MonkeyPatch, name: str, value: str
) -> None:
    production_env.setenv(name, value)
    with pytest.raises(RuntimeError, match=f"{name} is too weak"):
        create_app(ProductionConfig())


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1", "https://127.0.0.1:8443", "https://localhost", "https://[::1]",
     "https://0.0.0.0", "http://portal.example.kz", "portal.example.kz"],
)
def test_production_refuses_a_loopback_or_plain_http_public_address(
    production_env: pytest.MonkeyPatch, url: str
) -> None:
    production_env.setenv("PUBLIC_BASE_URL", url)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL must be an https://"):
        create_app(ProductionConfig())


@pytest.mark.parametrize("storage", [None, "memory://"])
def test_production_refuses_rate_limits_kept_in_each_workers_memory(
    production_env: pytest.MonkeyPatch, storage: str | None
) -> None:
    """"10 per minute" must not become 40 per minute behind 4 gunicorn workers."""
    production_env.delenv("REDIS_URL")
    if storage:
        production_env.setenv("RATELIMIT_STORAGE_URI", storage)
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app(ProductionConfig())


@pytest.mark.parametrize(
    ("name", "url"),
    [("DATABASE_URL", "postgresql+psycopg://portal:pw@db.internal:5432/portal"),
     ("DATABASE_URL", "postgresql://portal:pw@db.internal/portal?sslmode=require"),
     ("DATABASE_URL", "postgresql://portal:pw@db.internal/portal?sslmode=verify-ca"),
     ("REDIS_URL", "redis://redis.internal:6379/0"),
     ("REDIS_URL", "rediss://redis.internal:6379/0?ssl_cert_reqs=none"),
     ("RATELIMIT_STORAGE_URI", "redis://10.0.0.7:6379/1"),
     ("CELERY_BROKER_URL", "redis://redis.internal:6379/2"),
     ("CLAMD_ADDRESS", "tcp://clamav.internal:3310"), ("CLAMD_ADDRESS", "10.0.0.9:3310")],
)
def test_production_refuses_a_database_or_redis_on_another_host_without_verified_tls(
    production_env: pytest.MonkeyPatch, name: str, url: str
) -> None:
    """ASVS 12.3.1 and 12.3.2: personal data crosses the network only inside TLS that checks
    the server's certificate and name; PLAIN_BACKENDS_ACCEPTED is the operator's signed-off
    exception."""
    production_env.setenv(name, url)
    with pytest.raises(RuntimeError, match=f"{name} must (use TLS|be a unix socket)"):
        create_app(ProductionConfig())
    production_env.setenv("PLAIN_BACKENDS_ACCEPTED", "1")
    assert production_problems(ProductionConfig().as_dict()) == []


@pytest.mark.parametrize(
    ("name", "url"),
    [("DATABASE_URL", "postgresql://portal:pw@db.internal:5432/portal?sslmode=verify-full"),
     ("DATABASE_URL", "postgresql://portal:pw@127.0.0.1:5432/portal"),
     ("DATABASE_URL", "postgresql://portal@/portal?host=/run/postgresql"),
     ("DATABASE_URL", "sqlite:////var/lib/portal/portal.db"),
     ("REDIS_URL", "rediss://redis.internal:6379/0"),
     ("REDIS_URL", "rediss://redis.internal:6379/0?ssl_cert_reqs=required"),
     ("REDIS_URL", "redis://localhost:6379/0"),
     ("CELERY_BROKER_URL", "rediss://redis.internal:6379/2?ssl_cert_reqs=CERT_REQUIRED"),
     ("CLAMD_ADDRESS", "unix:///run/clamav/clamd.ctl"), ("CLAMD_ADDRESS", "127.0.0.1:3310")],
)
def test_production_accepts_verified_tls_or_a_back_end_on_this_machine(
    production_env: pytest.MonkeyPatch, name: str, url: str
) -> None:
    production_env.setenv(name, url)
    assert production_problems(ProductionConfig().as_dict()) == []


def test_production_wants_a_files_origin_unless_the_portals_own_is_accepted(
    production_env: pytest.MonkeyPatch,
) -> None:
    """ASVS 3.5.4: uploaded documents come from an origin of their own by default."""
    production_env.delenv("FILES_ON_PORTAL_ORIGIN_ACCEPTED")
    with pytest.raises(RuntimeError, match="FILES_ORIGIN must name"):
        create_app(ProductionConfig())
    production_env.setenv("FILES_ORIGIN", "https://files.example.kz")
    app = create_app(ProductionConfig())
    assert app.config["TRUSTED_HOSTS"] == ["portal.example.kz", "files.example.kz"]


def test_an_unset_portal_env_is_refused_outside_the_flask_command(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"PORTAL_ENV", "FLASK_RUN_FROM_CLI"}}
    for entry in ("import wsgi", "import portal.celery_worker",
                  "import portal; portal.create_app()"):  # also `gunicorn 'portal:create_app()'`
        done = subprocess.run([sys.executable, "-c", entry], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode != 0, entry
        assert "PORTAL_ENV is not set" in done.stderr


def test_the_flask_command_still_means_development_when_portal_env_is_unset(
    tmp_path: Path, sqlite_template: Path,
) -> None:
    """The `flask` command with no PORTAL_ENV runs (development) on the database it is given:
    here a migrated copy, so the command's own work is a check (what it says is tested next)."""
    env = {k: v for k, v in os.environ.items() if k not in {"PORTAL_ENV", "FLASK_RUN_FROM_CLI"}}
    shutil.copyfile(sqlite_template, tmp_path / "portal.db")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'portal.db'}"
    flask = Path(sys.executable).parent / "flask"
    done = subprocess.run([str(flask), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "nothing to migrate" in done.stdout


def test_db_upgrade_says_what_it_migrated_and_then_that_nothing_is_left(tmp_path: Path) -> None:
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{tmp_path / 'portal.db'}"
    runner = create_app(config).test_cli_runner()
    done = runner.invoke(args=["db", "upgrade"])
    assert done.exit_code == 0, done.output
    assert "migrated a new database →" in done.output
    again = runner.invoke(args=["db", "upgrade"])
    assert again.exit_code == 0 and "nothing to migrate" in again.output


def test_behind_a_trusted_proxy_the_client_address_and_scheme_are_the_forwarded_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flask import request

    from portal.config import TestConfig

    config = TestConfig()
    config.TRUSTED_PROXIES = 1
    app = create_app(config)

    @app.get("/who-for-test")
    @allow(ANYONE)
    def who() -> str:
        return f"{request.remote_addr} {request.scheme}"

    response = app.test_client().get(
        "/who-for-test", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    assert response.get_data(as_text=True) == "203.0.113.9 https"
    assert "Strict-Transport-Security" in response.headers


def test_production_cookies_are_secure_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    assert ProductionConfig().SESSION_COOKIE_SECURE is True


def test_development_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = instance_secret(str(tmp_path))
    assert len(first) > 40
    assert instance_secret(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_development_secrets_and_database_are_owner_only_from_the_moment_they_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written first and chmod-ed after, a secret is readable by others in between (or for
    good, should the process die there): no chmod may be needed to make them private."""
    for name in ("SECRET_KEY", "CA_KEY", "AUDIT_CHAIN_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setattr(os, "umask", os.umask)  # restored even if the test fails
    old = os.umask(0o022)

    def no_chmod(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("created readable, then chmod-ed")

    monkeypatch.setattr(Path, "chmod", no_chmod)
    monkeypatch.setattr(os, "chmod", no_chmod)
    instance = tmp_path / "instance"
    try:
        app = create_app(instance_path=str(instance))
        with app.app_context():
            from portal import db
            from portal.services.signing import ca_secret

            db.session().execute(text("CREATE TABLE t (x INTEGER)"))
            db.session().commit()
            ca_secret(app)
        db.engine_of(app).dispose()
    finally:
        os.umask(old)
    assert instance.stat().st_mode & 0o777 == 0o700
    for name in ("secret_key", "ca_key", "audit_chain_key", "portal.db"):
        assert (instance / name).stat().st_mode & 0o777 == 0o600, name


def test_unknown_environment_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_ENV", "staging-typo")
    with pytest.raises(RuntimeError, match="PORTAL_ENV"):
        config_from_env()


def test_jobs_run_in_process_without_a_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_TASK_ALWAYS_EAGER", raising=False)
    cfg = config_from_env()
    assert cfg.CELERY_TASK_ALWAYS_EAGER is True
    assert cfg.RATELIMIT_STORAGE_URI == "memory://"


def test_redis_url_feeds_rate_limits_and_celery(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("CELERY_TASK_ALWAYS_EAGER", raising=False)
    cfg = config_from_env()
    assert cfg.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"
    assert cfg.CELERY_BROKER_URL == "redis://127.0.0.1:6379/0"
    assert cfg.CELERY_TASK_ALWAYS_EAGER is False


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg_3(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [(None, "/"), ("/cabinet/", "/cabinet/"), ("http://x/", "/"), ("//x", "/"), ("x", "/")],
)
def test_redirect_targets_stay_on_site(given: str | None, expected: str) -> None:
    assert safe_next(given) == expected


def test_production_checks_the_previous_api_token_keys_too(
    production_env: pytest.MonkeyPatch,
) -> None:
    production_env.setenv("API_TOKEN_PREVIOUS_KEYS", f"old-{STRONG}, changeme")
    with pytest.raises(RuntimeError, match="API_TOKEN_PREVIOUS_KEYS holds a key too weak"):
        create_app(ProductionConfig())
    production_env.setenv("API_TOKEN_PREVIOUS_KEYS", f"old-{STRONG}, older-{STRONG}")
    assert create_app(ProductionConfig()).config["API_TOKEN_PREVIOUS_KEYS"] == [
        f"old-{STRONG}", f"older-{STRONG}"]
