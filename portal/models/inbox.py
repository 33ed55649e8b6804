"""Messages in the personal cabinet (R15.11), each with the SMS that carried it, if any (R15.9)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, utcnow
from portal.models._types import enum_column
from portal.models.application import Application
from portal.models.notify import SmsMessage


class InboxKind(enum.StrEnum):
    """What a message tells the person; its words are chosen when it is shown, in the language
    of the page (``data`` holds only the dates and codes the words need)."""

    REGISTERED = "registered"  # R7.1: registered, with the date the result is due (L3.1)
    PRELIMINARY_REFUSAL = "preliminary_refusal"  # R15.1–R15.2: the notice and the hearing
    PROTOCOL_READY = "protocol_ready"  # R15.5: the hearing protocol can be read
    DECISION = "decision"  # R15.11: the notification of the decision (F6/F7) is in the cabinet


class InboxMessage(Base):
    """One message to one person about one of their cases, written in the same transaction as
    the step it reports (services/inbox.py, called from services/cases.change)."""

    __tablename__ = "inbox_messages"
    __table_args__ = (
        # The bell counts a person's unread messages on every page.
        Index("ix_inbox_messages_citizen_unread", "citizen_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[InboxKind] = mapped_column(enum_column(InboxKind, name="inbox_kind"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[dt.datetime | None]
    # The SMS that carried it (R15.9), when the phone is in the mobile citizens database.
    sms_id: Mapped[int | None] = mapped_column(ForeignKey("sms_messages.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship()
    sms: Mapped[SmsMessage | None] = relationship()
