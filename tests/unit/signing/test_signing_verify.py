"""Verification refuses every forged, stale or misdirected signature, each check on its own."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import re
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from signing.base import Check, RevocationStatus, SignedEnvelope, SignRequest, canonical_json
from signing.ca import CrlRevocationChecker, KeyType, SigningKey, TestCA, Usage
from signing.jws import sign_envelope
from signing.names import Holder
from signing.storage import MemoryStorage
from signing.verify import verify

from .conftest import START, FakeClock, Verifier

CODE = re.compile(r"[a-z_]+\.[a-z_]+")
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def header_of(token: str) -> dict[str, object]:
    value: dict[str, object] = json.loads(unb64url(token.split(".")[0]))
    return value


def es256_token(header: dict[str, object], payload: bytes, key: ec.EllipticCurvePrivateKey) -> str:
    """A correctly signed ES256 token with whatever header a forger likes."""
    signing_input = f"{b64url(canonical_json(header))}.{b64url(payload)}"
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def sign(
    request: SignRequest,
    key: SigningKey,
    cert: x509.Certificate,
    ca: TestCA,
    clock: FakeClock,
    **changes: object,
) -> SignedEnvelope:
    options: dict[str, object] = {"chain": ca.chain, "signing_time": clock(), "signer": "test"}
    options.update(changes)
    return sign_envelope(request, key, cert, **options)  # type: ignore[arg-type]


@pytest.fixture
def person(ca: TestCA, citizen: Holder) -> tuple[SigningKey, x509.Certificate]:
    return ca.issue_key_pair(citizen)


@pytest.fixture
def envelope(
    sign_request: SignRequest,
    person: tuple[SigningKey, x509.Certificate],
    ca: TestCA,
    clock: FakeClock,
) -> SignedEnvelope:
    return sign(sign_request, *person, ca, clock)


def test_a_proper_signature_passes_every_check(
    envelope: SignedEnvelope, sign_request: SignRequest, citizen: Holder, check: Verifier
) -> None:
    result = check(envelope, sign_request.document, citizen.iin, expected_purpose="application.submit")
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
    payload = json.loads(unb64url(envelope.token.split(".")[1]))
    assert payload == {
        "digest": sign_request.digest,
        "digest_alg": "SHA-256",
        "iin": citizen.iin,
        "purpose": "application.submit",
    }


def test_an_rs256_signature_from_an_rsa_ca_passes(
    sign_request: SignRequest, citizen: Holder, clock: FakeClock
) -> None:
    rsa_ca = TestCA(MemoryStorage(), secret=b"s", now=clock, key_type=KeyType.RSA_2048)
    envelope = sign(sign_request, *rsa_ca.issue_key_pair(citizen), rsa_ca, clock)
    assert header_of(envelope.token)["alg"] == "RS256"
    result = verify(
        envelope.token,
        sign_request.document,
        trusted_roots=rsa_ca.trusted_roots,
        revocation_checker=rsa_ca,
        expected_iin=citizen.iin,
        now=clock(),
    )
    assert result.ok


def test_a_tampered_document_fails_only_the_digest(
    envelope: SignedEnvelope, sign_request: SignRequest, citizen: Holder, check: Verifier
) -> None:
    result = check(envelope, sign_request.document.replace(b"412500", b"112500"), citizen.iin)
    assert result.failures == {Check.DIGEST: "digest.mismatch"}


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


def test_a_certificate_of_another_iin_fails_the_iin_check(
    sign_request: SignRequest,
    ca: TestCA,
    clock: FakeClock,
    staff: Holder,
    citizen: Holder,
    check: Verifier,
) -> None:
    envelope = sign(sign_request, *ca.issue_key_pair(staff), ca, clock)
    assert check(envelope, sign_request.document, citizen.iin).failures == {Check.IIN: "iin.mismatch"}


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


def test_an_expired_certificate_fails_validity(
    sign_request: SignRequest,
    person: tuple[SigningKey, x509.Certificate],
    ca: TestCA,
    clock: FakeClock,
    citizen: Holder,
    check: Verifier,
) -> None:
    clock.advance(days=366)
    envelope = sign(sign_request, *person, ca, clock)
    assert check(envelope, sign_request.document, citizen.iin).failures == {
        Check.VALIDITY: "validity.expired"
    }


def test_a_certificate_not_yet_valid_at_signing_time_fails_validity(
    sign_request: SignRequest, ca: TestCA, clock: FakeClock, citizen: Holder, check: Verifier
) -> None:
    signed_at = clock()
    ca.root_certificate  # noqa: B018 - the CA exists from the start
    clock.advance(days=30)
    envelope = sign(sign_request, *ca.issue_key_pair(citizen), ca, clock, signing_time=signed_at)
    assert check(envelope, sign_request.document, citizen.iin).failures == {
        Check.VALIDITY: "validity.not_yet_valid"
    }


def test_a_signing_time_in_the_future_fails_but_small_skew_is_tolerated(
    sign_request: SignRequest,
    person: tuple[SigningKey, x509.Certificate],
    ca: TestCA,
    clock: FakeClock,
    citizen: Holder,
    check: Verifier,
) -> None:
    ahead = sign(sign_request, *person, ca, clock, signing_time=clock() + timedelta(hours=1))
    assert check(ahead, sign_request.document, citizen.iin).failures == {
        Check.VALIDITY: "validity.signing_time_in_future"
    }
    skewed = sign(sign_request, *person, ca, clock, signing_time=clock() + timedelta(minutes=4))
    assert check(skewed, sign_request.document, citizen.iin).ok


def test_a_revoked_certificate_fails_revocation(
    envelope: SignedEnvelope,
    person: tuple[SigningKey, x509.Certificate],
    ca: TestCA,
    sign_request: SignRequest,
    citizen: Holder,
    check: Verifier,
    clock: FakeClock,
) -> None:
    ca.revoke(person[1].serial_number, x509.ReasonFlags.key_compromise)
    result = check(envelope, sign_request.document, citizen.iin)
    assert result.failures == {Check.REVOCATION: "revocation.revoked"}
    assert result.revocation is RevocationStatus.REVOKED
    by_crl = check(
        envelope,
        sign_request.document,
        citizen.iin,
        revocation_checker=CrlRevocationChecker(ca.crl(), now=clock),
    )
    assert by_crl.failures == {Check.REVOCATION: "revocation.revoked"}


def test_without_a_revocation_answer_the_signature_is_not_accepted(
    envelope: SignedEnvelope, sign_request: SignRequest, citizen: Holder, check: Verifier
) -> None:
    result = check(envelope, sign_request.document, citizen.iin, revocation_checker=None)
    assert result.failures == {Check.REVOCATION: "revocation.unknown"}
    assert result.revocation is RevocationStatus.UNKNOWN


def test_a_certificate_from_an_untrusted_root_fails_the_chain(
    sign_request: SignRequest, citizen: Holder, clock: FakeClock, check: Verifier
) -> None:
    impostor = TestCA(MemoryStorage(), secret=b"s", now=clock)
    envelope = sign(sign_request, *impostor.issue_key_pair(citizen), impostor, clock)
    assert check(envelope, sign_request.document, citizen.iin).failures == {
        Check.CHAIN: "chain.untrusted_root",
        Check.REVOCATION: "revocation.unknown",
    }


def test_a_forged_certificate_placed_before_the_real_issuing_ca_breaks_the_chain(
    sign_request: SignRequest, ca: TestCA, citizen: Holder, clock: FakeClock, check: Verifier
) -> None:
    impostor = TestCA(MemoryStorage(), secret=b"s", now=clock)
    envelope = sign(sign_request, *impostor.issue_key_pair(citizen), ca, clock)
    assert check(envelope, sign_request.document, citizen.iin).failures == {
        Check.CHAIN: "chain.broken",
        Check.REVOCATION: "revocation.unknown",
    }


def test_a_chain_that_includes_the_root_is_accepted(
    sign_request: SignRequest,
    person: tuple[SigningKey, x509.Certificate],
    ca: TestCA,
    clock: FakeClock,
    citizen: Holder,
    check: Verifier,
) -> None:
    chain = [ca.issuing_certificate, ca.root_certificate]
    envelope = sign(sign_request, *person, ca, clock, chain=chain)
    assert check(envelope, sign_request.document, citizen.iin).ok


def test_no_trusted_roots_configured_means_no_trust(
    envelope: SignedEnvelope, sign_request: SignRequest, citizen: Holder, check: Verifier
) -> None:
    result = check(envelope, sign_request.document, citizen.iin, trusted_roots=[])
    assert result.failures[Check.CHAIN] == "chain.no_trusted_roots"


def test_a_certificate_without_the_signing_eku_fails_key_usage(
    sign_request: SignRequest, ca: TestCA, clock: FakeClock, citizen: Holder, check: Verifier
) -> None:
    envelope = sign(sign_request, *ca.issue_key_pair(citizen, usage=Usage.AUTH), ca, clock)
    assert check(envelope, sign_request.document, citizen.iin).failures == {
        Check.KEY_USAGE: "key_usage.no_signing_eku"
    }


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


def test_reasons_are_codes_for_the_portal_to_translate(
    sign_request: SignRequest, citizen: Holder, clock: FakeClock, check: Verifier
) -> None:
    impostor = TestCA(MemoryStorage(), secret=b"s", now=clock)
    key, cert = impostor.issue_key_pair(citizen, usage=Usage.AUTH)
    envelope = sign(sign_request, key, cert, impostor, clock)
    result = check(envelope, b"other document", "921231445671", expected_purpose="decision.sign")
    assert len(result.reason_codes) == 6
    assert all(CODE.fullmatch(code) for code in result.reason_codes)


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
