"""Shared vocabulary of the EDS package: requests, challenges, envelopes, results, errors."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from cryptography import x509

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware. Injected everywhere so tests pass time in."""

IIN_PATTERN = re.compile(r"\d{12}")


def system_clock() -> datetime:
    """The real clock; only composition roots (portal, bench) should pass it in."""
    return datetime.now(UTC)


def read_clock(clock: Clock) -> datetime:
    """Call ``clock`` and insist on an aware datetime, normalised to UTC."""
    value = clock()
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("the clock must return timezone-aware datetimes")
    return value.astimezone(UTC)


def canonical_json(obj: object) -> bytes:
    """Sorted keys, no whitespace, UTF-8 without escaping, NaN refused.

    The portal signs exactly these bytes and stores them; verification later compares against the
    stored bytes, so this need not be RFC 8785 — but it must never change for the same object.
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def digest(data: bytes) -> str:
    """SHA-256 of ``data`` as 64 lowercase hex digits: readable on a phone, easy to compare."""
    return hashlib.sha256(data).hexdigest()


def is_iin_shaped(value: str) -> bool:
    """Twelve digits; the check digit is the domain's business (portal.domain.iin)."""
    return IIN_PATTERN.fullmatch(value) is not None


class Role(StrEnum):
    CITIZEN = "citizen"
    STAFF = "staff"


class FailureMode(StrEnum):
    """Scripted outcomes a TEST panel can ask for; each goes through the real code path."""

    NONE = "none"
    CANCEL = "cancel"
    TIMEOUT = "timeout"
    REVOKED = "revoked"
    WRONG_PERSON = "wrong_person"


class Action(StrEnum):
    """What the person must do after ``begin``."""

    ENTER_PASSWORD = "enter_password"  # noqa: S105 - an action name, not a secret
    SCAN_QR = "scan_qr"
    ENTER_CODE = "enter_code"  # a one-time code sent by SMS (signing/sms.py)


class RevocationStatus(StrEnum):
    GOOD = "good"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class SignRequest:
    """A document to sign (canonical bytes), who must sign it and why."""

    document: bytes
    signer_iin: str
    purpose: str
    role: Role = Role.CITIZEN
    title: str = ""
    failure_mode: FailureMode = FailureMode.NONE

    def __post_init__(self) -> None:
        if not is_iin_shaped(self.signer_iin):
            raise ValueError("signer_iin must be 12 digits")
        if not self.purpose:
            raise ValueError("purpose is required")

    @classmethod
    def of(cls, content: object, **fields: Any) -> SignRequest:
        """A request over the canonical JSON of ``content`` (application + gateway answers)."""
        return cls(document=canonical_json(content), **fields)

    @property
    def digest(self) -> str:
        # Derived, never stored, so the digest can never disagree with the document.
        return digest(self.document)

    def to_record(self) -> dict[str, str]:
        return {
            "document": base64.b64encode(self.document).decode("ascii"),
            "signer_iin": self.signer_iin,
            "purpose": self.purpose,
            "role": self.role.value,
            "title": self.title,
            "failure_mode": self.failure_mode.value,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, str]) -> SignRequest:
        return cls(
            document=base64.b64decode(record["document"]),
            signer_iin=record["signer_iin"],
            purpose=record["purpose"],
            role=Role(record["role"]),
            title=record["title"],
            failure_mode=FailureMode(record["failure_mode"]),
        )


@dataclass(frozen=True)
class CertificateInfo:
    """What a person is shown about a certificate, and what verification reports."""

    serial: str
    iin: str | None
    common_name: str
    surname: str
    given_name: str
    patronymic: str
    issuer: str
    not_before: datetime
    not_after: datetime
    position: str | None = None
    organisation: str | None = None
    bin: str | None = None
    is_test: bool = False


@dataclass(frozen=True)
class Challenge:
    """What ``begin`` hands back: the step the person must take to finish signing."""

    id: str
    signer: str
    action: Action
    expires_at: datetime
    certificate: CertificateInfo | None = None
    link: str | None = None
    qr_svg: str | None = None
    test: bool = True
    phone: str | None = None  # ENTER_CODE: where the code went, masked (+7 ••• ••• •• 67)
    resend_at: datetime | None = None  # ENTER_CODE: a new code may be asked for from then on


@dataclass(frozen=True)
class SignedEnvelope:
    """A JWS compact serialization plus what it claims (unverified until ``verify`` says so)."""

    token: str
    signer: str
    signer_iin: str
    certificate_serial: str
    signing_time: datetime
    digest: str
    purpose: str


class Check(StrEnum):
    SIGNATURE = "signature"
    CHAIN = "chain"
    VALIDITY = "validity"
    REVOCATION = "revocation"
    KEY_USAGE = "key_usage"
    POLICY = "policy"
    IIN = "iin"
    DIGEST = "digest"
    PURPOSE = "purpose"


@dataclass(frozen=True)
class VerificationResult:
    """Each check separately; ``failures`` maps a failed check to a reason code for translation."""

    failures: Mapping[Check, str]
    revocation: RevocationStatus
    signer: CertificateInfo | None = None
    signing_time: datetime | None = None
    purpose: str | None = None
    chain: tuple[CertificateInfo, ...] = field(default=())

    def passed(self, check: Check) -> bool:
        return check not in self.failures

    @property
    def signature_valid(self) -> bool:
        return self.passed(Check.SIGNATURE)

    @property
    def chain_trusted(self) -> bool:
        return self.passed(Check.CHAIN)

    @property
    def valid_at_signing_time(self) -> bool:
        return self.passed(Check.VALIDITY)

    @property
    def not_revoked(self) -> bool:
        return self.passed(Check.REVOCATION)

    @property
    def key_usage_ok(self) -> bool:
        return self.passed(Check.KEY_USAGE)

    @property
    def policy_ok(self) -> bool:
        return self.passed(Check.POLICY)

    @property
    def iin_matches(self) -> bool:
        return self.passed(Check.IIN)

    @property
    def digest_matches(self) -> bool:
        return self.passed(Check.DIGEST)

    @property
    def purpose_matches(self) -> bool:
        return self.passed(Check.PURPOSE)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def reason_codes(self) -> list[str]:
        return [self.failures[check] for check in Check if check in self.failures]


@runtime_checkable
class RevocationChecker(Protocol):
    """OCSP-shaped question: is this certificate, issued by that issuer, revoked?"""

    def status(self, certificate: x509.Certificate, issuer: x509.Certificate) -> RevocationStatus: ...


@runtime_checkable
class Signer(Protocol):
    """A two-step signing exchange, so NCALayer and eGov Mobile adapters fit the same shape."""

    @property
    def name(self) -> str: ...

    def begin(self, request: SignRequest) -> Challenge: ...

    def complete(self, challenge_id: str, answer: str | None = None) -> SignedEnvelope:
        """Finish the exchange; ``answer`` is the key password where one is asked for.

        Raises ``SigningPending`` while the person has not acted yet (poll again).
        """
        ...

    def cancel(self, challenge_id: str) -> None: ...


class SigningError(Exception):
    """Base of every refusal; ``code`` is stable and translated by the portal."""

    code = "signing.error"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        if code is not None:
            self.code = code
        super().__init__(message or self.code)


class ConfigurationError(SigningError):
    code = "signer.configuration"


class NotEnrolled(SigningError):
    code = "signer.not_enrolled"


class AlreadyEnrolled(SigningError):
    code = "signer.already_enrolled"


class WeakSecret(SigningError):
    code = "secret.weak"


class PinLength(WeakSecret):
    """The PIN typed has another number of digits than the person's PIN: a typo, not a try."""

    code = "secret.pin_length"

    def __init__(self, length: int) -> None:
        super().__init__(f"the PIN has {length} digits")
        self.length = length


class SecretRequired(SigningError):
    code = "secret.required"


class WrongSecret(SigningError):
    code = "secret.wrong"

    def __init__(self, attempts_left: int) -> None:
        super().__init__(f"wrong password or PIN, {attempts_left} attempt(s) left")
        self.attempts_left = attempts_left


class LockedOut(SigningError):
    code = "secret.locked"

    def __init__(self, until: datetime) -> None:
        super().__init__(f"too many wrong attempts, locked until {until.isoformat()}")
        self.until = until


class KeyStoreBlocked(SigningError):
    """Every lockout step is used up: only a new key (re-enrolment) unblocks the person."""

    code = "secret.blocked"


class UnlockBusy(SigningError):
    """Another try for the same person is being checked right now; try again in a moment."""

    code = "secret.busy"


class ChallengeUnknown(SigningError):
    code = "challenge.unknown"


class SigningPending(SigningError):
    code = "signing.pending"


class SigningCancelled(SigningError):
    code = "signing.cancelled"


class SigningTimedOut(SigningError):
    code = "signing.timeout"


class TokenUnknown(SigningError):
    code = "token.unknown"


class TokenExpired(SigningError):
    code = "token.expired"


class TokenUsed(SigningError):
    code = "token.used"


class CertificateUnusable(SigningError):
    code = "certificate.unusable"


class UnknownCertificate(SigningError):
    code = "certificate.unknown"


class MalformedEnvelope(SigningError):
    code = "envelope.malformed"
