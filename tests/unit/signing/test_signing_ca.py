"""The TEST certification authority: persisted, encrypted, marked TEST, issuing and revoking."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from signing.base import RevocationStatus, UnknownCertificate
from signing.ca import CrlRevocationChecker, KeyType, TestCA
from signing.names import (
    INDIVIDUAL_POLICY,
    SIGNING_EKU,
    Holder,
    certificate_iin,
    describe_certificate,
)
from signing.storage import DirectoryStorage, MemoryStorage

from .conftest import FakeClock


def _value(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    return str(name.get_attributes_for_oid(oid)[0].value)


def test_the_ca_is_made_on_first_use_and_then_reloaded(storage: DirectoryStorage, clock: FakeClock) -> None:
    assert storage.keys("ca/") == []
    first = TestCA(storage, secret=b"s3cret", now=clock).root_certificate
    assert set(storage.keys("ca/")) == {"ca/root.crt", "ca/root.key", "ca/issuing.crt", "ca/issuing.key"}
    clock.advance(days=3)
    assert TestCA(storage, secret=b"s3cret", now=clock).root_certificate == first


def test_ca_private_keys_are_encrypted_at_rest(storage: DirectoryStorage, ca: TestCA) -> None:
    ca.root_certificate  # noqa: B018 - first use creates the CA
    for label in ("root", "issuing"):
        pem = storage.get(f"ca/{label}.key")
        assert pem is not None and pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        with pytest.raises(TypeError):
            serialization.load_pem_private_key(pem, password=None)


def test_the_ca_does_not_open_with_another_secret(
    storage: DirectoryStorage, ca: TestCA, clock: FakeClock
) -> None:
    ca.root_certificate  # noqa: B018 - first use creates the CA
    stranger = TestCA(storage, secret=b"not-the-secret", now=clock)
    with pytest.raises(ValueError):
        stranger.root_certificate  # noqa: B018 - loading is the point


def test_every_ca_name_is_marked_test(ca: TestCA) -> None:
    for certificate in (ca.root_certificate, ca.issuing_certificate):
        assert "TEST" in _value(certificate.subject, NameOID.COMMON_NAME)
        assert _value(certificate.subject, NameOID.ORGANIZATION_NAME).startswith("TEST")


def test_the_issuing_ca_is_signed_by_the_root(ca: TestCA) -> None:
    ca.issuing_certificate.verify_directly_issued_by(ca.root_certificate)
    constraints = ca.issuing_certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.value.ca and constraints.value.path_length == 0


def test_a_citizen_certificate_has_the_nca_subject_and_signing_profile(
    ca: TestCA, citizen: Holder, clock: FakeClock
) -> None:
    _, cert = ca.issue_key_pair(citizen)
    subject = cert.subject
    assert _value(subject, NameOID.COMMON_NAME) == "СЕЙТҚАЛИ НҰРЛАН"
    assert _value(subject, NameOID.SURNAME) == "СЕЙТҚАЛИ"
    assert _value(subject, NameOID.SERIAL_NUMBER) == "IIN850321301238"
    assert _value(subject, NameOID.COUNTRY_NAME) == "KZ"
    assert _value(subject, NameOID.GIVEN_NAME) == "АСҚАРҰЛЫ"
    assert certificate_iin(cert) == citizen.iin
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [SIGNING_EKU] and SIGNING_EKU.dotted_string == "1.3.6.1.5.5.7.3.4"
    policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert [p.policy_identifier for p in policies] == [INDIVIDUAL_POLICY]
    assert INDIVIDUAL_POLICY.dotted_string == "1.2.398.3.3.4.1.1"
    notice = policies[0].policy_qualifiers[0]
    assert isinstance(notice, x509.UserNotice) and "TEST" in (notice.explicit_text or "")
    assert cert.not_valid_before_utc == clock()
    assert cert.not_valid_after_utc - cert.not_valid_before_utc == timedelta(days=365)
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    cert.verify_directly_issued_by(ca.issuing_certificate)


def test_a_staff_certificate_adds_position_and_organisation_bin(ca: TestCA, staff: Holder) -> None:
    _, cert = ca.issue_key_pair(staff)
    info = describe_certificate(cert)
    assert (info.iin, info.position, info.bin) == (staff.iin, "Бас маман", "123456789021")
    assert info.organisation == staff.organisation
    assert _value(cert.subject, NameOID.ORGANIZATIONAL_UNIT_NAME) == "BIN123456789021"
    assert info.is_test


def test_each_person_gets_their_own_key_pair(ca: TestCA, citizen: Holder) -> None:
    first, _ = ca.issue_key_pair(citizen)
    second, _ = ca.issue_key_pair(citizen)
    assert first.public_key() != second.public_key()


def test_keys_are_p256_by_default_and_rsa_2048_on_request(
    ca: TestCA, citizen: Holder, clock: FakeClock
) -> None:
    key, _ = ca.issue_key_pair(citizen)
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
    rsa_ca = TestCA(MemoryStorage(), secret=b"s", now=clock, key_type=KeyType.RSA_2048)
    rsa_key, cert = rsa_ca.issue_key_pair(citizen)
    assert isinstance(rsa_key, rsa.RSAPrivateKey) and rsa_key.key_size == 2048
    cert.verify_directly_issued_by(rsa_ca.issuing_certificate)


def test_a_revoked_certificate_reads_as_revoked(ca: TestCA, citizen: Holder) -> None:
    _, cert = ca.issue_key_pair(citizen)
    assert ca.status(cert, ca.issuing_certificate) is RevocationStatus.GOOD
    ca.revoke(cert.serial_number, x509.ReasonFlags.key_compromise)
    assert ca.status(cert, ca.issuing_certificate) is RevocationStatus.REVOKED


def test_the_crl_is_signed_by_the_issuing_ca_and_names_serial_and_reason(
    ca: TestCA, citizen: Holder, clock: FakeClock
) -> None:
    _, revoked = ca.issue_key_pair(citizen)
    _, kept = ca.issue_key_pair(citizen)
    ca.revoke(revoked.serial_number, x509.ReasonFlags.key_compromise)
    crl = x509.load_der_x509_crl(ca.crl().public_bytes(serialization.Encoding.DER))
    issuer_key = ca.issuing_certificate.public_key()
    assert isinstance(issuer_key, ec.EllipticCurvePublicKey)
    assert crl.is_signature_valid(issuer_key)
    assert crl.issuer == ca.issuing_certificate.subject
    assert crl.next_update_utc == clock() + timedelta(days=1)
    entry = crl.get_revoked_certificate_by_serial_number(revoked.serial_number)
    assert entry is not None and entry.revocation_date_utc == clock()
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason is x509.ReasonFlags.key_compromise
    assert crl.get_revoked_certificate_by_serial_number(kept.serial_number) is None


def test_revoking_twice_keeps_the_first_time_and_reason(
    ca: TestCA, citizen: Holder, clock: FakeClock
) -> None:
    _, cert = ca.issue_key_pair(citizen)
    ca.revoke(cert.serial_number, x509.ReasonFlags.superseded)
    first = clock()
    clock.advance(hours=1)
    ca.revoke(cert.serial_number, x509.ReasonFlags.key_compromise)
    entry = ca.crl().get_revoked_certificate_by_serial_number(cert.serial_number)
    assert entry is not None and entry.revocation_date_utc == first
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason is x509.ReasonFlags.superseded


def test_a_serial_the_ca_never_issued_is_unknown(ca: TestCA) -> None:
    assert ca.status_of(0xDEADBEEF) is RevocationStatus.UNKNOWN
    with pytest.raises(UnknownCertificate):
        ca.revoke(0xDEADBEEF)


def test_another_issuers_certificate_is_unknown(ca: TestCA, citizen: Holder, clock: FakeClock) -> None:
    other = TestCA(MemoryStorage(), secret=b"s", now=clock)
    _, cert = other.issue_key_pair(citizen)
    assert ca.status(cert, other.issuing_certificate) is RevocationStatus.UNKNOWN


def test_the_crl_checker_answers_good_and_revoked(ca: TestCA, citizen: Holder, clock: FakeClock) -> None:
    _, good = ca.issue_key_pair(citizen)
    _, bad = ca.issue_key_pair(citizen)
    ca.revoke(bad.serial_number, x509.ReasonFlags.key_compromise)
    checker = CrlRevocationChecker(ca.crl(), now=clock)
    assert checker.status(good, ca.issuing_certificate) is RevocationStatus.GOOD
    assert checker.status(bad, ca.issuing_certificate) is RevocationStatus.REVOKED


def test_a_stale_crl_cannot_vouch_for_anything(ca: TestCA, citizen: Holder, clock: FakeClock) -> None:
    _, cert = ca.issue_key_pair(citizen)
    checker = CrlRevocationChecker(ca.crl(), now=clock)
    clock.advance(days=1, seconds=1)
    assert checker.status(cert, ca.issuing_certificate) is RevocationStatus.UNKNOWN


def test_a_crl_signed_by_someone_else_is_ignored(ca: TestCA, citizen: Holder, clock: FakeClock) -> None:
    _, cert = ca.issue_key_pair(citizen)
    impostor = TestCA(MemoryStorage(), secret=b"s", now=clock)
    checker = CrlRevocationChecker(impostor.crl(), now=clock)
    assert checker.status(cert, ca.issuing_certificate) is RevocationStatus.UNKNOWN


@pytest.mark.parametrize(
    "fields",
    [
        {"iin": "85032130123"},
        {"surname": ""},
        {"position": "Бас маман"},
        {"position": "Бас маман", "organisation": "TEST", "bin": "12345"},
    ],
)
def test_a_holder_needs_an_iin_names_and_complete_staff_details(fields: dict[str, str]) -> None:
    person = {"iin": "850321301238", "surname": "Сейтқали", "name": "Нұрлан"} | fields
    with pytest.raises(ValueError):
        Holder(**person)
