"""The third TEST signer: a one-time code by SMS, sealed by the portal's own key (egov.kz-like).

A person without an EDS key confirms a document with a 6-digit code sent to the number that the
mobile citizens database registers to their IIN. The portal then signs a JWS with its own TEST
"SMS confirmation" certificate; the signed content names the confirming IIN, the number, the time
and the document digest, so ``signing.verify`` checks it like the other two signers.

The package imports nothing from the portal: the portal passes in ``phone_for`` (the registered
number of an IIN, or None) and ``send_code`` (hands the code to its SMS outbox).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from signing.base import (
    Action,
    CertificateInfo,
    Challenge,
    ChallengeUnknown,
    Clock,
    FailureMode,
    KeyStoreBlocked,
    SignedEnvelope,
    SigningCancelled,
    SigningError,
    SigningTimedOut,
    SignRequest,
    WrongSecret,
    read_clock,
)
from signing.ca import SigningKey, TestCA, generate_key
from signing.jws import sign_confirmation
from signing.names import Policy, describe_certificate, sms_confirmation_subject
from signing.storage import Storage

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=5)
MAX_TRIES = 3  # wrong codes per exchange, across resent codes; then the exchange is dead
EXCHANGE_TTL = timedelta(minutes=15)
RESEND_WAIT = timedelta(seconds=60)
MAX_SENDS = 3  # codes per exchange
SENDS_PER_HOUR = 5  # codes per person (IIN), across exchanges and workers
KEY_RENEW_BEFORE = timedelta(days=1)
# Valid TEST IINs from spec/KAZAKHSTAN.md, used when a demo asks for "wrong person".
OTHER_PEOPLE = ("760212350620", "871008401427")

_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
_CODE = re.compile(rf"[0-9]{{{CODE_DIGITS}}}")
_PREFIX = "sms"
_CAS_RETRIES = 50

PhoneDirectory = Callable[[str], "str | None"]
"""IIN → the number registered to it in the mobile citizens database (``+7XXXXXXXXXX``), or None."""
CodeSender = Callable[[str, str, datetime], None]
"""(phone, code, code expiry) → hand the code to the SMS outbox; raise ``CodeNotSent`` on failure."""


class NoRegisteredPhone(SigningError):
    """No number is registered to this IIN: the code may only go to a registered one."""

    code = "sms.no_phone"


class CodeNotSent(SigningError):
    """The SMS gateway did not take the code (the portal's sender says so)."""

    code = "sms.not_sent"


class CodeShape(SigningError):
    """Not six digits: refused before any try is counted."""

    code = "sms.code_shape"


class CodeExpired(SigningError):
    """This code is older than 5 minutes; a new one can be asked for (not a counted try)."""

    code = "sms.code_expired"


class WrongCode(WrongSecret):
    code = "sms.code_wrong"

    def __init__(self, attempts_left: int) -> None:
        super().__init__(attempts_left)
        self.args = (f"wrong code, {attempts_left} attempt(s) left",)


class CodeExhausted(KeyStoreBlocked):
    """The third wrong code: the exchange is gone; signing must start again."""

    code = "sms.code_exhausted"


class ResendTooSoon(SigningError):
    code = "sms.resend_too_soon"

    def __init__(self, until: datetime) -> None:
        super().__init__(f"a new code can be sent from {until.isoformat()}")
        self.until = until


class TooManyCodes(SigningError):
    """Too many codes for this exchange or this person in the last hour."""

    code = "sms.too_many_codes"


def mask_phone(phone: str) -> str:
    """``+77011234567`` → ``+7 701 ••• •• 67``."""
    return f"{phone[:2]} {phone[2:5]} ••• •• {phone[-2:]}" if len(phone) == 12 else "•••"


def _now_iso(moment: datetime) -> str:
    return moment.isoformat()


class SmsSigner:
    """``begin`` sends a code; ``complete(id, code)`` checks it and seals the confirmation."""

    name = "sms"

    def __init__(
        self,
        *,
        ca: TestCA,
        storage: Storage,
        now: Clock,
        keystore_key: bytes,
        sms_phone_for: PhoneDirectory,
        sms_send_code: CodeSender,
    ) -> None:
        self._ca = ca
        self._storage = storage
        self._now = now
        self._phone_for = sms_phone_for
        self._send = sms_send_code
        self._key_password = keystore_key
        # Codes are kept as HMACs under a server secret: a storage dump cannot be brute-forced.
        self._code_key = hashlib.sha256(b"signing.sms code|" + keystore_key).digest()
        self._keys: dict[int, SigningKey] = {}  # decrypted portal keys by certificate serial

    # -- the portal's own key -------------------------------------------------------------------

    def _key_record(self) -> tuple[bytes | None, dict[str, str] | None]:
        raw = self._storage.get(f"{_PREFIX}/key")
        return raw, None if raw is None else dict(json.loads(raw))

    def _issue_key(self) -> tuple[SigningKey, x509.Certificate]:
        key = generate_key(self._ca.key_type)
        certificate = self._ca.issue_for_subject(
            sms_confirmation_subject(), key.public_key(), policies=(Policy.SMS_CONFIRMATION,)
        )
        return key, certificate

    def confirmation_key(self) -> tuple[SigningKey, x509.Certificate]:
        """The portal's SMS-confirmation key, issued by the TEST CA on first use and renewed
        a day before it expires; kept encrypted under the server's key-encryption key."""
        now = read_clock(self._now)
        for _ in range(_CAS_RETRIES):
            raw, record = self._key_record()
            if record is not None:
                certificate = x509.load_pem_x509_certificate(record["certificate"].encode())
                if now < certificate.not_valid_after_utc - KEY_RENEW_BEFORE:
                    return self._decrypt(record["key"], certificate), certificate
            key, certificate = self._issue_key()
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(self._key_password),
            ).decode()
            value = json.dumps({
                "key": pem,
                "certificate": certificate.public_bytes(serialization.Encoding.PEM).decode(),
            }).encode()
            if self._storage.compare_and_set(f"{_PREFIX}/key", raw, value):
                self._keys[certificate.serial_number] = key
                return key, certificate
        raise SigningError("could not store the SMS confirmation key", code="signer.configuration")

    def _decrypt(self, pem: str, certificate: x509.Certificate) -> SigningKey:
        cached = self._keys.get(certificate.serial_number)
        if cached is not None:
            return cached
        loaded = serialization.load_pem_private_key(pem.encode(), password=self._key_password)
        if not isinstance(loaded, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise SigningError("the SMS confirmation key is unusable", code="signer.configuration")
        self._keys[certificate.serial_number] = loaded
        return loaded

    def certificate(self) -> CertificateInfo:
        return describe_certificate(self.confirmation_key()[1])

    # -- records ----------------------------------------------------------------------------

    def _record_key(self, challenge_id: str) -> str:
        return f"{_PREFIX}/challenge/{challenge_id}"

    def _load(self, challenge_id: str) -> tuple[bytes, dict[str, Any]] | None:
        if _ID.fullmatch(challenge_id) is None:
            return None
        raw = self._storage.get(self._record_key(challenge_id))
        return None if raw is None else (raw, dict(json.loads(raw)))

    def _hash(self, challenge_id: str, code: str) -> str:
        return hmac.new(self._code_key, f"{challenge_id}:{code}".encode(), hashlib.sha256).hexdigest()

    def _count_send(self, iin: str, now: datetime) -> None:
        """At most ``SENDS_PER_HOUR`` codes per person, across exchanges and workers."""
        key = f"{_PREFIX}/sends/{hashlib.sha256(iin.encode()).hexdigest()}"
        for _ in range(_CAS_RETRIES):
            raw = self._storage.get(key)
            recent = [t for t in ([] if raw is None else json.loads(raw))
                      if datetime.fromisoformat(t) > now - timedelta(hours=1)]
            if len(recent) >= SENDS_PER_HOUR:
                raise TooManyCodes()
            if self._storage.compare_and_set(key, raw, json.dumps([*recent, _now_iso(now)]).encode()):
                return
        raise TooManyCodes()

    def _new_code(self) -> str:
        return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"

    def _challenge(self, challenge_id: str, record: dict[str, Any]) -> Challenge:
        return Challenge(
            id=challenge_id,
            signer=self.name,
            action=Action.ENTER_CODE,
            expires_at=datetime.fromisoformat(record["code_expires_at"]),
            certificate=self.certificate(),
            phone=mask_phone(record["phone"]),
            resend_at=datetime.fromisoformat(record["sent_at"]) + RESEND_WAIT,
        )

    # -- the exchange --------------------------------------------------------------------------

    def begin(self, request: SignRequest) -> Challenge:
        phone = self._phone_for(request.signer_iin)
        if not phone:
            raise NoRegisteredPhone()
        now = read_clock(self._now)
        self._count_send(request.signer_iin, now)
        challenge_id = secrets.token_urlsafe(24)
        code = self._new_code()
        timed_out = request.failure_mode is FailureMode.TIMEOUT
        code_expires = now if timed_out else now + CODE_TTL
        record = {
            "request": request.to_record(),
            "phone": phone,
            "expires_at": _now_iso(now if timed_out else now + EXCHANGE_TTL),
            "code_hash": self._hash(challenge_id, code),
            "code_expires_at": _now_iso(code_expires),
            "sent_at": _now_iso(now),
            "sends": 1,
            "tries": 0,
        }
        self._storage.put(self._record_key(challenge_id), json.dumps(record).encode())
        try:
            self._send(phone, code, code_expires)
        except CodeNotSent:
            self._storage.delete(self._record_key(challenge_id))
            raise
        return self._challenge(challenge_id, record)

    def challenge(self, challenge_id: str) -> Challenge:
        """The exchange as it stands now (to show the code form again)."""
        loaded = self._load(challenge_id)
        if loaded is None:
            raise ChallengeUnknown()
        return self._challenge(challenge_id, loaded[1])

    def _live(self, challenge_id: str, now: datetime) -> tuple[bytes, dict[str, Any], SignRequest]:
        """The exchange's record as stored (for compare-and-set) and its request, if still open."""
        loaded = self._load(challenge_id)
        if loaded is None:
            raise ChallengeUnknown()
        raw, record = loaded
        if now >= datetime.fromisoformat(record["expires_at"]):
            self.cancel(challenge_id)
            raise SigningTimedOut()
        return raw, record, SignRequest.from_record(record["request"])

    def resend(self, challenge_id: str) -> Challenge:
        """A new code (the old one stops working); after ``RESEND_WAIT``, at most ``MAX_SENDS``."""
        now = read_clock(self._now)
        for _ in range(_CAS_RETRIES):
            raw, record, request = self._live(challenge_id, now)
            allowed_at = datetime.fromisoformat(record["sent_at"]) + RESEND_WAIT
            if now < allowed_at:
                raise ResendTooSoon(allowed_at)
            if record["sends"] >= MAX_SENDS:
                raise TooManyCodes()
            self._count_send(request.signer_iin, now)
            code = self._new_code()
            code_expires = now + CODE_TTL
            updated = {**record, "code_hash": self._hash(challenge_id, code),
                       "code_expires_at": _now_iso(code_expires), "sent_at": _now_iso(now),
                       "sends": record["sends"] + 1}
            if not self._storage.compare_and_set(self._record_key(challenge_id), raw,
                                                 json.dumps(updated).encode()):
                continue
            self._send(record["phone"], code, code_expires)
            return self._challenge(challenge_id, updated)
        raise ChallengeUnknown()

    def complete(self, challenge_id: str, answer: str | None = None) -> SignedEnvelope:
        """Check the code; the right one is used up by exactly one caller, then sealed."""
        code = (answer or "").strip()
        if _CODE.fullmatch(code) is None:
            raise CodeShape()  # a typo of the wrong length costs no try
        now = read_clock(self._now)
        for _ in range(_CAS_RETRIES):
            raw, record, request = self._live(challenge_id, now)
            if request.failure_mode is FailureMode.CANCEL:
                self.cancel(challenge_id)
                raise SigningCancelled()
            if now >= datetime.fromisoformat(record["code_expires_at"]):
                raise CodeExpired()
            tries = record["tries"] + 1
            # Reserve the try before comparing, so parallel guesses cannot share one count.
            if not self._storage.compare_and_set(self._record_key(challenge_id), raw,
                                                 json.dumps({**record, "tries": tries}).encode()):
                continue
            if not hmac.compare_digest(record["code_hash"], self._hash(challenge_id, code)):
                if tries >= MAX_TRIES:
                    self.cancel(challenge_id)
                    raise CodeExhausted()
                raise WrongCode(MAX_TRIES - tries)
            if not self._storage.delete(self._record_key(challenge_id)):
                raise ChallengeUnknown()  # a parallel request used the code first
            return self._seal(request, record["phone"], now)
        raise ChallengeUnknown()

    def _seal(self, request: SignRequest, phone: str, now: datetime) -> SignedEnvelope:
        key, certificate = self.confirmation_key()
        iin = request.signer_iin
        if request.failure_mode is FailureMode.REVOKED:
            # A real, really revoked SMS-confirmation certificate; the portal's own key stays good.
            key, certificate = self._issue_key()
            self._ca.revoke(certificate.serial_number, x509.ReasonFlags.key_compromise)
        elif request.failure_mode is FailureMode.WRONG_PERSON:
            iin = next(other for other in OTHER_PEOPLE if other != request.signer_iin)
        return sign_confirmation(
            request, key, certificate, tuple(self._ca.chain), confirmed_at=now,
            confirmed_iin=iin, phone=phone, signer=self.name,
        )

    def cancel(self, challenge_id: str) -> None:
        if _ID.fullmatch(challenge_id) is not None:
            self._storage.delete(self._record_key(challenge_id))

    def purge_expired(self, *, grace: timedelta = timedelta(hours=1)) -> int:
        """For a periodic job: drop exchanges that ended over ``grace`` ago; returns how many."""
        cutoff = read_clock(self._now) - grace
        removed = 0
        for key in self._storage.keys(f"{_PREFIX}/challenge/"):
            raw = self._storage.get(key)
            if raw is not None and datetime.fromisoformat(json.loads(raw)["expires_at"]) < cutoff:
                removed += self._storage.delete(key)
        return removed
