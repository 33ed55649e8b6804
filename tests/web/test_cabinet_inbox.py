"""The cabinet's messages and their SMS, on SQLite and PostgreSQL (R15.9, R15.11, issue #10):
each step the person must know of is a message in the cabinet at once and an SMS where the
phone is in the mobile citizens database; the bell counts the unread; opening one reads it."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import func, select

from portal import db
from portal.db import utcnow
from portal.domain.calendar import WorkingCalendar
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.workflow import Action, Actor, Role, Status
from portal.models import (
    Application,
    Citizen,
    HearingProtocol,
    InboxKind,
    InboxMessage,
    SmsMessage,
    SmsPurpose,
    SmsStatus,
)
from portal.models.review import PreliminaryDecision
from portal.notify import mobile
from portal.services import cases, events, submission
from tests.factories import almaty, create_application, create_citizen
from tests.pages import ClientRequest, check_page

CAL = WorkingCalendar()
SPECIALIST = Actor(Role.SPECIALIST)
STAFF = events.Actor("staff", 1, "specialist")
IIN = "850321301238"


def _case(app: Flask, *, phone: str | None = "+77011234567", in_mobile_db: bool = True,
          locale: str = "kk", status: Status = Status.SUBMITTED) -> tuple[int, str]:
    with app.app_context():
        session = db.session()
        citizen = create_citizen(session, iin=IIN, confirmed_at=utcnow(), phone=phone,
                                 locale=locale)
        application = create_application(session, citizen=citizen, status=status, phone=phone,
                                         applicant_iin=IIN, result_due_on=dt.date(2027, 3, 19))
        if in_mobile_db and phone:
            mobile.register(session, IIN, phone)
        session.commit()
        return citizen.id, application.number


def _load(number: str) -> Application:
    found = db.session().scalar(select(Application).where(Application.number == number))
    assert found is not None
    return found


def _refuse(number: str) -> None:
    session = db.session()
    application = _load(number)
    cases.change(session, application, Action.ISSUE_PRELIMINARY_REFUSAL, SPECIALIST, STAFF,
                 now=utcnow(), cal=CAL, effect=lambda: application.preliminary_decisions.append(
                     PreliminaryDecision(
                         refusal_ground=RefusalGround.NEGATIVE_CONCLUSION, reasons="F4",
                         hearing_at=almaty(dt.date(2027, 3, 12), 11),
                         hearing_mode=HearingMode.VIDEO_OR_COMMUNICATION,
                         hearing_link="https://meet.example/h")))


def _hold_hearing(number: str) -> None:
    session = db.session()
    application = _load(number)
    pre = application.preliminary_decision
    assert pre is not None
    cases.change(session, application, Action.HOLD_HEARING, SPECIALIST, STAFF, now=utcnow(),
                 cal=CAL, effect=lambda: session.add(HearingProtocol(
                     application_id=application.id, preliminary_decision_id=pre.id,
                     held_at=utcnow(), text="Protocol.")))


def _sms(purpose: SmsPurpose) -> list[SmsMessage]:
    return list(db.session().scalars(select(SmsMessage).where(SmsMessage.purpose == purpose)))


def test_r15_11_r15_9_registration_is_a_cabinet_message_and_an_sms_in_the_persons_language(
        app: Flask) -> None:
    citizen_id, number = _case(app, locale="ru")
    with app.app_context():
        session = db.session()
        submission.register(session, _load(number), now=almaty(dt.date(2027, 3, 9), 10),
                            cal=CAL)
        message = session.scalar(select(InboxMessage))
        assert message is not None and message.kind is InboxKind.REGISTERED
        assert message.citizen_id == citizen_id and message.read_at is None
        assert message.data == {"result_due_on": "2027-03-19"}
        sent = _sms(SmsPurpose.REGISTERED)
        assert len(sent) == 1 and message.sms_id == sent[0].id
        text = sent[0].text
        assert number in text and "19.03.2027" in text and "зарегистрировано" in text  # Russian
        assert IIN not in text and "Қасымов" not in text and len(text) <= 160
        assert sent[0].status is SmsStatus.SENT  # sent by the job after the commit


def test_r15_9_no_sms_where_the_phone_is_not_in_the_mobile_citizens_database(
        app: Flask) -> None:
    _case(app, in_mobile_db=False)
    with app.app_context():
        session = db.session()
        application = session.scalar(select(Application))
        assert application is not None
        submission.register(session, application, now=utcnow(), cal=CAL)
        assert session.scalar(select(func.count()).select_from(InboxMessage)) == 1
        assert session.scalar(select(func.count()).select_from(SmsMessage)) == 0
        assert session.scalar(select(InboxMessage.sms_id)) is None


def test_r15_9_a_failed_sms_is_marked_and_the_cabinet_message_stays(
        client_request: ClientRequest, app: Flask) -> None:
    # +7 799 000 00 03: the simulated operator refuses the number at once (docs/notify.md)
    citizen_id, number = _case(app, phone="+77990000003", status=Status.REGISTERED)
    with app.app_context():
        _refuse(number)
        sms = _sms(SmsPurpose.PRELIMINARY_NOTICE)
        assert len(sms) == 1 and sms[0].status is SmsStatus.FAILED
        message = db.session().scalar(select(InboxMessage))
        assert message is not None and message.kind is InboxKind.PRELIMINARY_REFUSAL
        assert message.sms_id == sms[0].id
        citizen = db.session().get(Citizen, citizen_id)
        assert citizen is not None
        db.session().expunge(citizen)
    client_request.login(citizen)
    page = check_page(client_request.client.get("/cabinet/messages"))
    assert page.select_one(".sms-failed") is not None
    assert page.select_one(".inbox-message.unread") is not None


def test_r15_11_each_step_the_person_must_know_of_and_only_those(app: Flask) -> None:
    """Registration, the preliminary refusal with the hearing, the protocol, the decision's
    notification (cabinet only: the F6/F7 SMS is the back office's); other steps say nothing."""
    _case(app, status=Status.REGISTERED)
    with app.app_context():
        session = db.session()
        number = session.scalar(select(Application.number))
        assert number is not None
        _refuse(number)
        cases.deliver_preliminary_notice(session, _load(number), SPECIALIST, STAFF,
                                         delivered_at=utcnow(), via=cases.NotificationChannel.CABINET,
                                         now=utcnow(), cal=CAL)
        _hold_hearing(number)
        application = _load(number)
        application.status = Status.REFUSED  # decided by the head (the back office's pages)
        session.commit()
        cases.change(session, application, Action.NOTIFY, SPECIALIST, STAFF, now=utcnow(),
                     cal=CAL)
        kinds = list(session.scalars(select(InboxMessage.kind).order_by(InboxMessage.id)))
        assert kinds == [InboxKind.PRELIMINARY_REFUSAL, InboxKind.PROTOCOL_READY,
                         InboxKind.DECISION]
        purposes = list(session.scalars(select(SmsMessage.purpose).order_by(SmsMessage.id)))
        assert purposes == [SmsPurpose.PRELIMINARY_NOTICE, SmsPurpose.PROTOCOL_READY]
        hearing = _sms(SmsPurpose.PRELIMINARY_NOTICE)[0].text
        assert "12.03.2027 11:00" in hearing and number in hearing  # Kazakh by default


def test_r15_11_a_step_refused_by_the_law_leaves_no_message(app: Flask) -> None:
    _case(app, status=Status.SUBMITTED)
    with app.app_context():
        import pytest

        from portal.domain.workflow import IllegalTransition

        session = db.session()
        number = session.scalar(select(Application.number))
        assert number is not None
        with pytest.raises(IllegalTransition):
            _hold_hearing_without_refusal(number)
        session.rollback()
        assert session.scalar(select(func.count()).select_from(InboxMessage)) == 0
        assert session.scalar(select(func.count()).select_from(SmsMessage)) == 0


def _hold_hearing_without_refusal(number: str) -> None:
    session = db.session()
    cases.change(session, _load(number), Action.HOLD_HEARING, SPECIALIST, STAFF, now=utcnow(),
                 cal=CAL)


def _bell(page: BeautifulSoup) -> str:
    bell = page.select_one("a.inbox-bell")
    assert bell is not None
    return str(bell["aria-label"])


def test_r15_11_the_bell_counts_unread_on_every_cabinet_page_and_opening_reads_it(
        client_request: ClientRequest, app: Flask) -> None:
    citizen_id, number = _case(app, status=Status.REGISTERED)
    with app.app_context():
        _refuse(number)
        cases.deliver_preliminary_notice(db.session(), _load(number), SPECIALIST, STAFF,
                                         delivered_at=utcnow(),
                                         via=cases.NotificationChannel.CABINET, now=utcnow(),
                                         cal=CAL)
        _hold_hearing(number)
        citizen = db.session().get(Citizen, citizen_id)
        assert citizen is not None
        db.session().expunge(citizen)
    client_request.login(citizen)
    client_request.set_language("en")
    client = client_request.client
    for url in ("/cabinet/", f"/cabinet/applications/{number}", "/cabinet/messages"):
        page = check_page(client.get(url))
        assert _bell(page) == "Notifications, 2 unread", url
        assert page.select_one("a.inbox-bell .bell-count").get_text() == "2"  # type: ignore[union-attr]
    listing = check_page(client.get("/cabinet/messages"))
    items = listing.select(".inbox-message")
    # newest first: the protocol, then the preliminary refusal; each links to the case
    assert "protocol" in items[0].get_text() and "refuse" in items[1].get_text()
    assert items[0].select_one(f"a[href='/cabinet/applications/{number}#protocol']") is not None
    first = items[0].select_one("a[href^='/cabinet/messages/']")
    assert first is not None
    opened = check_page(client.get(str(first["href"])))
    assert number in opened.get_text() and "3 working days" in opened.get_text()
    assert _bell(opened) == "Notifications, 1 unread"
    listing = check_page(client.get("/cabinet/messages"))
    assert len(listing.select(".inbox-message.unread")) == 1
    token = str(listing.select_one("input[name=csrf_token]")["value"])  # type: ignore[index]
    done = client.post("/cabinet/messages/read", data={"csrf_token": token})
    assert done.status_code == 303
    page = check_page(client.get("/cabinet/"))
    assert _bell(page) == "Notifications, none unread"
    assert page.select_one("a.inbox-bell .bell-count") is None


def test_r15_11_the_messages_read_in_each_language(client_request: ClientRequest,
                                                   app: Flask) -> None:
    citizen_id, number = _case(app)
    with app.app_context():
        submission.register(db.session(), _load(number), now=utcnow(), cal=CAL)
        message_id = db.session().scalar(select(InboxMessage.id))
        citizen = db.session().get(Citizen, citizen_id)
        assert citizen is not None
        db.session().expunge(citizen)
    client_request.login(citizen)
    seen = set()
    for code in ("kk", "ru", "en"):
        client_request.set_language(code)
        page = check_page(client_request.client.get(f"/cabinet/messages/{message_id}"))
        body = page.select_one(".inbox-body")
        assert body is not None and "19.03.2027" in body.get_text()
        seen.add(body.get_text())
    assert len(seen) == 3


def test_no_bell_for_staff_or_anonymous(client_request: ClientRequest, app: Flask) -> None:
    page = check_page(client_request.client.get("/"))
    assert page.select_one("a.inbox-bell") is None
    client_request.login_as(Role.SPECIALIST)
    staff_page = check_page(client_request.client.get("/staff/"))
    assert staff_page.select_one("a.inbox-bell") is None
    assert client_request.client.get("/cabinet/messages").status_code in {403, 404}
