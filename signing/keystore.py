"""Personal key stores, sealed under the person's secret AND a server key kept outside storage.

A copy of the storage alone gives nothing: the private key is encrypted (AES-256-GCM) under a key
derived from both the server's key-encryption key (configuration, never stored here) and the
person's password or PIN stretched with Argon2id (memory-hard). Wrong tries are limited by
``AttemptGuard``, which reserves each try before the secret is checked.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.attempts import LOCKOUT_STEPS, MAX_ATTEMPTS, AttemptGuard, escalating
from signing.base import AlreadyEnrolled, Clock, NotEnrolled, PinLength, SecretRequired
from signing.ca import SigningKey, TestCA
from signing.names import Holder
from signing.secret_rules import SecretRule
from signing.storage import Storage

__all__ = ["MAX_ATTEMPTS", "KdfCost", "KeyVault", "SecretRule", "UnlockedKey"]

FORMAT = 2
# PKCS#12 handed to the person (export): PBES2 with AES-256 and a high PBKDF2 count (OWASP 2023).
EXPORT_KDF_ROUNDS = 600_000


@dataclass(frozen=True)
class KdfCost:
    """Argon2id cost, stored with each key store so it can be raised later (OWASP: 19 MiB, t=2)."""

    memory_kib: int = 19 * 1024
    iterations: int = 2
    lanes: int = 1


@dataclass(frozen=True)
class UnlockedKey:
    key: SigningKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


class KeyVault:
    """One key store per IIN in a namespace (``keyfile``, ``mobile``).

    The certificate is kept beside the sealed key in the clear so the signing dialog can show it
    before unlocking. ``server_key`` is the key-encryption key from configuration.
    """

    def __init__(
        self,
        storage: Storage,
        *,
        namespace: str,
        ca: TestCA,
        now: Clock,
        server_key: bytes,
        rule: SecretRule | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        lockout: timedelta | None = None,
        lockout_steps: tuple[timedelta, ...] = LOCKOUT_STEPS,
        kdf: KdfCost | None = None,
    ) -> None:
        if len(server_key) < 16:
            raise ValueError("a key-encryption key of at least 16 bytes is required")
        self._storage = storage
        self._ns = namespace
        self._ca = ca
        self._now = now
        self._kek = HKDF(hashes.SHA256(), 32, salt=None, info=b"signing key stores v2").derive(server_key)
        self._rule = rule or SecretRule()
        self._max_attempts = max_attempts
        self._steps = lockout_steps if lockout is None else escalating(lockout)
        self._kdf = kdf or KdfCost()

    def _key(self, kind: str, iin: str) -> str:
        return f"{self._ns}/{kind}/{iin}"

    def _guard(self, iin: str) -> AttemptGuard:
        return AttemptGuard(self._storage, self._key("attempts", iin), now=self._now,
                            max_attempts=self._max_attempts, steps=self._steps)

    def _record(self, iin: str) -> dict[str, Any]:
        raw = self._storage.get(self._key("keystore", iin))
        record: dict[str, Any] | None = None if raw is None else json.loads(raw)
        # A record from before server-side sealing cannot be opened safely: issue a new key.
        if record is None or record.get("format") != FORMAT:
            raise NotEnrolled(f"no {self._ns} key store for this IIN")
        return record

    def is_enrolled(self, iin: str) -> bool:
        try:
            self._record(iin)
        except NotEnrolled:
            return False
        return True

    def _sealing_key(self, iin: str, secret: str, salt: bytes, cost: KdfCost) -> bytes:
        stretched = Argon2id(salt=salt, length=32, iterations=cost.iterations, lanes=cost.lanes,
                             memory_cost=cost.memory_kib).derive(secret.encode())
        info = f"{self._ns}/{iin}".encode()
        return HKDF(hashes.SHA256(), 32, salt=salt, info=info).derive(self._kek + stretched)

    def enroll(self, holder: Holder, secret: str, *, replace: bool = False) -> x509.Certificate:
        """Issue the key store once; ``replace`` re-issues and revokes the old certificate."""
        self._rule.check(secret)
        previous = self.certificate(holder.iin) if self.is_enrolled(holder.iin) else None
        if previous is not None and not replace:
            raise AlreadyEnrolled()
        key, certificate = self._ca.issue_key_pair(holder)
        salt, nonce = os.urandom(16), os.urandom(12)
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        sealed = AESGCM(self._sealing_key(holder.iin, secret, salt, self._kdf)).encrypt(
            nonce, der, self._key("keystore", holder.iin).encode())
        record = {
            "format": FORMAT,
            "certificate": _pem(certificate),
            "chain": [_pem(cert) for cert in self._ca.chain],
            "kdf": {"alg": "argon2id", "salt": _b64(salt), "memory_kib": self._kdf.memory_kib,
                    "iterations": self._kdf.iterations, "lanes": self._kdf.lanes},
            "nonce": _b64(nonce),
            "sealed": _b64(sealed),
        }
        if self._rule.digits_only:
            # The phone asks for exactly this many digits, so a PIN typed one digit short is
            # refused as a typo before it costs one of the three tries.
            record["pin_length"] = len(secret)
        self._storage.put(self._key("keystore", holder.iin), json.dumps(record).encode())
        self._guard(holder.iin).reset()
        if previous is not None:
            self._ca.revoke(previous.serial_number, x509.ReasonFlags.superseded)
        return certificate

    def certificate(self, iin: str) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self._record(iin)["certificate"].encode("ascii"))

    def pin_length(self, iin: str) -> int | None:
        """How many digits the person's PIN has (PIN key stores issued since it is recorded)."""
        length = self._record(iin).get("pin_length")
        return length if isinstance(length, int) else None

    def locked_until(self, iin: str) -> datetime | None:
        return self._guard(iin).locked_until()

    def _open(self, iin: str, record: dict[str, Any], secret: str) -> SigningKey | None:
        """The private key, or None for a wrong secret (the one costly step a guess pays for)."""
        kdf = record["kdf"]
        cost = KdfCost(kdf["memory_kib"], kdf["iterations"], kdf["lanes"])
        key = self._sealing_key(iin, secret, base64.b64decode(kdf["salt"]), cost)
        try:
            der = AESGCM(key).decrypt(base64.b64decode(record["nonce"]),
                                      base64.b64decode(record["sealed"]),
                                      self._key("keystore", iin).encode())
        except InvalidTag:
            return None
        private = serialization.load_der_private_key(der, password=None)
        if not isinstance(private, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise ValueError("key store holds no usable signing key")
        return private

    def unlock(self, iin: str, secret: str) -> UnlockedKey:
        """Open the key store. The secret's shape is checked first (a typo costs no try); then a
        try is reserved atomically, and only then is the secret checked."""
        record = self._record(iin)
        if not secret:
            raise SecretRequired()
        self._rule.check_shape(secret)
        length = record.get("pin_length")
        if isinstance(length, int) and len(secret) != length:
            raise PinLength(length)
        guard = self._guard(iin)
        reservation = guard.reserve()
        try:
            key = self._open(iin, record, secret)
        except BaseException:
            guard.failed(reservation)  # frees the lease; the try stays counted
            raise
        if key is None:
            raise guard.failed(reservation)
        guard.reset()
        certificate = x509.load_pem_x509_certificate(record["certificate"].encode("ascii"))
        chain = tuple(x509.load_pem_x509_certificate(pem.encode("ascii")) for pem in record["chain"])
        return UnlockedKey(key, certificate, chain)

    def export(self, iin: str, secret: str) -> bytes:
        """The PKCS#12 file as the person would keep it, locked by their own password.

        Opening the store counts as a try like any other.
        """
        unlocked = self.unlock(iin, secret)
        encryption = (
            serialization.PrivateFormat.PKCS12.encryption_builder()
            .kdf_rounds(EXPORT_KDF_ROUNDS)
            .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
            .hmac_hash(hashes.SHA256())
            .build(secret.encode())
        )
        return pkcs12.serialize_key_and_certificates(
            name=iin.encode(), key=unlocked.key, cert=unlocked.certificate,
            cas=list(unlocked.chain), encryption_algorithm=encryption,
        )
