"""The bytes the portal signs (R6.4): canonical JSON, digest, the sign request, the result shape."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signing.base import (
    Check,
    FailureMode,
    RevocationStatus,
    Role,
    SignRequest,
    VerificationResult,
    canonical_json,
    digest,
    read_clock,
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def test_canonical_json_sorts_keys_and_has_no_whitespace() -> None:
    assert canonical_json({"b": 1, "a": [1, {"d": 2, "c": None}]}) == (b'{"a":[1,{"c":null,"d":2}],"b":1}')


def test_canonical_json_keeps_kazakh_letters_as_utf8() -> None:
    assert canonical_json({"аты": "Әлия Нұрғали"}) == '{"аты":"Әлия Нұрғали"}'.encode()


def test_canonical_json_refuses_nan() -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=8))
def test_canonical_json_does_not_depend_on_key_order(obj: dict[str, object]) -> None:
    reordered = dict(reversed(list(obj.items())))
    assert canonical_json(reordered) == canonical_json(obj)
    assert json.loads(canonical_json(obj)) == obj


def test_digest_is_lowercase_sha256_hex() -> None:
    assert digest(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert digest(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_request_covers_the_application_and_gateway_answers_R6_4() -> None:
    content = {"application": {"number": "1"}, "gateway": {"income": "0"}}
    request = SignRequest.of(content, signer_iin="850321301238", purpose="application.submit")
    assert request.document == canonical_json(content)
    assert request.digest == digest(request.document)


def test_request_refuses_an_iin_that_is_not_twelve_digits() -> None:
    with pytest.raises(ValueError):
        SignRequest(document=b"{}", signer_iin="85032130123", purpose="x")


def test_request_needs_a_purpose() -> None:
    with pytest.raises(ValueError):
        SignRequest(document=b"{}", signer_iin="850321301238", purpose="")


def test_request_round_trips_through_a_storage_record() -> None:
    request = SignRequest(
        document=b"{}",
        signer_iin="850321301238",
        purpose="decision.sign",
        role=Role.STAFF,
        title="Шешім",
        failure_mode=FailureMode.WRONG_PERSON,
    )
    assert SignRequest.from_record(json.loads(json.dumps(request.to_record()))) == request


def test_a_naive_clock_is_refused() -> None:
    with pytest.raises(ValueError):
        read_clock(lambda: datetime(2025, 1, 1))  # a naive time is the point of the test


def test_result_booleans_follow_the_failed_checks() -> None:
    result = VerificationResult(
        failures={Check.IIN: "iin.mismatch", Check.REVOCATION: "revocation.revoked"},
        revocation=RevocationStatus.REVOKED,
    )
    assert not result.ok
    assert not result.iin_matches and not result.not_revoked
    assert result.signature_valid and result.chain_trusted and result.digest_matches
    assert result.reason_codes == ["revocation.revoked", "iin.mismatch"]
