"""The TEST certification authority: root, issuing CA, personal certificates and revocation."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from signing.base import Clock, RevocationStatus, UnknownCertificate, read_clock
from signing.names import (
    AUTH_EKU,
    SIGNING_EKU,
    TEST_NOTICE,
    Holder,
    Policy,
    ca_name,
    subject_for,
)
from signing.storage import Storage

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey

ROOT_NAME = "TEST ROOT CA (simulated, not NCA RK)"
ISSUING_NAME = "TEST ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ"  # UTF-8 bytes must stay <= 64
ROOT_VALIDITY = timedelta(days=20 * 365)
ISSUING_VALIDITY = timedelta(days=10 * 365)
PERSON_VALIDITY = timedelta(days=365)
CRL_VALIDITY = timedelta(days=1)

_PREFIX = "ca"


class KeyType(StrEnum):
    EC_P256 = "ec-p256"  # fast; the default so tests stay quick
    RSA_2048 = "rsa-2048"


class Usage(StrEnum):
    """NCA RK issues separate signing and authentication certificates; we can too."""

    SIGN = "sign"
    AUTH = "auth"


def generate_key(key_type: KeyType = KeyType.EC_P256) -> SigningKey:
    if key_type is KeyType.RSA_2048:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def _key_usage(*, sign: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass(frozen=True)
class _Authority:
    certificate: x509.Certificate
    key: SigningKey


class TestCA:
    """Made with ``cryptography`` on first use; private keys stored encrypted under ``secret``.

    Revocation records live one per certificate, so two workers revoking at once cannot lose
    each other's write; the CRL is built from them on demand.
    """

    __test__ = False  # not a pytest test class despite the name

    def __init__(
        self,
        storage: Storage,
        *,
        secret: bytes,
        now: Clock,
        key_type: KeyType = KeyType.EC_P256,
    ) -> None:
        if not secret:
            raise ValueError("a secret is required to encrypt the CA keys at rest")
        self._storage = storage
        self._secret = secret
        self._now = now
        self.key_type = key_type
        self._root: _Authority | None = None
        self._issuing: _Authority | None = None

    # -- CA material -------------------------------------------------------------------------

    def _load(self, label: str) -> _Authority | None:
        cert_pem = self._storage.get(f"{_PREFIX}/{label}.crt")
        key_pem = self._storage.get(f"{_PREFIX}/{label}.key")
        if cert_pem is None or key_pem is None:
            return None
        key = serialization.load_pem_private_key(key_pem, password=self._secret)
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise ValueError(f"unsupported {label} CA key")
        return _Authority(x509.load_pem_x509_certificate(cert_pem), key)

    def _save(self, label: str, authority: _Authority) -> None:
        encryption = serialization.BestAvailableEncryption(self._secret)
        key_pem = authority.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        self._storage.put(f"{_PREFIX}/{label}.key", key_pem)
        self._storage.put(
            f"{_PREFIX}/{label}.crt", authority.certificate.public_bytes(serialization.Encoding.PEM)
        )

    def _ensure(self) -> tuple[_Authority, _Authority]:
        if self._root is None or self._issuing is None:
            root, issuing = self._load("root"), self._load("issuing")
            if root is None or issuing is None:
                root, issuing = self._create()
                self._save("root", root)
                self._save("issuing", issuing)
            self._root, self._issuing = root, issuing
        return self._root, self._issuing

    def _create(self) -> tuple[_Authority, _Authority]:
        now = read_clock(self._now)
        root_key = generate_key(self.key_type)
        root_name = ca_name(ROOT_NAME)
        root_cert = self._ca_certificate(root_name, root_key, root_key, root_name, now,
                                         ROOT_VALIDITY, path_length=1)
        issuing_key = generate_key(self.key_type)
        issuing_cert = self._ca_certificate(ca_name(ISSUING_NAME), issuing_key, root_key, root_name,
                                            now, ISSUING_VALIDITY, path_length=0)
        return _Authority(root_cert, root_key), _Authority(issuing_cert, issuing_key)

    def _ca_certificate(
        self,
        subject: x509.Name,
        key: SigningKey,
        root_key: SigningKey,
        root_name: x509.Name,
        now: datetime,
        validity: timedelta,
        *,
        path_length: int,
    ) -> x509.Certificate:
        """A CA certificate signed by the root: both TEST authorities share every extension."""
        return (
            self._builder(subject, root_name, key.public_key(), now, validity)
            .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
            .add_extension(_key_usage(ca=True), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                critical=False,
            )
            .sign(root_key, hashes.SHA256())
        )

    @staticmethod
    def _builder(
        subject: x509.Name,
        issuer: x509.Name,
        public_key: PublicKey,
        not_before: datetime,
        validity: timedelta,
    ) -> x509.CertificateBuilder:
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_before + validity)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        )

    @property
    def root_certificate(self) -> x509.Certificate:
        return self._ensure()[0].certificate

    @property
    def issuing_certificate(self) -> x509.Certificate:
        return self._ensure()[1].certificate

    @property
    def trusted_roots(self) -> list[x509.Certificate]:
        return [self.root_certificate]

    @property
    def chain(self) -> list[x509.Certificate]:
        """Certificates that follow a personal certificate in ``x5c`` (the root is configured)."""
        return [self.issuing_certificate]

    # -- issuing -----------------------------------------------------------------------------

    def issue(
        self,
        holder: Holder,
        public_key: PublicKey,
        *,
        usage: Usage = Usage.SIGN,
        validity: timedelta = PERSON_VALIDITY,
        policies: tuple[Policy, ...] | None = None,
    ) -> x509.Certificate:
        """``policies`` defaults to the employee policy for staff, the individual one otherwise;
        ``()`` issues a certificate without any (to show what verification says about it)."""
        if policies is None:
            policies = (Policy.EMPLOYEE if holder.is_staff else Policy.INDIVIDUAL,)
        return self.issue_for_subject(subject_for(holder), public_key, usage=usage, validity=validity,
                                      policies=policies)

    def issue_for_subject(
        self,
        subject: x509.Name,
        public_key: PublicKey,
        *,
        usage: Usage = Usage.SIGN,
        validity: timedelta = PERSON_VALIDITY,
        policies: tuple[Policy, ...] = (),
    ) -> x509.Certificate:
        """A leaf certificate for any subject: a person's (``issue``) or the portal's own
        SMS-confirmation key (``signing.sms``)."""
        _, issuing = self._ensure()
        now = read_clock(self._now)
        eku = SIGNING_EKU if usage is Usage.SIGN else AUTH_EKU
        builder = (
            self._builder(subject, issuing.certificate.subject, public_key, now, validity)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(sign=True), critical=True)
            .add_extension(x509.ExtendedKeyUsage([eku]), critical=False)
        )
        if policies:
            notice = [x509.UserNotice(None, TEST_NOTICE)]
            builder = builder.add_extension(
                x509.CertificatePolicies([
                    x509.PolicyInformation(x509.ObjectIdentifier(policy.value), notice)
                    for policy in policies
                ]),
                critical=False,
            )
        certificate = (
            builder
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuing.key.public_key()),
                critical=False,
            )
            .sign(issuing.key, hashes.SHA256())
        )
        self._storage.put(
            f"{_PREFIX}/issued/{certificate.serial_number:x}",
            certificate.public_bytes(serialization.Encoding.PEM),
        )
        return certificate

    def issue_key_pair(
        self,
        holder: Holder,
        *,
        usage: Usage = Usage.SIGN,
        validity: timedelta = PERSON_VALIDITY,
        policies: tuple[Policy, ...] | None = None,
    ) -> tuple[SigningKey, x509.Certificate]:
        """A fresh key pair per person and the certificate for it."""
        key = generate_key(self.key_type)
        return key, self.issue(holder, key.public_key(), usage=usage, validity=validity,
                               policies=policies)

    def issued(self, serial: int) -> x509.Certificate | None:
        pem = self._storage.get(f"{_PREFIX}/issued/{serial:x}")
        return None if pem is None else x509.load_pem_x509_certificate(pem)

    # -- revocation --------------------------------------------------------------------------

    def revoke(self, serial: int, reason: x509.ReasonFlags = x509.ReasonFlags.unspecified) -> None:
        """Idempotent: the first revocation's time and reason stand."""
        if self.issued(serial) is None:
            raise UnknownCertificate(f"serial {serial:x} was not issued by this CA")
        key = f"{_PREFIX}/revoked/{serial:x}"
        if self._storage.get(key) is None:
            record = {"at": read_clock(self._now).isoformat(), "reason": reason.value}
            self._storage.put(key, json.dumps(record).encode())

    def status_of(self, serial: int) -> RevocationStatus:
        if self._storage.get(f"{_PREFIX}/revoked/{serial:x}") is not None:
            return RevocationStatus.REVOKED
        if self.issued(serial) is not None:
            return RevocationStatus.GOOD
        return RevocationStatus.UNKNOWN

    def status(self, certificate: x509.Certificate, issuer: x509.Certificate) -> RevocationStatus:
        """``RevocationChecker``: answers only for certificates of its own issuing CA."""
        if issuer != self.issuing_certificate:
            return RevocationStatus.UNKNOWN
        return self.status_of(certificate.serial_number)

    def crl(self) -> x509.CertificateRevocationList:
        """A fresh X.509 CRL signed by the issuing CA, valid for ``CRL_VALIDITY``."""
        _, issuing = self._ensure()
        now = read_clock(self._now)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(issuing.certificate.subject)
            .last_update(now)
            .next_update(now + CRL_VALIDITY)
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuing.key.public_key()),
                critical=False,
            )
        )
        prefix = f"{_PREFIX}/revoked/"
        for key in self._storage.keys(prefix):
            raw = self._storage.get(key)
            if raw is None:  # removed between listing and reading
                continue
            record = json.loads(raw)
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(int(key[len(prefix) :], 16))
                .revocation_date(datetime.fromisoformat(record["at"]))
                .add_extension(x509.CRLReason(x509.ReasonFlags(record["reason"])), critical=False)
                .build()
            )
        return builder.sign(issuing.key, hashes.SHA256())


class CrlRevocationChecker:
    """Answers from a downloaded CRL, the way a verifier without access to the CA would."""

    def __init__(self, crl: x509.CertificateRevocationList, *, now: Clock) -> None:
        self._crl = crl
        self._now = now

    def status(self, certificate: x509.Certificate, issuer: x509.Certificate) -> RevocationStatus:
        crl = self._crl
        issuer_key = issuer.public_key()
        if not isinstance(issuer_key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
            return RevocationStatus.UNKNOWN
        if crl.issuer != issuer.subject or not crl.is_signature_valid(issuer_key):
            return RevocationStatus.UNKNOWN
        next_update = crl.next_update_utc
        if next_update is None or next_update < read_clock(self._now):
            # A stale list cannot vouch for anything revoked since.
            return RevocationStatus.UNKNOWN
        if crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None:
            return RevocationStatus.REVOKED
        return RevocationStatus.GOOD
