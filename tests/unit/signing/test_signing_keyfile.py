"""The NCALayer-like key-file signer: a key store locked by the person's password, with lockout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from signing.base import (
    Action,
    AlreadyEnrolled,
    CertificateUnusable,
    ChallengeUnknown,
    Check,
    FailureMode,
    LockedOut,
    NotEnrolled,
    RevocationStatus,
    SecretRequired,
    SigningCancelled,
    SigningTimedOut,
    SignRequest,
    WeakSecret,
    WrongSecret,
)
from signing.ca import TestCA
from signing.names import Holder
from signing.simulated import OTHER_PEOPLE, KeyFileSigner
from signing.storage import DirectoryStorage

from .conftest import PASSWORD, FakeClock, Verifier, scripted


@pytest.fixture
def enrolled(keyfile: KeyFileSigner, citizen: Holder) -> KeyFileSigner:
    keyfile.enroll(citizen, PASSWORD)
    return keyfile


def test_a_key_store_is_issued_once(enrolled: KeyFileSigner, citizen: Holder) -> None:
    assert enrolled.is_enrolled(citizen.iin)
    with pytest.raises(AlreadyEnrolled):
        enrolled.enroll(citizen, "another-password")


def test_reissuing_the_key_store_revokes_the_old_certificate(
    enrolled: KeyFileSigner, citizen: Holder, ca: TestCA
) -> None:
    old = enrolled.vault.certificate(citizen.iin)
    enrolled.enroll(citizen, "new-password-1", replace=True)
    assert ca.status_of(old.serial_number) is RevocationStatus.REVOKED
    assert ca.status_of(enrolled.vault.certificate(citizen.iin).serial_number) is (RevocationStatus.GOOD)


def test_the_password_is_never_stored(
    enrolled: KeyFileSigner, storage: DirectoryStorage, citizen: Holder
) -> None:
    for name in storage.keys(""):
        value = storage.get(name)
        assert value is not None and PASSWORD.encode() not in value
    with pytest.raises(WrongSecret):
        enrolled.vault.export(citizen.iin, "a-wrong-guess")
    p12 = enrolled.vault.export(citizen.iin, PASSWORD)
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(p12, b"guess")
    private_key, cert, _ = pkcs12.load_key_and_certificates(p12, PASSWORD.encode())
    assert private_key is not None and cert == enrolled.vault.certificate(citizen.iin)


def test_a_short_password_is_refused(keyfile: KeyFileSigner, citizen: Holder) -> None:
    with pytest.raises(WeakSecret):
        keyfile.enroll(citizen, "12345")


def test_signing_without_a_key_store_is_refused(keyfile: KeyFileSigner, sign_request: SignRequest) -> None:
    with pytest.raises(NotEnrolled):
        keyfile.begin(sign_request)


def test_begin_shows_owner_iin_and_validity(
    enrolled: KeyFileSigner, sign_request: SignRequest, clock: FakeClock
) -> None:
    challenge = enrolled.begin(sign_request)
    assert challenge.action is Action.ENTER_PASSWORD and challenge.signer == "keyfile"
    assert challenge.test
    info = challenge.certificate
    assert info is not None
    assert info.common_name == "СЕЙТҚАЛИ НҰРЛАН" and info.iin == "850321301238"
    assert info.not_before == clock() and info.not_after == clock() + timedelta(days=365)
    assert info.is_test and info.issuer.startswith("TEST")


def test_the_right_password_gives_an_envelope_that_verifies(
    enrolled: KeyFileSigner, sign_request: SignRequest, citizen: Holder, verdict: Verifier
) -> None:
    challenge = enrolled.begin(sign_request)
    envelope = enrolled.complete(challenge.id, PASSWORD)
    assert envelope.signer == "keyfile" and envelope.signer_iin == citizen.iin
    assert envelope.digest == sign_request.digest
    assert verdict(envelope).ok


def test_a_password_must_be_given(enrolled: KeyFileSigner, sign_request: SignRequest) -> None:
    challenge = enrolled.begin(sign_request)
    with pytest.raises(SecretRequired):
        enrolled.complete(challenge.id, None)


def test_three_wrong_passwords_lock_the_key_for_a_pause(
    enrolled: KeyFileSigner, sign_request: SignRequest, clock: FakeClock, citizen: Holder
) -> None:
    challenge = enrolled.begin(sign_request)
    for left in (2, 1):
        with pytest.raises(WrongSecret) as wrong:
            enrolled.complete(challenge.id, "not-it-at-all")
        assert wrong.value.attempts_left == left and wrong.value.code == "secret.wrong"
    with pytest.raises(LockedOut) as locked:
        enrolled.complete(challenge.id, "not-it-at-all")
    assert locked.value.until == clock() + timedelta(minutes=5)
    clock.advance(minutes=4, seconds=59)
    with pytest.raises(LockedOut):
        enrolled.complete(challenge.id, PASSWORD)  # even the right one waits
    assert enrolled.vault.locked_until(citizen.iin) == locked.value.until
    clock.advance(seconds=1)
    assert enrolled.complete(challenge.id, PASSWORD).signer_iin == citizen.iin


def test_a_right_password_resets_the_count(enrolled: KeyFileSigner, sign_request: SignRequest) -> None:
    for _ in range(2):
        challenge = enrolled.begin(sign_request)
        with pytest.raises(WrongSecret):
            enrolled.complete(challenge.id, "not-it-at-all")
        with pytest.raises(WrongSecret) as wrong:
            enrolled.complete(challenge.id, "still-not-it-at-all")
        assert wrong.value.attempts_left == 1
        enrolled.complete(challenge.id, PASSWORD)


def test_a_challenge_is_completed_once(enrolled: KeyFileSigner, sign_request: SignRequest) -> None:
    challenge = enrolled.begin(sign_request)
    enrolled.complete(challenge.id, PASSWORD)
    with pytest.raises(ChallengeUnknown):
        enrolled.complete(challenge.id, PASSWORD)


@pytest.mark.parametrize("challenge_id", ["nope", "../../ca/root.key", "a" * 32])
def test_unknown_challenges_are_refused(enrolled: KeyFileSigner, challenge_id: str) -> None:
    with pytest.raises(ChallengeUnknown):
        enrolled.complete(challenge_id, PASSWORD)


def test_a_challenge_left_too_long_times_out(
    enrolled: KeyFileSigner, sign_request: SignRequest, clock: FakeClock
) -> None:
    challenge = enrolled.begin(sign_request)
    clock.advance(minutes=10)
    with pytest.raises(SigningTimedOut):
        enrolled.complete(challenge.id, PASSWORD)


def test_cancel_discards_the_challenge(enrolled: KeyFileSigner, sign_request: SignRequest) -> None:
    challenge = enrolled.begin(sign_request)
    enrolled.cancel(challenge.id)
    with pytest.raises(ChallengeUnknown):
        enrolled.complete(challenge.id, PASSWORD)


def test_an_expired_certificate_is_refused_before_asking_for_the_password(
    enrolled: KeyFileSigner, sign_request: SignRequest, clock: FakeClock
) -> None:
    clock.advance(days=366)
    with pytest.raises(CertificateUnusable) as refused:
        enrolled.begin(sign_request)
    assert refused.value.code == "certificate.expired"


def test_scripted_cancel(enrolled: KeyFileSigner, sign_request: SignRequest) -> None:
    challenge = enrolled.begin(scripted(sign_request, FailureMode.CANCEL))
    with pytest.raises(SigningCancelled):
        enrolled.complete(challenge.id, PASSWORD)


def test_scripted_timeout(enrolled: KeyFileSigner, sign_request: SignRequest) -> None:
    challenge = enrolled.begin(scripted(sign_request, FailureMode.TIMEOUT))
    with pytest.raises(SigningTimedOut):
        enrolled.complete(challenge.id, PASSWORD)


def test_scripted_revoked_certificate_is_caught_by_verification(
    enrolled: KeyFileSigner, sign_request: SignRequest, citizen: Holder, verdict: Verifier, ca: TestCA
) -> None:
    challenge = enrolled.begin(scripted(sign_request, FailureMode.REVOKED))
    envelope = enrolled.complete(challenge.id, PASSWORD)
    assert verdict(envelope).failures == {Check.REVOCATION: "revocation.revoked"}
    # The person's own key is untouched by the demonstration.
    own = enrolled.vault.certificate(citizen.iin)
    assert ca.status_of(own.serial_number) is RevocationStatus.GOOD
    assert envelope.certificate_serial != format(own.serial_number, "x")


def test_scripted_wrong_person_is_caught_by_verification(
    enrolled: KeyFileSigner, sign_request: SignRequest, citizen: Holder, verdict: Verifier
) -> None:
    challenge = enrolled.begin(scripted(sign_request, FailureMode.WRONG_PERSON))
    envelope = enrolled.complete(challenge.id, PASSWORD)
    assert envelope.signer_iin in {p.iin for p in OTHER_PEOPLE} - {citizen.iin}
    assert verdict(envelope).failures == {Check.IIN: "iin.mismatch"}


def test_scripted_failures_still_need_the_password(
    enrolled: KeyFileSigner, sign_request: SignRequest
) -> None:
    challenge = enrolled.begin(scripted(sign_request, FailureMode.REVOKED))
    with pytest.raises(WrongSecret):
        enrolled.complete(challenge.id, "not-it-at-all")


def test_expired_challenges_are_purged(
    enrolled: KeyFileSigner, sign_request: SignRequest, clock: FakeClock, storage: DirectoryStorage
) -> None:
    enrolled.begin(sign_request)
    assert enrolled.purge_expired() == 0
    clock.advance(minutes=10, hours=1, seconds=1)
    assert enrolled.purge_expired() == 1
    assert storage.keys("keyfile/challenge/") == []


def test_a_staff_member_signs_with_their_position_in_the_certificate(
    keyfile: KeyFileSigner, staff: Holder, check: Verifier
) -> None:
    keyfile.enroll(staff, PASSWORD)
    request = SignRequest.of({"decision": "granted"}, signer_iin=staff.iin, purpose="decision.sign")
    envelope = keyfile.complete(keyfile.begin(request).id, PASSWORD)
    result = check(envelope, request.document, staff.iin)
    assert result.ok and result.signer is not None
    assert (result.signer.position, result.signer.bin) == ("Бас маман", "123456789021")
