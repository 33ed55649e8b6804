"""Verification of honest, stale, revoked and misdirected signatures, each check on its own."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from signing.base import Check, RevocationStatus, SignedEnvelope, SignRequest
from signing.ca import CrlRevocationChecker, KeyType, SigningKey, TestCA, Usage
from signing.names import Holder
from signing.storage import MemoryStorage

from .conftest import START, FakeClock, SignWith, Verifier, claims_of, header_of

CODE = re.compile(r"[a-z_]+\.[a-z_]+")


def test_a_proper_signature_passes_every_check(
    envelope: SignedEnvelope, citizen: Holder, verdict: Verifier
) -> None:
    result = verdict(envelope, expected_purpose="application.submit")
    assert result.ok and result.failures == {}
    assert result.signature_valid and result.chain_trusted and result.valid_at_signing_time
    assert result.not_revoked and result.revocation is RevocationStatus.GOOD
    assert result.key_usage_ok and result.iin_matches and result.digest_matches
    assert result.signer is not None and result.signer.iin == citizen.iin
    assert result.signing_time == START and result.purpose == "application.submit"
    assert [info.issuer for info in result.chain] == ["TEST ROOT CA (simulated, not NCA RK)"] * 2


def test_the_envelope_carries_chain_and_time_in_header_and_digest_purpose_iin_as_payload(
    envelope: SignedEnvelope, sign_request: SignRequest, ca: TestCA, citizen: Holder
) -> None:
    header = header_of(envelope.token)
    assert header["alg"] == "ES256" and header["sigT"] == "2025-03-03T04:30:00Z"
    x5c = header["x5c"]
    assert isinstance(x5c, list) and len(x5c) == 2
    issuing_der = ca.issuing_certificate.public_bytes(serialization.Encoding.DER)
    assert base64.b64decode(x5c[1]) == issuing_der
    assert claims_of(envelope.token) == {
        "digest": sign_request.digest,
        "digest_alg": "SHA-256",
        "iin": citizen.iin,
        "purpose": "application.submit",
    }


def test_an_rs256_signature_from_an_rsa_ca_passes(
    citizen: Holder, clock: FakeClock, sign_with: SignWith, verdict: Verifier
) -> None:
    rsa_ca = TestCA(MemoryStorage(), secret=b"s", now=clock, key_type=KeyType.RSA_2048)
    envelope = sign_with(*rsa_ca.issue_key_pair(citizen), rsa_ca)
    assert header_of(envelope.token)["alg"] == "RS256"
    assert verdict(envelope, trusted_roots=rsa_ca.trusted_roots, revocation_checker=rsa_ca).ok


def test_a_tampered_document_fails_only_the_digest(
    envelope: SignedEnvelope, sign_request: SignRequest, citizen: Holder, check: Verifier
) -> None:
    result = check(envelope, sign_request.document.replace(b"412500", b"112500"), citizen.iin)
    assert result.failures == {Check.DIGEST: "digest.mismatch"}


def test_a_certificate_of_another_iin_fails_the_iin_check(
    ca: TestCA, staff: Holder, sign_with: SignWith, verdict: Verifier
) -> None:
    envelope = sign_with(*ca.issue_key_pair(staff))
    assert verdict(envelope).failures == {Check.IIN: "iin.mismatch"}


def test_an_expired_certificate_fails_validity(
    person: tuple[SigningKey, x509.Certificate], clock: FakeClock, sign_with: SignWith, verdict: Verifier
) -> None:
    clock.advance(days=366)
    envelope = sign_with(*person)
    assert verdict(envelope).failures == {Check.VALIDITY: "validity.expired"}


def test_a_certificate_not_yet_valid_at_signing_time_fails_validity(
    ca: TestCA, clock: FakeClock, citizen: Holder, sign_with: SignWith, verdict: Verifier
) -> None:
    signed_at = clock()
    ca.root_certificate  # noqa: B018 - the CA exists from the start
    clock.advance(days=30)
    envelope = sign_with(*ca.issue_key_pair(citizen), signing_time=signed_at)
    assert verdict(envelope).failures == {Check.VALIDITY: "validity.not_yet_valid"}


def test_a_signing_time_in_the_future_fails_but_small_skew_is_tolerated(
    person: tuple[SigningKey, x509.Certificate], clock: FakeClock, sign_with: SignWith, verdict: Verifier
) -> None:
    ahead = sign_with(*person, signing_time=clock() + timedelta(hours=1))
    assert verdict(ahead).failures == {Check.VALIDITY: "validity.signing_time_in_future"}
    skewed = sign_with(*person, signing_time=clock() + timedelta(minutes=4))
    assert verdict(skewed).ok


def test_a_revoked_certificate_fails_revocation(
    envelope: SignedEnvelope,
    person: tuple[SigningKey, x509.Certificate],
    ca: TestCA,
    clock: FakeClock,
    verdict: Verifier,
) -> None:
    ca.revoke(person[1].serial_number, x509.ReasonFlags.key_compromise)
    result = verdict(envelope)
    assert result.failures == {Check.REVOCATION: "revocation.revoked"}
    assert result.revocation is RevocationStatus.REVOKED
    by_crl = verdict(envelope, revocation_checker=CrlRevocationChecker(ca.crl(), now=clock))
    assert by_crl.failures == {Check.REVOCATION: "revocation.revoked"}


def test_without_a_revocation_answer_the_signature_is_not_accepted(
    envelope: SignedEnvelope, verdict: Verifier
) -> None:
    result = verdict(envelope, revocation_checker=None)
    assert result.failures == {Check.REVOCATION: "revocation.unknown"}
    assert result.revocation is RevocationStatus.UNKNOWN


def test_a_certificate_from_an_untrusted_root_fails_the_chain(
    impostor: TestCA, citizen: Holder, sign_with: SignWith, verdict: Verifier
) -> None:
    envelope = sign_with(*impostor.issue_key_pair(citizen), impostor)
    assert verdict(envelope).failures == {
        Check.CHAIN: "chain.untrusted_root",
        Check.REVOCATION: "revocation.unknown",
    }


def test_a_forged_certificate_placed_before_the_real_issuing_ca_breaks_the_chain(
    impostor: TestCA, citizen: Holder, sign_with: SignWith, verdict: Verifier
) -> None:
    envelope = sign_with(*impostor.issue_key_pair(citizen))  # chained to the real TEST CA
    assert verdict(envelope).failures == {
        Check.CHAIN: "chain.broken",
        Check.REVOCATION: "revocation.unknown",
    }


def test_a_chain_that_includes_the_root_is_accepted(
    person: tuple[SigningKey, x509.Certificate], ca: TestCA, sign_with: SignWith, verdict: Verifier
) -> None:
    chain = [ca.issuing_certificate, ca.root_certificate]
    assert verdict(sign_with(*person, chain=chain)).ok


def test_no_trusted_roots_configured_means_no_trust(envelope: SignedEnvelope, verdict: Verifier) -> None:
    result = verdict(envelope, trusted_roots=[])
    assert result.failures[Check.CHAIN] == "chain.no_trusted_roots"


def test_a_certificate_without_the_signing_eku_fails_key_usage(
    ca: TestCA, citizen: Holder, sign_with: SignWith, verdict: Verifier
) -> None:
    envelope = sign_with(*ca.issue_key_pair(citizen, usage=Usage.AUTH))
    assert verdict(envelope).failures == {Check.KEY_USAGE: "key_usage.no_signing_eku"}


def test_reasons_are_codes_for_the_portal_to_translate(
    impostor: TestCA, citizen: Holder, sign_with: SignWith, check: Verifier
) -> None:
    key, cert = impostor.issue_key_pair(citizen, usage=Usage.AUTH)
    envelope = sign_with(key, cert, impostor)
    result = check(envelope, b"other document", "921231445671", expected_purpose="decision.sign")
    assert len(result.reason_codes) == 6
    assert all(CODE.fullmatch(code) for code in result.reason_codes)
