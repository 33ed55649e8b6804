"""SMS outbox and the simulated mobile citizens database (R15.9)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow
from portal.models._types import enum_column


class SmsPurpose(enum.StrEnum):
    REGISTRATION_CODE = "registration_code"  # confirms a new account's phone
    SIGN_IN_CODE = "sign_in_code"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose, not a password)
    NEW_DEVICE = "new_device"
    NOTIFICATION_F6 = "notification_f6"  # R15.8–R15.9: decision to grant
    NOTIFICATION_F7 = "notification_f7"  # R15.8–R15.9: decision to refuse
    PRELIMINARY_NOTICE = "preliminary_notice"  # R15.1–R15.2
    SUBMISSION = "submission"  # the portal application was submitted (F1-1)
    SIGNING_CODE = "signing_code"  # a one-time code confirming a signature (signing/sms.py)
    REGISTERED = "registered"  # R7.1: the application is registered (services/inbox.py)
    PROTOCOL_READY = "protocol_ready"  # R15.5: the hearing protocol can be read


class SmsStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for its (next) attempt
    SENT = "sent"  # the gateway accepted it
    FAILED = "failed"  # given up; last_error says why


class SmsMessage(Base):
    """One text message: the durable record the sending job works from (the outbox).

    The row is written in the caller's transaction; the job that sends it is enqueued only after
    that transaction commits, so a rolled-back use case never sends anything.
    """

    __tablename__ = "sms_messages"
    __table_args__ = (
        Index("ix_sms_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(12))  # +7XXXXXXXXXX
    text: Mapped[str] = mapped_column(Text)
    purpose: Mapped[SmsPurpose] = mapped_column(enum_column(SmsPurpose))
    status: Mapped[SmsStatus] = mapped_column(enum_column(SmsStatus), default=SmsStatus.QUEUED)
    backend: Mapped[str] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(default=0)
    # The gateway's id of the accepted message (for delivery reports from a real provider).
    provider_ref: Mapped[str | None] = mapped_column(String(100))
    # The last failure; on a failed message, the reason it was given up.
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    last_attempt_at: Mapped[dt.datetime | None]
    # When the message is due (again): the sweeper re-enqueues queued messages long past it.
    next_attempt_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    failed_at: Mapped[dt.datetime | None]


class MobileRegistration(Base):
    """A number registered to an IIN in the (simulated) mobile citizens database (R15.9).

    One number per person and one person per number: registering a pair replaces any earlier
    pairing of either, as re-registering a SIM card does.
    """

    __tablename__ = "mobile_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    iin: Mapped[str] = mapped_column(String(12), unique=True)
    phone: Mapped[str] = mapped_column(String(12), unique=True)
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
