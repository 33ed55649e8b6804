"""Redis in production mode: rate limits shared across workers, Celery through the broker."""

from __future__ import annotations

import os
from pathlib import Path

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
