"""The law held by the services and the database on both databases (issue: the law, exact)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Enum, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.db import Base
from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.forms import (
    DocumentAcceptor,
    Frequency,
    NotificationChannel,
    NotificationForm,
)
from portal.domain.hearing import HearingMode, RefusalGround
from portal.domain.inspection import (
    CategoryPresent,
    HousingType,
    IncomeRow,
    InspectionFindings,
    SupportRow,
)
from portal.domain.workflow import Action, Actor, IllegalTransition, Role, Status
from portal.models import (
    Decision,
    Event,
    HearingProtocol,
    HolidayAward,
    InspectionAct,
    Notification,
    PrecinctConclusion,
    PreliminaryDecision,
    Receipt,
    ReceiptKind,
)
from portal.services import cases, events
from tests.factories import almaty, create_application, create_citizen, create_desk, create_district

CAL = WorkingCalendar()
HEAD = Actor(Role.HEAD)
SPECIALIST = Actor(Role.SPECIALIST)
CITIZEN = Actor(Role.CITIZEN)
WHO = events.Actor("staff", 1, "specialist")
# Thursday 2 April 2026; Monday 6 April … a plain working week.
THU = dt.date(2026, 4, 2)


def refusal_pending(session: Session, status: Status = Status.PRELIMINARY_REFUSAL):
    application = create_application(session, status=status)
    application.preliminary_decisions.append(PreliminaryDecision(
        refusal_ground=RefusalGround.NEGATIVE_CONCLUSION, reasons="F4: no need",
        issued_at=almaty(THU, 9), hearing_at=almaty(dt.date(2026, 4, 7), 11),
        hearing_mode=HearingMode.VIDEO_OR_COMMUNICATION, hearing_link="https://meet.example/1",
    ))
    session.commit()
    return application


def test_the_objection_window_counts_from_delivery_not_from_the_row_R15_3(session: Session) -> None:
    application = refusal_pending(session)
    cases.deliver_preliminary_notice(
        session, application, SPECIALIST, WHO, delivered_at=almaty(dt.date(2026, 4, 6), 15),
        via=NotificationChannel.SMS, now=almaty(dt.date(2026, 4, 6), 15), cal=CAL)
    pre = application.preliminary_decision
    assert pre is not None
    # Delivered Monday 6 April (issued the Thursday before): Tue and Wed are the two days.
    assert pre.objection_due_on == dt.date(2026, 4, 8)
    assert pre.earliest_decision_on == dt.date(2026, 4, 9)
    assert session.scalar(select(Event.action).order_by(Event.seq.desc()).limit(1)) == (
        "deliver_preliminary_notice")


def test_objections_are_taken_after_an_early_hearing_while_the_window_is_open_R15_3(
    session: Session,
) -> None:
    application = refusal_pending(session, status=Status.HEARING_HELD)
    cases.deliver_preliminary_notice(
        session, application, SPECIALIST, WHO, delivered_at=almaty(THU), via=NotificationChannel.CABINET,
        now=almaty(THU), cal=CAL)
    for day in (THU, dt.date(2026, 4, 6)):
        cases.submit_objection(session, application, CITIZEN, WHO, text="I object", oral=False,
                               now=almaty(day), cal=CAL)
    assert len(application.objections) == 2
    assert application.status is Status.HEARING_HELD


def test_an_objection_after_the_window_is_refused_with_the_day_it_closed_R15_3(
    session: Session,
) -> None:
    application = refusal_pending(session)
    cases.deliver_preliminary_notice(
        session, application, SPECIALIST, WHO, delivered_at=almaty(THU), via=NotificationChannel.PRINT,
        now=almaty(THU), cal=CAL)
    with pytest.raises(IllegalTransition) as refused:
        cases.submit_objection(session, application, CITIZEN, WHO, text="late", oral=True,
                               now=almaty(dt.date(2026, 4, 7)), cal=CAL)
    assert refused.value.rule == "R15.3"
    assert refused.value.closed_on == dt.date(2026, 4, 6)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Event).where(
        Event.action == "submit_objection")) == 0


def test_a_refusal_decided_too_early_changes_nothing_and_names_the_date_R15_1(
    session: Session,
) -> None:
    application = refusal_pending(session, status=Status.OBJECTION_RECEIVED)
    cases.deliver_preliminary_notice(
        session, application, SPECIALIST, WHO, delivered_at=almaty(THU), via=NotificationChannel.SMS,
        now=almaty(THU), cal=CAL)
    cases.submit_objection(session, application, CITIZEN, WHO, text="no", oral=False,
                           now=almaty(THU), cal=CAL)
    pre = application.preliminary_decision
    assert pre is not None
    pre.hearing_protocol = HearingProtocol(application_id=application.id,
                                           held_at=almaty(THU, 16), text="heard")
    application.status = Status.HEARING_HELD
    session.commit()
    seq_before = session.scalar(select(func.max(Event.seq)))
    with pytest.raises(IllegalTransition) as refused:
        cases.change(session, application, Action.DECIDE_REFUSE, HEAD, WHO,
                     now=almaty(dt.date(2026, 4, 6)), cal=CAL)
    assert refused.value.rule == "R15.1"
    # Delivered Thursday 2 April: Friday, Monday, and Tuesday 7 April is the third working day.
    assert refused.value.possible_from == dt.date(2026, 4, 7)
    session.rollback()
    assert application.status is Status.HEARING_HELD
    assert session.scalar(select(func.max(Event.seq))) == seq_before
    assert cases.change(session, application, Action.DECIDE_REFUSE, HEAD, WHO,
                        now=almaty(dt.date(2026, 4, 7)), cal=CAL) is Status.REFUSED


def test_the_database_refuses_an_f6_for_a_refusal_and_an_f7_for_a_grant_F6_F7(
    session: Session,
) -> None:
    application = create_application(session, status=Status.REFUSED)
    decision = Decision(application_id=application.id, number="D-1",
                        decided_on=dt.date(2026, 4, 9), granted=False, refusal_ground="L9(1)")
    session.add(decision)
    session.flush()

    def notification(form: NotificationForm, granted: bool) -> Notification:
        return Notification(application_id=application.id, decision_id=decision.id,
                            decision_granted=granted, form=form, assistance_type="бір жолғы",
                            channel=NotificationChannel.CABINET, responsible_name="Нұрланова С.",
                            responsible_position="Бөлім басшысы")

    session.add(notification(NotificationForm.F7, False))
    session.flush()
    for form, granted in ((NotificationForm.F6, False), (NotificationForm.F6, True)):
        nested = session.begin_nested()
        session.add(notification(form, granted))
        with pytest.raises(IntegrityError):
            session.flush()
        nested.rollback()


def test_a_grant_without_amount_and_frequency_is_refused_by_the_database_F5(
    session: Session,
) -> None:
    application = create_application(session, status=Status.GRANTED)
    session.add(Decision(application_id=application.id, number="D-2",
                         decided_on=dt.date(2026, 4, 9), granted=True))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    application = create_application(session, status=Status.GRANTED)
    session.add(Decision(application_id=application.id, number="D-3",
                         decided_on=dt.date(2026, 4, 9), granted=True, amount_tiyn=2_162_500,
                         frequency=Frequency.ONE_OFF))
    session.flush()


def test_a_refusal_to_accept_names_its_limb_and_the_application_date_F2_1(
    session: Session,
) -> None:
    application = create_application(session, status=Status.REFUSED_ACCEPTANCE)
    session.add(Receipt(application_id=application.id, kind=ReceiptKind.REFUSAL_TO_ACCEPT,
                        number="R-1", issued_by_name="Сейткали А."))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    application = create_application(session, status=Status.REFUSED_ACCEPTANCE)
    session.add(Receipt(application_id=application.id, kind=ReceiptKind.REFUSAL_TO_ACCEPT,
                        number="R-2", issued_by_name="Сейткали А.", expired=True,
                        application_date=THU, missing_documents=["ground_proof"]))
    session.flush()


FINDINGS = InspectionFindings(
    able_bodied=2, registered_unemployed=1, children=3, fee_paying_students=1,
    yearly_fee_tiyn=45_000_000, categories=frozenset({CategoryPresent.PENSIONER}),
    housing=HousingType.RENTED, housing_costs_tiyn=3_500_000,
    incomes=(IncomeRow("Қасымов Б.", "жалақы", 30_000_000, "ауладағы учаске 0,05 га"),),
    car="ВАЗ 2107, 1998", prior_assistance=(SupportRow("бір жолғы", 1_000_000, "әкімдік"),),
    school_supplies="жартылай", sanitary_state="қанағаттанарлық",
)


def test_the_inspection_act_stores_every_item_typed_and_reads_them_back_F3(
    session: Session,
) -> None:
    application = create_application(session, status=Status.AT_PRECINCT)
    act = InspectionAct(application_id=application.id, inspected_on=THU, chair="Жақсылықов Н.")
    act.fill(FINDINGS)
    session.add(act)
    session.commit()
    session.expire_all()
    loaded = session.get(InspectionAct, act.id)
    assert loaded is not None
    assert loaded.findings() == FINDINGS
    assert loaded.findings().incomes[0].monthly_average_tiyn == 10_000_000


def test_an_inconsistent_inspection_act_is_refused_before_and_by_the_database_F3(
    session: Session,
) -> None:
    application = create_application(session, status=Status.AT_PRECINCT)
    act = InspectionAct(application_id=application.id, inspected_on=THU, chair="Ж. Н.")
    with pytest.raises(ValueError, match="more_students_than_children"):
        act.fill(InspectionFindings(able_bodied=1, registered_unemployed=0, children=0,
                                    fee_paying_students=1, yearly_fee_tiyn=1,
                                    housing=HousingType.PRIVATE_HOUSE, sanitary_state="ok"))
    act.children, act.fee_paying_students = 0, 2
    session.add(act)
    with pytest.raises(IntegrityError):
        session.flush()


def test_a_precinct_conclusion_records_who_accepted_it_and_how_many_copies_F4(
    session: Session,
) -> None:
    application = create_application(session, status=Status.PRECINCT_CONCLUDED)
    conclusion = PrecinctConclusion(
        application_id=application.id, number="4", concluded_on=THU, applicant_name="Қасымов Б.",
        needs_assistance=True, chair="Жақсылықов Н.", accepted_on=THU)
    session.add(conclusion)
    with pytest.raises(IntegrityError):
        session.flush()  # accepted without name, position, kind and copies
    session.rollback()
    application = create_application(session, status=Status.PRECINCT_CONCLUDED)
    session.add(PrecinctConclusion(
        application_id=application.id, number="5", concluded_on=THU, applicant_name="Қ. Б.",
        needs_assistance=True, chair="Ж. Н.", accepted_on=THU, copies=2,
        accepted_by_name="Омаров Е.", accepted_by_position="әкім орынбасары",
        accepted_by_kind=DocumentAcceptor.RURAL_AKIM))
    session.flush()


def test_holiday_assistance_is_decided_and_notified_without_an_application_L10_2(
    session: Session,
) -> None:
    district = create_district(session)
    citizen = create_citizen(session)
    session.add(HolidayAward(
        district_id=district.id, citizen_id=citizen.id, occasion="Жеңіс күні",
        occasion_on=dt.date(2026, 5, 9), assistance_type="біржолғы", decision_number="H-1",
        decided_on=dt.date(2026, 5, 4), amount_tiyn=5_000_000,
        notification_channel=NotificationChannel.SMS))
    session.commit()
    assert session.scalar(select(func.count()).select_from(HolidayAward)) == 1


def test_only_a_state_corporation_desk_can_be_a_duty_branch_L7(session: Session) -> None:
    district = create_district(session)
    create_desk(session, district, channel=Channel.STATE_CORP, duty_branch=True)
    with pytest.raises(IntegrityError):
        create_desk(session, district, duty_branch=True)


def _enum_columns() -> list[tuple[str, str, list[str]]]:
    import portal.models  # noqa: F401

    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Enum):
                found.append((table.name, column.name, list(column.type.enums)))
    return found


def test_every_enumerated_column_has_a_check_constraint_in_the_database(session: Session) -> None:
    inspector = inspect(session.get_bind())
    columns = _enum_columns()
    assert len(columns) >= 30
    for table, column, values in columns:
        checks = [c["sqltext"] for c in inspector.get_check_constraints(table)]
        assert any(column in sql and all(f"'{v}'" in sql for v in values) for sql in checks), (
            f"{table}.{column} has no CHECK listing {values}")


def test_the_database_refuses_an_unknown_status(session: Session) -> None:
    application = create_application(session)
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(text("UPDATE applications SET status = 'approved' WHERE id = :i"),
                        {"i": application.id})


def test_a_resumed_review_lapses_the_refusal_and_a_later_one_needs_its_own_hearing_R15_1(
    session: Session,
) -> None:
    application = refusal_pending(session, status=Status.HEARING_HELD)
    first = application.preliminary_decision
    assert first is not None
    cases.deliver_preliminary_notice(
        session, application, SPECIALIST, WHO, delivered_at=almaty(THU),
        via=NotificationChannel.CABINET, now=almaty(THU), cal=CAL)
    first.hearing_protocol = HearingProtocol(application_id=application.id,
                                             held_at=almaty(THU, 16), text="consent given")
    session.commit()
    assert cases.resume_review(session, application, SPECIALIST, WHO, reason="consent given",
                               now=almaty(dt.date(2026, 4, 6)), cal=CAL) is Status.REGISTERED
    assert application.preliminary_decision is None and first.lapsed_at is not None
    # A new ground found later: a second preliminary refusal, delivered, with no hearing yet.
    second = PreliminaryDecision(
        refusal_ground=RefusalGround.NEGATIVE_APPROVAL_ANSWER, reasons="negative answer",
        issued_at=almaty(dt.date(2026, 4, 13)), hearing_at=almaty(dt.date(2026, 4, 16)),
        hearing_mode=HearingMode.OTHER_MEANS)
    application.preliminary_decisions.append(second)
    application.status = Status.PRELIMINARY_REFUSAL
    session.commit()
    cases.deliver_preliminary_notice(
        session, application, SPECIALIST, WHO, delivered_at=almaty(dt.date(2026, 4, 13)),
        via=NotificationChannel.SMS, now=almaty(dt.date(2026, 4, 13)), cal=CAL)
    application.status = Status.HEARING_HELD  # as if, without a protocol of this round
    session.commit()
    with pytest.raises(IllegalTransition) as refused:
        cases.change(session, application, Action.DECIDE_REFUSE, HEAD, WHO,
                     now=almaty(dt.date(2026, 4, 20)), cal=CAL)
    assert refused.value.rule == "R15.2"  # the first round's hearing does not count
