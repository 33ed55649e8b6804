"""The dated guard: what a case's own dates and records allow on a given day (R11.1, R15, F3/F4)."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.deadlines import CaseMilestones
from portal.domain.guard import CaseState, allowed, check, evidence_blocker
from portal.domain.workflow import (
    Action,
    Actor,
    CaseFacts,
    IllegalTransition,
    Role,
    Status,
)

# June 2025: Friday 6 June is Kurban Ait.
TUE_3 = date(2025, 6, 3)
WED_4 = date(2025, 6, 4)
THU_5 = date(2025, 6, 5)
MON_9 = date(2025, 6, 9)
TUE_10 = date(2025, 6, 10)
WED_11 = date(2025, 6, 11)
THU_12 = date(2025, 6, 12)
FRI_13 = date(2025, 6, 13)
MON_16 = date(2025, 6, 16)
TUE_17 = date(2025, 6, 17)

LOW_INCOME = CaseFacts(needs_precinct=True, needs_income=True)
FIRE = CaseFacts(needs_precinct=True, needs_income=False)
ORPHAN = CaseFacts(needs_precinct=False, needs_income=False)

CITIZEN = Actor(Role.CITIZEN)
SPECIALIST = Actor(Role.SPECIALIST)
PRECINCT = Actor(Role.PRECINCT)
HEAD = Actor(Role.HEAD)


def case(
    status: Status,
    facts: CaseFacts = LOW_INCOME,
    *,
    has_inspection_act: bool = False,
    **dates: date,
) -> CaseState:
    milestones = CaseMilestones(
        channel=Channel.PORTAL, needs_precinct=facts.needs_precinct,
        needs_commission=facts.needs_commission, **dates,  # type: ignore[arg-type]
    )
    return CaseState(status=status, facts=facts, milestones=milestones,
                     has_inspection_act=has_inspection_act)


def refused(
    state: CaseState, action: Action, actor: Actor, today: date, cal: WorkingCalendar
) -> IllegalTransition:
    with pytest.raises(IllegalTransition) as caught:
        check(state, action, actor, today, cal)
    assert action not in allowed(state, actor, today, cal)
    return caught.value


# --- the workflow still decides first ----------------------------------------------------------


def test_the_guard_gives_the_workflows_answer_when_the_dates_allow_it(cal: WorkingCalendar) -> None:
    state = case(Status.AT_SPECIAL_COMMISSION)
    assert check(state, Action.CONCLUDE_COMMISSION, Actor(Role.COMMISSION), TUE_3, cal) is (
        Status.COMMISSION_CONCLUDED
    )


def test_the_guard_refuses_what_the_workflow_refuses_without_a_rule(cal: WorkingCalendar) -> None:
    error = refused(case(Status.PRELIMINARY_REFUSAL), Action.DECIDE_REFUSE, CITIZEN, MON_16, cal)
    assert (error.reason, error.rule) == ("wrong_role", None)


# --- precinct commission (F3, F4) ----------------------------------------------------------------


def test_the_precinct_commission_concludes_only_after_an_inspection_act_F3_F4(
    cal: WorkingCalendar,
) -> None:
    error = refused(case(Status.AT_PRECINCT), Action.CONCLUDE_PRECINCT, PRECINCT, TUE_3, cal)
    assert (error.rule, error.reason) == ("F3", "no_inspection_act")
    inspected = case(Status.AT_PRECINCT, has_inspection_act=True)
    assert check(inspected, Action.CONCLUDE_PRECINCT, PRECINCT, TUE_3, cal) is (
        Status.PRECINCT_CONCLUDED
    )


def test_a_refused_inspection_is_concluded_on_without_an_act_F3_F4(cal: WorkingCalendar) -> None:
    state = case(Status.INSPECTION_REFUSED)
    assert check(state, Action.CONCLUDE_PRECINCT, PRECINCT, TUE_3, cal) is (
        Status.PRECINCT_CONCLUDED
    )


# --- documents and income (R11.1) ----------------------------------------------------------------


def test_the_documents_are_received_once_R11_1(cal: WorkingCalendar) -> None:
    state = case(Status.PRECINCT_CONCLUDED)
    assert check(state, Action.RECEIVE_DOCUMENTS, SPECIALIST, WED_4, cal) is (
        Status.PRECINCT_CONCLUDED
    )
    again = case(Status.PRECINCT_CONCLUDED, documents_received_on=WED_4)
    error = refused(again, Action.RECEIVE_DOCUMENTS, SPECIALIST, THU_5, cal)
    assert (error.rule, error.reason) == ("R11.1", "documents_already_received")


@pytest.mark.parametrize(
    ("action", "actor", "facts", "after"),
    [
        (Action.COMPUTE_INCOME, SPECIALIST, LOW_INCOME, Status.INCOME_COMPUTED),
        (Action.SUBMIT_TO_COMMISSION, SPECIALIST, FIRE, Status.AT_SPECIAL_COMMISSION),
        (Action.DECIDE_GRANT, HEAD,
         CaseFacts(needs_precinct=True, needs_income=False, needs_commission=False),
         Status.GRANTED),
    ],
    ids=["compute-income", "submit-to-commission", "grant-without-commission"],
)
def test_after_the_precinct_the_provider_works_from_the_documents_received_R11_1(
    cal: WorkingCalendar, action: Action, actor: Actor, facts: CaseFacts, after: Status
) -> None:
    error = refused(case(Status.PRECINCT_CONCLUDED, facts), action, actor, WED_4, cal)
    assert (error.rule, error.reason) == ("R11.1", "documents_not_received")
    received = case(Status.PRECINCT_CONCLUDED, facts, documents_received_on=WED_4)
    assert check(received, action, actor, WED_4, cal) is after


def test_without_a_precinct_the_provider_computes_income_from_the_package_R11_1(
    cal: WorkingCalendar,
) -> None:
    no_precinct = CaseFacts(needs_precinct=False, needs_income=True)
    assert check(case(Status.REGISTERED, no_precinct), Action.COMPUTE_INCOME, SPECIALIST, TUE_3,
                 cal) is Status.INCOME_COMPUTED


# --- preliminary notice, objections, hearing (R15.1–R15.6) ---------------------------------------


def test_the_preliminary_notice_is_delivered_once_R15_3(cal: WorkingCalendar) -> None:
    state = case(Status.PRELIMINARY_REFUSAL)
    assert check(state, Action.DELIVER_PRELIMINARY_NOTICE, SPECIALIST, THU_5, cal) is (
        Status.PRELIMINARY_REFUSAL
    )
    again = case(Status.PRELIMINARY_REFUSAL, preliminary_delivered_on=THU_5)
    error = refused(again, Action.DELIVER_PRELIMINARY_NOTICE, SPECIALIST, MON_9, cal)
    assert (error.rule, error.reason) == ("R15.3", "notice_already_delivered")


def test_the_hearing_is_held_only_after_the_notice_reached_the_person_R15_1_R15_2(
    cal: WorkingCalendar,
) -> None:
    error = refused(case(Status.PRELIMINARY_REFUSAL), Action.HOLD_HEARING, SPECIALIST, THU_5, cal)
    assert (error.rule, error.reason) == ("R15.1", "notice_not_delivered")
    notified = case(Status.PRELIMINARY_REFUSAL, preliminary_delivered_on=THU_5)
    assert check(notified, Action.HOLD_HEARING, SPECIALIST, THU_5, cal) is Status.HEARING_HELD


@pytest.mark.parametrize(
    "status", [Status.PRELIMINARY_REFUSAL, Status.OBJECTION_RECEIVED, Status.HEARING_HELD]
)
def test_objections_are_taken_up_to_the_last_day_of_the_window_R15_3(
    cal: WorkingCalendar, status: Status
) -> None:
    state = case(status, preliminary_delivered_on=THU_5)  # window closes Tuesday 10 June
    assert check(state, Action.SUBMIT_OBJECTION, CITIZEN, TUE_10, cal) in {
        Status.OBJECTION_RECEIVED, Status.HEARING_HELD,
    }
    error = refused(state, Action.SUBMIT_OBJECTION, CITIZEN, WED_11, cal)
    assert (error.rule, error.reason, error.closed_on) == (
        "R15.3", "objection_window_closed", TUE_10,
    )
    assert "closed on 2025-06-10" in str(error)


def test_the_protocol_is_read_once_R15_5(cal: WorkingCalendar) -> None:
    state = case(Status.HEARING_HELD, preliminary_delivered_on=THU_5, hearing_held_on=MON_9)
    assert check(state, Action.READ_PROTOCOL, CITIZEN, MON_9, cal) is Status.HEARING_HELD
    again = case(Status.HEARING_HELD, preliminary_delivered_on=THU_5, hearing_held_on=MON_9,
                 protocol_read_on=MON_9)
    error = refused(again, Action.READ_PROTOCOL, CITIZEN, TUE_10, cal)
    assert (error.rule, error.reason) == ("R15.5", "protocol_already_read")


def test_remarks_come_only_after_reading_the_protocol_R15_5(cal: WorkingCalendar) -> None:
    state = case(Status.HEARING_HELD, preliminary_delivered_on=THU_5, hearing_held_on=MON_9)
    error = refused(state, Action.SUBMIT_REMARKS, CITIZEN, MON_9, cal)
    assert (error.rule, error.reason) == ("R15.5", "protocol_not_read")


def test_remarks_are_taken_within_three_working_days_of_reading_R15_6(
    cal: WorkingCalendar,
) -> None:
    state = case(Status.HEARING_HELD, preliminary_delivered_on=THU_5, hearing_held_on=MON_9,
                 protocol_read_on=MON_9)  # window: Tue 10, Wed 11, Thu 12
    assert check(state, Action.SUBMIT_REMARKS, CITIZEN, THU_12, cal) is Status.HEARING_HELD
    error = refused(state, Action.SUBMIT_REMARKS, CITIZEN, FRI_13, cal)
    assert (error.rule, error.closed_on) == ("R15.6", THU_12)


# --- the refusal itself (R15.1, R15.2, R15.3, R15.6, R15.7) --------------------------------------


def test_no_refusal_before_the_notice_reached_the_person_R15_1(cal: WorkingCalendar) -> None:
    error = refused(case(Status.PRELIMINARY_REFUSAL), Action.DECIDE_REFUSE, HEAD, MON_16, cal)
    assert (error.rule, error.reason, error.possible_from) == ("R15.1", "notice_not_delivered",
                                                               None)


def test_no_refusal_while_the_objection_window_is_open_R15_3(cal: WorkingCalendar) -> None:
    state = case(Status.PRELIMINARY_REFUSAL, preliminary_delivered_on=THU_5)
    error = refused(state, Action.DECIDE_REFUSE, HEAD, TUE_10, cal)
    assert (error.rule, error.reason, error.possible_from) == (
        "R15.3", "objection_window_open", WED_11,
    )
    assert "possible from 2025-06-11" in str(error)


def test_refusal_before_three_working_days_after_delivery_is_refused_R15_1(
    cal: WorkingCalendar,
) -> None:
    # The objection came at once, so only the 3-working-day notice period still runs.
    state = case(Status.HEARING_HELD, preliminary_delivered_on=THU_5,
                 objection_submitted_on=THU_5, hearing_held_on=THU_5)
    error = refused(state, Action.DECIDE_REFUSE, HEAD, TUE_10, cal)
    assert (error.rule, error.reason, error.possible_from) == (
        "R15.1", "notice_period_running", WED_11,
    )
    assert check(state, Action.DECIDE_REFUSE, HEAD, WED_11, cal) is Status.REFUSED


def test_no_refusal_without_a_hearing_R15_2(cal: WorkingCalendar) -> None:
    state = case(Status.OBJECTION_RECEIVED, preliminary_delivered_on=THU_5,
                 objection_submitted_on=MON_9)
    error = refused(state, Action.DECIDE_REFUSE, HEAD, MON_16, cal)
    assert (error.rule, error.reason, error.possible_from) == ("R15.2", "hearing_not_held", None)


def test_after_reading_the_protocol_a_refusal_waits_for_remarks_or_their_window_R15_6_R15_7(
    cal: WorkingCalendar,
) -> None:
    state = case(Status.HEARING_HELD, preliminary_delivered_on=THU_5,
                 objection_submitted_on=MON_9, hearing_held_on=TUE_10, protocol_read_on=TUE_10)
    error = refused(state, Action.DECIDE_REFUSE, HEAD, FRI_13, cal)
    assert (error.rule, error.reason, error.possible_from) == (
        "R15.6", "remarks_window_open", MON_16,
    )
    assert check(state, Action.DECIDE_REFUSE, HEAD, MON_16, cal) is Status.REFUSED
    remarked = case(Status.HEARING_HELD, preliminary_delivered_on=THU_5,
                    objection_submitted_on=MON_9, hearing_held_on=TUE_10,
                    protocol_read_on=TUE_10, remarks_submitted_on=WED_11)
    assert check(remarked, Action.DECIDE_REFUSE, HEAD, WED_11, cal) is Status.REFUSED


ROUTE_DONE = {"sent_to_precinct_on": TUE_3, "documents_received_on": TUE_3,
              "income_computed_on": WED_4, "commission_concluded_on": WED_4}


def test_a_grant_after_a_preliminary_refusal_need_not_wait_R15_7(cal: WorkingCalendar) -> None:
    state = case(Status.PRELIMINARY_REFUSAL, preliminary_delivered_on=THU_5, **ROUTE_DONE)
    assert check(state, Action.DECIDE_GRANT, HEAD, THU_5, cal) is Status.GRANTED


@pytest.mark.parametrize(("done", "rule", "reason"), [
    ({}, "R7.2", "inspection_first"),
    ({"sent_to_precinct_on": TUE_3, "documents_received_on": TUE_3}, "R11.1", "income_first"),
    ({"sent_to_precinct_on": TUE_3, "documents_received_on": TUE_3, "income_computed_on": WED_4},
     "F5", "commission_first"),
])
def test_a_refusal_issued_early_cannot_end_in_a_grant_that_skips_the_route_R7_2_R11_1_F5(
    cal: WorkingCalendar, done: dict[str, date], rule: str, reason: str
) -> None:
    # e.g. no consent found at registration (L9(2)), then the person consents at the hearing.
    state = case(Status.HEARING_HELD, preliminary_delivered_on=THU_5, hearing_held_on=MON_9,
                 **done)
    problem = refused(state, Action.DECIDE_GRANT, HEAD, MON_9, cal)
    assert (problem.rule, problem.reason) == (rule, reason)


@pytest.mark.parametrize(("done", "back_to"), [
    ({}, Status.REGISTERED),
    ({"sent_to_precinct_on": TUE_3}, Status.AT_PRECINCT),
    ({"sent_to_precinct_on": TUE_3, "documents_received_on": TUE_3}, Status.PRECINCT_CONCLUDED),
    (ROUTE_DONE | {"commission_concluded_on": None}, Status.INCOME_COMPUTED),
    (ROUTE_DONE | {"commission_concluded_on": None, "submitted_to_commission_on": WED_4},
     Status.AT_SPECIAL_COMMISSION),
    (ROUTE_DONE, Status.COMMISSION_CONCLUDED),
])
def test_a_review_resumed_after_a_successful_objection_returns_where_it_stood(
    cal: WorkingCalendar, done: dict[str, date | None], back_to: Status
) -> None:
    state = case(Status.OBJECTION_RECEIVED, preliminary_delivered_on=THU_5,
                 objection_submitted_on=THU_5, **done)  # type: ignore[arg-type]
    assert check(state, Action.RESUME_REVIEW, SPECIALIST, MON_9, cal) is back_to


# --- allowed ----------------------------------------------------------------------------------


def test_the_head_sees_the_refusal_only_once_it_is_lawful_R15_1(cal: WorkingCalendar) -> None:
    state = case(Status.HEARING_HELD, preliminary_delivered_on=THU_5, hearing_held_on=MON_9,
                 **ROUTE_DONE)
    assert allowed(state, HEAD, TUE_10, cal) == [Action.DECIDE_GRANT]
    assert allowed(state, HEAD, WED_11, cal) == [Action.DECIDE_GRANT, Action.DECIDE_REFUSE]


def test_the_citizen_sees_the_objection_only_while_its_window_is_open_R15_3(
    cal: WorkingCalendar,
) -> None:
    state = case(Status.PRELIMINARY_REFUSAL, preliminary_delivered_on=THU_5)
    assert allowed(state, CITIZEN, TUE_10, cal) == [Action.WITHDRAW, Action.SUBMIT_OBJECTION]
    assert allowed(state, CITIZEN, WED_11, cal) == [Action.WITHDRAW]


def test_nothing_in_the_case_records_blocks_an_ordinary_step(cal: WorkingCalendar) -> None:
    assert evidence_blocker(case(Status.SUBMITTED), Action.REGISTER, TUE_3, cal) is None
    assert evidence_blocker(case(Status.AT_PRECINCT, has_inspection_act=True),
                            Action.CONCLUDE_PRECINCT, TUE_3, cal) is None
