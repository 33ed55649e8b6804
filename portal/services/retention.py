"""What is past its retention period (docs/operations.md, Retention): counted, never deleted yet.

Each kind of record has its period as a setting; the case file's has no default because the
archive lists, not this code, decide it. A query only: nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from portal.domain.workflow import Status
from portal.models import Application, Document, DocumentFile, SmsMessage, WebSession

__all__ = ["Overdue", "overdue"]


@dataclass(frozen=True)
class Overdue:
    kind: str
    setting: str
    period: str  # "180 days", or "not set" (nothing is counted then)
    count: int
    oldest: dt.datetime | None
    files: int = 0  # uploaded files that would go with the rows


def _days(config: Any, name: str, default: int | None) -> int | None:
    raw = config.get(name, default)
    return int(raw) if raw not in (None, "") else None


def _count(
    session: Session, model: Any, when: Any, past: ColumnElement[bool]
) -> tuple[int, dt.datetime | None]:
    count, oldest = session.execute(select(func.count(), func.min(when)).select_from(model).where(past)).one()
    return int(count), oldest


def _files_of(session: Session, past: ColumnElement[bool]) -> int:
    return int(
        session.scalar(select(func.count(DocumentFile.id)).join(Document).join(Application).where(past)) or 0
    )


def overdue(session: Session, config: Any, *, now: dt.datetime) -> list[Overdue]:
    """Per kind, how many records are past their period and the oldest one's date."""
    rows: list[Overdue] = []

    def add(kind: str, setting: str, days: int | None, unit: str, build: Any) -> None:
        if days is None:
            rows.append(Overdue(kind, setting, "not set", 0, None))
            return
        cutoff = now - dt.timedelta(days=days * (365 if unit == "years" else 1))
        rows.append(Overdue(kind, setting, f"{days} {unit}", *build(cutoff)))

    def drafts(cutoff: dt.datetime) -> tuple[int, dt.datetime | None, int]:
        past = and_(Application.status == Status.DRAFT, Application.updated_at < cutoff)
        return (*_count(session, Application, Application.updated_at, past), _files_of(session, past))

    def cases(cutoff: dt.datetime) -> tuple[int, dt.datetime | None, int]:
        past = and_(Application.result_issued_at.is_not(None), Application.result_issued_at < cutoff)
        return (*_count(session, Application, Application.result_issued_at, past), _files_of(session, past))

    def sessions(cutoff: dt.datetime) -> tuple[int, dt.datetime | None]:
        past = or_(
            WebSession.ended_at < cutoff,
            and_(WebSession.ended_at.is_(None), WebSession.last_seen_at < cutoff),
        )
        return _count(session, WebSession, WebSession.last_seen_at, past)

    def sms(cutoff: dt.datetime) -> tuple[int, dt.datetime | None]:
        return _count(session, SmsMessage, SmsMessage.created_at, SmsMessage.created_at < cutoff)

    add(
        "closed case files",
        "RETENTION_CASE_YEARS",
        _days(config, "RETENTION_CASE_YEARS", None),
        "years",
        cases,
    )
    add(
        "drafts never handed in",
        "RETENTION_DRAFT_DAYS",
        _days(config, "RETENTION_DRAFT_DAYS", 180),
        "days",
        drafts,
    )
    add(
        "ended or idle web sessions",
        "RETENTION_SESSION_DAYS",
        _days(config, "RETENTION_SESSION_DAYS", 90),
        "days",
        sessions,
    )
    add("SMS outbox messages", "RETENTION_SMS_DAYS", _days(config, "RETENTION_SMS_DAYS", 180), "days", sms)
    return rows
