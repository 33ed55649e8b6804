"""JWS compact envelopes: making and reading them. The one module that imports python-jose."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jose import jws
from jose.backends.base import Key
from jose.backends.cryptography_backend import CryptographyECKey, CryptographyRSAKey
from jose.exceptions import JOSEError

from signing.base import MalformedEnvelope, SignedEnvelope, SignRequest, canonical_json
from signing.ca import PublicKey, SigningKey
from signing.names import certificate_iin

ES256 = "ES256"
RS256 = "RS256"
DIGEST_ALG = "SHA-256"
TYPE = "JOSE"
SIGNING_TIME = "sigT"  # JAdES (ETSI TS 119 182-1) claimed signing time header
MAX_CHAIN = 4
MAX_TOKEN = 64 * 1024
# Headers that would hand us a key or a rule we do not implement: refuse rather than ignore.
REFUSED_HEADERS = frozenset({"jwk", "jku", "x5u", "crit", "b64"})
PAYLOAD_FIELDS = frozenset({"digest", "digest_alg", "iin", "purpose"})
# An SMS confirmation (signing/sms.py) also records how, where and when the person confirmed;
# its ``iin`` is the confirming person's, not the (portal's) certificate's.
SMS_METHOD = "sms"
CONFIRMATION_FIELDS = PAYLOAD_FIELDS | {"method", "phone", "confirmed_at"}

_SEGMENT = re.compile(r"[A-Za-z0-9_-]*")


def algorithm_for(public_key: object) -> str | None:
    """The one algorithm a key type may sign with; the token header never gets to choose."""
    if isinstance(public_key, ec.EllipticCurvePublicKey) and isinstance(public_key.curve, ec.SECP256R1):
        return ES256
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size >= 2048:
        return RS256
    return None


def _jose_key(key: SigningKey | PublicKey, algorithm: str) -> Key:
    # Built from key objects, never from PEM text, so no algorithm-confusion parsing is possible.
    if algorithm == ES256:
        return CryptographyECKey(key, algorithm)
    return CryptographyRSAKey(key, algorithm)


def _b64url_decode(segment: str) -> bytes:
    if _SEGMENT.fullmatch(segment) is None:
        raise MalformedEnvelope(code="envelope.malformed")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except binascii.Error as error:
        raise MalformedEnvelope(code="envelope.malformed") from error


def _json_object(raw: bytes) -> dict[str, Any]:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate member")
        return dict(pairs)

    try:
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=no_duplicates)
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedEnvelope(code="envelope.malformed") from error
    if not isinstance(value, dict):
        raise MalformedEnvelope(code="envelope.malformed")
    return value


def format_signing_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign_envelope(
    request: SignRequest,
    key: SigningKey,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate],
    *,
    signing_time: datetime,
    signer: str,
) -> SignedEnvelope:
    """Sign ``request`` as the holder of ``certificate``; ``chain`` follows it in ``x5c``."""
    algorithm = algorithm_for(key.public_key())
    iin = certificate_iin(certificate)
    if algorithm is None or iin is None:
        raise ValueError("need a P-256 or RSA >= 2048 key and a certificate carrying an IIN")
    moment = signing_time.astimezone(UTC).replace(microsecond=0)
    payload = {
        "digest": request.digest,
        "digest_alg": DIGEST_ALG,
        "iin": iin,
        "purpose": request.purpose,
    }
    return _signed(payload, request, key, certificate, chain, moment=moment, signer=signer, iin=iin)


def sign_confirmation(
    request: SignRequest,
    key: SigningKey,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate],
    *,
    confirmed_at: datetime,
    confirmed_iin: str,
    phone: str,
    signer: str,
) -> SignedEnvelope:
    """The portal seals a person's one-time-code confirmation with its own key: the payload names
    the person (``iin``), the number the code went to and the time they typed it back."""
    algorithm = algorithm_for(key.public_key())
    if algorithm is None:
        raise ValueError("need a P-256 or RSA >= 2048 key")
    moment = confirmed_at.astimezone(UTC).replace(microsecond=0)
    payload = {
        "confirmed_at": format_signing_time(moment),
        "digest": request.digest,
        "digest_alg": DIGEST_ALG,
        "iin": confirmed_iin,
        "method": SMS_METHOD,
        "phone": phone,
        "purpose": request.purpose,
    }
    return _signed(payload, request, key, certificate, chain, moment=moment, signer=signer,
                   iin=confirmed_iin)


def _signed(
    payload: dict[str, str],
    request: SignRequest,
    key: SigningKey,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate],
    *,
    moment: datetime,
    signer: str,
    iin: str,
) -> SignedEnvelope:
    algorithm = algorithm_for(key.public_key())
    assert algorithm is not None
    headers = {
        "typ": TYPE,
        # RFC 7515 4.1.6: x5c entries are standard base64 of DER, not base64url.
        "x5c": [
            base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")
            for cert in (certificate, *chain)
        ],
        SIGNING_TIME: format_signing_time(moment),
    }
    token = jws.sign(canonical_json(payload), _jose_key(key, algorithm), headers=headers, algorithm=algorithm)
    return SignedEnvelope(
        token=token,
        signer=signer,
        signer_iin=iin,
        certificate_serial=format(certificate.serial_number, "x"),
        signing_time=moment,
        digest=request.digest,
        purpose=request.purpose,
    )


@dataclass(frozen=True)
class ParsedEnvelope:
    """The unverified parts of a token, each parsed strictly; ``None`` where unusable."""

    header: dict[str, Any]
    claims: dict[str, str] | None
    certificates: tuple[x509.Certificate, ...] | None
    certificate_problem: str | None
    signing_time: datetime | None


def _claims(payload: bytes) -> dict[str, str] | None:
    try:
        claims = _json_object(payload)
    except MalformedEnvelope:
        return None
    if set(claims) not in (PAYLOAD_FIELDS, CONFIRMATION_FIELDS):
        return None
    if not all(isinstance(v, str) for v in claims.values()):
        return None
    if "method" in claims and claims["method"] != SMS_METHOD:
        return None
    if claims["digest_alg"] != DIGEST_ALG:
        return None
    return {key: str(value) for key, value in claims.items()}


def _load_certificate(entry: object) -> x509.Certificate | None:
    """Parse an ``x5c`` entry completely, or give None: these are an attacker's bytes."""
    if not isinstance(entry, str):
        return None
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(entry, validate=True))
        # cryptography parses fields lazily; touch every one verification uses, once, here.
        _ = (certificate.subject, certificate.issuer, certificate.extensions)
        _ = (certificate.not_valid_before_utc, certificate.not_valid_after_utc)
        certificate.public_key()
    except Exception:  # any parser complaint: bad version, duplicate extension, …
        return None
    return certificate if certificate.serial_number > 0 else None


def _certificates(header: dict[str, Any]) -> tuple[tuple[x509.Certificate, ...] | None, str | None]:
    x5c = header.get("x5c")
    if x5c is None:
        return None, "certificate.missing"
    if not isinstance(x5c, list) or not 1 <= len(x5c) <= MAX_CHAIN:
        return None, "certificate.unreadable"
    certificates = [_load_certificate(entry) for entry in x5c]
    if any(certificate is None for certificate in certificates):
        return None, "certificate.unreadable"
    return tuple(c for c in certificates if c is not None), None


def _signing_time(header: dict[str, Any]) -> datetime | None:
    value = header.get(SIGNING_TIME)
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo is not None else None


def parse_envelope(token: str) -> ParsedEnvelope:
    """Split and decode without trusting anything; raises ``MalformedEnvelope`` on bad framing."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN:
        raise MalformedEnvelope(code="envelope.malformed")
    segments = token.split(".")
    if len(segments) != 3:
        raise MalformedEnvelope(code="envelope.malformed")
    header = _json_object(_b64url_decode(segments[0]))
    payload = _b64url_decode(segments[1])
    _b64url_decode(segments[2])
    certificates, problem = _certificates(header)
    return ParsedEnvelope(
        header=header,
        claims=_claims(payload),
        certificates=certificates,
        certificate_problem=problem,
        signing_time=_signing_time(header),
    )


def signature_matches(token: str, public_key: PublicKey, algorithm: str) -> bool:
    """python-jose check with an explicit one-element algorithm list and a key we chose."""
    try:
        jws.verify(token, _jose_key(public_key, algorithm), algorithms=[algorithm])
    except JOSEError:
        return False
    return True


def read_envelope(token: str, *, signer: str) -> SignedEnvelope:
    """Rebuild the claims of a stored token (unverified: call ``verify`` before trusting it)."""
    parsed = parse_envelope(token)
    if parsed.claims is None or not parsed.certificates or parsed.signing_time is None:
        raise MalformedEnvelope(code="envelope.malformed")
    return SignedEnvelope(
        token=token,
        signer=signer,
        signer_iin=parsed.claims["iin"],
        certificate_serial=format(parsed.certificates[0].serial_number, "x"),
        signing_time=parsed.signing_time,
        digest=parsed.claims["digest"],
        purpose=parsed.claims["purpose"],
    )
