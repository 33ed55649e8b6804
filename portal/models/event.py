"""The append-only, hash-chained event table: every state change, read and signature."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)  # position in the chain, from 1
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    actor_kind: Mapped[str] = mapped_column(String(10))  # citizen | staff | system | public
    actor_id: Mapped[int | None] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(40))
    to_status: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class EventChainHead(Base):
    """One row holding the chain's tip; locking it serialises appends across workers.

    Triggers (migration 0002) refuse deleting it and any change that does not move it on by
    exactly one event, so the tip cannot be wound back to hide removed events."""

    __tablename__ = "event_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    # Time of the last event: the next one may not be earlier (None before the first event).
    last_at: Mapped[dt.datetime | None] = mapped_column()
