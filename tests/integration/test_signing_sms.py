"""R6.4: signing with a one-time SMS code through the portal's services, on both databases."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import db
from portal.models import Event, Signature
from portal.models.notify import SmsMessage
from portal.notify import mobile
from portal.services import signing as svc
from portal.services import signing_sms
from portal.services.events import Actor
from signing import Policy, Role, canonical_json
from signing.jws import parse_envelope
from signing.sms import CodeExhausted, CodeNotSent, NoRegisteredPhone, WrongCode

IIN = "850321301238"
PHONE = "+77011234567"
CITIZEN = Actor("citizen", 1, "citizen")
APPLICATION = canonical_json({"form": "F1-1", "number": "SA-2026-000101", "ground": "low_income"})


@pytest.fixture
def portal(db_app: Flask) -> Iterator[Session]:
    with db_app.test_request_context():
        session = db.session()
        mobile.register(session, IIN, PHONE)
        session.commit()
        yield session


def _start(session: Session, iin: str = IIN) -> object:
    return signing_sms.start_sms_signing(session, CITIZEN, document=APPLICATION, signer_iin=iin,
                                         purpose="application.submit", title="F1-1")


def _code_sent(session: Session) -> str:
    message = session.scalars(select(SmsMessage).order_by(SmsMessage.id.desc())).first()
    assert message is not None and message.phone == PHONE
    match = re.search(r"(?<!\d)\d{6}(?!\d)", message.text)
    assert match is not None
    return match.group(0)


def _complete(session: Session, challenge_id: str, code: str) -> Signature:
    return svc.complete_signing(session, CITIZEN, signer_name="sms", challenge_id=challenge_id,
                                answer=code, document=APPLICATION, expected_iin=IIN,
                                purpose="application.submit", document_kind="application")


def test_r6_4_the_code_goes_to_the_registered_number_and_the_signature_records_it(
    portal: Session,
) -> None:
    challenge = _start(portal)
    signature = _complete(portal, challenge.id, _code_sent(portal))  # type: ignore[attr-defined]
    assert signature.signer_iin == IIN and signature.policy == Policy.SMS_CONFIRMATION.value
    claims = parse_envelope(signature.envelope).claims
    assert claims is not None and claims["phone"] == PHONE and claims["method"] == "sms"
    assert claims["confirmed_at"].startswith(signature.signed_at.strftime("%Y-%m-%dT%H:%M"))
    stored = svc.verify_stored(portal, signature.verification_code)
    assert stored is not None and stored[1].ok, stored[1].failures if stored else None


def test_r6_4_no_code_without_a_number_registered_to_the_iin(portal: Session) -> None:
    with pytest.raises(NoRegisteredPhone):
        _start(portal, iin="921231445671")
    assert portal.scalars(select(SmsMessage)).all() == []


def test_r6_4_a_number_the_gateway_refuses_ends_the_start_with_a_clear_error(
    portal: Session,
) -> None:
    mobile.register(portal, IIN, "+77990000003")  # the outbox refuses it for good
    portal.commit()
    with pytest.raises(CodeNotSent):
        _start(portal)
    actions = portal.scalars(select(Event.action)).all()
    assert "signing_code_not_sent" in actions


def test_r6_4_three_wrong_codes_end_the_exchange_and_are_security_events(
    portal: Session,
) -> None:
    challenge = _start(portal)
    right = _code_sent(portal)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(2):
        with pytest.raises(WrongCode):
            _complete(portal, challenge.id, wrong)  # type: ignore[attr-defined]
    with pytest.raises(CodeExhausted):
        _complete(portal, challenge.id, wrong)  # type: ignore[attr-defined]
    actions = portal.scalars(select(Event.action)).all()
    assert actions.count("signing_code_wrong") == 2 and "signing_code_exhausted" in actions
    assert portal.scalars(select(Signature)).all() == []


def test_r6_4_an_sms_code_cannot_sign_in_or_sign_for_staff(portal: Session) -> None:
    assert svc.policy_for("sign_in", Role.CITIZEN, "sms") is Policy.INDIVIDUAL
    assert svc.policy_for("decision.sign", Role.STAFF, "sms") is Policy.EMPLOYEE
    with pytest.raises(signing_sms.SmsNotAllowed):
        signing_sms.start_sms_signing(portal, CITIZEN, document=APPLICATION, signer_iin=IIN,
                                      purpose="sign_in")


def test_r6_4_neither_the_iin_nor_the_number_reaches_the_logs(
    portal: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    challenge = _start(portal)
    with pytest.raises(WrongCode):
        _complete(portal, challenge.id, "000000" if _code_sent(portal) != "000000" else "111111")  # type: ignore[attr-defined]
    logged = caplog.text
    assert IIN not in logged and PHONE not in logged and PHONE[2:] not in logged
