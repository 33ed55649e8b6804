"""Rules for accounts: passwords (ASVS 5.0 V6.2), one-time codes and session lifetimes (V7.3).

Pure: the clock, the list of common passwords and the person's own data come in as arguments.
"""

from __future__ import annotations

import enum
import hmac
import unicodedata
from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

import pyotp

__all__ = [
    "CODE_DIGITS",
    "CODE_LIFETIME",
    "CODE_MAX_TRIES",
    "CONTEXT_WORDS",
    "FACTOR_MAX_TRIES",
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "RECOVERY_ALPHABET",
    "RECOVERY_CODES",
    "SESSION_ABSOLUTE",
    "SESSION_IDLE",
    "SESSION_WARNING",
    "TOTP_DIGITS",
    "TOTP_DRIFT_STEPS",
    "TOTP_STEP_SECONDS",
    "CodeState",
    "CodeVerdict",
    "PasswordProblem",
    "SendVerdict",
    "SessionVerdict",
    "code_verdict",
    "group_secret",
    "matching_step",
    "may_send_code",
    "normalise_recovery_code",
    "password_problems",
    "session_verdict",
    "totp_step",
]

PASSWORD_MIN: Final = 8  # V6.2.1
PASSWORD_MAX: Final = 128  # V6.2.9: at least 64 allowed
CODE_DIGITS: Final = 6  # V6.6.3 (6 digits or more)
CODE_LIFETIME: Final = timedelta(minutes=10)
CODE_MAX_TRIES: Final = 5
RESEND_INTERVAL: Final = timedelta(seconds=60)  # between two codes to one number
RESEND_PER_HOUR: Final = 5  # codes to one number in any hour
SESSION_IDLE: Final = timedelta(minutes=15)  # V7.3.1
SESSION_ABSOLUTE: Final = timedelta(hours=12)  # V7.3.2
SESSION_WARNING: Final = timedelta(minutes=1)  # the warning comes this long before the idle end
_PERSONAL_MIN: Final = 4  # shorter fragments (e.g. a 3-letter name) match too much by chance
# ASVS 6.1.2 / 6.2.11: words an attacker tries first against this service's accounts — the
# service's and the portal's names in Kazakh, Russian and English (and their Latin spellings),
# the state portal, "password" itself. A password made of them with digits and symbols only
# ("egov2026!", "Әлеуметтік көмек 1") is refused; one that adds words of its own is not
# ("көмек сұраған жақсы адам"). docs/security.md, Context words, lists them for readers.
CONTEXT_WORDS: Final = tuple(sorted({
    # the service: social assistance (атаулы әлеуметтік көмек)
    "әлеуметтік", "көмек", "атаулы", "aleumettik", "kömek", "komek", "atauly",
    "социальная", "социальной", "адресная", "помощь", "помощи", "sotsialnaya", "pomosh",
    "pomoshch", "social", "assistance", "targeted",
    # the portal, the state service, the state portal and the hotline's name
    "портал", "порталы", "portal", "қызмет", "қызметі", "kyzmet", "qyzmet", "услуга", "service",
    "мемлекеттік", "госуслуги", "gosuslugi", "egov", "e-gov", "электрондық", "үкімет",
    "kazakhstan", "қазақстан", "казахстан", "qazaqstan", "еңбек", "enbek",
    # the account itself
    "password", "пароль", "parol", "құпиясөз", "qupiasöz", "kupiasoz", "admin", "кабинет",
    "cabinet", "әкімдік", "акимат", "akimat",
}, key=len, reverse=True))
_CONTEXT_REST_MIN: Final = 4  # letters of the person's own a password needs besides the words


class PasswordProblem(enum.StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    COMMON = "common"  # on the list of common and breached passwords
    PERSONAL = "personal"  # contains the person's IIN, name or phone number
    CONTEXT = "context"  # only the service's or the portal's words, digits and symbols


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _only_context_words(folded: str, context: Iterable[str]) -> bool:
    """At least one context word, and fewer than four letters besides them."""
    rest = folded
    for word in context:
        rest = rest.replace(word, " ")
    return rest != folded and sum(ch.isalpha() for ch in rest) < _CONTEXT_REST_MIN


def password_problems(
    password: str, *, common: Container[str], personal: Iterable[str | None] = (),
    context: Iterable[str] = CONTEXT_WORDS,
) -> list[PasswordProblem]:
    """What is wrong with a chosen password; empty when it may be used.

    Length counts characters (not bytes) after Unicode normalisation (V6.2.1, V6.2.9); any
    character is allowed and no composition rule applies (V6.2.5). ``common`` holds casefolded
    common and breached passwords (V6.2.4); ``personal`` the person's IIN, names and phone;
    ``context`` the service's words (casefolded, the longer first; V6.2.11).
    """
    normal = unicodedata.normalize("NFKC", password)
    if len(normal) < PASSWORD_MIN:
        return [PasswordProblem.TOO_SHORT]
    if len(normal) > PASSWORD_MAX:
        return [PasswordProblem.TOO_LONG]
    found: list[PasswordProblem] = []
    folded = normal.casefold()
    if folded in common:
        found.append(PasswordProblem.COMMON)
    elif _only_context_words(folded, context):
        found.append(PasswordProblem.CONTEXT)
    digits_only = "".join(ch for ch in folded if ch.isdigit())
    for item in personal:
        if not item:
            continue
        fragment = _fold(item).replace(" ", "")
        number = "".join(ch for ch in fragment if ch.isdigit())
        if number and len(number) >= _PERSONAL_MIN and number == fragment.lstrip("+"):
            # A phone or IIN: its last ten digits (the number without +7) are enough to guess.
            if number[-10:] in digits_only:
                found.append(PasswordProblem.PERSONAL)
                break
        elif len(fragment) >= _PERSONAL_MIN and fragment in folded:
            found.append(PasswordProblem.PERSONAL)
            break
    return found


class CodeVerdict(enum.StrEnum):
    VALID = "valid"  # may be checked now
    EXPIRED = "expired"
    USED = "used"
    LOCKED = "locked"  # too many wrong tries


@dataclass(frozen=True)
class CodeState:
    issued_at: datetime
    tries: int = 0
    used_at: datetime | None = None


def code_verdict(state: CodeState, now: datetime) -> CodeVerdict:
    """Whether a one-time code may still be tried: single use, 10 minutes, 5 wrong tries."""
    if state.used_at is not None:
        return CodeVerdict.USED
    if state.tries >= CODE_MAX_TRIES:
        return CodeVerdict.LOCKED
    if now >= state.issued_at + CODE_LIFETIME:
        return CodeVerdict.EXPIRED
    return CodeVerdict.VALID


@dataclass(frozen=True)
class SendVerdict:
    allowed: bool
    retry_at: datetime | None = None  # when the next code may be sent, if not now


def may_send_code(
    sent_before: Iterable[datetime], now: datetime, same_purpose: Iterable[datetime] = ()
) -> SendVerdict:
    """Resend limits for one number: a minute between two codes for the same purpose (a reset
    code does not hold up the sign-in code that follows it), five codes in any hour."""
    recent = sorted(t for t in sent_before if now - timedelta(hours=1) < t <= now)
    last = max((t for t in same_purpose if t <= now), default=None)
    if last is not None and now < last + RESEND_INTERVAL:
        return SendVerdict(False, last + RESEND_INTERVAL)
    if len(recent) >= RESEND_PER_HOUR:
        return SendVerdict(False, recent[-RESEND_PER_HOUR] + timedelta(hours=1))
    return SendVerdict(True)


class SessionVerdict(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"  # signed out (here or everywhere), or ended by a reset
    IDLE = "idle"  # 15 minutes without activity
    TOO_OLD = "too_old"  # 12 hours since sign-in


def session_verdict(
    created_at: datetime, last_seen_at: datetime, ended_at: datetime | None, now: datetime
) -> SessionVerdict:
    if ended_at is not None:
        return SessionVerdict.ENDED
    if now >= created_at + SESSION_ABSOLUTE:
        return SessionVerdict.TOO_OLD
    if now >= last_seen_at + SESSION_IDLE:
        return SessionVerdict.IDLE
    return SessionVerdict.ACTIVE


# Staff second factor: an authenticator app's code (RFC 6238: 6 digits, 30-second steps).
TOTP_DIGITS: Final = 6
TOTP_STEP_SECONDS: Final = 30
TOTP_DRIFT_STEPS: Final = 1  # the step before and after are accepted too (clock drift)
FACTOR_MAX_TRIES: Final = 5  # wrong codes per pending sign-in
RECOVERY_CODES: Final = 10
RECOVERY_ALPHABET: Final = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def totp_step(at: datetime) -> int:
    return int(at.timestamp()) // TOTP_STEP_SECONDS


def matching_step(secret: str, code: str, at: datetime, last_step: int | None) -> int | None:
    """The time step whose code this is, within one step of `at`, and later than the last step
    accepted (a code is never accepted twice); None otherwise."""
    entered = "".join(code.split())
    if len(entered) != TOTP_DIGITS or not entered.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_STEP_SECONDS)
    now = totp_step(at)
    for step in range(now - TOTP_DRIFT_STEPS, now + TOTP_DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), entered):
            return step
    return None


def normalise_recovery_code(code: str) -> str:
    """Recovery codes are read aloud and retyped: case, spaces and dashes do not matter."""
    return "".join(c for c in code.casefold() if c.isalnum())


def group_secret(secret: str, size: int = 4) -> str:
    """A base32 secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + size] for i in range(0, len(secret), size))
