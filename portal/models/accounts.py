"""Who is signed in where: server-side sessions, one-time codes, staff second factors."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow
from portal.models._types import enum_column


class SubjectKind(StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"


class SignInMethod(StrEnum):
    PASSWORD_SMS = "password_sms"  # noqa: S105 — citizen: password, then a code by SMS
    EDS = "eds"  # a challenge signed with the person's key
    PASSWORD_TOTP = "password_totp"  # noqa: S105 — staff: password, then the authenticator's code
    RECOVERY_CODE = "recovery_code"  # staff: password, then a one-time recovery code


class SessionEnd(StrEnum):
    SIGN_OUT = "sign_out"
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere"  # "sign out of other devices" too
    IDLE = "idle"
    TOO_OLD = "too_old"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a reason, not a password)
    FACTOR_RESET = "factor_reset"
    DEACTIVATED = "deactivated"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 — the person changed it: others end
    ENDED_BY_PERSON = "ended_by_person"  # ended from the person's own list of sessions
    PASSWORD_TRIES = "password_tries"  # noqa: S105 — too many wrong current passwords
    ENDED_BY_ADMIN = "ended_by_admin"  # an administrator ended them (one person, a district)
    ENDED_BY_OPERATOR = "ended_by_operator"  # `flask sessions end-citizen` or `end-all`


class WebSession(Base):
    """The record behind a signed-in cookie: the cookie holds a random token, this row its
    SHA-256, so a copy of the database cannot be replayed as cookies. Ending the row ends the
    session wherever the cookie is."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject_kind: Mapped[SubjectKind] = mapped_column(enum_column(SubjectKind))
    subject_id: Mapped[int] = mapped_column(Integer, index=True)
    method: Mapped[SignInMethod] = mapped_column(enum_column(SignInMethod))
    # SHA-256 of the browser's user agent: enough to notice a new device, not to track one.
    device_hash: Mapped[str] = mapped_column(String(64))
    # Browser and system family only ("Chrome/Android", `portal/domain/devices.py`), for the
    # person's own list of sessions; None for sessions older than the list.
    device: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]
    ended_reason: Mapped[SessionEnd | None] = mapped_column(enum_column(SessionEnd))


class CodePurpose(StrEnum):
    REGISTER = "register"  # confirms the phone of a new account
    SIGN_IN = "sign_in"
    RESET = "reset"  # password reset


class OneTimeCode(Base):
    """A 6-digit code sent by SMS, kept only as an HMAC under the server's key."""

    __tablename__ = "one_time_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[CodePurpose] = mapped_column(enum_column(CodePurpose))
    citizen_id: Mapped[int] = mapped_column(
        ForeignKey("citizens.id", ondelete="CASCADE"), index=True
    )
    phone: Mapped[str] = mapped_column(String(16), index=True)
    code_hmac: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[dt.datetime | None]


class StaffRecoveryCode(Base):
    """One of a staff member's recovery codes, hashed; each works once."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[dt.datetime | None]


class StaffFactor(Base):
    """A staff member's TOTP secret, encrypted under a key derived from SECRET_KEY."""

    __tablename__ = "staff_factors"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True
    )
    secret_encrypted: Mapped[str] = mapped_column(Text)
    enrolled_at: Mapped[dt.datetime | None]  # None until the first code confirms it
    last_step: Mapped[int | None] = mapped_column(Integer)  # a code is never accepted twice
