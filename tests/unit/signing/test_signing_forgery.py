"""Forged envelopes: changed bytes, borrowed keys, other algorithms, injected headers."""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from signing.base import Check, SignedEnvelope, SignRequest, canonical_json
from signing.ca import SigningKey, TestCA
from signing.names import SIGNING_EKU, Holder, subject_for
from signing.storage import MemoryStorage
from signing.verify import verify

from .conftest import (
    START,
    FakeClock,
    Verifier,
    b64url,
    es256_token,
    header_of,
    sign,
    unb64url,
)

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."


def test_a_tampered_payload_fails_the_signature(
    envelope: SignedEnvelope, sign_request: SignRequest, citizen: Holder, check: Verifier
) -> None:
    header, payload, signature = envelope.token.split(".")
    claims = json.loads(unb64url(payload))
    claims["purpose"] = "consent.give"
    forged = f"{header}.{b64url(canonical_json(claims))}.{signature}"
    result = check(forged, sign_request.document, citizen.iin, expected_purpose="application.submit")
    assert result.failures == {
        Check.SIGNATURE: "signature.invalid",
        Check.PURPOSE: "purpose.mismatch",
    }


def test_a_signature_by_another_key_fails(
    sign_request: SignRequest,
    person: tuple[SigningKey, x509.Certificate],
    ca: TestCA,
    clock: FakeClock,
    citizen: Holder,
    check: Verifier,
) -> None:
    other_key = ec.generate_private_key(ec.SECP256R1())
    envelope = sign(sign_request, other_key, person[1], ca, clock)
    assert check(envelope, sign_request.document, citizen.iin).failures == {
        Check.SIGNATURE: "signature.invalid"
    }


def test_a_payload_naming_someone_else_than_the_certificate_fails(
    envelope: SignedEnvelope,
    person: tuple[SigningKey, x509.Certificate],
    sign_request: SignRequest,
    citizen: Holder,
    check: Verifier,
) -> None:
    claims = json.loads(unb64url(envelope.token.split(".")[1]))
    claims["iin"] = "921231445671"
    key = person[0]
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    forged = es256_token(header_of(envelope.token), canonical_json(claims), key)
    assert check(forged, sign_request.document, citizen.iin).failures == {Check.IIN: "iin.payload_mismatch"}


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "HS256", "HS512", "RS256", "ES384"])
def test_an_algorithm_other_than_the_certificates_own_is_refused(
    alg: str, envelope: SignedEnvelope, sign_request: SignRequest, citizen: Holder, check: Verifier
) -> None:
    _, payload, signature = envelope.token.split(".")
    forged_header = b64url(canonical_json({**header_of(envelope.token), "alg": alg}))
    forged = f"{forged_header}.{payload}.{'' if alg.lower() == 'none' else signature}"
    assert check(forged, sign_request.document, citizen.iin).failures == {
        Check.SIGNATURE: "signature.alg_not_allowed"
    }


def test_hs256_made_with_the_public_key_is_refused(
    envelope: SignedEnvelope,
    person: tuple[SigningKey, x509.Certificate],
    sign_request: SignRequest,
    citizen: Holder,
    check: Verifier,
) -> None:
    public_pem = (
        person[1]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = {**header_of(envelope.token), "alg": "HS256"}
    signing_input = f"{b64url(canonical_json(header))}.{envelope.token.split('.')[1]}"
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{b64url(mac)}"
    assert check(forged, sign_request.document, citizen.iin).failures == {
        Check.SIGNATURE: "signature.alg_not_allowed"
    }


@pytest.mark.parametrize("name", ["jwk", "jku", "x5u", "crit"])
def test_headers_offering_other_keys_or_rules_are_refused(
    name: str,
    envelope: SignedEnvelope,
    person: tuple[SigningKey, x509.Certificate],
    sign_request: SignRequest,
    citizen: Holder,
    check: Verifier,
) -> None:
    key = person[0]
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    header = {**header_of(envelope.token), name: ["x"] if name == "crit" else "https://evil.test/"}
    forged = es256_token(header, unb64url(envelope.token.split(".")[1]), key)
    assert check(forged, sign_request.document, citizen.iin).failures == {
        Check.SIGNATURE: "signature.refused_header"
    }


def test_a_token_without_x5c_cannot_pass_any_certificate_check(
    envelope: SignedEnvelope,
    person: tuple[SigningKey, x509.Certificate],
    sign_request: SignRequest,
    citizen: Holder,
    check: Verifier,
) -> None:
    key = person[0]
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    header = {k: v for k, v in header_of(envelope.token).items() if k != "x5c"}
    forged = es256_token(header, unb64url(envelope.token.split(".")[1]), key)
    result = check(forged, sign_request.document, citizen.iin)
    assert set(result.failures) == {
        Check.SIGNATURE,
        Check.CHAIN,
        Check.VALIDITY,
        Check.REVOCATION,
        Check.KEY_USAGE,
        Check.IIN,
    }
    assert set(result.failures.values()) == {"certificate.missing"}


def test_a_payload_that_is_not_the_expected_object_fails_digest_and_purpose(
    envelope: SignedEnvelope,
    person: tuple[SigningKey, x509.Certificate],
    sign_request: SignRequest,
    citizen: Holder,
    check: Verifier,
) -> None:
    key = person[0]
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    forged = es256_token(header_of(envelope.token), b'["not", "claims"]', key)
    assert check(forged, sign_request.document, citizen.iin).failures == {
        Check.DIGEST: "payload.malformed",
        Check.PURPOSE: "payload.malformed",
    }


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b", "a.b.c.d", "###.e30.", f"{b64url(b'not json')}.e30.", f"{b64url(b'[]')}.e30."],
)
def test_malformed_tokens_fail_everything(
    token: str, sign_request: SignRequest, citizen: Holder, check: Verifier
) -> None:
    result = check(token, sign_request.document, citizen.iin)
    assert not result.ok
    assert set(result.failures) == set(Check)
    assert set(result.reason_codes) == {"envelope.malformed"}


@functools.cache
def _tamper_fixture() -> tuple[TestCA, SignedEnvelope, SignRequest]:
    clock = FakeClock()
    ca = TestCA(MemoryStorage(), secret=b"s", now=clock)
    citizen = Holder("850321301238", "TESTOV", "TEST")
    request = SignRequest.of({"a": 1}, signer_iin=citizen.iin, purpose="application.submit")
    return ca, sign(request, *ca.issue_key_pair(citizen), ca, clock), request


@settings(max_examples=60, deadline=None)
@given(position=st.integers(min_value=0), replacement=st.sampled_from(ALPHABET))
def test_changing_any_character_of_the_token_is_detected(position: int, replacement: str) -> None:
    ca, envelope, request = _tamper_fixture()
    token = envelope.token
    index = position % len(token)
    tampered = token[:index] + replacement + token[index + 1 :]
    assume(tampered != token)
    original_parts, new_parts = token.split("."), tampered.split(".")
    if len(new_parts) == 3:
        try:
            same = [unb64url(a) for a in original_parts] == [unb64url(b) for b in new_parts]
        except ValueError:
            same = False
        # base64url's last character can carry unused bits: same bytes, same token in effect.
        assume(not same)
    result = verify(
        tampered,
        request.document,
        trusted_roots=ca.trusted_roots,
        revocation_checker=ca,
        expected_iin=request.signer_iin,
        now=START,
    )
    assert not result.ok


def test_a_personal_certificate_cannot_vouch_for_another(
    sign_request: SignRequest,
    person: tuple[SigningKey, x509.Certificate],
    ca: TestCA,
    clock: FakeClock,
    citizen: Holder,
    check: Verifier,
) -> None:
    person_key, person_cert = person
    forger_key = ec.generate_private_key(ec.SECP256R1())
    forged = (
        x509.CertificateBuilder()
        .subject_name(subject_for(citizen))
        .issuer_name(person_cert.subject)
        .public_key(forger_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(clock())
        .not_valid_after(clock() + timedelta(days=1))
        .add_extension(x509.ExtendedKeyUsage([SIGNING_EKU]), critical=False)
        .sign(person_key, hashes.SHA256())
    )
    chain = [person_cert, ca.issuing_certificate]
    envelope = sign(sign_request, forger_key, forged, ca, clock, chain=chain)
    assert check(envelope, sign_request.document, citizen.iin).failures == {
        Check.CHAIN: "chain.issuer_not_ca",
        Check.REVOCATION: "revocation.unknown",
    }
