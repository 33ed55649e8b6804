"""From the preliminary refusal to the notification, the department's side (R15.1–R15.11, L5,
L3.1), through the services and on the working calendar, on both databases."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import db, notify
from portal.db import utcnow
from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.forms import Frequency, NotificationChannel, NotificationForm, NotificationStatus
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.workflow import IllegalTransition, Role, Status
from portal.models import (
    Application,
    Decision,
    Notification,
    Objection,
    PreliminaryDecision,
    Signature,
    StaffUser,
)
from portal.models.notify import SmsMessage, SmsStatus
from portal.notify import mobile
from portal.services import decisions, notifications
from portal.services.decisions import DecisionDraft, Invalid
from tests.factories import (
    almaty,
    create_application,
    create_citizen,
    create_district,
    create_staff,
)

CAL = WorkingCalendar()
MONDAY = dt.date(2026, 11, 23)
FRIDAY_BEFORE_HOLIDAY = dt.date(2027, 3, 5)  # Monday 8 March 2027 is a public holiday
HEAD_IIN = "760212350620"


def _people(session: Session) -> tuple[StaffUser, StaffUser]:
    district = create_district(session)
    specialist = create_staff(session, district, Role.SPECIALIST, full_name="Маман Әлия",
                              iin="780101400123")
    head = create_staff(session, district, Role.HEAD, full_name="Нұрланова Сәуле",
                        position="Бөлім басшысы", iin=HEAD_IIN)
    session.commit()
    return specialist, head


def _case(session: Session, specialist: StaffUser, *, channel: Channel = Channel.PORTAL,
          status: Status = Status.COMMISSION_CONCLUDED, **fields: object) -> Application:
    application = create_application(session, district=specialist.district, channel=channel,
                                      status=status, term_started_on=MONDAY,
                                      registered_on=MONDAY, **fields)
    session.commit()
    return application


def _refuse(session: Session, application: Application, specialist: StaffUser,
            day: dt.date = MONDAY, hearing_day: dt.date | None = None) -> PreliminaryDecision:
    return decisions.issue_preliminary_refusal(
        session, application, specialist, ground=RefusalGround.NEGATIVE_CONCLUSION,
        reasons="F4: the commission found no need",
        hearing_at=almaty(hearing_day or CAL.add_working_days(day, 2), 11),
        mode=HearingMode.VIDEO_OR_COMMUNICATION, link="https://meet.example/h-1",
        now=almaty(day, 10), cal=CAL)


def _signature(session: Session, application: Application, iin: str = HEAD_IIN) -> Signature:
    signature = Signature(application_id=application.id, document_kind="decision",
                          signer_iin=iin, signer_role="head", certificate_serial="01",
                          document=b"{}", document_digest="0" * 64, envelope="x",
                          verification_code=secrets.token_urlsafe(12))
    session.add(signature)
    session.commit()
    return signature


def _decide(session: Session, application: Application, head: StaffUser, draft: DecisionDraft,
            day: dt.date) -> Decision:
    now = almaty(day, 12)
    number = decisions.next_decision_number(session, application, now)
    return decisions.decide(session, application, head, draft, number=number,
                            signature=_signature(session, application), now=now, cal=CAL)


REFUSE = DecisionDraft(granted=False, refusal_ground=RefusalGround.NEGATIVE_CONCLUSION,
                       reasons="No need found by the precinct commission")
GRANT = DecisionDraft(granted=True, amount_tiyn=4_500_000, frequency=Frequency.MONTHLY,
                      paid_from=dt.date(2026, 12, 1))


# -- R15.1, R15.2: the preliminary refusal and its notice ------------------------------------------

def test_r15_1_r15_2_portal_notice_reaches_the_cabinet_at_once(session: Session) -> None:
    specialist, _head = _people(session)
    application = _case(session, specialist)
    pre = _refuse(session, application, specialist)
    session.expire_all()
    assert application.status is Status.PRELIMINARY_REFUSAL
    assert pre.refusal_ground is RefusalGround.NEGATIVE_CONCLUSION and pre.refusal_ground.l9_item == 1
    assert pre.delivered_via is NotificationChannel.CABINET
    assert pre.delivered_at == almaty(MONDAY, 10)
    assert pre.objection_due_on == dt.date(2026, 11, 25)  # R15.3: 2 working days
    assert pre.earliest_decision_on == dt.date(2026, 11, 26)  # R15.1: 3 working days
    assert pre.hearing_link == "https://meet.example/h-1"


@pytest.mark.parametrize(("hearing", "link", "mode", "field", "code"), [
    (almaty(dt.date(2026, 11, 26), 11), None, HearingMode.OTHER_MEANS, "hearing_date",
     "hearing_outside_window"),  # after the objection window
    (almaty(MONDAY, 15), None, HearingMode.OTHER_MEANS, "hearing_date",
     "hearing_outside_window"),  # the same day: no notice
    (almaty(dt.date(2026, 11, 24), 20), None, HearingMode.OTHER_MEANS, "hearing_time",
     "hearing_outside_hours"),
    (almaty(dt.date(2026, 11, 24), 11), "http://meet.example/x",
     HearingMode.VIDEO_OR_COMMUNICATION, "hearing_link", "link_not_https"),
    (almaty(dt.date(2026, 11, 24), 11), "https://meet.example/x", HearingMode.OTHER_MEANS,
     "hearing_link", "link_only_for_video"),
])
def test_r15_2_a_hearing_outside_the_rules_is_refused_and_nothing_saved(
    session: Session, hearing: dt.datetime, link: str | None, mode: HearingMode, field: str,
    code: str,
) -> None:
    specialist, _head = _people(session)
    application = _case(session, specialist)
    with pytest.raises(Invalid) as refused:
        decisions.issue_preliminary_refusal(
            session, application, specialist, ground=RefusalGround.NEGATIVE_CONCLUSION,
            reasons="x", hearing_at=hearing, mode=mode, link=link, now=almaty(MONDAY, 10),
            cal=CAL)
    assert refused.value.errors[field] == code
    assert refused.value.dates == {"first": dt.date(2026, 11, 24), "last": dt.date(2026, 11, 25)}
    session.rollback()
    assert application.status is Status.COMMISSION_CONCLUDED
    assert session.scalar(select(PreliminaryDecision.id)) is None


def test_r15_2_friday_before_a_holiday_the_hearing_window_skips_the_holiday(
    session: Session,
) -> None:
    assert decisions.hearing_window(almaty(FRIDAY_BEFORE_HOLIDAY, 15), CAL) == (
        dt.date(2027, 3, 9), dt.date(2027, 3, 10))


def test_r15_1_only_a_specialist_issues_the_preliminary_refusal(session: Session) -> None:
    specialist, head = _people(session)
    application = _case(session, specialist)
    with pytest.raises(IllegalTransition) as refused:
        _refuse(session, application, head)
    assert refused.value.reason == "wrong_role"


def test_r15_1_a_paper_notice_counts_from_when_it_was_handed_over(session: Session) -> None:
    specialist, _head = _people(session)
    application = _case(session, specialist, channel=Channel.PROVIDER)
    pre = _refuse(session, application, specialist)
    assert pre.delivered_at is None and pre.earliest_decision_on is None
    with pytest.raises(Invalid):
        decisions.deliver_notice(session, application, specialist, via=NotificationChannel.PRINT,
                                 delivered_at=almaty(MONDAY, 9), now=almaty(MONDAY, 12), cal=CAL)
    decisions.deliver_notice(session, application, specialist, via=NotificationChannel.PRINT,
                             delivered_at=almaty(dt.date(2026, 11, 24), 11),
                             now=almaty(dt.date(2026, 11, 24), 12), cal=CAL)
    session.expire_all()
    assert pre.delivered_via is NotificationChannel.PRINT
    assert pre.objection_due_on == dt.date(2026, 11, 26)
    assert pre.earliest_decision_on == dt.date(2026, 11, 27)


# -- R15.3–R15.7 on the calendar ------------------------------------------------------------------

def test_r15_3_r15_1_friday_before_a_holiday_refusal_waits_and_says_until_when(
    session: Session,
) -> None:
    specialist, head = _people(session)
    application = _case(session, specialist)
    _refuse(session, application, specialist, day=FRIDAY_BEFORE_HOLIDAY,
            hearing_day=dt.date(2027, 3, 9))
    # R15.3: the objection window (Tue 9, Wed 10 March) is open: no decision before Thu 11.
    with pytest.raises(IllegalTransition) as refused:
        _decide(session, application, head, REFUSE, dt.date(2027, 3, 10))
    assert refused.value.rule == "R15.3"
    assert refused.value.possible_from == dt.date(2027, 3, 11)
    session.rollback()
    decisions.enter_objection(session, application, specialist, text="The income is wrong",
                              now=almaty(dt.date(2027, 3, 9), 10), cal=CAL)
    # An objection came, but R15.1's 3 working days have not passed.
    with pytest.raises(IllegalTransition) as early:
        _decide(session, application, head, REFUSE, dt.date(2027, 3, 10))
    assert early.value.rule == "R15.1" and early.value.possible_from == dt.date(2027, 3, 11)
    session.rollback()


def test_r15_3_a_paper_objection_entered_by_a_specialist(session: Session) -> None:
    specialist, _head = _people(session)
    application = _case(session, specialist)
    _refuse(session, application, specialist)
    with pytest.raises(Invalid):
        decisions.enter_objection(session, application, specialist, text="  ",
                                  now=almaty(MONDAY, 12), cal=CAL)
    objection = decisions.enter_objection(session, application, specialist, text="On paper",
                                          now=almaty(MONDAY, 12), cal=CAL)
    assert objection.oral is False and application.status is Status.OBJECTION_RECEIVED
    # R15.3: after the window (Wed 25 Nov) a paper objection is refused.
    with pytest.raises(IllegalTransition) as late:
        decisions.enter_objection(session, application, specialist, text="late",
                                  now=almaty(dt.date(2026, 11, 26), 9), cal=CAL)
    assert late.value.rule == "R15.3" and late.value.closed_on == dt.date(2026, 11, 25)


def test_r15_4_r15_5_an_oral_objection_is_written_into_the_protocol(session: Session) -> None:
    specialist, _head = _people(session)
    application = _case(session, specialist)
    _refuse(session, application, specialist)
    held = almaty(dt.date(2026, 11, 25), 11)
    protocol = decisions.hold_hearing(
        session, application, specialist, held_at=held, text="The applicant was heard.",
        oral_objection="My son's income stopped in October.", now=held + dt.timedelta(hours=1),
        cal=CAL)
    session.expire_all()
    assert application.status is Status.HEARING_HELD
    assert protocol.made_by_id == specialist.id and protocol.held_at == held
    assert "My son's income stopped in October." in protocol.text
    oral = session.scalars(select(Objection).where(Objection.oral.is_(True))).all()
    assert [o.text for o in oral] == ["My son's income stopped in October."]
    # R15.5: the protocol is the case's to read (the cabinet shows hearing_protocol).
    assert application.hearing_protocol is not None


def test_r15_6_remarks_window_runs_from_reading_the_protocol_on_paper(session: Session) -> None:
    specialist, head = _people(session)
    application = _case(session, specialist)
    _refuse(session, application, specialist)
    decisions.enter_objection(session, application, specialist, text="x",
                              now=almaty(dt.date(2026, 11, 24), 10), cal=CAL)
    decisions.hold_hearing(session, application, specialist,
                           held_at=almaty(dt.date(2026, 11, 25), 11), text="Heard.",
                           now=almaty(dt.date(2026, 11, 25), 12), cal=CAL)
    decisions.read_protocol(session, application, specialist,
                            now=almaty(dt.date(2026, 11, 26), 10), cal=CAL)
    assert application.hearing_protocol is not None
    assert application.hearing_protocol.remarks_due_on == dt.date(2026, 12, 1)
    with pytest.raises(IllegalTransition) as refused:
        _decide(session, application, head, REFUSE, dt.date(2026, 11, 30))
    assert refused.value.rule == "R15.6" and refused.value.possible_from == dt.date(2026, 12, 2)
    session.rollback()
    decisions.enter_remarks(session, application, specialist, text="The protocol omits X.",
                            now=almaty(dt.date(2026, 11, 30), 10), cal=CAL)
    decision = _decide(session, application, head, REFUSE, dt.date(2026, 11, 30))
    assert application.status is Status.REFUSED and decision.granted is False


def test_r15_7_refusal_signed_by_the_head_is_numbered_and_names_its_ground(
    session: Session,
) -> None:
    specialist, head = _people(session)
    application = _case(session, specialist)
    _refuse(session, application, specialist)
    decisions.hold_hearing(session, application, specialist,
                           held_at=almaty(dt.date(2026, 11, 25), 11), text="Heard.",
                           now=almaty(dt.date(2026, 11, 25), 12), cal=CAL)
    with pytest.raises(IllegalTransition) as not_head:
        decisions.decide(session, application, specialist, REFUSE, number="x",
                         signature=_signature(session, application, specialist.iin or ""),
                         now=almaty(dt.date(2026, 11, 26), 12), cal=CAL)
    assert not_head.value.reason == "wrong_role"
    session.rollback()
    decision = _decide(session, application, head, REFUSE, dt.date(2026, 11, 26))
    session.expire_all()
    assert application.status is Status.REFUSED
    assert decision.number == f"{application.district.code}/2026/00001"
    assert decision.refusal_ground == "negative_conclusion"
    assert decision.signature_id is not None and decision.head_id == head.id
    assert decision.decided_on == dt.date(2026, 11, 26)


def test_r15_7_grant_with_amount_frequency_and_period(session: Session) -> None:
    specialist, head = _people(session)
    application = _case(session, specialist)
    with pytest.raises(Invalid) as bad:
        decisions.may_decide(application, DecisionDraft(granted=True, amount_tiyn=0), head,
                             almaty(MONDAY, 12), CAL)
    assert set(bad.value.errors) == {"amount", "frequency", "paid_from"}
    decision = _decide(session, application, head, GRANT, MONDAY)
    assert (decision.amount_tiyn, decision.frequency, decision.paid_from) == (
        4_500_000, Frequency.MONTHLY, dt.date(2026, 12, 1))
    assert application.status is Status.GRANTED


def test_r15_7_resumed_review_lapses_the_refusal(session: Session) -> None:
    specialist, _head = _people(session)
    application = _case(session, specialist)
    pre = _refuse(session, application, specialist)
    with pytest.raises(Invalid):
        decisions.resume(session, application, specialist, reason="", now=almaty(MONDAY, 12),
                         cal=CAL)
    decisions.resume(session, application, specialist, reason="The objection proved need",
                     now=almaty(MONDAY, 12), cal=CAL)
    assert pre.lapsed_at is not None and application.status is Status.REGISTERED


# -- R15.8–R15.11, L5, L3.1: the notification ----------------------------------------------------

def test_r15_11_l3_1_portal_notification_reaches_the_cabinet_at_once(session: Session) -> None:
    specialist, head = _people(session)
    application = _case(session, specialist)
    _decide(session, application, head, GRANT, MONDAY)
    made = notifications.issue(session, application, sms=None, now=almaty(MONDAY, 13), cal=CAL)
    session.expire_all()
    assert [(n.channel, n.form, n.status) for n in made] == [
        (NotificationChannel.CABINET, NotificationForm.F6, NotificationStatus.SENT)]
    assert application.status is Status.NOTIFIED
    assert application.result_issued_at == almaty(MONDAY, 13)
    # L5: certified by the head, with the decision's signature.
    assert made[0].responsible_name == head.full_name
    assert made[0].signature_id == application.decision.signature_id  # type: ignore[union-attr]


def _refused_paper_case(session: Session, phone: str | None) -> tuple[Application, StaffUser]:
    specialist, head = _people(session)
    application = _case(session, specialist, channel=Channel.PROVIDER, phone=phone,
                        citizen=create_citizen(session))
    if phone:
        mobile.register(session, application.citizen.iin, phone)
        session.commit()
    _refuse(session, application, specialist)
    decisions.deliver_notice(session, application, specialist, via=NotificationChannel.PRINT,
                             delivered_at=almaty(MONDAY, 11), now=almaty(MONDAY, 11), cal=CAL)
    decisions.hold_hearing(session, application, specialist,
                           held_at=almaty(dt.date(2026, 11, 25), 11), text="Heard.",
                           now=almaty(dt.date(2026, 11, 25), 12), cal=CAL)
    _decide(session, application, head, REFUSE, dt.date(2026, 11, 26))
    return application, specialist


def test_r15_9_r15_8_sms_where_the_phone_is_in_the_mobile_database(session: Session) -> None:
    application, _specialist = _refused_paper_case(session, "+77011234567")
    made = notifications.issue(session, application, sms=notify.sms(),
                               now=almaty(dt.date(2026, 11, 26), 13), cal=CAL)
    session.expire_all()
    assert [(n.channel, n.form) for n in made] == [(NotificationChannel.SMS, NotificationForm.F7)]
    message = session.get(SmsMessage, made[0].sms_id)
    assert message is not None and message.status is SmsStatus.SENT
    assert application.number in message.text and application.citizen.iin not in message.text
    assert len(message.text) <= 160
    # Sent after the commit by the Celery task (eager here): the result is issued.
    assert made[0].status is NotificationStatus.SENT
    assert application.status is Status.NOTIFIED and application.result_issued_at is not None


def test_r15_10_sms_that_keeps_failing_falls_back_to_print_then_hand_over_L3_1(
    session: Session,
) -> None:
    application, specialist = _refused_paper_case(session, "+77990000002")
    made = notifications.issue(session, application, sms=notify.sms(),
                               now=almaty(dt.date(2026, 11, 26), 13), cal=CAL)
    session.expire_all()
    message = session.get(SmsMessage, made[0].sms_id)
    assert message is not None and message.status is SmsStatus.FAILED and message.attempts == 6
    assert made[0].status is NotificationStatus.FAILED
    assert application.status is Status.REFUSED and application.result_issued_at is None
    listed = notifications.print_list(session, application.district_id)
    assert [(n.application_id, n.channel, n.form) for n in listed] == [
        (application.id, NotificationChannel.PRINT, NotificationForm.F7)]
    # The SMS job settled it on the wall clock: the hand-over comes after that.
    handed = utcnow() + dt.timedelta(minutes=1)
    notifications.hand_over(session, listed[0], specialist, now=handed, cal=CAL)
    session.expire_all()
    assert application.status is Status.NOTIFIED
    assert application.result_issued_at == handed
    assert listed[0].status is NotificationStatus.HANDED and listed[0].handed_by_id == specialist.id
    assert notifications.print_list(session, application.district_id) == []
    with pytest.raises(notifications.AlreadyHanded):
        notifications.hand_over(session, listed[0], specialist,
                                now=handed + dt.timedelta(minutes=1), cal=CAL)


def test_r15_10_without_a_registered_phone_the_notification_is_printed(session: Session) -> None:
    application, _specialist = _refused_paper_case(session, None)
    made = notifications.issue(session, application, sms=notify.sms(),
                               now=almaty(dt.date(2026, 11, 26), 13), cal=CAL)
    assert [(n.channel, n.status) for n in made] == [
        (NotificationChannel.PRINT, NotificationStatus.PENDING)]
    assert application.status is Status.REFUSED
    # Issuing again makes nothing new.
    assert notifications.issue(session, application, sms=notify.sms(),
                               now=almaty(dt.date(2026, 11, 26), 14), cal=CAL) == made
    assert session.scalars(select(Notification)).all() == made


def test_l3_1_the_case_keeps_its_decided_day_and_outcome_for_the_dashboard(
    session: Session,
) -> None:
    """services/cases.py::refresh_decided in the very changes that decide and issue: the day of
    the decision F5 until the result is issued, then the result's day in Asia/Almaty (handed
    over 20 minutes after local midnight: still the day before in UTC)."""
    application, specialist = _refused_paper_case(session, None)
    session.expire_all()
    assert (application.decided_on, application.decision_granted) == (
        dt.date(2026, 11, 26), False)
    made = notifications.issue(session, application, sms=None,
                               now=almaty(dt.date(2026, 11, 26), 13), cal=CAL)
    session.expire_all()
    assert application.decided_on == dt.date(2026, 11, 26)  # not handed over yet
    handed = almaty(dt.date(2026, 11, 28), 0, 20)
    assert handed.astimezone(dt.UTC).date() == dt.date(2026, 11, 27)
    notifications.hand_over(session, made[0], specialist, now=handed, cal=CAL)
    session.expire_all()
    assert application.status is Status.NOTIFIED
    assert (application.decided_on, application.decision_granted) == (
        dt.date(2026, 11, 28), False)


def test_l3_1_a_portal_grant_is_decided_on_the_day_it_reaches_the_cabinet(
    session: Session,
) -> None:
    specialist, head = _people(session)
    application = _case(session, specialist)
    assert (application.decided_on, application.decision_granted) == (None, None)
    _decide(session, application, head, GRANT, MONDAY)
    notifications.issue(session, application, sms=None,
                        now=almaty(MONDAY + dt.timedelta(days=2), 9), cal=CAL)
    session.expire_all()
    assert (application.decided_on, application.decision_granted) == (
        MONDAY + dt.timedelta(days=2), True)


def test_r15_10_print_list_is_the_districts_own(session: Session) -> None:
    application, _specialist = _refused_paper_case(session, None)
    notifications.issue(session, application, sms=None, now=almaty(dt.date(2026, 11, 26), 13),
                        cal=CAL)
    other = create_district(session)
    session.commit()
    assert notifications.print_list(session, other.id) == []
    assert len(notifications.print_list(session, application.district_id)) == 1


def test_r15_1_r15_11_demo_cases_stand_in_every_status_from_refusal_to_notification(
    db_app: Flask,
) -> None:
    db_app.config["LOAD_DEMO_DATA"] = True
    result = db_app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "SA-2026-DEMO-0206: notified" in result.output
    with db_app.app_context():
        s = db.session()
        found = {a.number: a.status for a in s.scalars(
            select(Application).where(Application.number.like("SA-2026-DEMO-02%")))}
        assert found == {
            "SA-2026-DEMO-0201": Status.PRELIMINARY_REFUSAL,
            "SA-2026-DEMO-0202": Status.OBJECTION_RECEIVED,
            "SA-2026-DEMO-0203": Status.HEARING_HELD,
            "SA-2026-DEMO-0204": Status.GRANTED,
            "SA-2026-DEMO-0205": Status.REFUSED,
            "SA-2026-DEMO-0206": Status.NOTIFIED,
        }
        refused = s.scalar(select(Application).where(Application.number == "SA-2026-DEMO-0205"))
        assert refused is not None and refused.decision is not None
        assert refused.decision.signature_id is not None
        # R15.10: her number is not in the mobile database: the F7 waits on the print list.
        listed = notifications.print_list(s, refused.district_id)
        assert [n.application_id for n in listed] == [refused.id]
    again = db_app.test_cli_runner().invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "SA-2026-DEMO-0201" not in again.output


def test_l5_the_signed_f5_names_the_notification_it_is_told_by(session: Session) -> None:
    specialist, head = _people(session)
    application = _case(session, specialist)
    document = decisions.decision_document(session, application, REFUSE, head, number="N/1",
                                           now=almaty(MONDAY, 12))
    assert document["notification"] == {"form": "F7", "responsible_name": head.full_name,
                                        "responsible_position": head.position}
    assert document["granted"] is False and document["refusal_ground"] == "negative_conclusion"
    assert document["reasons"] == REFUSE.reasons and document["number"] == "N/1"
