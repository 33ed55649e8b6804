"""Redis in production mode: rate limits shared across workers, Celery through the broker."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from portal import create_app, db
from portal.config import TestConfig
from portal.extensions import limiter
from portal.web.access import ANYONE, allow


def _app(tmp_path: Path, sqlite_template: Path, **settings: object) -> Flask:
    import shutil

    copy = tmp_path / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{copy}"
    for key, value in settings.items():
        setattr(config, key, value)
    return create_app(config)


def test_rate_limits_are_counted_in_redis_and_answer_429_in_kazakh(
    redis_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    import redis

    app = _app(tmp_path, sqlite_template, RATELIMIT_STORAGE_URI=redis_url,
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


def test_a_job_goes_through_the_redis_broker_to_a_real_worker(
    redis_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    from celery.contrib.testing.worker import start_worker

    from portal.jobs import verify_event_chain

    app = _app(tmp_path, sqlite_template, CELERY_BROKER_URL=redis_url,
               CELERY_TASK_ALWAYS_EAGER=False)
    celery = app.extensions["celery"]
    celery.conf.update(result_backend=redis_url, task_ignore_result=False)
    try:
        with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = verify_event_chain.apply_async()
            assert result.get(timeout=20) is None  # an empty chain is intact
    finally:
        celery.conf.update(result_backend=None, task_ignore_result=True, task_always_eager=True)
        db.engine_of(app).dispose()


def test_an_sms_that_fails_twice_is_retried_by_a_real_worker_and_sent(
    redis_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    """The retry path end to end: committed row → Redis → worker → two delayed retries → sent."""
    import time

    from celery.contrib.testing.worker import start_worker

    from portal import notify
    from portal.models import SmsMessage, SmsPurpose, SmsStatus
    from portal.notify.outbox import FAILS_TWICE

    app = _app(tmp_path, sqlite_template, CELERY_BROKER_URL=redis_url,
               CELERY_TASK_ALWAYS_EAGER=False, SMS_RETRY_BACKOFF_SECONDS=0.2)
    celery = app.extensions["celery"]
    try:
        with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10), \
                app.app_context():
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
    finally:
        celery.conf.update(task_always_eager=True)
        db.engine_of(app).dispose()
