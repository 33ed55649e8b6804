"""R6.4: the one-time SMS code signer — a code to the registered number, sealed by the portal's key."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from signing.base import (
    Action,
    ChallengeUnknown,
    Check,
    FailureMode,
    SigningCancelled,
    SigningTimedOut,
    SignRequest,
)
from signing.ca import TestCA
from signing.jws import sign_confirmation
from signing.names import Holder, Policy
from signing.registry import build_signers
from signing.sms import (
    CodeExhausted,
    CodeExpired,
    CodeNotSent,
    CodeShape,
    NoRegisteredPhone,
    ResendTooSoon,
    SmsSigner,
    TooManyCodes,
    WrongCode,
)
from signing.storage import DirectoryStorage

from .conftest import KEYSTORE_KEY, FakeClock, Verifier, claims_of, header_of, scripted

PHONE = "+77011234567"


class Phones:
    """The mobile citizens database and the SMS outbox as the portal passes them in."""

    def __init__(self, registered: dict[str, str]) -> None:
        self.registered = registered
        self.sent: list[tuple[str, str, datetime]] = []
        self.failing: set[str] = set()

    def phone_for(self, iin: str) -> str | None:
        return self.registered.get(iin)

    def send(self, phone: str, code: str, expires_at: datetime) -> None:
        if phone in self.failing:
            raise CodeNotSent()
        self.sent.append((phone, code, expires_at))

    @property
    def last_code(self) -> str:
        return self.sent[-1][1]


@pytest.fixture
def phones(citizen: Holder) -> Phones:
    return Phones({citizen.iin: PHONE})


@pytest.fixture
def sms(ca: TestCA, storage: DirectoryStorage, clock: FakeClock, phones: Phones) -> SmsSigner:
    return SmsSigner(ca=ca, storage=storage, now=clock, keystore_key=KEYSTORE_KEY,
                     sms_phone_for=phones.phone_for, sms_send_code=phones.send)


def sms_verdict(verdict: Verifier, envelope: object, **overrides: object):  # type: ignore[no-untyped-def]
    return verdict(envelope, expected_policy=Policy.SMS_CONFIRMATION, **overrides)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_r6_4_begin_sends_six_digits_to_the_registered_number_only(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest, clock: FakeClock
) -> None:
    challenge = sms.begin(sign_request)
    assert challenge.action is Action.ENTER_CODE
    assert challenge.phone == "+7 701 ••• •• 67"
    assert challenge.expires_at == clock() + timedelta(minutes=5)
    [(phone, code, _)] = phones.sent
    assert phone == PHONE and len(code) == 6 and code.isdigit()


def test_r6_4_no_registered_number_means_no_code(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest
) -> None:
    phones.registered.clear()
    with pytest.raises(NoRegisteredPhone):
        sms.begin(sign_request)
    assert phones.sent == []


def test_r6_4_a_code_the_gateway_refused_leaves_no_exchange(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest, storage: DirectoryStorage
) -> None:
    phones.failing.add(PHONE)
    with pytest.raises(CodeNotSent):
        sms.begin(sign_request)
    assert storage.keys("sms/challenge/") == []


def test_r6_4_codes_are_stored_hashed(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest, storage: DirectoryStorage
) -> None:
    challenge = sms.begin(sign_request)
    raw = storage.get(f"sms/challenge/{challenge.id}")
    assert raw is not None and phones.last_code.encode() not in raw


def test_r6_4_the_right_code_signs_and_the_envelope_records_phone_iin_and_time(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest, citizen: Holder,
    clock: FakeClock, verdict: Verifier,
) -> None:
    challenge = sms.begin(sign_request)
    clock.advance(seconds=40)
    envelope = sms.complete(challenge.id, phones.last_code)
    claims = claims_of(envelope.token)
    assert claims["method"] == "sms"
    assert claims["phone"] == PHONE
    assert claims["iin"] == citizen.iin
    assert claims["confirmed_at"] == clock().strftime("%Y-%m-%dT%H:%M:%SZ")
    assert claims["digest"] == sign_request.digest
    assert header_of(envelope.token)["sigT"] == claims["confirmed_at"]
    result = sms_verdict(verdict, envelope, expected_purpose="application.submit")
    assert result.ok, result.failures
    assert result.signer is not None and result.signer.is_test and result.signer.iin is None


def test_r6_4_a_code_works_only_once(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest
) -> None:
    challenge = sms.begin(sign_request)
    sms.complete(challenge.id, phones.last_code)
    with pytest.raises(ChallengeUnknown):
        sms.complete(challenge.id, phones.last_code)


def test_r6_4_two_parallel_right_codes_sign_once(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest
) -> None:
    challenge = sms.begin(sign_request)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            sms.complete(challenge.id, phones.last_code)
            outcomes.append("signed")
        except ChallengeUnknown:
            outcomes.append("gone")

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["gone", "gone", "gone", "signed"]


def test_r6_4_a_code_older_than_five_minutes_is_refused_without_spending_a_try(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest, clock: FakeClock
) -> None:
    challenge = sms.begin(sign_request)
    code = phones.last_code
    clock.advance(minutes=5)
    with pytest.raises(CodeExpired):
        sms.complete(challenge.id, code)
    sms.resend(challenge.id)
    sms.complete(challenge.id, phones.last_code)


def test_r6_4_three_wrong_codes_kill_the_exchange(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest
) -> None:
    challenge = sms.begin(sign_request)
    right = phones.last_code
    with pytest.raises(WrongCode) as first:
        sms.complete(challenge.id, wrong(right))
    assert first.value.attempts_left == 2
    with pytest.raises(WrongCode) as second:
        sms.complete(challenge.id, wrong(right))
    assert second.value.attempts_left == 1
    with pytest.raises(CodeExhausted):
        sms.complete(challenge.id, wrong(right))
    with pytest.raises(ChallengeUnknown):
        sms.complete(challenge.id, right)


def test_r6_4_a_code_of_the_wrong_shape_costs_no_try(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest
) -> None:
    challenge = sms.begin(sign_request)
    for typo in ("", "12345", "1234567", "12a456", "١٢٣٤٥٦"):
        with pytest.raises(CodeShape):
            sms.complete(challenge.id, typo)
    with pytest.raises(WrongCode) as error:
        sms.complete(challenge.id, wrong(phones.last_code))
    assert error.value.attempts_left == 2


def test_r6_4_a_new_code_only_after_a_minute_and_the_old_one_stops_working(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest, clock: FakeClock
) -> None:
    challenge = sms.begin(sign_request)
    old = phones.last_code
    with pytest.raises(ResendTooSoon):
        sms.resend(challenge.id)
    clock.advance(seconds=61)
    again = sms.resend(challenge.id)
    assert again.resend_at == clock() + timedelta(seconds=60)
    if old != phones.last_code:
        with pytest.raises(WrongCode):
            sms.complete(challenge.id, old)
    sms.complete(challenge.id, phones.last_code)


def test_r6_4_at_most_five_codes_an_hour_per_person(
    sms: SmsSigner, sign_request: SignRequest, clock: FakeClock
) -> None:
    for _ in range(5):
        sms.begin(sign_request)
        clock.advance(minutes=1)
    with pytest.raises(TooManyCodes):
        sms.begin(sign_request)
    clock.advance(hours=1)
    sms.begin(sign_request)


def test_r6_4_the_envelope_of_another_person_fails_the_iin_check(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest, check: Verifier
) -> None:
    challenge = sms.begin(sign_request)
    envelope = sms.complete(challenge.id, phones.last_code)
    result = check(envelope, sign_request.document, "760212350620",
                   expected_policy=Policy.SMS_CONFIRMATION)
    assert result.failures == {Check.IIN: "iin.mismatch"}


def test_r6_4_a_tampered_envelope_fails_verification(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest, verdict: Verifier
) -> None:
    import base64
    import json

    challenge = sms.begin(sign_request)
    token = sms.complete(challenge.id, phones.last_code).token
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["phone"] = "+77779998877"
    forged = base64.urlsafe_b64encode(
        json.dumps(claims, separators=(",", ":")).encode()).rstrip(b"=").decode()
    result = sms_verdict(verdict, f"{header}.{forged}.{signature}")
    assert result.failures[Check.SIGNATURE] == "signature.invalid"


def test_r6_4_a_person_certificate_cannot_vouch_for_an_sms_confirmation(
    ca: TestCA, citizen: Holder, sign_request: SignRequest, clock: FakeClock, verdict: Verifier
) -> None:
    key, certificate = ca.issue_key_pair(citizen)
    forged = sign_confirmation(sign_request, key, certificate, ca.chain, confirmed_at=clock(),
                               confirmed_iin=citizen.iin, phone=PHONE, signer="forger")
    result = sms_verdict(verdict, forged)
    assert result.failures[Check.IIN] == "iin.not_sms_confirmation"
    assert result.failures[Check.POLICY] == "policy.mismatch"


def test_r6_4_an_sms_confirmation_does_not_pass_where_an_eds_is_required(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest, verdict: Verifier
) -> None:
    challenge = sms.begin(sign_request)
    envelope = sms.complete(challenge.id, phones.last_code)
    result = verdict(envelope, expected_policy=Policy.INDIVIDUAL)
    assert result.failures == {Check.POLICY: "policy.mismatch"}


def test_r6_4_an_sms_confirmation_is_bound_to_the_document_and_purpose(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest, citizen: Holder, check: Verifier
) -> None:
    challenge = sms.begin(sign_request)
    envelope = sms.complete(challenge.id, phones.last_code)
    result = check(envelope, b'{"other":"document"}', citizen.iin,
                   expected_policy=Policy.SMS_CONFIRMATION, expected_purpose="decision.sign")
    assert result.failures == {Check.DIGEST: "digest.mismatch", Check.PURPOSE: "purpose.mismatch"}


@pytest.mark.parametrize(
    ("mode", "failures"),
    [
        (FailureMode.REVOKED, {Check.REVOCATION: "revocation.revoked"}),
        (FailureMode.WRONG_PERSON, {Check.IIN: "iin.mismatch"}),
    ],
)
def test_r6_4_scripted_failures_go_through_verification(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest, verdict: Verifier,
    mode: FailureMode, failures: dict[Check, str],
) -> None:
    challenge = sms.begin(scripted(sign_request, mode))
    envelope = sms.complete(challenge.id, phones.last_code)
    assert sms_verdict(verdict, envelope).failures == failures


def test_r6_4_scripted_cancel_and_timeout(
    sms: SmsSigner, phones: Phones, sign_request: SignRequest
) -> None:
    cancelled = sms.begin(scripted(sign_request, FailureMode.CANCEL))
    with pytest.raises(SigningCancelled):
        sms.complete(cancelled.id, phones.last_code)
    timed_out = sms.begin(scripted(sign_request, FailureMode.TIMEOUT))
    with pytest.raises(SigningTimedOut):
        sms.complete(timed_out.id, phones.last_code)


def test_r6_4_the_portal_key_is_issued_once_and_marked_test(
    sms: SmsSigner, ca: TestCA
) -> None:
    first = sms.certificate()
    assert first == sms.certificate()
    assert first.is_test and "TEST" in first.common_name
    assert ca.status_of(int(first.serial, 16)).value == "good"


def test_r6_4_the_registry_builds_the_sms_signer_from_the_portal_callables(
    ca: TestCA, storage: DirectoryStorage, clock: FakeClock, phones: Phones
) -> None:
    signers = build_signers("keyfile,mobile,sms", ca=ca, storage=storage, now=clock,
                            keystore_key=KEYSTORE_KEY, sms_phone_for=phones.phone_for,
                            sms_send_code=phones.send)
    assert isinstance(signers["sms"], SmsSigner)
