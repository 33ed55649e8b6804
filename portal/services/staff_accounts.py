"""Staff accounts: sign in with a login, a password and a second factor (an authenticator app's
code or a one-time recovery code); enrol the factor; an administrator creates people, changes
their role or desk, deactivates them and resets a lost factor. Every use case writes its event,
never a secret."""

from __future__ import annotations

import base64
import datetime as dt
import os
import secrets
from dataclasses import dataclass
from enum import StrEnum

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.domain.accounts import (
    FACTOR_MAX_TRIES,
    RECOVERY_ALPHABET,
    RECOVERY_CODES,
    TOTP_DIGITS,
    matching_step,
    normalise_recovery_code,
)
from portal.domain.workflow import Role
from portal.models import (
    Desk,
    Event,
    SessionEnd,
    SignInMethod,
    StaffFactor,
    StaffRecoveryCode,
    StaffUser,
    SubjectKind,
    WebSession,
)
from portal.services import events
from portal.services.passwords import check_password, hash_password
from portal.web import access

# Verified for an unknown or inactive login so that it costs the same time as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
STAFF_ROLES = tuple(r for r in Role if r not in {Role.CITIZEN, Role.SYSTEM})
DESK_ROLES = frozenset({Role.INTAKE})  # intake staff sit at a desk, which gives their channel


def actor_of(staff: StaffUser) -> events.Actor:
    return events.Actor("staff", staff.id, staff.role.value)


# -- the TOTP secret, encrypted at rest ---------------------------------------------------------
# A seed is sealed with AES-256-GCM under a key derived (HKDF-SHA256) from SECRET_KEY, bound to
# its staff member (the associated data): a sealed seed copied into another person's row does not
# open. Stored as "v2." + base64url(nonce + ciphertext + tag). Seeds sealed before (Fernet, "v1",
# no prefix) still open and are sealed again at the next right code; so are seeds sealed under a
# key now listed in SECRET_KEY_FALLBACKS, which is how a SECRET_KEY rotation keeps every
# authenticator working (`flask sessions reseal-factors` does them all at once).

_SEALED = "v2."


def _derived(secret_key: str, version: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"portal staff totp " + version)
    return hkdf.derive(secret_key.encode())


def _secret_keys() -> list[str]:
    """The current SECRET_KEY first, then the fallbacks still accepted."""
    config = current_app.config
    return [str(config["SECRET_KEY"]), *(str(k) for k in config.get("SECRET_KEY_FALLBACKS") or ())]


def _associated(staff_id: int) -> bytes:
    return b"portal staff totp seed:%d" % staff_id


def encrypt_secret(secret: str, staff_id: int) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_derived(_secret_keys()[0], b"v2")).encrypt(
        nonce, secret.encode(), _associated(staff_id))
    return _SEALED + base64.urlsafe_b64encode(nonce + sealed).decode()


def open_secret(token: str, staff_id: int) -> tuple[str, bool] | None:
    """(the seed, whether it is sealed as encrypt_secret seals today), or None when no accepted
    key opens it (SECRET_KEY changed with no fallback: the person enrols again after an admin
    reset)."""
    for position, key in enumerate(_secret_keys()):
        if token.startswith(_SEALED):
            try:
                raw = base64.urlsafe_b64decode(token[len(_SEALED):].encode())
                seed = AESGCM(_derived(key, b"v2")).decrypt(raw[:12], raw[12:],
                                                             _associated(staff_id))
            except (InvalidTag, ValueError):
                continue
            return seed.decode(), position == 0
        try:
            fernet = Fernet(base64.urlsafe_b64encode(_derived(key, b"v1")))
            return fernet.decrypt(token.encode()).decode(), False
        except (InvalidToken, ValueError):
            continue
    return None


def decrypt_secret(token: str, staff_id: int) -> str | None:
    opened = open_secret(token, staff_id)
    return None if opened is None else opened[0]


def reseal(factor: StaffFactor) -> bool:
    """Seal a factor's seed again under the current key and scheme when it is not already; True
    when it changed. A seed no accepted key opens is left as it is."""
    opened = open_secret(factor.secret_encrypted, factor.staff_id)
    if opened is None or opened[1]:
        return False
    factor.secret_encrypted = encrypt_secret(opened[0], factor.staff_id)
    return True


def reseal_all(session: Session) -> tuple[int, int]:
    """Every factor sealed under the current SECRET_KEY and scheme (after a rotation, before the
    old key leaves SECRET_KEY_FALLBACKS): (sealed anew, unreadable). One event. Commits."""
    resealed = unreadable = 0
    for factor in session.scalars(select(StaffFactor).order_by(StaffFactor.staff_id)):
        if reseal(factor):
            resealed += 1
        elif open_secret(factor.secret_encrypted, factor.staff_id) is None:
            unreadable += 1
    events.record(session, events.Actor.system(), "factors_resealed",
                  data={"resealed": resealed, "unreadable": unreadable})
    session.commit()
    return resealed, unreadable


def factor_of(session: Session, staff: StaffUser) -> StaffFactor | None:
    return session.get(StaffFactor, staff.id)


def is_enrolled(session: Session, staff: StaffUser) -> bool:
    factor = factor_of(session, staff)
    return factor is not None and factor.enrolled_at is not None


def provisioning_uri(staff: StaffUser, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=staff.login,
                                               issuer_name="Social assistance portal")


# -- signing in -----------------------------------------------------------------------------------

def find(session: Session, login: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(func.lower(StaffUser.login) == login.lower()))


class FirstPasswordExpired(Exception):
    """The right first password, past its time: the administrator issues a new one."""


def password_sign_in(session: Session, login: str, password: str, *,
                     now: dt.datetime) -> StaffUser | None:
    """The active staff member whose password this is; None for an unknown login, a wrong
    password or an inactive account alike, in the same time. Records the failure. A right first
    password past its time raises FirstPasswordExpired (only its holder learns it). Commits."""
    staff = find(session, login)
    if staff is None:
        check_password(_DUMMY_HASH, password)
        events.record(session, events.Actor("public", None, "anonymous"), "staff_sign_in_failed",
                      data={"why": "unknown"})
        session.commit()
        return None
    right = check_password(staff.password_hash, password)
    if not right or not staff.active:
        why = "inactive" if right else "password"
        events.record(session, actor_of(staff), "staff_sign_in_failed", data={"why": why})
        session.commit()
        return None
    if staff.first_password_until is not None and now >= staff.first_password_until:
        events.record(session, actor_of(staff), "staff_sign_in_failed",
                      data={"why": "first_password_expired"})
        session.commit()
        raise FirstPasswordExpired
    return staff


class FactorResult(StrEnum):
    RIGHT = "right"
    WRONG = "wrong"
    LOCKED = "locked"  # the fifth wrong code of this pending sign-in


def wrong_codes_since(session: Session, staff: StaffUser, since: dt.datetime) -> int:
    """Wrong codes counted on the server (a cookie sent again cannot reset them)."""
    count = session.scalar(select(func.count()).select_from(Event).where(
        Event.actor_kind == "staff", Event.actor_id == staff.id,
        Event.action == "staff_factor_wrong", Event.at >= since))
    return int(count or 0)


def check_factor(session: Session, staff: StaffUser, code: str, *, now: dt.datetime,
                 pending_since: dt.datetime) -> tuple[FactorResult, SignInMethod | None]:
    """An authenticator code (6 digits) or a recovery code. A right code is used up (its time
    step or the recovery code never works again); a wrong one counts toward the limit. Commits."""
    if wrong_codes_since(session, staff, pending_since) >= FACTOR_MAX_TRIES:
        return FactorResult.LOCKED, None
    method: SignInMethod | None = None
    factor = factor_of(session, staff)
    entered = "".join(code.split())
    if factor is not None and factor.enrolled_at is not None:
        if entered.isdigit() and len(entered) == TOTP_DIGITS:
            secret = decrypt_secret(factor.secret_encrypted, staff.id)
            step = None if secret is None else matching_step(secret, entered, now,
                                                             factor.last_step)
            # One conditional UPDATE: of two requests with the same code, only one wins.
            if step is not None and session.execute(
                    update(StaffFactor).where(
                        StaffFactor.staff_id == staff.id,
                        or_(StaffFactor.last_step.is_(None), StaffFactor.last_step < step))
                    .values(last_step=step)).rowcount == 1:  # type: ignore[attr-defined]
                method = SignInMethod.PASSWORD_TOTP
                reseal(factor)  # an old scheme or a fallback key: sealed anew
        elif use_recovery_code(session, staff, entered, now=now):
            method = SignInMethod.RECOVERY_CODE
    if method is not None:
        session.flush()
        return FactorResult.RIGHT, method
    events.record(session, actor_of(staff), "staff_factor_wrong",
                  data={"kind": "totp" if entered.isdigit() else "recovery"})
    session.flush()
    if wrong_codes_since(session, staff, pending_since) >= FACTOR_MAX_TRIES:
        record_locked(session, staff)
        return FactorResult.LOCKED, None
    session.commit()
    return FactorResult.WRONG, None


def record_locked(session: Session, staff: StaffUser) -> None:
    """The pending sign-in ends after the fifth wrong code. Commits."""
    events.record(session, actor_of(staff), "factor_locked", data={"tries": FACTOR_MAX_TRIES})
    session.commit()


def use_recovery_code(session: Session, staff: StaffUser, code: str, *, now: dt.datetime) -> bool:
    entered = normalise_recovery_code(code)
    if len(entered) != 10:
        return False
    for row in session.scalars(select(StaffRecoveryCode).where(
            StaffRecoveryCode.staff_id == staff.id, StaffRecoveryCode.used_at.is_(None))):
        if check_password(row.code_hash, entered):
            row.used_at = now
            left = session.scalar(select(func.count()).select_from(StaffRecoveryCode).where(
                StaffRecoveryCode.staff_id == staff.id, StaffRecoveryCode.used_at.is_(None)))
            events.record(session, actor_of(staff), "recovery_code_used",
                          data={"left": int(left or 0)})
            return True
    return False


def complete_sign_in(session: Session, staff: StaffUser, method: SignInMethod) -> WebSession:
    """A fresh session with a new id. Commits."""
    row = access.start_session(SubjectKind.STAFF, staff.id, method)
    events.record(session, actor_of(staff), "staff_signed_in", data={"method": method})
    session.commit()
    return row


# -- enrolment ------------------------------------------------------------------------------------

def start_enrolment(session: Session, staff: StaffUser) -> str:
    """A new secret for a person without an enrolled factor (kept until a code confirms it).
    Commits."""
    factor = factor_of(session, staff)
    if factor is not None and factor.enrolled_at is not None:
        raise ValueError("the factor is enrolled already")
    secret = pyotp.random_base32()
    if factor is None:
        factor = StaffFactor(staff_id=staff.id, secret_encrypted="")
        session.add(factor)
    factor.secret_encrypted = encrypt_secret(secret, staff.id)
    factor.last_step = None
    session.commit()
    return secret


def pending_secret(session: Session, staff: StaffUser) -> str | None:
    factor = factor_of(session, staff)
    if factor is None or factor.enrolled_at is not None:
        return None
    return decrypt_secret(factor.secret_encrypted, staff.id)


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def replace_recovery_codes(session: Session, staff: StaffUser) -> list[str]:
    """Ten new codes (the old ones stop working); only their Argon2id hashes are kept."""
    session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == staff.id))
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    session.add_all(StaffRecoveryCode(staff_id=staff.id,
                                      code_hash=hash_password(normalise_recovery_code(c)))
                    for c in codes)
    return codes


def confirm_enrolment(session: Session, staff: StaffUser, code: str, *,
                      now: dt.datetime) -> list[str] | None:
    """The first code from the app confirms the secret: the factor is enrolled and ten recovery
    codes are made (returned once). None when the code is not right. Commits."""
    factor = factor_of(session, staff)
    secret = None if factor is None else decrypt_secret(factor.secret_encrypted, staff.id)
    step = None if secret is None or factor is None else matching_step(secret, code, now, None)
    if factor is None or step is None:
        events.record(session, actor_of(staff), "staff_factor_wrong", data={"kind": "enrol"})
        session.commit()
        return None
    factor.enrolled_at = now
    factor.last_step = step
    codes = replace_recovery_codes(session, staff)
    events.record(session, actor_of(staff), "factor_enrolled",
                  data={"recovery_codes": len(codes)})
    session.flush()
    return codes


def enrol_demo(session: Session, staff: StaffUser, *, now: dt.datetime,
               record_event: bool = True) -> str:
    """The demo's staff come enrolled; returns the secret (the demo prints it). Idempotent.

    Loading the demo data is one event; a later run that enrols someone again (after an admin
    reset) records it."""
    factor = factor_of(session, staff)
    secret = None if factor is None else decrypt_secret(factor.secret_encrypted, staff.id)
    if factor is not None and factor.enrolled_at is not None and secret is not None:
        return secret
    secret = pyotp.random_base32()
    if factor is None:
        factor = StaffFactor(staff_id=staff.id, secret_encrypted="")
        session.add(factor)
    factor.secret_encrypted = encrypt_secret(secret, staff.id)
    factor.enrolled_at = now
    factor.last_step = None
    if record_event:
        events.record(session, events.Actor.system(), "factor_enrolled",
                      data={"staff": staff.id, "demo": True})
    return secret


# -- administration -------------------------------------------------------------------------------

class StaffProblem(StrEnum):
    LOGIN_TAKEN = "login_taken"
    DESK_REQUIRED = "desk_required"
    DESK_ELSEWHERE = "desk_elsewhere"
    SELF = "self"


class StaffChangeRefused(ValueError):
    def __init__(self, problem: StaffProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def open_sessions(session: Session, staff_ids: list[int]) -> list[WebSession]:
    """The sessions of these staff members that have not ended."""
    return list(session.scalars(select(WebSession).where(
        WebSession.subject_kind == SubjectKind.STAFF, WebSession.subject_id.in_(staff_ids),
        WebSession.ended_at.is_(None))))


def _end_sessions(session: Session, staff: StaffUser, reason: SessionEnd) -> int:
    rows = open_sessions(session, [staff.id])
    for row in rows:
        access.end_session(row, reason)
    return len(rows)


def district_sessions(session: Session, admin: StaffUser) -> list[WebSession]:
    """Every open session of the administrator's district's staff but the one in use now."""
    people = list(session.scalars(select(StaffUser.id).where(
        StaffUser.district_id == admin.district_id)))
    mine = access.current_row()
    return [row for row in open_sessions(session, people)
            if mine is None or row.id != mine.id]


def end_staff_sessions(session: Session, admin: StaffUser, staff: StaffUser) -> int:
    """ASVS 7.4.5: one person's sessions end now, wherever they are (not the administrator's
    own session in use). Commits; returns how many ended."""
    mine = access.current_row()
    rows = [row for row in open_sessions(session, [staff.id])
            if mine is None or row.id != mine.id]
    for row in rows:
        access.end_session(row, SessionEnd.ENDED_BY_ADMIN)
    events.record(session, actor_of(admin), "staff_sessions_ended",
                  data={"staff": staff.id, "sessions": len(rows)})
    session.commit()
    return len(rows)


def end_district_sessions(session: Session, admin: StaffUser) -> tuple[int, int]:
    """Every session of the district's staff ends, the administrator's own in use excepted
    (a suspected stolen session, a shared computer). Commits; returns (people, sessions)."""
    rows = district_sessions(session, admin)
    for row in rows:
        access.end_session(row, SessionEnd.ENDED_BY_ADMIN)
    people = len({row.subject_id for row in rows})
    events.record(session, actor_of(admin), "district_sessions_ended",
                  data={"district": admin.district_id, "people": people,
                        "sessions": len(rows)})
    session.commit()
    return people, len(rows)


def end_everyones_sessions(session: Session, kinds: tuple[SubjectKind, ...]) -> int:
    """Every open session of citizens and/or staff ends (`flask sessions end-all`, an
    incident). Commits; returns how many ended."""
    rows = list(session.scalars(select(WebSession).where(
        WebSession.subject_kind.in_(kinds), WebSession.ended_at.is_(None))))
    for row in rows:
        access.end_session(row, SessionEnd.ENDED_BY_OPERATOR)
    events.record(session, events.Actor.system(), "all_sessions_ended",
                  data={"kinds": sorted(kinds), "sessions": len(rows)})
    session.commit()
    return len(rows)


def _checked_desk(session: Session, role: Role, desk_id: int | None,
                  district_id: int | None) -> int | None:
    if role not in DESK_ROLES:
        return None
    if desk_id is None:
        raise StaffChangeRefused(StaffProblem.DESK_REQUIRED)
    desk = session.get(Desk, desk_id)
    if desk is None or desk.district_id != district_id:
        raise StaffChangeRefused(StaffProblem.DESK_ELSEWHERE)
    return desk.id


@dataclass(frozen=True)
class Created:
    staff: StaffUser
    password: str  # shown once to the administrator, who hands it over


def _first_password() -> tuple[str, dt.datetime]:
    """A first password (96 random bits, in three groups to read aloud) and until when it
    signs in (STAFF_FIRST_PASSWORD_HOURS)."""
    hours = int(current_app.config["STAFF_FIRST_PASSWORD_HOURS"])
    password = "-".join(secrets.token_urlsafe(4) for _ in range(3))
    return password, utcnow() + dt.timedelta(hours=hours)


def issue_first_password(session: Session, admin: StaffUser, staff: StaffUser) -> str:
    """A forgotten password, or a first one that expired unused: a new first password replaces
    it (shown once), every session of the person ends; at the next sign-in they choose their
    own. Commits."""
    password, until = _first_password()
    staff.password_hash = hash_password(password)
    staff.first_password_until = until
    ended = _end_sessions(session, staff, SessionEnd.PASSWORD_RESET)
    events.record(session, actor_of(admin), "staff_password_issued",
                  data={"staff": staff.id, "sessions": ended})
    session.commit()
    return password


def create_staff(session: Session, admin: StaffUser, *, login: str, full_name: str,
                 position: str, role: Role, desk_id: int | None) -> Created:
    """A new person in the administrator's district with a one-time password; they enrol their
    factor at the first sign-in. Commits."""
    if find(session, login) is not None:
        raise StaffChangeRefused(StaffProblem.LOGIN_TAKEN)
    desk = _checked_desk(session, role, desk_id, admin.district_id)
    password, until = _first_password()
    staff = StaffUser(login=login, full_name=full_name, position=position, role=role,
                      district_id=admin.district_id, desk_id=desk,
                      password_hash=hash_password(password), first_password_until=until)
    session.add(staff)
    session.flush()
    events.record(session, actor_of(admin), "staff_created",
                  data={"staff": staff.id, "role": role, "desk": desk})
    session.commit()
    return Created(staff, password)


def change_staff(session: Session, admin: StaffUser, staff: StaffUser, *, role: Role,
                 desk_id: int | None) -> bool:
    """A new role or desk; False when nothing changed. Commits."""
    if staff.id == admin.id and role is not admin.role:
        raise StaffChangeRefused(StaffProblem.SELF)
    desk = _checked_desk(session, role, desk_id, staff.district_id)
    if staff.role is role and staff.desk_id == desk:
        return False
    before = {"role": staff.role, "desk": staff.desk_id}
    staff.role, staff.desk_id = role, desk
    events.record(session, actor_of(admin), "staff_changed",
                  data={"staff": staff.id, "before": before, "role": role, "desk": desk})
    session.commit()
    return True


def deactivate(session: Session, admin: StaffUser, staff: StaffUser) -> None:
    """The person can no longer sign in; their sessions end now. Commits."""
    if staff.id == admin.id:
        raise StaffChangeRefused(StaffProblem.SELF)
    staff.active = False
    ended = _end_sessions(session, staff, SessionEnd.DEACTIVATED)
    events.record(session, actor_of(admin), "staff_deactivated",
                  data={"staff": staff.id, "sessions": ended})
    session.commit()


def reset_factor(session: Session, admin: StaffUser, staff: StaffUser) -> None:
    """A lost phone: the factor and recovery codes go, sessions end, the next sign-in enrols
    again. Commits."""
    session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == staff.id))
    session.execute(delete(StaffFactor).where(StaffFactor.staff_id == staff.id))
    ended = _end_sessions(session, staff, SessionEnd.FACTOR_RESET)
    events.record(session, actor_of(admin), "factor_reset",
                  data={"staff": staff.id, "sessions": ended})
    session.commit()
