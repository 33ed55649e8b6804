"""Citizen accounts: register from the IIN, sign in with a password and an SMS code, reset the
password, sign out here or everywhere. Each use case writes its event; SMS go after commit."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from portal.domain.accounts import (
    CODE_DIGITS,
    CodeState,
    CodeVerdict,
    PasswordProblem,
    SendVerdict,
    code_verdict,
    may_send_code,
    password_problems,
)
from portal.domain.iin import parse_iin
from portal.models import (
    Citizen,
    CodePurpose,
    OneTimeCode,
    SessionEnd,
    SignInMethod,
    SubjectKind,
    WebSession,
)
from portal.models.notify import SmsPurpose
from portal.notify import sms
from portal.services import events
from portal.services.passwords import check_password, hash_password
from portal.web import access

_SMS_PURPOSE = {
    CodePurpose.REGISTER: SmsPurpose.REGISTRATION_CODE,
    CodePurpose.SIGN_IN: SmsPurpose.SIGN_IN_CODE,
    CodePurpose.RESET: SmsPurpose.PASSWORD_RESET,
}
# Verified against an unknown IIN so that it costs the same time as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


@cache
def common_passwords() -> frozenset[str]:
    """30 000 common and breached passwords, from the zxcvbn package's frequency list."""
    return frozenset(p.casefold() for p in FREQUENCY_LISTS["passwords"])


def check_new_password(password: str, *, personal: Iterable[str | None]) -> list[PasswordProblem]:
    return password_problems(password, common=common_passwords(), personal=personal)


def personal_data(citizen: Citizen) -> list[str | None]:
    return [citizen.iin, citizen.surname, citizen.given_name, citizen.patronymic, citizen.phone]


def actor_of(citizen: Citizen) -> events.Actor:
    return events.Actor("citizen", citizen.id, "citizen")


def _code_hmac(code_id: int, code: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"{code_id}:{code}".encode(), hashlib.sha256).hexdigest()


class NoPhone(ValueError):
    """The account has no phone for codes (made with EDS, or a person without a mobile)."""


@dataclass(frozen=True)
class CodeSent:
    code_id: int | None  # None when the limit refused it
    verdict: SendVerdict


def send_code(session: Session, citizen: Citizen, purpose: CodePurpose, *, now: dt.datetime,
              locale: str) -> CodeSent:
    """A fresh 6-digit code to the citizen's phone, unless the number's resend limit holds.

    The code leaves only in the SMS; the database keeps its HMAC. Earlier codes of the same
    purpose stop working. The caller commits (and the SMS goes after the commit).
    """
    if citizen.phone is None:
        raise NoPhone("the account has no phone")
    sent = list(session.execute(select(OneTimeCode.issued_at, OneTimeCode.purpose).where(
        OneTimeCode.phone == citizen.phone, OneTimeCode.issued_at > now - dt.timedelta(hours=1))))
    verdict = may_send_code([t for t, _p in sent], now,
                            same_purpose=[t for t, p in sent if p is purpose])
    if not verdict.allowed:
        events.record(session, actor_of(citizen), "code_refused_limit", data={"purpose": purpose})
        return CodeSent(None, verdict)
    for old in session.scalars(select(OneTimeCode).where(
            OneTimeCode.citizen_id == citizen.id, OneTimeCode.purpose == purpose,
            OneTimeCode.used_at.is_(None))):
        old.used_at = now  # superseded
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    row = OneTimeCode(purpose=purpose, citizen_id=citizen.id, phone=citizen.phone,
                      code_hmac="", issued_at=now)
    session.add(row)
    session.flush()
    row.code_hmac = _code_hmac(row.id, code)
    with force_locale(locale):
        text = gettext("Social assistance portal: your code is %(code)s. It works for 10 minutes. "
                       "Never tell it to anyone, staff included.", code=code)
    sms().queue(session, citizen.phone, text, _SMS_PURPOSE[purpose], now=now)
    events.record(session, actor_of(citizen), "code_sent", data={"purpose": purpose})
    return CodeSent(row.id, verdict)


def live_code(session: Session, citizen: Citizen, purpose: CodePurpose, *,
              now: dt.datetime) -> int | None:
    """The newest code of ``purpose`` already on the citizen's phone and still good to try.

    When the resend limit holds back a new code (a second sign-in a moment after the first),
    the one just sent is what the person will type: the new attempt waits for it, not for a
    code that never comes."""
    row = session.scalars(select(OneTimeCode).where(
        OneTimeCode.citizen_id == citizen.id, OneTimeCode.purpose == purpose,
        OneTimeCode.used_at.is_(None)).order_by(OneTimeCode.issued_at.desc(),
                                                 OneTimeCode.id.desc()).limit(1)).first()
    if row is None or code_verdict(CodeState(row.issued_at, row.tries, row.used_at),
                                   now) is not CodeVerdict.VALID:
        return None
    return row.id


def check_code(session: Session, code_id: int, entered: str, *, now: dt.datetime) -> str:
    """Try a code: ``right`` uses it up; ``wrong`` counts a try (five at most, then
    ``locked``); ``used`` and ``expired`` say why it cannot be tried. Commits."""
    row = session.get(OneTimeCode, code_id)
    if row is None:
        return "expired"
    verdict = code_verdict(CodeState(row.issued_at, row.tries, row.used_at), now)
    if verdict is not CodeVerdict.VALID:
        return verdict.value
    if hmac.compare_digest(row.code_hmac, _code_hmac(row.id, entered.strip())):
        row.used_at = now
        session.commit()
        return "right"
    row.tries += 1
    locked = code_verdict(CodeState(row.issued_at, row.tries, row.used_at), now) is (
        CodeVerdict.LOCKED)
    citizen = session.get(Citizen, row.citizen_id)
    if citizen is not None:
        events.record(session, actor_of(citizen), "code_locked" if locked else "code_wrong",
                      data={"purpose": row.purpose, "tries": row.tries})
    session.commit()
    return "locked" if locked else "wrong"


def find(session: Session, iin: str) -> Citizen | None:
    return session.scalar(select(Citizen).where(Citizen.iin == iin))


def password_sign_in(session: Session, iin: str, password: str) -> Citizen | None:
    """The confirmed account whose password this is; None for an unknown IIN or a wrong
    password alike, in the same time. Records the failure. Commits."""
    citizen = find(session, iin)
    if citizen is None or citizen.confirmed_at is None:
        check_password(_DUMMY_HASH, password)
        events.record(session, events.Actor("public", None, "anonymous"), "sign_in_failed",
                      data={"why": "unknown"})
        session.commit()
        return None
    if not check_password(citizen.password_hash, password):
        events.record(session, actor_of(citizen), "sign_in_failed", data={"why": "password"})
        session.commit()
        return None
    return citizen


def complete_sign_in(session: Session, citizen: Citizen, method: SignInMethod, *,
                     now: dt.datetime, locale: str) -> WebSession:
    """Start a new session; an SMS tells the person when a device signs in for the first time.
    Commits."""
    known = session.scalar(select(WebSession.id).where(
        WebSession.subject_kind == SubjectKind.CITIZEN, WebSession.subject_id == citizen.id,
        WebSession.device_hash == access.device_digest()).limit(1)) is not None
    row = access.start_session(SubjectKind.CITIZEN, citizen.id, method)
    events.record(session, actor_of(citizen), "signed_in",
                  data={"method": method, "new_device": not known})
    if not known and citizen.phone and citizen.confirmed_at is not None:
        with force_locale(locale):
            text = gettext("Social assistance portal: your account was just signed in to from a "
                           "new device. If it was not you, change your password now or call 1414.")
        sms().queue(session, citizen.phone, text, SmsPurpose.NEW_DEVICE, now=now)
    session.commit()
    return row


def sign_out(session: Session, *, everywhere: bool = False) -> None:
    """End this session (or every session of its person). Commits."""
    row = access.current_row()
    if row is None:
        return
    reason = SessionEnd.SIGN_OUT_EVERYWHERE if everywhere else SessionEnd.SIGN_OUT
    rows = [row]
    if everywhere:
        rows = list(session.scalars(select(WebSession).where(
            WebSession.subject_kind == row.subject_kind, WebSession.subject_id == row.subject_id,
            WebSession.ended_at.is_(None))))
    for each in rows:
        access.end_session(each, reason)
    who = events.Actor(row.subject_kind.value, row.subject_id, row.subject_kind.value)
    events.record(session, who, "signed_out", data={"everywhere": everywhere,
                                                    "sessions": len(rows)})
    session.commit()


def end_citizen_sessions(session: Session, citizen: Citizen) -> int:
    """Every open session of the person ends (`flask sessions end-citizen`; ASVS 7.4.5).
    Commits; returns how many ended."""
    rows = list(session.scalars(select(WebSession).where(
        WebSession.subject_kind == SubjectKind.CITIZEN, WebSession.subject_id == citizen.id,
        WebSession.ended_at.is_(None))))
    for row in rows:
        access.end_session(row, SessionEnd.ENDED_BY_OPERATOR)
    events.record(session, events.Actor.system(), "citizen_sessions_ended",
                  data={"citizen": citizen.id, "sessions": len(rows)})
    session.commit()
    return len(rows)


def start_registration(session: Session, *, iin: str, surname: str, given_name: str,
                       patronymic: str | None, birth_date: dt.date, phone: str, password: str,
                       now: dt.datetime) -> Citizen:
    """An unconfirmed account with the registers' name and birth date; the phone confirms it.

    A second start for an IIN whose account was never confirmed replaces the first (somebody
    may have typed another person's IIN); a confirmed account is never touched.
    """
    citizen = find(session, iin)
    if citizen is not None and citizen.confirmed_at is not None:
        raise ValueError("the account exists")
    if citizen is None:
        sex = parse_iin(iin).sex.value.lower()
        citizen = Citizen(iin=iin, surname=surname, given_name=given_name, patronymic=patronymic,
                          birth_date=birth_date, sex=sex)
        session.add(citizen)
    citizen.phone = phone
    citizen.password_hash = hash_password(password)
    citizen.password_changed_at = now
    session.flush()
    events.record(session, actor_of(citizen), "registration_started")
    return citizen


def confirm_registration(session: Session, citizen: Citizen, *, now: dt.datetime) -> None:
    citizen.confirmed_at = now
    events.record(session, actor_of(citizen), "registered")


def reset_password(session: Session, citizen: Citizen, password: str, *, now: dt.datetime,
                   locale: str) -> None:
    """A new password after a reset code: every session of the person ends, and an SMS says so.
    Commits."""
    citizen.password_hash = hash_password(password)
    citizen.password_changed_at = now
    for row in session.scalars(select(WebSession).where(
            WebSession.subject_kind == SubjectKind.CITIZEN, WebSession.subject_id == citizen.id,
            WebSession.ended_at.is_(None))):
        access.end_session(row, SessionEnd.PASSWORD_RESET)
    events.record(session, actor_of(citizen), "password_reset")
    tell_password_changed(session, citizen, now=now, locale=locale)
    session.commit()


def tell_password_changed(session: Session, citizen: Citizen, *, now: dt.datetime,
                          locale: str) -> None:
    """An SMS that the password changed (by a reset or in the cabinet), with no personal data.
    The caller commits."""
    if citizen.phone:
        with force_locale(locale):
            text = gettext("Social assistance portal: your password was changed. If it was not "
                           "you, call 1414.")
        sms().queue(session, citizen.phone, text, SmsPurpose.PASSWORD_RESET, now=now)


