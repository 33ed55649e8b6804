"""The eGov Mobile-like signer: a one-time QR/link for the phone, a PIN there, polling here."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from signing.base import (
    Action,
    Check,
    FailureMode,
    LockedOut,
    SignedEnvelope,
    SigningCancelled,
    SigningError,
    SigningPending,
    SigningTimedOut,
    SignRequest,
    TokenExpired,
    TokenUnknown,
    TokenUsed,
    WeakSecret,
    WrongSecret,
)
from signing.ca import TestCA
from signing.names import Holder
from signing.simulated import MobileSigner
from signing.storage import DirectoryStorage

from .conftest import KEYSTORE_KEY, PIN, FakeClock, Verifier, scripted

LINK_PREFIX = "https://portal.test/m/sign/"


@pytest.fixture
def enrolled(mobile: MobileSigner, citizen: Holder) -> MobileSigner:
    mobile.enroll(citizen, PIN)
    return mobile


def token_of(link: str | None) -> str:
    assert link is not None and link.startswith(LINK_PREFIX)
    return link[len(LINK_PREFIX) :]


def begin(signer: MobileSigner, request: SignRequest) -> tuple[str, str]:
    challenge = signer.begin(request)
    return challenge.id, token_of(challenge.link)


def signed_on_phone(signer: MobileSigner, request: SignRequest) -> SignedEnvelope:
    """Begin here, confirm with the PIN on the phone, collect the envelope here."""
    challenge_id, token = begin(signer, request)
    signer.confirm(token, PIN)
    return signer.complete(challenge_id)


def test_begin_gives_a_qr_code_and_a_phone_link(
    enrolled: MobileSigner, sign_request: SignRequest, clock: FakeClock
) -> None:
    challenge = enrolled.begin(sign_request)
    assert challenge.action is Action.SCAN_QR and challenge.signer == "mobile" and challenge.test
    assert challenge.expires_at == clock() + timedelta(minutes=5)
    assert challenge.certificate is not None and challenge.certificate.iin == sign_request.signer_iin
    assert challenge.qr_svg is not None and challenge.qr_svg.startswith("<svg")
    # Drawn here as vector paths: nothing is fetched from an outside QR service.
    assert "<path" in challenge.qr_svg and "href" not in challenge.qr_svg
    token = token_of(challenge.link)
    assert len(token) >= 32 and token != challenge.id


def test_the_phone_is_shown_what_is_being_signed(
    enrolled: MobileSigner, sign_request: SignRequest, citizen: Holder
) -> None:
    _, token = begin(enrolled, sign_request)
    prompt = enrolled.open(token)
    assert prompt.document == sign_request.document and prompt.digest == sign_request.digest
    assert prompt.title == "Application SA-2025-000017" and prompt.purpose == "application.submit"
    assert prompt.signer.iin == citizen.iin and prompt.test


def test_the_page_polls_until_the_phone_confirms(
    enrolled: MobileSigner, sign_request: SignRequest, verdict: Verifier
) -> None:
    challenge_id, token = begin(enrolled, sign_request)
    with pytest.raises(SigningPending):
        enrolled.complete(challenge_id)
    enrolled.open(token)
    with pytest.raises(SigningPending):
        enrolled.complete(challenge_id)
    on_phone = enrolled.confirm(token, PIN)
    envelope = enrolled.complete(challenge_id)
    assert envelope == on_phone and envelope.signer == "mobile"
    assert envelope == enrolled.complete(challenge_id)  # polling again is harmless
    assert verdict(envelope).ok


def test_a_used_token_is_refused(enrolled: MobileSigner, sign_request: SignRequest) -> None:
    _, token = begin(enrolled, sign_request)
    enrolled.confirm(token, PIN)
    with pytest.raises(TokenUsed):
        enrolled.open(token)
    with pytest.raises(TokenUsed):
        enrolled.confirm(token, PIN)


def test_a_token_is_good_for_five_minutes_only(
    enrolled: MobileSigner, sign_request: SignRequest, clock: FakeClock
) -> None:
    challenge_id, token = begin(enrolled, sign_request)
    clock.advance(minutes=4, seconds=59)
    enrolled.open(token)
    clock.advance(seconds=1)
    with pytest.raises(TokenExpired):
        enrolled.open(token)
    with pytest.raises(TokenExpired):
        enrolled.confirm(token, PIN)
    with pytest.raises(SigningTimedOut):
        enrolled.complete(challenge_id)


@pytest.mark.parametrize("token", ["", "short", "../../ca/root.key", "A" * 32])
def test_unknown_tokens_are_refused(enrolled: MobileSigner, token: str) -> None:
    with pytest.raises(TokenUnknown):
        enrolled.open(token)


def test_the_challenge_id_does_not_work_as_a_token(enrolled: MobileSigner, sign_request: SignRequest) -> None:
    challenge_id, _ = begin(enrolled, sign_request)
    with pytest.raises(TokenUnknown):
        enrolled.open(challenge_id)


def test_tokens_are_not_stored_in_clear(
    enrolled: MobileSigner, sign_request: SignRequest, storage: DirectoryStorage
) -> None:
    _, token = begin(enrolled, sign_request)
    for key in storage.keys(""):
        value = storage.get(key)
        assert token not in key and value is not None and token.encode() not in value


def test_a_wrong_pin_keeps_the_token_then_locks(
    enrolled: MobileSigner, sign_request: SignRequest, citizen: Holder
) -> None:
    challenge_id, token = begin(enrolled, sign_request)
    with pytest.raises(WrongSecret) as wrong:
        enrolled.confirm(token, "0000")
    assert wrong.value.attempts_left == 2
    assert enrolled.confirm(token, PIN).signer_iin == citizen.iin
    _, token = begin(enrolled, sign_request)
    for _ in range(2):
        with pytest.raises(WrongSecret):
            enrolled.confirm(token, "0000")
    with pytest.raises(LockedOut):
        enrolled.confirm(token, "0000")
    with pytest.raises(LockedOut):
        enrolled.confirm(token, PIN)
    assert enrolled.complete(challenge_id).signer_iin == citizen.iin


def test_a_pin_is_digits(mobile: MobileSigner, citizen: Holder) -> None:
    with pytest.raises(WeakSecret) as weak:
        mobile.enroll(citizen, "12ab")
    assert weak.value.code == "secret.digits_only"


def test_declining_on_the_phone_cancels_the_signing(
    enrolled: MobileSigner, sign_request: SignRequest
) -> None:
    challenge_id, token = begin(enrolled, sign_request)
    enrolled.decline(token, PIN)
    with pytest.raises(SigningCancelled):
        enrolled.complete(challenge_id)
    with pytest.raises(TokenUsed):
        enrolled.confirm(token, PIN)


def test_cancelling_on_the_computer_stops_the_phone(
    enrolled: MobileSigner, sign_request: SignRequest
) -> None:
    challenge_id, token = begin(enrolled, sign_request)
    enrolled.cancel(challenge_id)
    with pytest.raises(TokenUsed):
        enrolled.confirm(token, PIN)
    with pytest.raises(SigningCancelled):
        enrolled.complete(challenge_id)


def test_two_phones_racing_with_one_token_give_one_signature(
    enrolled: MobileSigner, sign_request: SignRequest
) -> None:
    _, token = begin(enrolled, sign_request)
    barrier = threading.Barrier(4, timeout=60)
    outcomes: list[object] = []

    def confirm() -> None:
        barrier.wait()
        try:
            outcomes.append(enrolled.confirm(token, PIN))
        except SigningError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=confirm) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(o, SignedEnvelope) for o in outcomes) == 1
    assert all(isinstance(o, SignedEnvelope | TokenUsed) for o in outcomes)


def test_scripted_cancel(enrolled: MobileSigner, sign_request: SignRequest) -> None:
    challenge_id, token = begin(enrolled, scripted(sign_request, FailureMode.CANCEL))
    with pytest.raises(SigningCancelled):
        enrolled.confirm(token, PIN)
    with pytest.raises(SigningCancelled):
        enrolled.complete(challenge_id)


def test_scripted_timeout(enrolled: MobileSigner, sign_request: SignRequest) -> None:
    challenge_id, token = begin(enrolled, scripted(sign_request, FailureMode.TIMEOUT))
    with pytest.raises(TokenExpired):
        enrolled.open(token)
    with pytest.raises(SigningTimedOut):
        enrolled.complete(challenge_id)


def test_scripted_revoked_certificate_is_caught_by_verification(
    enrolled: MobileSigner, sign_request: SignRequest, verdict: Verifier
) -> None:
    envelope = signed_on_phone(enrolled, scripted(sign_request, FailureMode.REVOKED))
    assert verdict(envelope).failures == {Check.REVOCATION: "revocation.revoked"}


def test_scripted_wrong_person_is_caught_by_verification(
    enrolled: MobileSigner, sign_request: SignRequest, verdict: Verifier
) -> None:
    envelope = signed_on_phone(enrolled, scripted(sign_request, FailureMode.WRONG_PERSON))
    assert verdict(envelope).failures == {Check.IIN: "iin.mismatch"}


def test_finished_sessions_are_purged_with_their_tokens(
    enrolled: MobileSigner, sign_request: SignRequest, clock: FakeClock, storage: DirectoryStorage
) -> None:
    begin(enrolled, sign_request)
    clock.advance(minutes=5, hours=1, seconds=1)
    assert enrolled.purge_expired() == 1
    assert [key for key in storage.keys("mobile/") if "/keystore/" not in key] == []


def test_the_link_template_must_carry_the_token(
    ca: TestCA, storage: DirectoryStorage, clock: FakeClock
) -> None:
    with pytest.raises(ValueError):
        MobileSigner(ca=ca, storage=storage, now=clock, keystore_key=KEYSTORE_KEY,
                     mobile_url="/sign/mobile")


def test_a_pin_of_the_wrong_length_is_a_typo_that_costs_no_try(
    mobile: MobileSigner, citizen: Holder, sign_request: SignRequest
) -> None:
    from signing.base import PinLength

    mobile.enroll(citizen, "58142037")
    challenge_id, token = begin(mobile, sign_request)
    assert mobile.open(token).pin_length == 8
    for _ in range(5):
        with pytest.raises(PinLength) as error:
            mobile.confirm(token, "5814203")
        assert error.value.length == 8
    with pytest.raises(WrongSecret) as wrong:
        mobile.confirm(token, "58142038")
    assert wrong.value.attempts_left == 2
    mobile.confirm(token, "58142037")
    assert mobile.complete(challenge_id).signer_iin == citizen.iin
