"""Fixtures for the signing tests: a TEST CA on a temporary directory, a clock the test moves."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from signing.base import FailureMode, SignedEnvelope, SignRequest, VerificationResult, canonical_json
from signing.ca import SigningKey, TestCA
from signing.jws import sign_envelope
from signing.names import Holder
from signing.simulated import KeyFileSigner, MobileSigner
from signing.storage import DirectoryStorage, MemoryStorage
from signing.verify import verify

START = datetime(2025, 3, 3, 4, 30, tzinfo=UTC)
PASSWORD = "qwerty-123"
PIN = "2580"
KEYSTORE_KEY = b"keystore-kek-from-configuration"


class FakeClock:
    """Returns the time the test set; ``advance`` moves it."""

    def __init__(self, start: datetime = START) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def storage(tmp_path: Path) -> DirectoryStorage:
    return DirectoryStorage(tmp_path / "signing")


@pytest.fixture
def ca(storage: DirectoryStorage, clock: FakeClock) -> TestCA:
    return TestCA(storage, secret=b"ca-secret-from-config", now=clock)


@pytest.fixture
def impostor(clock: FakeClock) -> TestCA:
    """A second TEST CA, unknown to the portal's trusted roots."""
    return TestCA(MemoryStorage(), secret=b"s", now=clock)


@pytest.fixture
def citizen() -> Holder:
    return Holder("850321301238", "Сейтқали", "Нұрлан", "Асқарұлы")


@pytest.fixture
def staff() -> Holder:
    return Holder(
        "921231445671",
        "Ахметова",
        "Дана",
        "Серікқызы",
        position="Бас маман",
        organisation="TEST Жұмыспен қамту және әлеуметтік бағдарламалар бөлімі",
        bin="123456789021",
    )


@pytest.fixture
def application() -> dict[str, object]:
    return {
        "application": {"number": "SA-2025-000017", "ground": "low_income", "members": 4},
        "gateway": {"address": {"locality": "Алматы"}, "income": {"total": "412500.00"}},
    }


@pytest.fixture
def sign_request(citizen: Holder, application: dict[str, object]) -> SignRequest:
    return SignRequest.of(
        application,
        signer_iin=citizen.iin,
        purpose="application.submit",
        title="Application SA-2025-000017",
    )


@pytest.fixture
def keyfile(ca: TestCA, storage: DirectoryStorage, clock: FakeClock) -> KeyFileSigner:
    return KeyFileSigner(ca=ca, storage=storage, now=clock, keystore_key=KEYSTORE_KEY)


@pytest.fixture
def mobile(ca: TestCA, storage: DirectoryStorage, clock: FakeClock) -> MobileSigner:
    return MobileSigner(ca=ca, storage=storage, now=clock, keystore_key=KEYSTORE_KEY,
                        mobile_url="https://portal.test/m/sign/{token}")


Verifier = Callable[..., VerificationResult]


@pytest.fixture
def check(ca: TestCA, clock: FakeClock) -> Verifier:
    """``verify`` as the portal calls it, with overridable parts."""

    def run(
        envelope: SignedEnvelope | str, document: bytes, expected_iin: str, **overrides: object
    ) -> VerificationResult:
        token = envelope.token if isinstance(envelope, SignedEnvelope) else envelope
        options: dict[str, object] = {
            "trusted_roots": ca.trusted_roots,
            "revocation_checker": ca,
            "expected_iin": expected_iin,
            "now": clock(),
        }
        options.update(overrides)
        return verify(token, document, **options)  # type: ignore[arg-type]

    return run


@pytest.fixture
def verdict(check: Verifier, sign_request: SignRequest, citizen: Holder) -> Verifier:
    """``check`` of a token over the citizen's application, expecting the citizen as signer."""

    def run(envelope: SignedEnvelope | str, **overrides: object) -> VerificationResult:
        return check(envelope, sign_request.document, citizen.iin, **overrides)

    return run


def scripted(request: SignRequest, mode: FailureMode) -> SignRequest:
    """The same request, asking the simulated signer to act out ``mode``."""
    return SignRequest(
        document=request.document,
        signer_iin=request.signer_iin,
        purpose=request.purpose,
        failure_mode=mode,
    )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def header_of(token: str) -> dict[str, object]:
    value: dict[str, object] = json.loads(unb64url(token.split(".")[0]))
    return value


def claims_of(token: str) -> dict[str, object]:
    value: dict[str, object] = json.loads(unb64url(token.split(".")[1]))
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


SignWith = Callable[..., SignedEnvelope]


@pytest.fixture
def sign_with(sign_request: SignRequest, ca: TestCA, clock: FakeClock) -> SignWith:
    """``sign`` of the citizen's application now, with the chain of ``issuer`` (the TEST CA by default)."""

    def run(
        key: SigningKey, cert: x509.Certificate, issuer: TestCA | None = None, **changes: object
    ) -> SignedEnvelope:
        return sign(sign_request, key, cert, ca if issuer is None else issuer, clock, **changes)

    return run
