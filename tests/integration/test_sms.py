"""SMS through the outbox (R15.9): stored, sent only after commit, retried, failed with a reason."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import create_app, db, notify
from portal.config import TestConfig
from portal.models import SmsMessage, SmsPurpose, SmsStatus
from portal.notify.outbox import ALWAYS_TRANSIENT, FAILS_TWICE, PERMANENT, OutboxGateway
from portal.notify.phones import InvalidPhone
from portal.notify.sms import IinInText, RetryPolicy, Sms, SmsRequest

NOW = dt.datetime(2026, 3, 2, 5, 0, tzinfo=dt.UTC)


def _recording_sms(enqueued: list[int], policy: RetryPolicy | None = None) -> Sms:
    return Sms(OutboxGateway(), policy or RetryPolicy(), enqueued.append)


def _reload(session: Session, message_id: int) -> SmsMessage:
    session.expire_all()
    message = session.get(SmsMessage, message_id)
    assert message is not None
    return message


def test_the_outbox_stores_each_message_with_its_purpose_status_and_times(session: Session) -> None:
    enqueued: list[int] = []
    message = _recording_sms(enqueued).queue(session, "8 (701) 123-45-67", "Код: 123456",
                                             SmsPurpose.SIGN_IN_CODE, now=NOW)
    session.commit()
    stored = _reload(session, message.id)
    assert (stored.phone, stored.text, stored.purpose, stored.status, stored.attempts) == (
        "+77011234567", "Код: 123456", SmsPurpose.SIGN_IN_CODE, SmsStatus.QUEUED, 0)
    assert stored.backend == "outbox"
    assert stored.created_at == NOW
    assert enqueued == [message.id]


def test_a_message_is_not_sent_when_the_transaction_rolls_back(session: Session) -> None:
    enqueued: list[int] = []
    _recording_sms(enqueued).queue(session, "+77011234567", "x", SmsPurpose.NEW_DEVICE)
    session.rollback()
    assert enqueued == []
    assert session.scalar(select(func.count()).select_from(SmsMessage)) == 0
    session.add(SmsMessage(phone="+77011234567", text="other", purpose=SmsPurpose.NEW_DEVICE,
                           backend="outbox"))
    session.commit()
    assert enqueued == [], "a later commit does not resurrect a rolled-back message"


def test_the_job_waits_for_the_commit_not_the_flush(session: Session) -> None:
    enqueued: list[int] = []
    message = _recording_sms(enqueued).queue(session, "+77011234567", "x",
                                             SmsPurpose.PASSWORD_RESET)
    session.flush()
    assert enqueued == []
    session.commit()
    assert enqueued == [message.id]


def test_a_message_queued_in_a_rolled_back_savepoint_is_dropped_the_rest_is_sent(
    session: Session,
) -> None:
    enqueued: list[int] = []
    sms = _recording_sms(enqueued)
    kept = sms.queue(session, "+77011234567", "kept", SmsPurpose.NOTIFICATION_F6)
    savepoint = session.begin_nested()
    sms.queue(session, "+77029876543", "dropped", SmsPurpose.NOTIFICATION_F7)
    savepoint.rollback()
    released = session.begin_nested()
    inner = sms.queue(session, "+77051112233", "inner", SmsPurpose.PRELIMINARY_NOTICE)
    released.commit()
    assert enqueued == [], "releasing a savepoint is not the commit"
    session.commit()
    assert enqueued == [kept.id, inner.id]


def test_a_number_that_is_not_kazakh_is_refused_before_anything_is_stored(
    session: Session,
) -> None:
    with pytest.raises(InvalidPhone) as refused:
        _recording_sms([]).queue(session, "+79161234567", "x", SmsPurpose.SIGN_IN_CODE)
    assert refused.value.reason == "not_kazakhstan"
    assert session.scalar(select(func.count()).select_from(SmsMessage)) == 0


def test_a_text_that_carries_an_iin_is_refused(session: Session) -> None:
    sms = _recording_sms([])
    with pytest.raises(IinInText):
        sms.queue(session, "+77011234567", "ЖСН 850321301238", SmsPurpose.NOTIFICATION_F6)
    # Twelve digits that are not an IIN (a decision number, say) are fine.
    sms.queue(session, "+77011234567", "Шешім № 202603021234", SmsPurpose.NOTIFICATION_F6)


def test_after_commit_outside_a_transaction_is_a_programming_error(session: Session) -> None:
    session.commit()
    with pytest.raises(RuntimeError):
        db.after_commit(session, lambda: None)


# --- Sending through the job (eager Celery in tests: the same code a worker runs) -------------

def _send(db_app: Flask, phone: str) -> int:
    with db_app.app_context():
        s = db.session()
        message = notify.sms().queue(s, phone, "Шешім: әлеуметтік көмек тағайындалды",
                                     SmsPurpose.NOTIFICATION_F6)
        s.commit()  # the job runs here, in-process, after the commit
        return message.id


def test_an_ordinary_number_is_sent_on_the_first_attempt_R15_9(db_app: Flask,
                                                                session: Session) -> None:
    message = _reload(session, _send(db_app, "+77011234567"))
    assert (message.status, message.attempts) == (SmsStatus.SENT, 1)
    assert message.provider_ref == f"outbox-{message.id}"
    assert message.sent_at is not None and message.last_error is None


def test_a_message_that_fails_twice_is_retried_and_sent_on_the_third_attempt(
    db_app: Flask, session: Session,
) -> None:
    message = _reload(session, _send(db_app, FAILS_TWICE))
    assert (message.status, message.attempts) == (SmsStatus.SENT, 3)
    assert message.last_error == "simulated: operator gateway timed out"  # the history stays


def test_a_message_that_always_fails_ends_failed_with_the_reason_after_the_last_attempt(
    db_app: Flask, session: Session,
) -> None:
    message = _reload(session, _send(db_app, ALWAYS_TRANSIENT))
    assert message.status is SmsStatus.FAILED
    assert message.attempts == db_app.config["SMS_MAX_ATTEMPTS"] == 6
    assert message.last_error == (
        "simulated: operator gateway timed out (gave up after 6 attempts)")
    assert message.failed_at is not None and message.next_attempt_at is None


def test_a_permanent_refusal_fails_at_once_without_retries(db_app: Flask,
                                                          session: Session) -> None:
    message = _reload(session, _send(db_app, PERMANENT))
    assert (message.status, message.attempts) == (SmsStatus.FAILED, 1)
    assert message.last_error == "simulated: number not in service"


def test_retries_wait_exponentially_longer_up_to_the_cap(session: Session) -> None:
    policy = RetryPolicy(max_attempts=4, backoff=30, backoff_max=100)
    sms = _recording_sms([], policy)
    message = sms.queue(session, ALWAYS_TRANSIENT, "x", SmsPurpose.SIGN_IN_CODE, now=NOW)
    session.commit()
    waits = [sms.attempt(session, message.id, NOW + dt.timedelta(minutes=i)) for i in range(5)]
    assert waits == [30.0, 60.0, 100.0, None, None]
    stored = _reload(session, message.id)
    assert (stored.status, stored.attempts) == (SmsStatus.FAILED, 4)


def test_a_retry_is_due_after_its_wait_and_a_claimed_attempt_holds_a_lease(
    session: Session,
) -> None:
    sms = _recording_sms([])
    message = sms.queue(session, ALWAYS_TRANSIENT, "x", SmsPurpose.SIGN_IN_CODE, now=NOW)
    session.commit()
    sms.attempt(session, message.id, NOW)
    assert _reload(session, message.id).next_attempt_at == NOW + dt.timedelta(seconds=30)


def test_a_sent_or_failed_message_is_never_sent_again(db_app: Flask, session: Session) -> None:
    sent = _send(db_app, "+77011234567")
    failed = _send(db_app, PERMANENT)
    sms = _recording_sms([])
    assert sms.attempt(session, sent, NOW) is None
    assert sms.attempt(session, failed, NOW) is None
    assert sms.attempt(session, 999_999, NOW) is None
    assert _reload(session, sent).attempts == 1
    assert _reload(session, failed).attempts == 1


def test_the_sweeper_re_enqueues_only_queued_messages_long_past_due(session: Session) -> None:
    enqueued: list[int] = []
    sms = _recording_sms(enqueued)
    lost = sms.queue(session, "+77011234567", "lost", SmsPurpose.SIGN_IN_CODE, now=NOW)
    fresh = sms.queue(session, "+77011234567", "fresh", SmsPurpose.SIGN_IN_CODE,
                      now=NOW + dt.timedelta(minutes=9))
    session.commit()
    enqueued.clear()
    assert sms.sweep(session, NOW + dt.timedelta(minutes=10)) == [lost.id]
    assert enqueued == [lost.id]
    assert fresh.id not in enqueued


def test_an_interrupted_last_attempt_is_marked_failed_not_left_queued(session: Session) -> None:
    sms = _recording_sms([], RetryPolicy(max_attempts=1))
    message = sms.queue(session, "+77011234567", "x", SmsPurpose.SIGN_IN_CODE, now=NOW)
    session.commit()
    stored = _reload(session, message.id)
    stored.attempts = 1  # as if the worker died after claiming its only attempt
    session.commit()
    assert sms.attempt(session, message.id, NOW) is None
    assert _reload(session, message.id).status is SmsStatus.FAILED


def test_an_unexpected_gateway_error_is_retried_and_its_text_is_not_kept(session: Session) -> None:
    class Broken(OutboxGateway):
        def send(self, request: object) -> str:  # type: ignore[override]
            raise ConnectionError("could not reach +77011234567")

    sms = Sms(Broken(), RetryPolicy(max_attempts=2), lambda _id: None)
    message = sms.queue(session, "+77011234567", "x", SmsPurpose.SIGN_IN_CODE, now=NOW)
    session.commit()
    assert sms.attempt(session, message.id, NOW) == 30.0
    assert sms.attempt(session, message.id, NOW) is None
    stored = _reload(session, message.id)
    assert stored.status is SmsStatus.FAILED
    assert stored.last_error == "unexpected ConnectionError (gave up after 2 attempts)"


def test_logs_carry_neither_the_number_nor_the_text_nor_an_iin(
    db_app: Flask, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with db_app.app_context():
        s = db.session()
        for phone in ("+77011234567", FAILS_TWICE, ALWAYS_TRANSIENT, PERMANENT):
            notify.sms().queue(s, phone, "Кіру коды: 123456", SmsPurpose.SIGN_IN_CODE)
        s.commit()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "sms" in logged and "failed" in logged and "sent" in logged
    for secret in ("7011234567", "799000000", "850321301238", "123456"):
        assert secret not in logged


def test_when_the_broker_is_down_the_message_stays_queued_and_the_sweeper_sends_it_later(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    from portal.db import utcnow
    from portal.jobs import sweep_sms

    config = TestConfig()
    config.DATABASE_URL = database_url
    config.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    config.CELERY_TASK_ALWAYS_EAGER = False
    app = create_app(config)
    try:
        with app.app_context():
            s = db.session()
            message = notify.sms().queue(s, "+77011234567", "Код: 123456",
                                         SmsPurpose.SIGN_IN_CODE,
                                         now=utcnow() - dt.timedelta(minutes=10))
            s.commit()  # the commit stands; the failed enqueue is logged, not raised
            assert _reload(s, message.id).status is SmsStatus.QUEUED
            logged = "\n".join(r.getMessage() for r in caplog.records)
            assert f"sms {message.id} not enqueued" in logged and "7011234567" not in logged
            app.extensions["celery"].conf.update(task_always_eager=True)  # the broker is back
            assert sweep_sms.delay().get() == 1
            assert _reload(s, message.id).status is SmsStatus.SENT
    finally:
        db.engine_of(app).dispose()


def test_of_two_jobs_for_one_message_only_the_one_that_claims_the_attempt_sends(
    db_app: Flask, session: Session,
) -> None:
    sent: list[str] = []

    class Counting(OutboxGateway):
        def send(self, request: SmsRequest) -> str:
            sent.append(request.reference)
            return "ok"

    sms = Sms(Counting(), RetryPolicy(), lambda _id: None)
    message = sms.queue(session, "+77011234567", "x", SmsPurpose.SIGN_IN_CODE, now=NOW)
    session.commit()  # this session now holds the message as it was: attempts 0
    with db_app.app_context():
        other = db.session()
        assert sms.attempt(other, message.id, NOW) is None  # the other job sent it
    assert sms.attempt(session, message.id, NOW) is None  # its stale claim loses
    assert sent == [str(message.id)]


def test_an_unknown_sms_backend_stops_the_app_at_start(database_url: str) -> None:
    config = TestConfig()
    config.DATABASE_URL = database_url
    config.SMS_BACKEND = "carrier-pigeon"
    with pytest.raises(RuntimeError, match="SMS_BACKEND must be one of"):
        create_app(config)
