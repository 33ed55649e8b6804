"""Which certificate may sign what (certificatePolicies) and when a signature may claim it was made.

Domain-law issue (individual vs employee policy) and security review item 11.
"""

from __future__ import annotations

from datetime import timedelta

from signing.base import Check, SignRequest
from signing.ca import TestCA
from signing.names import Holder, Policy

from .conftest import FakeClock, SignWith, Verifier, sign


def test_a_citizen_certificate_signs_as_an_individual_not_as_an_employee(
    ca: TestCA, citizen: Holder, sign_with: SignWith, verdict: Verifier
) -> None:
    envelope = sign_with(*ca.issue_key_pair(citizen))
    assert verdict(envelope, expected_policy=Policy.INDIVIDUAL).ok
    refused = verdict(envelope, expected_policy=Policy.EMPLOYEE)
    assert refused.failures == {Check.POLICY: "policy.mismatch"} and not refused.policy_ok


def test_a_staff_certificate_cannot_sign_as_a_citizen(
    ca: TestCA, staff: Holder, clock: FakeClock, check: Verifier
) -> None:
    request = SignRequest.of({"decision": "granted"}, signer_iin=staff.iin, purpose="decision")
    envelope = sign(request, *ca.issue_key_pair(staff), ca, clock)
    assert check(envelope, request.document, staff.iin, expected_policy=Policy.EMPLOYEE).ok
    refused = check(envelope, request.document, staff.iin, expected_policy=Policy.INDIVIDUAL)
    assert refused.failures == {Check.POLICY: "policy.mismatch"}


def test_a_certificate_without_a_signing_policy_fails_with_its_own_reason(
    ca: TestCA, citizen: Holder, sign_with: SignWith, verdict: Verifier
) -> None:
    envelope = sign_with(*ca.issue_key_pair(citizen, policies=()))
    assert verdict(envelope).failures == {Check.POLICY: "policy.missing"}
    assert verdict(envelope, expected_policy=Policy.INDIVIDUAL).failures == {
        Check.POLICY: "policy.missing"
    }


def test_an_expired_certificate_with_a_back_dated_signing_time_is_refused_item_11(
    ca: TestCA, citizen: Holder, clock: FakeClock, sign_with: SignWith, verdict: Verifier
) -> None:
    key, certificate = ca.issue_key_pair(citizen, validity=timedelta(days=30))
    issued_at = clock()
    clock.advance(days=60)  # the certificate expired a month ago
    began = clock()
    back_dated = sign_with(key, certificate, signing_time=issued_at + timedelta(days=10))
    clock.advance(seconds=40)
    assert verdict(back_dated).ok  # a bare claim inside the validity used to be enough
    refused = verdict(back_dated, signed_between=(began, clock()))
    assert refused.failures == {Check.VALIDITY: "validity.outside_exchange"}


def test_a_signing_time_inside_the_exchange_passes_within_two_minutes_of_skew_item_11(
    ca: TestCA, citizen: Holder, clock: FakeClock, sign_with: SignWith, verdict: Verifier
) -> None:
    person = ca.issue_key_pair(citizen)
    began = clock.advance(minutes=10)
    for offset in (timedelta(minutes=-2), timedelta(0), timedelta(minutes=3, seconds=59)):
        envelope = sign_with(*person, signing_time=began + offset)
        assert verdict(envelope, signed_between=(began, began + timedelta(minutes=2))).ok
    late = sign_with(*person, signing_time=began + timedelta(minutes=4, seconds=1))
    assert verdict(late, signed_between=(began, began + timedelta(minutes=2))).failures == {
        Check.VALIDITY: "validity.outside_exchange"
    }
