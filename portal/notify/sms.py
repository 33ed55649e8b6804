"""Sending SMS: the gateway protocol, the retry policy, and the outbox every message goes through."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from portal.db import after_commit
from portal.domain.iin import InvalidIin, parse_iin
from portal.models.notify import SmsMessage, SmsPurpose, SmsStatus
from portal.notify.phones import normalise_phone

log = logging.getLogger(__name__)

__all__ = [
    "IinInText", "PermanentSmsError", "RetryPolicy", "Sms", "SmsError", "SmsGateway", "SmsRequest",
    "TransientSmsError",
]


@dataclass(frozen=True)
class SmsRequest:
    reference: str  # our message id: a provider's idempotency key, so a retry never sends twice
    phone: str  # +7XXXXXXXXXX
    text: str
    attempt: int  # 1 for the first try


class SmsError(Exception):
    """The gateway did not take the message. ``reason`` is stored and shown to staff: it must
    not carry the number or the text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:250]


class TransientSmsError(SmsError):
    """Worth trying again later: timeouts, throttling, the provider being down."""


class PermanentSmsError(SmsError):
    """Trying again will not help: the number is not in service, the text was refused."""


class SmsGateway(Protocol):
    """Where texts leave the portal. A backend is chosen by ``SMS_BACKEND`` (see registry)."""

    name: str
    simulated: bool  # True: nothing reaches a phone; pages mark it TEST

    def send(self, request: SmsRequest) -> str:
        """Hand one message over; return the provider's reference, or raise an SmsError."""
        ...


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff without jitter: waits of backoff, 2×, 4×… capped at backoff_max.

    Jitter spreads retries of many messages after an outage; with our volumes the predictable
    schedule (and tests that can state it) is worth more.
    """

    max_attempts: int = 6
    backoff: float = 30.0
    backoff_max: float = 1800.0

    def wait_after(self, attempt: int) -> float:
        return float(min(self.backoff_max, self.backoff * 2 ** (attempt - 1)))


_TWELVE_DIGITS = re.compile(r"(?<!\d)\d{12}(?!\d)")


class IinInText(ValueError):
    """An SMS travels and is stored in the clear: it must never carry an IIN."""


def _refuse_iin(text: str) -> None:
    for candidate in _TWELVE_DIGITS.findall(text):
        try:
            parse_iin(candidate)
        except InvalidIin:
            continue
        raise IinInText("an SMS must not carry an IIN")


# A claimed message not finished within this time (the worker died mid-send) is due again.
LEASE = dt.timedelta(minutes=5)


class Sms:
    """The portal's SMS service, built once per app; use cases take it as an argument.

    ``queue`` records the message in the caller's transaction and enqueues the sending job only
    after that transaction commits; ``attempt`` is one try of that job.
    """

    def __init__(self, gateway: SmsGateway, policy: RetryPolicy,
                 enqueue: Callable[[int], None]) -> None:
        self.gateway = gateway
        self.policy = policy
        self._enqueue = enqueue

    def queue(self, session: Session, phone: str, text: str, purpose: SmsPurpose,
              now: dt.datetime | None = None) -> SmsMessage:
        """Record a message as queued; it is sent once the caller commits. Raises InvalidPhone
        for a number that is not a Kazakhstan one, IinInText for a text that carries an IIN."""
        _refuse_iin(text)
        created = now or dt.datetime.now(dt.UTC)
        message = SmsMessage(
            phone=normalise_phone(phone), text=text, purpose=purpose, status=SmsStatus.QUEUED,
            backend=self.gateway.name, attempts=0, created_at=created, next_attempt_at=created,
        )
        session.add(message)
        session.flush()
        message_id = message.id
        after_commit(session, lambda: self._enqueue(message_id))
        return message

    def attempt(self, session: Session, message_id: int, now: dt.datetime) -> float | None:
        """Try to send one message; commit the outcome. Return the seconds to wait before the
        next try, or None when there is nothing more to do (sent, failed, or not ours to send)."""
        message = session.get(SmsMessage, message_id)
        if message is None or message.status is not SmsStatus.QUEUED:
            return None
        if message.attempts >= self.policy.max_attempts:
            self._fail(session, message, now, "no attempts left (the last one was interrupted)")
            return None
        # Claim the attempt: of two jobs for one message (a retry and the sweeper), one goes on.
        claimed = cast("CursorResult[Any]", session.execute(
            update(SmsMessage)
            .where(SmsMessage.id == message_id, SmsMessage.status == SmsStatus.QUEUED,
                   SmsMessage.attempts == message.attempts)
            .values(attempts=message.attempts + 1, last_attempt_at=now,
                    next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )).rowcount
        session.commit()
        if claimed != 1:
            return None
        session.refresh(message)
        request = SmsRequest(str(message.id), message.phone, message.text, message.attempts)
        try:
            reference = self.gateway.send(request)
        except PermanentSmsError as exc:
            self._fail(session, message, now, exc.reason)
            return None
        except Exception as exc:  # unclassified errors count as transient; the type, not the text
            reason = exc.reason if isinstance(exc, SmsError) else f"unexpected {type(exc).__name__}"
            if message.attempts >= self.policy.max_attempts:
                self._fail(session, message, now,
                           f"{reason} (gave up after {message.attempts} attempts)")
                return None
            wait = self.policy.wait_after(message.attempts)
            message.last_error = reason
            message.next_attempt_at = now + dt.timedelta(seconds=wait)
            session.commit()
            log.info("sms %d attempt %d failed, retry in %.0f s", message.id, message.attempts,
                     wait)
            return wait
        message.status = SmsStatus.SENT
        message.provider_ref = reference[:100]
        message.sent_at = now
        message.next_attempt_at = None
        session.commit()
        log.info("sms %d sent (%s, attempt %d)", message.id, message.purpose.value,
                 message.attempts)
        return None

    def _fail(self, session: Session, message: SmsMessage, now: dt.datetime, reason: str) -> None:
        message.status = SmsStatus.FAILED
        message.last_error = reason[:300]
        message.failed_at = now
        message.next_attempt_at = None
        session.commit()
        log.warning("sms %d failed (%s): %s", message.id, message.purpose.value, message.last_error)

    def sweep(self, session: Session, now: dt.datetime, grace: dt.timedelta = LEASE) -> list[int]:
        """Enqueue again the queued messages long past due: their job was lost (broker down at
        commit, worker killed mid-send). Reads only; the jobs claim before they send."""
        due = list(session.scalars(
            select(SmsMessage.id)
            .where(SmsMessage.status == SmsStatus.QUEUED, SmsMessage.next_attempt_at < now - grace)
            .order_by(SmsMessage.id)
        ))
        for message_id in due:
            self._enqueue(message_id)
        return due


def recent_messages(session: Session, limit: int = 100) -> list[SmsMessage]:
    """The outbox, newest first (for the development page)."""
    return list(session.scalars(
        select(SmsMessage).order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc()).limit(limit)
    ))
