"""The two TEST signers: a locked key file (NCALayer-like) and a phone QR (eGov Mobile-like)."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import segno
from cryptography import x509

from signing.base import (
    Action,
    CertificateInfo,
    CertificateUnusable,
    Challenge,
    ChallengeUnknown,
    Clock,
    FailureMode,
    SecretRequired,
    SignedEnvelope,
    SigningCancelled,
    SigningPending,
    SigningTimedOut,
    SignRequest,
    TokenExpired,
    TokenUnknown,
    TokenUsed,
    digest,
    read_clock,
)
from signing.ca import TestCA
from signing.jws import read_envelope, sign_envelope
from signing.keystore import KeyVault, SecretRule, UnlockedKey
from signing.names import Holder, describe_certificate, holder_from_certificate
from signing.storage import Storage

KEYFILE_CHALLENGE_TTL = timedelta(minutes=10)
MOBILE_TOKEN_TTL = timedelta(minutes=5)
# Valid TEST IINs from spec/KAZAKHSTAN.md, used when a demo asks for "wrong person".
OTHER_PEOPLE = (
    Holder("760212350620", "TESTOVA", "AIGUL", "TESTOVNA"),
    Holder("871008401427", "TESTOV", "ARMAN", "TESTOVICH"),
)
_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")

PENDING, SIGNED, CANCELLED = "pending", "signed", "cancelled"


def _new_id() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class MobilePrompt:
    """What the phone shows before asking for the PIN."""

    title: str
    purpose: str
    document: bytes
    digest: str
    signer: CertificateInfo
    expires_at: datetime
    test: bool = True
    pin_length: int | None = None  # digits of the person's PIN, when the key store records it


class _SimulatedSigner:
    """Shared by both simulators: the vault, pending records and the scripted failures."""

    name = "simulated"
    _secret_rule = SecretRule()

    def __init__(
        self, *, ca: TestCA, storage: Storage, now: Clock, keystore_key: bytes, lockout_minutes: int = 5
    ) -> None:
        self._ca = ca
        self._storage = storage
        self._now = now
        self.vault = KeyVault(
            storage,
            namespace=self.name,
            ca=ca,
            now=now,
            server_key=keystore_key,
            rule=self._secret_rule,
            lockout=timedelta(minutes=lockout_minutes),
        )

    def enroll(self, holder: Holder, secret: str, *, replace: bool = False) -> CertificateInfo:
        """TEST only: issue the person's key, locked with the secret they choose."""
        return describe_certificate(self.vault.enroll(holder, secret, replace=replace))

    def is_enrolled(self, iin: str) -> bool:
        return self.vault.is_enrolled(iin)

    def usable_certificate(self, iin: str) -> CertificateInfo:
        """The certificate to show in the signing dialog; refuses one outside its validity."""
        info = describe_certificate(self.vault.certificate(iin))
        now = read_clock(self._now)
        if now < info.not_before:
            raise CertificateUnusable(code="certificate.not_yet_valid")
        if now > info.not_after:
            raise CertificateUnusable(code="certificate.expired")
        return info

    def _record_key(self, kind: str, ident: str) -> str:
        return f"{self.name}/{kind}/{ident}"

    def _load(self, challenge_id: str) -> dict[str, Any] | None:
        if _ID.fullmatch(challenge_id) is None:
            return None
        raw = self._storage.get(self._record_key("challenge", challenge_id))
        return None if raw is None else dict(json.loads(raw))

    def _save(self, challenge_id: str, record: dict[str, Any]) -> None:
        self._storage.put(self._record_key("challenge", challenge_id), json.dumps(record).encode())

    def purge_expired(self, *, grace: timedelta = timedelta(hours=1)) -> int:
        """For a periodic job: drop challenges that ended over ``grace`` ago; returns how many.

        The grace period lets a slow poller still collect a finished mobile signature.
        """
        cutoff = read_clock(self._now) - grace
        removed = 0
        for key in self._storage.keys(f"{self.name}/challenge/"):
            raw = self._storage.get(key)
            if raw is None:
                continue
            record = json.loads(raw)
            if datetime.fromisoformat(record["expires_at"]) >= cutoff:
                continue
            token_hash = record.get("token_hash")
            if token_hash:
                self._storage.delete(self._record_key("token", token_hash))
                self._storage.delete(self._record_key("unused", token_hash))
            removed += self._storage.delete(key)
        return removed

    def _expires(self, request: SignRequest, ttl: timedelta) -> datetime:
        # A scripted timeout is an ordinary expiry that has already happened.
        now = read_clock(self._now)
        return now if request.failure_mode is FailureMode.TIMEOUT else now + ttl

    def _sign(self, request: SignRequest, unlocked: UnlockedKey) -> SignedEnvelope:
        key, certificate, chain = unlocked.key, unlocked.certificate, unlocked.chain
        if request.failure_mode is FailureMode.REVOKED:
            # A real, really revoked certificate of the same person; their own key stays good.
            key, certificate = self._ca.issue_key_pair(holder_from_certificate(certificate))
            self._ca.revoke(certificate.serial_number, x509.ReasonFlags.key_compromise)
            chain = tuple(self._ca.chain)
        elif request.failure_mode is FailureMode.WRONG_PERSON:
            other = next(p for p in OTHER_PEOPLE if p.iin != request.signer_iin)
            key, certificate = self._ca.issue_key_pair(other)
            chain = tuple(self._ca.chain)
        return sign_envelope(
            request, key, certificate, chain, signing_time=read_clock(self._now), signer=self.name
        )


class KeyFileSigner(_SimulatedSigner):
    """NCALayer-like: the person picks their key file and types its password."""

    name = "keyfile"

    def __init__(
        self,
        *,
        ca: TestCA,
        storage: Storage,
        now: Clock,
        keystore_key: bytes,
        lockout_minutes: int = 5,
        challenge_minutes: int = 10,
    ) -> None:
        super().__init__(ca=ca, storage=storage, now=now, keystore_key=keystore_key,
                         lockout_minutes=lockout_minutes)
        self._ttl = timedelta(minutes=challenge_minutes)

    def begin(self, request: SignRequest) -> Challenge:
        info = self.usable_certificate(request.signer_iin)
        challenge_id = _new_id()
        expires_at = self._expires(request, self._ttl)
        record = {"request": request.to_record(), "expires_at": expires_at.isoformat()}
        self._save(challenge_id, record)
        return Challenge(
            id=challenge_id,
            signer=self.name,
            action=Action.ENTER_PASSWORD,
            expires_at=expires_at,
            certificate=info,
        )

    def complete(self, challenge_id: str, answer: str | None = None) -> SignedEnvelope:
        record = self._load(challenge_id)
        if record is None:
            raise ChallengeUnknown()
        request = SignRequest.from_record(record["request"])
        if read_clock(self._now) >= datetime.fromisoformat(record["expires_at"]):
            self.cancel(challenge_id)
            raise SigningTimedOut()
        if request.failure_mode is FailureMode.CANCEL:
            self.cancel(challenge_id)
            raise SigningCancelled()
        if not answer:
            raise SecretRequired()
        # Wrong password and lockout propagate and leave the challenge open for another try.
        unlocked = self.vault.unlock(request.signer_iin, answer)
        if not self._storage.delete(self._record_key("challenge", challenge_id)):
            raise ChallengeUnknown()  # completed by a parallel request
        return self._sign(request, unlocked)

    def cancel(self, challenge_id: str) -> None:
        if _ID.fullmatch(challenge_id) is not None:
            self._storage.delete(self._record_key("challenge", challenge_id))


class MobileSigner(_SimulatedSigner):
    """eGov Mobile-like, cross-device: a one-time QR/link opened on the phone, confirmed by PIN.

    The page that began the signing polls ``complete`` until the phone has answered.
    """

    name = "mobile"
    _secret_rule = SecretRule(min_length=4, max_length=8, digits_only=True)

    def __init__(
        self,
        *,
        ca: TestCA,
        storage: Storage,
        now: Clock,
        keystore_key: bytes,
        mobile_url: str = "/sign/mobile/{token}",
        lockout_minutes: int = 5,
        token_minutes: int = 5,
    ) -> None:
        if "{token}" not in mobile_url:
            raise ValueError("mobile_url must contain {token}")
        super().__init__(ca=ca, storage=storage, now=now, keystore_key=keystore_key,
                         lockout_minutes=lockout_minutes)
        self._url = mobile_url
        self._ttl = timedelta(minutes=token_minutes)

    def link(self, token: str) -> str:
        return self._url.format(token=token)

    def begin(self, request: SignRequest) -> Challenge:
        info = self.usable_certificate(request.signer_iin)
        session_id, token = _new_id(), _new_id()
        token_hash = digest(token.encode())  # a storage dump yields no usable tokens
        expires_at = self._expires(request, self._ttl)
        record = {
            "request": request.to_record(),
            "expires_at": expires_at.isoformat(),
            "state": PENDING,
            "token_hash": token_hash,
        }
        self._save(session_id, record)
        self._storage.put(self._record_key("token", token_hash), session_id.encode())
        self._storage.put(self._record_key("unused", token_hash), b"1")
        link = self.link(token)
        qr = segno.make(link, error="m")
        return Challenge(
            id=session_id,
            signer=self.name,
            action=Action.SCAN_QR,
            expires_at=expires_at,
            certificate=info,
            link=link,
            qr_svg=qr.svg_inline(scale=4, title="TEST eGov Mobile QR"),
        )

    def _session_for(self, token: str) -> tuple[str, dict[str, Any]]:
        if _ID.fullmatch(token) is None:
            raise TokenUnknown()
        token_hash = digest(token.encode())
        session_id = self._storage.get(self._record_key("token", token_hash))
        record = None if session_id is None else self._load(session_id.decode())
        if session_id is None or record is None:
            raise TokenUnknown()
        unused = self._storage.get(self._record_key("unused", token_hash)) is not None
        if record["state"] != PENDING or not unused:
            raise TokenUsed()
        if read_clock(self._now) >= datetime.fromisoformat(record["expires_at"]):
            raise TokenExpired()
        return session_id.decode(), record

    def exchange_of(self, token: str) -> str | None:
        """The exchange (session id) a link belongs to, whatever its state; None if unknown."""
        if _ID.fullmatch(token) is None:
            return None
        session_id = self._storage.get(self._record_key("token", digest(token.encode())))
        return None if session_id is None else session_id.decode()

    def request_of(self, challenge_id: str) -> SignRequest | None:
        """What an exchange asked to be signed (to verify its envelope before saying "signed")."""
        record = self._load(challenge_id)
        return None if record is None else SignRequest.from_record(record["request"])

    def _claim(self, record: dict[str, Any]) -> None:
        # The one atomic step: whoever deletes the marker owns the token.
        if not self._storage.delete(self._record_key("unused", record["token_hash"])):
            raise TokenUsed()

    def open(self, token: str) -> MobilePrompt:
        """The phone page: what is being signed, by whom, until when. Does not use the token up."""
        _, record = self._session_for(token)
        request = SignRequest.from_record(record["request"])
        return MobilePrompt(
            title=request.title,
            purpose=request.purpose,
            document=request.document,
            digest=request.digest,
            signer=describe_certificate(self.vault.certificate(request.signer_iin)),
            expires_at=datetime.fromisoformat(record["expires_at"]),
            pin_length=self.vault.pin_length(request.signer_iin),
        )

    def confirm(self, token: str, pin: str) -> SignedEnvelope:
        """The person entered their PIN on the phone. A wrong PIN leaves the token usable."""
        session_id, record = self._session_for(token)
        request = SignRequest.from_record(record["request"])
        if request.failure_mode is FailureMode.CANCEL:
            self._decline(session_id, record)
            raise SigningCancelled()
        unlocked = self.vault.unlock(request.signer_iin, pin)
        self._claim(record)
        envelope = self._sign(request, unlocked)
        self._save(session_id, {**record, "state": SIGNED, "envelope": envelope.token})
        return envelope

    def decline(self, token: str, pin: str) -> None:
        """The person refuses on the phone. The PIN is asked for, like signing, so whoever merely
        holds the link cannot stop someone else's signing; a wrong PIN counts as a try."""
        session_id, record = self._session_for(token)
        request = SignRequest.from_record(record["request"])
        self.vault.unlock(request.signer_iin, pin)
        self._decline(session_id, record)

    def _decline(self, session_id: str, record: dict[str, Any]) -> None:
        self._claim(record)
        self._save(session_id, {**record, "state": CANCELLED})

    def complete(self, challenge_id: str, answer: str | None = None) -> SignedEnvelope:
        """Polled by the page that began signing; no ``answer``: the PIN is typed on the phone."""
        record = self._load(challenge_id)
        if record is None:
            raise ChallengeUnknown()
        if record["state"] == SIGNED:
            return read_envelope(record["envelope"], signer=self.name)
        if record["state"] == CANCELLED:
            raise SigningCancelled()
        if read_clock(self._now) >= datetime.fromisoformat(record["expires_at"]):
            raise SigningTimedOut()
        raise SigningPending()

    def cancel(self, challenge_id: str) -> None:
        """The person gave up on the computer: the phone can no longer use the token."""
        record = self._load(challenge_id)
        if record is None or record["state"] != PENDING:
            return
        if self._storage.delete(self._record_key("unused", record["token_hash"])):
            self._save(challenge_id, {**record, "state": CANCELLED})
