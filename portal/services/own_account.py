"""The signed-in person's own account, for citizens and staff alike: change the password with the
current one (ASVS 6.2.2, 6.2.3), see the active sessions and end any other one (ASVS 7.5.2).

Each use case commits once and writes its event; the citizen's "password changed" SMS is queued
in the same transaction (the outbox sends it after the commit).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.domain.accounts import PasswordProblem, SessionVerdict, session_verdict
from portal.models import Citizen, Event, SessionEnd, StaffUser, SubjectKind, WebSession
from portal.services import accounts, events, staff_accounts
from portal.services.passwords import check_password, hash_password
from portal.web import access

Person = Citizen | StaffUser
# Wrong current passwords one person may type in WRONG_WINDOW before the session is ended: a
# stolen session must not become a way to guess the password.
WRONG_LIMIT: Final = 5
WRONG_WINDOW: Final = dt.timedelta(minutes=15)
WRONG_ACTION: Final = "password_change_refused"


def actor_of(person: Person) -> events.Actor:
    if isinstance(person, StaffUser):
        return staff_accounts.actor_of(person)
    return accounts.actor_of(person)


def _personal(person: Person) -> list[str | None]:
    if isinstance(person, StaffUser):
        return [person.login, person.full_name, person.iin]
    return accounts.personal_data(person)


class ChangeResult(StrEnum):
    CHANGED = "changed"
    WRONG = "wrong"  # the current password is not right; counted
    LOCKED = "locked"  # the WRONG_LIMIT-th wrong one: this session has ended
    NO_PASSWORD = "no_password"  # noqa: S105 — an account that signs in with EDS only
    WEAK = "weak"  # the new password breaks a rule (problems say which)


@dataclass(frozen=True)
class Changed:
    result: ChangeResult
    problems: tuple[PasswordProblem, ...] = ()
    ended: int = 0  # other sessions ended


def wrong_tries_since(session: Session, person: Person, since: dt.datetime) -> int:
    """Wrong current passwords counted on the server, whatever the cookie or address."""
    actor = actor_of(person)
    count = session.scalar(
        select(func.count())
        .select_from(Event)
        .where(
            Event.actor_kind == actor.kind,
            Event.actor_id == actor.id,
            Event.action == WRONG_ACTION,
            Event.at >= since,
        )
    )
    return int(count or 0)


def _other_live_sessions(session: Session, row: WebSession) -> list[WebSession]:
    return list(
        session.scalars(
            select(WebSession).where(
                WebSession.subject_kind == row.subject_kind,
                WebSession.subject_id == row.subject_id,
                WebSession.ended_at.is_(None),
                WebSession.id != row.id,
            )
        )
    )


def change_password(
    session: Session,
    person: Person,
    row: WebSession,
    *,
    current: str,
    new: str,
    now: dt.datetime,
    locale: str,
) -> Changed:
    """Check the current password, then set the new one: this session gets a new id, every other
    session of the person ends, a citizen gets an SMS without personal data. Commits."""
    if not person.password_hash:
        return Changed(ChangeResult.NO_PASSWORD)
    if not check_password(person.password_hash, current):
        events.record(session, actor_of(person), WRONG_ACTION, data={"why": "current"})
        session.flush()
        if wrong_tries_since(session, person, now - WRONG_WINDOW) >= WRONG_LIMIT:
            access.end_session(row, SessionEnd.PASSWORD_TRIES)
            events.record(
                session, actor_of(person), "signed_out", data={"why": "password_tries", "sessions": 1}
            )
            session.commit()
            return Changed(ChangeResult.LOCKED)
        session.commit()
        return Changed(ChangeResult.WRONG)
    problems = accounts.check_new_password(new, personal=_personal(person))
    if problems:
        return Changed(ChangeResult.WEAK, tuple(problems))
    person.password_hash = hash_password(new)
    others = _other_live_sessions(session, row)
    for other in others:
        access.end_session(other, SessionEnd.PASSWORD_CHANGED)
    access.rotate_session(row, SessionEnd.PASSWORD_CHANGED)
    events.record(session, actor_of(person), "password_changed", data={"other_sessions_ended": len(others)})
    if isinstance(person, StaffUser):
        person.first_password_until = None  # their own now (ASVS 6.4.1)
    if isinstance(person, Citizen):
        person.password_changed_at = now
        accounts.tell_password_changed(session, person, now=now, locale=locale)
    session.commit()
    return Changed(ChangeResult.CHANGED, ended=len(others))


# -- the list of sessions -------------------------------------------------------------------------


def handle_of(row: WebSession) -> str:
    """What the page names a session by: not its key (the token's digest), a digest of that."""
    return hashlib.sha256(b"session-list:" + row.id.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class SessionLine:
    handle: str
    signed_in_at: dt.datetime
    last_seen_at: dt.datetime
    device: str | None  # "Chrome/Android"
    method: str
    current: bool


def live_sessions(session: Session, row: WebSession) -> list[SessionLine]:
    """The person's sessions that have not ended, this one first, then the latest seen.

    Sessions past their idle or absolute limit are left out (they end at their next request)."""
    now = utcnow()
    rows = [row, *_other_live_sessions(session, row)]
    lines = [
        SessionLine(handle_of(r), r.created_at, r.last_seen_at, r.device, r.method.value, r.id == row.id)
        for r in rows
        if r.id == row.id
        or session_verdict(r.created_at, r.last_seen_at, r.ended_at, now) is SessionVerdict.ACTIVE
    ]
    return sorted(lines, key=lambda line: (not line.current, -line.last_seen_at.timestamp()))


def end_other_session(session: Session, row: WebSession, handle: str) -> bool:
    """End one of the person's other sessions, named by its handle; False when no live session of
    this person has it (someone else's, this one, or ended already). Commits."""
    found = next((r for r in _other_live_sessions(session, row) if handle_of(r) == handle), None)
    if found is None:
        return False
    access.end_session(found, SessionEnd.ENDED_BY_PERSON)
    events.record(session, _actor_of_row(session, row), "session_ended", data={"sessions": 1})
    session.commit()
    return True


def end_other_sessions(session: Session, row: WebSession) -> int:
    """End every session of the person but this one. Commits."""
    others = _other_live_sessions(session, row)
    for other in others:
        access.end_session(other, SessionEnd.ENDED_BY_PERSON)
    events.record(session, _actor_of_row(session, row), "session_ended", data={"sessions": len(others)})
    session.commit()
    return len(others)


def _actor_of_row(session: Session, row: WebSession) -> events.Actor:
    if row.subject_kind is SubjectKind.STAFF:
        staff = session.get(StaffUser, row.subject_id)
        if staff is not None:
            return staff_accounts.actor_of(staff)
    return events.Actor(row.subject_kind.value, row.subject_id, row.subject_kind.value)
