"""services/review.py (issue #11): each step through cases.change (the guard, one event, a new
version), the income computation's figures (R11.1) and the assignment's checks."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.domain.income import SUBSISTENCE_MINIMUM_TIYN, threshold_tiyn
from portal.domain.inspection import HousingType, IncomeRow, InspectionFindings
from portal.domain.workflow import Actor, IllegalTransition, Role, Status
from portal.models import Event, FamilyMember, IncomeKind, IncomeRecord
from portal.services import events, review
from portal.services.workdays import calendar
from tests.factories import create_application, create_district, create_staff

PRECINCT = Actor(Role.PRECINCT)
SPECIALIST = Actor(Role.SPECIALIST)
WHO = events.Actor("staff", 1, "specialist")


def _case(session: Session, status: Status = Status.AT_PRECINCT, **fields: object):  # type: ignore[no-untyped-def]
    district = create_district(session, threshold_numerator=7, threshold_denominator=10)
    application = create_application(session, district=district, status=status,
                                     registered_on=dt.date(2026, 11, 2), **fields)
    application.family = [FamilyMember(full_name="Серікова Айгүл", relation="spouse")]
    application.incomes = [IncomeRecord(member_name="Серіков Ерлан", kind=IncomeKind.WAGES,
                                        amount_tiyn=9_000_000, period_start=dt.date(2026, 7, 1),
                                        period_end=dt.date(2026, 9, 30))]
    session.flush()
    return application


def _findings(**changes: object) -> InspectionFindings:
    values: dict[str, object] = dict(
        able_bodied=2, registered_unemployed=0, children=0, housing=HousingType.RENTED,
        incomes=(IncomeRow("Серіков Ерлан", "жалақы", 9_000_000),
                 IncomeRow("Серікова Айгүл", "жеке шаруашылық", 600_000, "сиыр")),
        sanitary_state="жақсы")
    values.update(changes)
    return InspectionFindings(**values)  # type: ignore[arg-type]


def test_r11_1_an_income_both_sources_show_is_counted_once_and_compared_with_the_threshold(
        session: Session) -> None:
    application = _case(session)
    now, cal = utcnow(), calendar()
    review.record_inspection(session, application, PRECINCT, WHO, inspected_on=dt.date.today(),
                             findings=_findings(), chair="Төраға", members=["Мүше"],
                             applicant_has_read=True, now=now, cal=cal)
    review.conclude_precinct(session, application, PRECINCT, WHO, number="1",
                             concluded_on=dt.date.today(), needs_assistance=True, reasons="",
                             chair="Төраға", members=[], acceptance=None, now=now, cal=cal)
    review.receive_documents(session, application, SPECIALIST, WHO, now=now, cal=cal)
    plan = review.income_plan(application, dt.date(2026, 11, 27))
    assert plan.quarter_start == dt.date(2026, 7, 1) and plan.members == 2
    assert plan.threshold_tiyn == threshold_tiyn(SUBSISTENCE_MINIMUM_TIYN[2026], Fraction(7, 10))
    by_default = {line.key for line in plan.lines if line.counted_by_default}
    # the register's wage; of the act, only the wife's farm (the husband's wage is in registers)
    assert sorted((line.member, line.source) for line in plan.lines
                  if line.key in by_default) == [("Серіков Ерлан", "register"),
                                                  ("Серікова Айгүл", "act")]
    with pytest.raises(ValueError):
        review.compute_income(session, application, SPECIALIST, WHO, counted={"register-999"},
                              computed_by=None, now=now, cal=cal)
    result = review.compute_income(session, application, SPECIALIST, WHO, counted=by_default,
                                   computed_by=None, now=now, cal=cal)
    assert (result.total_tiyn, result.per_capita_tiyn) == (9_600_000, 1_600_000)
    assert plan.threshold_tiyn == 3_559_570 and result.below_threshold is True  # 50 851 × 0.7
    event = session.scalars(select(Event).where(Event.application_id == application.id)
                            .order_by(Event.seq.desc())).first()
    assert event is not None and event.action == "compute_income"
    assert event.data["per_member"] == {"Серіков Ерлан": 9_000_000, "Серікова Айгүл": 600_000}
    assert application.status is Status.INCOME_COMPUTED and application.version == 5


def test_f3_an_inconsistent_act_is_refused_before_anything_changes(session: Session) -> None:
    application = _case(session)
    with pytest.raises(ValueError):
        review.record_inspection(session, application, PRECINCT, WHO,
                                 inspected_on=dt.date.today(),
                                 findings=_findings(registered_unemployed=3), chair="Т",
                                 members=[], applicant_has_read=False, now=utcnow(),
                                 cal=calendar())
    assert application.inspection_act is None and application.version == 1


def test_r7_2_only_the_local_desks_send_to_the_precinct_and_the_version_moves(
        session: Session) -> None:
    application = _case(session, status=Status.REGISTERED)
    with pytest.raises(IllegalTransition):
        review.send_to_precinct(session, application, Actor(Role.PRECINCT), WHO, now=utcnow(),
                                cal=calendar())
    review.send_to_precinct(session, application, SPECIALIST, WHO, now=utcnow(), cal=calendar())
    assert application.status is Status.AT_PRECINCT and application.version == 2


def test_only_an_active_specialist_of_the_district_is_assigned(session: Session) -> None:
    application = _case(session, status=Status.REGISTERED)
    specialist = create_staff(session, application.district)
    precinct = create_staff(session, application.district, role=Role.PRECINCT)
    stranger = create_staff(session, create_district(session))
    for wrong in (precinct, stranger):
        with pytest.raises(ValueError):
            review.assign(session, application, wrong, WHO, now=utcnow())
    review.assign(session, application, specialist, WHO, now=utcnow())
    assert application.assignee_id == specialist.id and application.version == 2
    assert [s.id for s in review.assignable_staff(session, application.district_id)] == [
        specialist.id]


def test_the_special_commission_concludes_on_grounds_1_2_4_only(session: Session) -> None:
    application = _case(session, status=Status.AT_SPECIAL_COMMISSION)
    with pytest.raises(ValueError):
        review.conclude_commission(session, application, Actor(Role.COMMISSION), WHO,
                                   concluded_on=dt.date.today(), needs_assistance=True,
                                   model_rules_ground=3, recommended_amount_tiyn=None,
                                   reasons="", now=utcnow(), cal=calendar())
    review.conclude_commission(session, application, Actor(Role.COMMISSION), WHO,
                               concluded_on=dt.date.today(), needs_assistance=False,
                               model_rules_ground=None, recommended_amount_tiyn=None,
                               reasons="табыс шектен жоғары", now=utcnow(), cal=calendar())
    assert application.status is Status.COMMISSION_CONCLUDED
    assert application.commission_conclusion is not None
