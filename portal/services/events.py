"""Appending to and checking the hash-chained event log (DESIGN principle 2).

Each link is an HMAC-SHA256 keyed with AUDIT_CHAIN_KEY, which lives outside the database: someone
who can rewrite the tables (even drop the triggers) cannot recompute a chain the verifier will
accept. The tip is also anchored outside the database (services/anchors.py), which catches a
rebuilt chain even when the key has leaked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.models import Event, EventChainHead

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    kind: str  # citizen | staff | system | public
    id: int | None
    role: str

    @classmethod
    def system(cls) -> Actor:
        return cls("system", None, "system")


class BackdatedEvent(ValueError):
    """An event may not be dated before the one it follows: the log is in time order."""


# How far behind the chain's last event a request's own clock reading may be: the time between
# reading `now` and taking the chain's lock under load (found by bench/load.py: a 500 with 16
# users). An explicit time further back is a backdated event and refused.
CONCURRENT_SKEW = dt.timedelta(minutes=5)


def chain_key() -> bytes:
    key: str = current_app.config.get("AUDIT_CHAIN_KEY") or ""
    if not key:
        raise RuntimeError("AUDIT_CHAIN_KEY is not configured")
    return key.encode("utf-8")


def _digest(key: bytes, prev_hash: str, fields: dict[str, Any]) -> str:
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hmac.new(key, (prev_hash + body).encode("utf-8"), hashlib.sha256).hexdigest()


def _fields(e: Event) -> dict[str, Any]:
    return {
        "seq": e.seq, "application_id": e.application_id, "actor_kind": e.actor_kind,
        "actor_id": e.actor_id, "role": e.role, "action": e.action,
        "from_status": e.from_status, "to_status": e.to_status, "reason": e.reason,
        "data": e.data, "at": e.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
    }


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    application_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> Event:
    """Append one event in the caller's transaction; the caller commits.

    An explicit `at` more than CONCURRENT_SKEW earlier than the previous event's is refused
    (BackdatedEvent); a little earlier (a concurrent request logged first) is logged at the
    previous event's time. Without one
    the clock is read under the chain's lock; should this machine's clock be behind the one
    that wrote the previous event, the previous time is used, so the log never goes back."""
    key = chain_key()
    head = _locked_head(session)
    if at is None:
        at = max(utcnow(), head.last_at) if head.last_at else utcnow()
    elif head.last_at and at < head.last_at:
        if head.last_at - at > CONCURRENT_SKEW:
            raise BackdatedEvent(f"event dated {at.isoformat()} is before the previous event")
        # A request reads its clock (`now`) before it waits for the chain's lock, and another
        # request may have logged a later event meanwhile: logged at the chain's time.
        at = head.last_at
    event = Event(
        seq=head.last_seq + 1, application_id=application_id, actor_kind=actor.kind,
        actor_id=actor.id, role=actor.role, action=action, from_status=from_status,
        to_status=to_status, reason=reason, data=data or {}, at=at, prev_hash=head.last_hash,
    )
    event.hash = _digest(key, head.last_hash, _fields(event))
    session.add(event)
    head.last_seq = event.seq
    head.last_hash = event.hash
    head.last_at = at
    session.flush()
    return event


def _locked_head(session: Session) -> EventChainHead:
    """The chain's tip, locked for this transaction; created once, race-free, on first use."""
    query = select(EventChainHead).where(EventChainHead.id == 1).with_for_update()
    if session.get_bind().dialect.name == "sqlite":
        # SQLite ignores FOR UPDATE. A write as the first step takes the database's write lock
        # (waiting for any other writer), so the tip read next cannot change under us.
        session.execute(
            update(EventChainHead).where(EventChainHead.id == 1)
            .values(last_seq=EventChainHead.last_seq)
        )
    head = session.execute(query).scalar_one_or_none()
    if head is None:
        values = {"id": 1, "last_seq": 0, "last_hash": GENESIS, "last_at": None}
        dialect = session.get_bind().dialect.name
        upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        session.execute(upsert(EventChainHead).values(**values).on_conflict_do_nothing())
        head = session.execute(query).scalar_one()
    return head


def verify_chain(session: Session, key: bytes | None = None) -> int | None:
    """Return the seq of the first event whose link does not follow, or None when intact.

    A link is broken when its HMAC (with `key`, by default AUDIT_CHAIN_KEY) does not match, when
    it does not point at the previous link, or when it is dated before the previous event. The
    tip kept in event_chain_head must match the last event too, so removing events from the end
    (or all of them) is found as well."""
    key = key if key is not None else chain_key()
    prev = GENESIS
    prev_at: dt.datetime | None = None
    expected_seq = 1
    for event in session.scalars(select(Event).order_by(Event.seq)).yield_per(500):
        if event.seq != expected_seq or event.prev_hash != prev:
            return event.seq
        if not hmac.compare_digest(_digest(key, prev, _fields(event)), event.hash):
            return event.seq
        if prev_at is not None and event.at < prev_at:
            return event.seq
        prev, prev_at = event.hash, event.at
        expected_seq += 1
    head = session.get(EventChainHead, 1)
    last_seq = expected_seq - 1
    if head is None:
        return None if last_seq == 0 else 1
    if head.last_seq != last_seq or head.last_hash != prev:
        return last_seq + 1
    return None


def history(session: Session, application_id: int) -> list[Event]:
    return list(
        session.scalars(
            select(Event).where(Event.application_id == application_id).order_by(Event.seq)
        )
    )
