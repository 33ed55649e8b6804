"""Redis in production mode: rate limits shared across workers, Celery through the broker."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from portal import db
from portal.extensions import limiter
from portal.web.access import ANYONE, allow
from tests.integration.workers import configured_app, real_worker


def test_rate_limits_are_counted_in_redis_and_answer_429_in_kazakh(
    redis_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    import redis

    app = configured_app(tmp_path, sqlite_template, RATELIMIT_STORAGE_URI=redis_url,
                         RATELIMIT_KEY_PREFIX=f"test-{os.getpid()}-{tmp_path.name}")

    @app.get("/limited-for-test")
    @limiter.limit("2 per minute")
    @allow(ANYONE)
    def limited() -> str:
        return "ok"

    client = app.test_client()
    assert [client.get("/limited-for-test").status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get("/limited-for-test")
    assert "Тым көп әрекет" in refused.get_data(as_text=True)
    keys = redis.Redis.from_url(redis_url).keys(f"*test-{os.getpid()}-{tmp_path.name}*")
    assert keys, "the counter lives in Redis, where every worker sees it"
    db.engine_of(app).dispose()


def test_a_limited_request_costs_one_redis_command_per_limit_and_a_429_says_when_to_retry(
    redis_url: str, tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No X-RateLimit-* headers: reading them took two more Redis commands per request."""
    app = configured_app(tmp_path, sqlite_template, RATELIMIT_STORAGE_URI=redis_url,
                         RATELIMIT_KEY_PREFIX=f"test-{os.getpid()}-{tmp_path.name}")

    @app.get("/limited-twice-for-test")
    @limiter.limit("3 per minute")
    @limiter.limit("10 per hour")
    @allow(ANYONE)
    def limited() -> str:
        return "ok"

    client = app.test_client()
    client.get("/healthz")  # the storage is connected on first use
    storage = limiter.storage
    calls: list[str] = []
    for name in ("incr", "get", "get_expiry", "check"):
        real = getattr(storage, name)

        def counted(*args: object, _name: str = name, _real: Any = real, **kwargs: object
                    ) -> object:
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(storage, name, counted)
    allowed = client.get("/limited-twice-for-test")
    assert allowed.status_code == 200
    assert calls == ["incr", "incr"]  # one hit per limit, nothing read back
    assert not [h for h, _ in allowed.headers.items() if h.lower().startswith("x-ratelimit")]
    assert [client.get("/limited-twice-for-test").status_code for _ in range(3)] == [200, 200, 429]
    refused = client.get("/limited-twice-for-test")
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    db.engine_of(app).dispose()


def test_a_job_goes_through_the_redis_broker_to_a_real_worker(
    redis_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    from portal.jobs import verify_event_chain

    app = configured_app(tmp_path, sqlite_template, CELERY_BROKER_URL=redis_url,
                         CELERY_TASK_ALWAYS_EAGER=False)
    with real_worker(app, results=redis_url):
        result = verify_event_chain.apply_async()
        assert result.get(timeout=20) is None  # an empty chain is intact


def test_an_sms_that_fails_twice_is_retried_by_a_real_worker_and_sent(
    redis_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    """The retry path end to end: committed row → Redis → worker → two delayed retries → sent."""
    import time

    from portal import notify
    from portal.models import SmsMessage, SmsPurpose, SmsStatus
    from portal.notify.outbox import FAILS_TWICE

    app = configured_app(tmp_path, sqlite_template, CELERY_BROKER_URL=redis_url,
                         CELERY_TASK_ALWAYS_EAGER=False, SMS_RETRY_BACKOFF_SECONDS=0.2)
    with real_worker(app), app.app_context():
        s = db.session()
        message_id = notify.sms().queue(s, FAILS_TWICE, "Код: 123456",
                                        SmsPurpose.SIGN_IN_CODE).id
        s.commit()
        deadline = time.monotonic() + 20
        while True:
            s.expire_all()
            message = s.get(SmsMessage, message_id)
            assert message is not None
            if message.status is not SmsStatus.QUEUED or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert (message.status, message.attempts) == (SmsStatus.SENT, 3)
