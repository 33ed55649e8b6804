"""Configuration from the environment, with safe defaults (foundation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal import create_app
from portal.config import ProductionConfig, config_from_env, instance_secret
from portal.db import normalise_url
from portal.i18n import safe_next


@pytest.mark.parametrize("missing", ["SECRET_KEY", "CA_KEY", "KEYSTORE_KEY", "PUBLIC_BASE_URL"])
def test_production_refuses_to_start_without_its_required_settings(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    for name in ("SECRET_KEY", "CA_KEY", "KEYSTORE_KEY", "PUBLIC_BASE_URL"):
        monkeypatch.setenv(name, "set-for-test")
    monkeypatch.delenv(missing)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(RuntimeError, match=missing):
        create_app(ProductionConfig())


def test_production_starts_with_its_required_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SECRET_KEY", "CA_KEY", "KEYSTORE_KEY", "PUBLIC_BASE_URL"):
        monkeypatch.setenv(name, "https://portal.example" if name == "PUBLIC_BASE_URL" else "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app(ProductionConfig())
    assert app.config["PUBLIC_BASE_URL"] == "https://portal.example"


def test_behind_a_trusted_proxy_the_client_address_and_scheme_are_the_forwarded_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flask import request

    from portal.config import TestConfig

    config = TestConfig()
    config.TRUSTED_PROXIES = 1
    app = create_app(config)

    @app.get("/who-for-test")
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
