"""Forged envelopes: changed bytes, borrowed keys, other algorithms, injected headers."""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
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
    SignWith,
    Verifier,
    b64url,
    claims_of,
    es256_token,
    header_of,
    sign,
    unb64url,
)

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."

Reforge = Callable[..., str]


@pytest.fixture
def reforge(envelope: SignedEnvelope, person: tuple[SigningKey, x509.Certificate]) -> Reforge:
    """The envelope's token re-signed (ES256) with the person's own key after swapping header or payload."""

    def run(header: dict[str, object] | None = None, payload: bytes | None = None) -> str:
        key = person[0]
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return es256_token(
            header_of(envelope.token) if header is None else header,
            unb64url(envelope.token.split(".")[1]) if payload is None else payload,
            key,
        )

    return run


def test_a_tampered_payload_fails_the_signature(envelope: SignedEnvelope, verdict: Verifier) -> None:
    header, _, signature = envelope.token.split(".")
    claims = claims_of(envelope.token)
    claims["purpose"] = "consent.give"
    forged = f"{header}.{b64url(canonical_json(claims))}.{signature}"
    result = verdict(forged, expected_purpose="application.submit")
    assert result.failures == {
        Check.SIGNATURE: "signature.invalid",
        Check.PURPOSE: "purpose.mismatch",
    }


def test_a_signature_by_another_key_fails(
    person: tuple[SigningKey, x509.Certificate], sign_with: SignWith, verdict: Verifier
) -> None:
    other_key = ec.generate_private_key(ec.SECP256R1())
    envelope = sign_with(other_key, person[1])
    assert verdict(envelope).failures == {Check.SIGNATURE: "signature.invalid"}


def test_a_payload_naming_someone_else_than_the_certificate_fails(
    envelope: SignedEnvelope, reforge: Reforge, verdict: Verifier
) -> None:
    claims = claims_of(envelope.token)
    claims["iin"] = "921231445671"
    forged = reforge(payload=canonical_json(claims))
    assert verdict(forged).failures == {Check.IIN: "iin.payload_mismatch"}


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "HS256", "HS512", "RS256", "ES384"])
def test_an_algorithm_other_than_the_certificates_own_is_refused(
    alg: str, envelope: SignedEnvelope, verdict: Verifier
) -> None:
    _, payload, signature = envelope.token.split(".")
    forged_header = b64url(canonical_json({**header_of(envelope.token), "alg": alg}))
    forged = f"{forged_header}.{payload}.{'' if alg.lower() == 'none' else signature}"
    assert verdict(forged).failures == {Check.SIGNATURE: "signature.alg_not_allowed"}


def test_hs256_made_with_the_public_key_is_refused(
    envelope: SignedEnvelope, person: tuple[SigningKey, x509.Certificate], verdict: Verifier
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
    assert verdict(forged).failures == {Check.SIGNATURE: "signature.alg_not_allowed"}


@pytest.mark.parametrize("name", ["jwk", "jku", "x5u", "crit"])
def test_headers_offering_other_keys_or_rules_are_refused(
    name: str, envelope: SignedEnvelope, reforge: Reforge, verdict: Verifier
) -> None:
    header = {**header_of(envelope.token), name: ["x"] if name == "crit" else "https://evil.test/"}
    assert verdict(reforge(header=header)).failures == {Check.SIGNATURE: "signature.refused_header"}


def test_a_token_without_x5c_cannot_pass_any_certificate_check(
    envelope: SignedEnvelope, reforge: Reforge, verdict: Verifier
) -> None:
    header = {k: v for k, v in header_of(envelope.token).items() if k != "x5c"}
    result = verdict(reforge(header=header))
    assert set(result.failures) == {
        Check.SIGNATURE,
        Check.CHAIN,
        Check.VALIDITY,
        Check.REVOCATION,
        Check.KEY_USAGE,
        Check.POLICY,
        Check.IIN,
    }
    assert set(result.failures.values()) == {"certificate.missing"}


def test_a_payload_that_is_not_the_expected_object_fails_digest_and_purpose(
    reforge: Reforge, verdict: Verifier
) -> None:
    assert verdict(reforge(payload=b'["not", "claims"]')).failures == {
        Check.DIGEST: "payload.malformed",
        Check.PURPOSE: "payload.malformed",
    }


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b", "a.b.c.d", "###.e30.", f"{b64url(b'not json')}.e30.", f"{b64url(b'[]')}.e30."],
)
def test_malformed_tokens_fail_everything(token: str, verdict: Verifier) -> None:
    result = verdict(token)
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
    person: tuple[SigningKey, x509.Certificate],
    ca: TestCA,
    clock: FakeClock,
    citizen: Holder,
    sign_with: SignWith,
    verdict: Verifier,
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
    envelope = sign_with(forger_key, forged, chain=chain)
    assert verdict(envelope).failures == {
        Check.CHAIN: "chain.issuer_not_ca",
        Check.REVOCATION: "revocation.unknown",
        Check.POLICY: "policy.missing",  # nor does it carry a signing policy
    }
