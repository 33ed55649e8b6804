"""Server-side verification of a signed envelope, every check reported on its own."""

from __future__ import annotations

import hmac
import itertools
from collections.abc import Sequence
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from signing.base import (
    Check,
    MalformedEnvelope,
    RevocationChecker,
    RevocationStatus,
    VerificationResult,
    digest,
)
from signing.jws import (
    REFUSED_HEADERS,
    SMS_METHOD,
    algorithm_for,
    format_signing_time,
    parse_envelope,
    signature_matches,
)
from signing.names import (
    SIGNING_EKU,
    Policy,
    certificate_iin,
    certificate_policies,
    describe_certificate,
    is_sms_confirmation_certificate,
)

CLOCK_SKEW = timedelta(minutes=5)
# How far the claimed signing time may stray outside the exchange the server watched.
EXCHANGE_SKEW = timedelta(minutes=2)
_CERTIFICATE_CHECKS = (
    Check.SIGNATURE,
    Check.CHAIN,
    Check.VALIDITY,
    Check.REVOCATION,
    Check.KEY_USAGE,
    Check.POLICY,
    Check.IIN,
)
_KNOWN_POLICIES = frozenset(Policy)


def verify(
    envelope: str,
    document: bytes,
    *,
    trusted_roots: Sequence[x509.Certificate],
    revocation_checker: RevocationChecker | None,
    expected_iin: str,
    now: datetime,
    expected_purpose: str | None = None,
    expected_policy: Policy | None = None,
    signed_between: tuple[datetime | None, datetime] | None = None,
    clock_skew: timedelta = CLOCK_SKEW,
) -> VerificationResult:
    """Check ``envelope`` against the exact ``document`` bytes the portal asked to be signed.

    The signing time is the one the signer claims (no timestamp authority yet); it may not lie in
    the future. When the server ran the exchange it passes ``signed_between`` (when the exchange
    began, when it completed, by its own clock): a claim outside it, give or take
    ``EXCHANGE_SKEW``, fails, so a back-dated signature by an expired certificate does not pass.
    Revocation is asked as of now, so a revoked certificate fails whatever the claim.

    The certificate must carry the individual or the employee policy; ``expected_policy`` says
    which one this signature needs (a citizen's application, a staff decision).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    try:
        parsed = parse_envelope(envelope)
    except MalformedEnvelope:
        return VerificationResult(
            failures=dict.fromkeys(Check, "envelope.malformed"),
            revocation=RevocationStatus.UNKNOWN,
        )

    failures: dict[Check, str] = {}
    claims = parsed.claims
    if claims is None:
        failures[Check.DIGEST] = failures[Check.PURPOSE] = "payload.malformed"
    else:
        if not hmac.compare_digest(claims["digest"].encode(), digest(document).encode()):
            failures[Check.DIGEST] = "digest.mismatch"
        if expected_purpose is not None and claims["purpose"] != expected_purpose:
            failures[Check.PURPOSE] = "purpose.mismatch"
    purpose = None if claims is None else claims["purpose"]

    certificates = parsed.certificates
    if not certificates:
        problem = parsed.certificate_problem or "certificate.missing"
        failures.update(dict.fromkeys(_CERTIFICATE_CHECKS, problem))
        return VerificationResult(
            failures=failures,
            revocation=RevocationStatus.UNKNOWN,
            signing_time=parsed.signing_time,
            purpose=purpose,
        )

    leaf = certificates[0]
    path, chain_failure = _build_path(certificates, trusted_roots)
    issuer = path[1] if len(path) > 1 else None
    revocation = _revocation(revocation_checker, leaf, issuer)
    outcomes = {
        Check.SIGNATURE: _signature_failure(envelope, parsed.header, leaf),
        Check.CHAIN: chain_failure,
        Check.VALIDITY: _confirmation_time_failure(claims, parsed.signing_time)
        or _exchange_failure(parsed.signing_time, signed_between)
        or _validity_failure(path, parsed.signing_time, now, clock_skew),
        Check.REVOCATION: None if revocation is RevocationStatus.GOOD else f"revocation.{revocation.value}",
        Check.KEY_USAGE: _key_usage_failure(leaf),
        Check.POLICY: _policy_failure(leaf, expected_policy),
        Check.IIN: _iin_failure(leaf, claims, expected_iin),
    }
    failures.update({check: code for check, code in outcomes.items() if code is not None})
    return VerificationResult(
        failures={check: failures[check] for check in Check if check in failures},
        revocation=revocation,
        signer=describe_certificate(leaf),
        signing_time=parsed.signing_time,
        purpose=purpose,
        chain=tuple(describe_certificate(cert) for cert in path[1:]),
    )


def _signature_failure(token: str, header: dict[str, object], leaf: x509.Certificate) -> str | None:
    public_key = leaf.public_key()
    algorithm = algorithm_for(public_key)
    if algorithm is None or not isinstance(public_key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        return "signature.unsupported_key"
    # The certificate's key decides the algorithm; "none", HS256 and friends never match it.
    if header.get("alg") != algorithm:
        return "signature.alg_not_allowed"
    if REFUSED_HEADERS & header.keys():
        return "signature.refused_header"
    if not signature_matches(token, public_key, algorithm):
        return "signature.invalid"
    return None


def _issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _basic_constraints(cert: x509.Certificate) -> x509.BasicConstraints | None:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except (x509.ExtensionNotFound, ValueError):
        return None


def _may_issue(cert: x509.Certificate) -> bool:
    constraints = _basic_constraints(cert)
    if constraints is None or not constraints.ca:
        return False
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    except ValueError:
        return False
    return usage.key_cert_sign


def _build_path(
    certificates: Sequence[x509.Certificate], roots: Sequence[x509.Certificate]
) -> tuple[list[x509.Certificate], str | None]:
    """Leaf → … → trusted root, using only ``x5c`` and the configured roots.

    Written out rather than using ``cryptography.x509.verification`` because that verifier folds
    time and key usage into one pass/fail, and we must report them separately.
    """
    path = list(certificates)
    if not roots:
        return path, "chain.no_trusted_roots"
    leaf_constraints = _basic_constraints(path[0])
    if leaf_constraints is not None and leaf_constraints.ca:
        return path, "chain.leaf_is_ca"
    for child, parent in itertools.pairwise(path):
        if not _issued_by(child, parent):
            return path, "chain.broken"
        if not _may_issue(parent):
            return path, "chain.issuer_not_ca"
    root_prints = {root.fingerprint(hashes.SHA256()) for root in roots}
    if path[-1].fingerprint(hashes.SHA256()) not in root_prints:
        anchor = next((r for r in roots if _issued_by(path[-1], r) and _may_issue(r)), None)
        if anchor is None:
            return path, "chain.untrusted_root"
        path.append(anchor)
    for depth, authority in enumerate(path[1:]):
        constraints = _basic_constraints(authority)
        # ``depth`` counts the intermediate CAs below this one on the path.
        limit = None if constraints is None else constraints.path_length
        if limit is not None and depth > limit:
            return path, "chain.path_too_long"
    return path, None


def _validity_failure(
    path: Sequence[x509.Certificate], signed_at: datetime | None, now: datetime, skew: timedelta
) -> str | None:
    if signed_at is None:
        return "validity.no_signing_time"
    if signed_at > now + skew:
        return "validity.signing_time_in_future"
    for position, cert in enumerate(path):
        prefix = "validity." if position == 0 else "validity.issuer_"
        if signed_at < cert.not_valid_before_utc:
            return prefix + "not_yet_valid"
        if signed_at > cert.not_valid_after_utc:
            return prefix + "expired"
    return None


def _exchange_failure(
    signed_at: datetime | None, window: tuple[datetime | None, datetime] | None
) -> str | None:
    if window is None or signed_at is None:
        return None
    began, completed = window
    if (began is not None and signed_at < began - EXCHANGE_SKEW) or signed_at > completed + EXCHANGE_SKEW:
        return "validity.outside_exchange"
    return None


def _policy_failure(leaf: x509.Certificate, expected: Policy | None) -> str | None:
    policies = certificate_policies(leaf)
    if policies is None:
        return "policy.unreadable"
    if not policies & _KNOWN_POLICIES:
        return "policy.missing"
    if expected is not None and expected.value not in policies:
        return "policy.mismatch"
    return None


def _revocation(
    checker: RevocationChecker | None, leaf: x509.Certificate, issuer: x509.Certificate | None
) -> RevocationStatus:
    if checker is None or issuer is None:
        return RevocationStatus.UNKNOWN
    return checker.status(leaf, issuer)


def _key_usage_failure(leaf: x509.Certificate) -> str | None:
    try:
        eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return "key_usage.no_signing_eku"
    except ValueError:
        return "key_usage.unreadable"
    if SIGNING_EKU not in eku:
        return "key_usage.no_signing_eku"
    try:
        usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None
    return None if usage.digital_signature else "key_usage.no_digital_signature"


def _confirmation_time_failure(claims: dict[str, str] | None, signed_at: datetime | None) -> str | None:
    """An SMS confirmation signs its time twice (header and content): they must agree."""
    if claims is None or claims.get("method") != SMS_METHOD or signed_at is None:
        return None
    if claims["confirmed_at"] != format_signing_time(signed_at):
        return "validity.confirmation_time_mismatch"
    return None


def _iin_failure(leaf: x509.Certificate, claims: dict[str, str] | None, expected_iin: str) -> str | None:
    if claims is not None and claims.get("method") == SMS_METHOD:
        # The portal's key vouches that this person typed the code back: the person is the one
        # named in the signed content, and only the portal's SMS-confirmation key may vouch.
        if not is_sms_confirmation_certificate(leaf):
            return "iin.not_sms_confirmation"
        if not hmac.compare_digest(claims["iin"].encode(), expected_iin.encode()):
            return "iin.mismatch"
        return None
    iin = certificate_iin(leaf)
    if iin is None:
        return "iin.not_in_certificate"
    if iin != expected_iin:
        return "iin.mismatch"
    if claims is not None and claims["iin"] != iin:
        return "iin.payload_mismatch"
    return None
