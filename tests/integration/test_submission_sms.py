"""One SMS for one step of a portal application (R7.1, R15.9's mobile citizens database): an
application registered the moment it is submitted gets the registration's SMS alone; one made
after hours gets the submission's SMS, naming its registration day, and the registration's on
that day; submitting the same draft again sends nothing. Through the outbox backend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import db
from portal.domain.calendar import WorkingCalendar
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Status
from portal.models import Application, Signature, SmsMessage, SmsPurpose, SmsStatus
from portal.notify import mobile, sms
from portal.services import drafts, submission
from tests.factories import almaty, create_citizen, create_district

CAL = WorkingCalendar()
FRIDAY = dt.date(2026, 11, 27)
MONDAY = dt.date(2026, 11, 30)
IIN = "850321301238"
PHONE = "+77011234567"


def _submitted(session: Session, now: dt.datetime, *, locale: str = "kk",
               in_mobile_db: bool = True) -> tuple[Application, Callable[[], None]]:
    """A draft signed and submitted at ``now``, and a second submission of it (which sends
    nothing: AlreadySubmitted)."""
    district = create_district(session)
    citizen = create_citizen(session, iin=IIN, phone=PHONE, locale=locale)
    if in_mobile_db:
        mobile.register(session, IIN, PHONE)
    draft = drafts.start_draft(session, citizen, district, now=now)
    offer = next(g for g in district.grounds if g.category is GroundCategory.LOW_INCOME)
    drafts.choose_ground(session, draft, citizen, offer, None)
    draft.phone = PHONE
    signature = Signature(application_id=draft.id, document_kind="application",
                          signer_iin=IIN, signer_role="citizen", certificate_serial="1",
                          document=b"{}", document_digest="0" * 64, envelope="x.y.z",
                          verification_code=f"code-{draft.id}")
    session.add(signature)
    session.commit()
    submission.submit(session, draft, citizen, signature, now=now, cal=CAL, sms=sms())

    def again() -> None:
        with pytest.raises(submission.AlreadySubmitted):
            submission.submit(session, draft, citizen, signature, now=now, cal=CAL, sms=sms())

    return draft, again


def _messages(session: Session) -> list[SmsMessage]:
    return list(session.scalars(select(SmsMessage).order_by(SmsMessage.id)))


def test_r7_1_submitted_and_registered_at_once_the_person_gets_one_sms(db_app: Flask) -> None:
    with db_app.app_context():
        session = db.session()
        draft, again = _submitted(session, almaty(FRIDAY, 11), locale="ru")
        assert draft.status is Status.REGISTERED
        [one] = _messages(session)
        assert one.purpose is SmsPurpose.REGISTERED and one.status is SmsStatus.SENT
        assert draft.number in one.text and "зарегистрировано" in one.text  # Russian
        again()  # a second tap, another tab, a retried request: nothing more is sent
        assert len(_messages(session)) == 1


def test_r7_1_after_hours_the_submission_sms_names_the_registration_day_and_a_second_follows(
        db_app: Flask) -> None:
    with db_app.app_context():
        session = db.session()
        draft, again = _submitted(session, almaty(FRIDAY, 21, 30))
        [submitted] = _messages(session)
        assert submitted.purpose is SmsPurpose.SUBMISSION
        assert draft.number in submitted.text and "30.11.2026" in submitted.text  # Monday
        assert draft.result_due_on is not None
        assert draft.result_due_on.strftime("%d.%m.%Y") in submitted.text
        assert "тіркеледі" in submitted.text and IIN not in submitted.text  # Kazakh, no IIN
        again()
        assert len(_messages(session)) == 1
        assert submission.register_due(session, now=almaty(MONDAY, 9), cal=CAL) == 1
        assert [m.purpose for m in _messages(session)] == [SmsPurpose.SUBMISSION,
                                                           SmsPurpose.REGISTERED]
        assert submission.register_due(session, now=almaty(MONDAY, 10), cal=CAL) == 0
        assert len(_messages(session)) == 2


def test_r15_9_no_submission_sms_where_the_phone_is_not_in_the_mobile_citizens_database(
        db_app: Flask) -> None:
    with db_app.app_context():
        session = db.session()
        draft, _again = _submitted(session, almaty(FRIDAY, 21, 30), in_mobile_db=False)
        assert draft.status is Status.SUBMITTED and _messages(session) == []
