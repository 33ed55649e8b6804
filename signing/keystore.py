"""Personal key stores (PKCS#12 under the person's own password) with a wrong-attempt lockout."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.base import (
    AlreadyEnrolled,
    Clock,
    LockedOut,
    NotEnrolled,
    WeakSecret,
    WrongSecret,
    read_clock,
)
from signing.ca import SigningKey, TestCA
from signing.names import Holder
from signing.storage import Storage

MAX_ATTEMPTS = 3
LOCKOUT = timedelta(minutes=5)


@dataclass(frozen=True)
class UnlockedKey:
    key: SigningKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


@dataclass(frozen=True)
class SecretRule:
    """Shape of an acceptable password or PIN; the person chooses it, we never store it."""

    min_length: int = 6
    max_length: int = 128
    digits_only: bool = False

    def check(self, secret: str) -> None:
        if not self.min_length <= len(secret) <= self.max_length:
            raise WeakSecret(code="secret.length")
        if self.digits_only and not (secret.isascii() and secret.isdigit()):
            raise WeakSecret(code="secret.digits_only")


class KeyVault:
    """One key store per IIN in a namespace (``keyfile``, ``mobile``).

    The PKCS#12 is encrypted with the person's secret (``BestAvailableEncryption``); the
    certificate is kept beside it in the clear so the signing dialog can show it before unlocking.

    The attempt counter is a read-modify-write on plain storage: two parallel guesses can both
    count as the first. The PKCS#12 key derivation and the portal's rate limiter bound that.
    """

    def __init__(
        self,
        storage: Storage,
        *,
        namespace: str,
        ca: TestCA,
        now: Clock,
        rule: SecretRule | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        lockout: timedelta = LOCKOUT,
    ) -> None:
        self._storage = storage
        self._ns = namespace
        self._ca = ca
        self._now = now
        self._rule = rule or SecretRule()
        self._max_attempts = max_attempts
        self._lockout = lockout

    def _key(self, kind: str, iin: str) -> str:
        return f"{self._ns}/{kind}/{iin}"

    def _record(self, iin: str) -> dict[str, str]:
        raw = self._storage.get(self._key("keystore", iin))
        if raw is None:
            raise NotEnrolled(f"no {self._ns} key store for this IIN")
        record: dict[str, str] = json.loads(raw)
        return record

    def is_enrolled(self, iin: str) -> bool:
        return self._storage.get(self._key("keystore", iin)) is not None

    def enroll(self, holder: Holder, secret: str, *, replace: bool = False) -> x509.Certificate:
        """Issue the key store once; ``replace`` re-issues and revokes the old certificate."""
        self._rule.check(secret)
        previous = self.certificate(holder.iin) if self.is_enrolled(holder.iin) else None
        if previous is not None and not replace:
            raise AlreadyEnrolled()
        key, certificate = self._ca.issue_key_pair(holder)
        p12 = pkcs12.serialize_key_and_certificates(
            name=holder.iin.encode(),
            key=key,
            cert=certificate,
            cas=self._ca.chain,
            encryption_algorithm=serialization.BestAvailableEncryption(secret.encode()),
        )
        record = {
            "p12": base64.b64encode(p12).decode("ascii"),
            "certificate": certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        }
        self._storage.put(self._key("keystore", holder.iin), json.dumps(record).encode())
        self._storage.delete(self._key("attempts", holder.iin))
        if previous is not None:
            self._ca.revoke(previous.serial_number, x509.ReasonFlags.superseded)
        return certificate

    def certificate(self, iin: str) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self._record(iin)["certificate"].encode("ascii"))

    def export(self, iin: str) -> bytes:
        """The PKCS#12 file as the person would keep it (still locked by their password)."""
        return base64.b64decode(self._record(iin)["p12"])

    def locked_until(self, iin: str) -> datetime | None:
        until = self._attempts(iin)[1]
        return until if until is not None and read_clock(self._now) < until else None

    def _attempts(self, iin: str) -> tuple[int, datetime | None]:
        raw = self._storage.get(self._key("attempts", iin))
        if raw is None:
            return 0, None
        state = json.loads(raw)
        until = state.get("locked_until")
        return int(state["failures"]), None if until is None else datetime.fromisoformat(until)

    def _save_attempts(self, iin: str, failures: int, until: datetime | None) -> None:
        state = {"failures": failures, "locked_until": None if until is None else until.isoformat()}
        self._storage.put(self._key("attempts", iin), json.dumps(state).encode())

    def unlock(self, iin: str, secret: str) -> UnlockedKey:
        """Open the key store; wrong secrets count, the last allowed one starts a pause."""
        p12 = self.export(iin)
        now = read_clock(self._now)
        failures, until = self._attempts(iin)
        if until is not None and now < until:
            raise LockedOut(until)
        if until is not None:
            failures = 0  # the pause is over: a fresh set of tries
        try:
            key, certificate, chain = pkcs12.load_key_and_certificates(p12, secret.encode())
        except ValueError:
            failures += 1
            if failures >= self._max_attempts:
                until = now + self._lockout
                self._save_attempts(iin, 0, until)
                raise LockedOut(until) from None
            self._save_attempts(iin, failures, None)
            raise WrongSecret(self._max_attempts - failures) from None
        self._storage.delete(self._key("attempts", iin))
        if isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) and certificate:
            return UnlockedKey(key, certificate, tuple(chain))
        raise ValueError("key store holds no usable signing key")
