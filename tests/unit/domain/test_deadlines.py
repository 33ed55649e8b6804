"""Statutory deadlines of a case (L3.1, R7.2, R11.1, R15.1, R15.3, R15.6, R15.7, R15.11)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.deadlines import (
    Blocker,
    CaseMilestones,
    Deadline,
    DeadlineKind,
    DeadlineState,
    cabinet_notification_due,
    case_deadlines,
    commission_submission_due,
    decision_after_remarks_date,
    decision_target_due,
    earliest_decision_date,
    is_objection_in_time,
    is_remark_in_time,
    may_decide_on,
    objection_blocker,
    objection_window_closes,
    overdue,
    precinct_referral_due,
    refusal_blocker,
    remarks_blocker,
    remarks_window_closes,
    service_term_due,
)

# June 2025: Friday 6 June is Kurban Ait, so the first week has four working days.
MON_2 = date(2025, 6, 2)
TUE_3 = date(2025, 6, 3)
WED_4 = date(2025, 6, 4)
THU_5 = date(2025, 6, 5)
MON_9 = date(2025, 6, 9)
TUE_10 = date(2025, 6, 10)
WED_11 = date(2025, 6, 11)
THU_12 = date(2025, 6, 12)
FRI_13 = date(2025, 6, 13)
SAT_14 = date(2025, 6, 14)
MON_16 = date(2025, 6, 16)
TUE_17 = date(2025, 6, 17)
WED_18 = date(2025, 6, 18)

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))

# A portal application for low income, refused after a hearing with remarks on the protocol.
REFUSED_PORTAL_CASE = CaseMilestones(
    channel=Channel.PORTAL,
    needs_precinct=True,
    term_started_on=MON_2,
    registered_on=MON_2,
    sent_to_precinct_on=TUE_3,
    documents_received_on=THU_5,
    income_computed_on=THU_5,
    submitted_to_commission_on=MON_9,
    preliminary_issued_on=MON_9,
    preliminary_delivered_on=MON_9,
    objection_submitted_on=TUE_10,
    hearing_held_on=TUE_10,
    protocol_read_on=WED_11,
    remarks_submitted_on=THU_12,
    decided_on=THU_12,
    refused=True,
    result_issued_on=FRI_13,
    cabinet_notified_on=FRI_13,
)


def rules(m: CaseMilestones, cal: WorkingCalendar) -> list[str]:
    return [d.rule for d in case_deadlines(m, cal)]


def by_rule(m: CaseMilestones, cal: WorkingCalendar, rule: str) -> Deadline:
    (found,) = [d for d in case_deadlines(m, cal) if d.rule == rule and d.key in {"", "service_term"}]
    return found


# --- single periods ----------------------------------------------------------------------------


def test_service_term_is_eight_working_days_after_handing_in_L3_1(cal: WorkingCalendar) -> None:
    # 3, 4, 5 June, then 9–13 June: Kurban Ait and the weekend do not count.
    assert service_term_due(MON_2, cal) == FRI_13


def test_the_decision_target_leaves_one_working_day_for_the_notification_L3_1_R15_11(
    cal: WorkingCalendar,
) -> None:
    assert decision_target_due(MON_2, cal) == THU_12
    assert cabinet_notification_due(decision_target_due(MON_2, cal), cal) == (
        service_term_due(MON_2, cal)
    )


def test_precinct_referral_is_due_the_next_working_day_R7_2(cal: WorkingCalendar) -> None:
    assert precinct_referral_due(MON_2, cal) == TUE_3
    assert precinct_referral_due(FRI_13, cal) == MON_16


def test_commission_submission_is_due_one_working_day_after_the_documents_arrive_R11_1(
    cal: WorkingCalendar,
) -> None:
    assert commission_submission_due(THU_5, cal) == MON_9


def test_decision_comes_no_earlier_than_three_working_days_after_the_notice_R15_1(
    cal: WorkingCalendar,
) -> None:
    assert earliest_decision_date(MON_9, cal) == THU_12
    assert not may_decide_on(MON_9, WED_11, cal)
    assert may_decide_on(MON_9, THU_12, cal)
    assert may_decide_on(MON_9, FRI_13, cal)


def test_objection_window_is_two_working_days_R15_3(cal: WorkingCalendar) -> None:
    assert objection_window_closes(MON_9, cal) == WED_11
    # A notice on the Thursday before Kurban Ait leaves Monday and Tuesday.
    assert objection_window_closes(THU_5, cal) == TUE_10


def test_objection_on_the_day_of_the_notice_or_the_last_day_is_in_time_R15_3(
    cal: WorkingCalendar,
) -> None:
    assert is_objection_in_time(MON_9, MON_9, cal)
    assert is_objection_in_time(MON_9, WED_11, cal)


def test_objection_after_two_working_days_is_refused_R15_3(cal: WorkingCalendar) -> None:
    assert not is_objection_in_time(MON_9, THU_12, cal)


def test_objection_made_on_a_weekend_inside_the_window_is_in_time_R15_3(
    cal: WorkingCalendar,
) -> None:
    assert is_objection_in_time(FRI_13, SAT_14, cal)


def test_objection_made_on_the_weekend_after_the_window_closed_is_late_R15_3(
    cal: WorkingCalendar,
) -> None:
    # Notified Wednesday: the window closes with Friday, and Saturday is no longer in it.
    assert not is_objection_in_time(WED_18, date(2025, 6, 21), cal)


def test_objection_dated_before_the_notice_is_a_data_error_R15_3(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="earlier than the preliminary notice"):
        is_objection_in_time(MON_9, THU_5, cal)


def test_remarks_window_is_three_working_days_after_reading_the_protocol_R15_6(
    cal: WorkingCalendar,
) -> None:
    assert remarks_window_closes(WED_11, cal) == MON_16
    assert is_remark_in_time(WED_11, MON_16, cal)
    assert not is_remark_in_time(WED_11, TUE_17, cal)


def test_remarks_dated_before_reading_the_protocol_are_a_data_error_R15_6(
    cal: WorkingCalendar,
) -> None:
    with pytest.raises(ValueError, match="earlier than the reading of the protocol"):
        is_remark_in_time(WED_11, TUE_10, cal)


def test_without_remarks_a_refusal_waits_for_the_working_day_after_their_window_R15_7(
    cal: WorkingCalendar,
) -> None:
    assert decision_after_remarks_date(WED_11, cal) == TUE_17
    # Read on the Wednesday before Kurban Ait 2025: Thursday, Monday, Tuesday; then Wednesday.
    assert decision_after_remarks_date(WED_4, cal) == WED_11


def test_cabinet_notification_is_due_one_working_day_after_the_decision_R15_11(
    cal: WorkingCalendar,
) -> None:
    assert cabinet_notification_due(MON_16, cal) == TUE_17
    assert cabinet_notification_due(FRI_13, cal) == MON_16


@given(days)
def test_no_refusal_may_be_decided_while_the_objection_window_is_open_R15_1_R15_3(
    cal: WorkingCalendar, notified: date
) -> None:
    assert earliest_decision_date(notified, cal) > objection_window_closes(notified, cal)
    assert not may_decide_on(notified, objection_window_closes(notified, cal), cal)


@given(days)
def test_no_refusal_may_be_decided_while_the_remarks_window_is_open_R15_6_R15_7(
    cal: WorkingCalendar, read: date
) -> None:
    after = decision_after_remarks_date(read, cal)
    assert after > remarks_window_closes(read, cal)
    assert cal.is_working_day(after)


@given(days, st.integers(min_value=0, max_value=20))
def test_an_objection_is_in_time_exactly_up_to_the_windows_last_day_R15_3(
    cal: WorkingCalendar, notified: date, offset: int
) -> None:
    submitted = date.fromordinal(notified.toordinal() + offset)
    counted = cal.working_days_between(notified, submitted)
    # The window ends with its second working day; a weekend right after it is already late.
    expected = counted < 2 or (counted == 2 and cal.is_working_day(submitted))
    assert is_objection_in_time(notified, submitted, cal) is expected


# --- Deadline ----------------------------------------------------------------------------------


def test_unmet_duty_is_overdue_only_after_its_last_day() -> None:
    duty = Deadline("R7.2", DeadlineKind.DUE_BY, TUE_3)
    assert not duty.is_overdue(TUE_3)
    assert duty.is_overdue(THU_5)


def test_a_duty_met_even_late_is_no_longer_overdue_but_is_marked_late() -> None:
    late = Deadline("R7.2", DeadlineKind.DUE_BY, TUE_3, met_on=THU_5)
    on_time = Deadline("R7.2", DeadlineKind.DUE_BY, TUE_3, met_on=TUE_3)
    assert not late.is_overdue(MON_9)
    assert late.met_late
    assert not on_time.met_late
    assert not Deadline("R7.2", DeadlineKind.DUE_BY, TUE_3).met_late


def test_recipient_windows_and_earliest_dates_are_never_overdue_R15_1_R15_3() -> None:
    window = Deadline("R15.3", DeadlineKind.WINDOW_CLOSES, WED_11)
    earliest = Deadline("R15.1", DeadlineKind.NOT_BEFORE, THU_12)
    assert not window.is_overdue(MON_16)
    assert not earliest.is_overdue(MON_16)
    assert not dataclasses.replace(window, met_on=MON_16).met_late
    assert not dataclasses.replace(earliest, met_on=MON_16).met_late


def test_a_refusal_decided_before_its_earliest_day_was_too_early_R15_1() -> None:
    earliest = Deadline("R15.1", DeadlineKind.NOT_BEFORE, THU_12)
    assert dataclasses.replace(earliest, met_on=WED_11).met_too_early
    assert not dataclasses.replace(earliest, met_on=THU_12).met_too_early
    assert not earliest.met_too_early
    assert not Deadline("R7.2", DeadlineKind.DUE_BY, THU_12, met_on=WED_11).met_too_early


@pytest.mark.parametrize(
    ("deadline", "today", "state"),
    [
        (Deadline("R7.2", DeadlineKind.DUE_BY, TUE_3), TUE_3, DeadlineState.RUNNING),
        (Deadline("R7.2", DeadlineKind.DUE_BY, TUE_3), WED_4, DeadlineState.OVERDUE),
        (Deadline("R7.2", DeadlineKind.DUE_BY, TUE_3, TUE_3), MON_16, DeadlineState.DONE),
        (Deadline("R7.2", DeadlineKind.DUE_BY, TUE_3, WED_4), WED_4, DeadlineState.BREACHED),
        (Deadline("R15.1", DeadlineKind.NOT_BEFORE, THU_12), MON_16, DeadlineState.RUNNING),
        (Deadline("R15.1", DeadlineKind.NOT_BEFORE, THU_12, THU_12), THU_12, DeadlineState.DONE),
        (Deadline("R15.1", DeadlineKind.NOT_BEFORE, THU_12, WED_11), MON_16,
         DeadlineState.BREACHED),
        (Deadline("R15.3", DeadlineKind.WINDOW_CLOSES, WED_11), WED_11, DeadlineState.RUNNING),
        (Deadline("R15.3", DeadlineKind.WINDOW_CLOSES, WED_11), THU_12, DeadlineState.CLOSED),
        (Deadline("R15.3", DeadlineKind.WINDOW_CLOSES, WED_11, TUE_10), THU_12,
         DeadlineState.DONE),
    ],
    ids=[
        "duty-last-day", "duty-overdue", "duty-done", "duty-late", "earliest-waiting",
        "earliest-kept", "earliest-too-early", "window-open", "window-closed", "window-used",
    ],
)
def test_a_deadline_says_how_it_stands_on_a_day_L3_1_R15_1_R15_3(
    deadline: Deadline, today: date, state: DeadlineState
) -> None:
    assert deadline.state(today) is state


def test_days_left_counts_working_days_and_goes_negative_when_late(cal: WorkingCalendar) -> None:
    duty = Deadline("L3.1", DeadlineKind.DUE_BY, TUE_17)
    assert duty.days_left(FRI_13, cal) == 2
    assert duty.days_left(TUE_17, cal) == 0
    assert duty.days_left(date(2025, 6, 19), cal) == -2


def test_overdue_lists_only_the_unmet_duties_past_their_day() -> None:
    late = Deadline("R7.2", DeadlineKind.DUE_BY, TUE_3)
    still_open = Deadline("L3.1", DeadlineKind.DUE_BY, FRI_13)
    closed_window = Deadline("R15.3", DeadlineKind.WINDOW_CLOSES, TUE_3)
    assert overdue([late, still_open, closed_window], MON_9) == [late]


# --- case_deadlines ----------------------------------------------------------------------------


def test_a_case_not_yet_handed_in_has_no_deadlines(cal: WorkingCalendar) -> None:
    assert case_deadlines(CaseMilestones(channel=Channel.PORTAL, needs_precinct=True), cal) == []


def test_a_refused_portal_case_has_every_deadline_in_procedure_order(cal: WorkingCalendar) -> None:
    assert case_deadlines(REFUSED_PORTAL_CASE, cal) == [
        Deadline("L3.1", DeadlineKind.DUE_BY, FRI_13, FRI_13, "service_term"),
        Deadline("L3.1", DeadlineKind.DUE_BY, THU_12, THU_12, "decision_target"),
        Deadline("R7.2", DeadlineKind.DUE_BY, TUE_3, TUE_3),
        Deadline("R11.1", DeadlineKind.DUE_BY, MON_9, MON_9),
        Deadline("R15.1", DeadlineKind.NOT_BEFORE, THU_12, THU_12),
        Deadline("R15.3", DeadlineKind.WINDOW_CLOSES, WED_11, TUE_10),
        Deadline("R15.6", DeadlineKind.WINDOW_CLOSES, MON_16, THU_12),
        Deadline("R15.11", DeadlineKind.DUE_BY, FRI_13, FRI_13),
    ]
    assert {d.state(FRI_13) for d in case_deadlines(REFUSED_PORTAL_CASE, cal)} == {
        DeadlineState.DONE
    }


def test_the_service_term_runs_from_handing_in_not_from_registration_L3_1(
    cal: WorkingCalendar,
) -> None:
    # Handed in at a duty branch on Saturday 31 May, registered on Monday 2 June.
    case = CaseMilestones(channel=Channel.STATE_CORP, needs_precinct=False,
                          term_started_on=date(2025, 5, 31), registered_on=MON_2)
    assert by_rule(case, cal, "L3.1").due == THU_12
    assert case_deadlines(
        CaseMilestones(channel=Channel.PROVIDER, needs_precinct=False, registered_on=MON_2), cal
    ) == []


def test_the_service_term_is_met_by_issuing_the_result_not_by_deciding_L3_1(
    cal: WorkingCalendar,
) -> None:
    case = dataclasses.replace(REFUSED_PORTAL_CASE, decided_on=FRI_13, result_issued_on=MON_16,
                               cabinet_notified_on=MON_16)
    term, target = [d for d in case_deadlines(case, cal) if d.rule == "L3.1"]
    assert (term.key, term.met_on, term.state(MON_16)) == ("service_term", MON_16,
                                                            DeadlineState.BREACHED)
    assert (target.key, target.met_on, target.state(MON_16)) == ("decision_target", FRI_13,
                                                                  DeadlineState.BREACHED)


def test_a_newly_registered_precinct_case_runs_the_term_and_the_referral_L3_1_R7_2(
    cal: WorkingCalendar,
) -> None:
    case = CaseMilestones(channel=Channel.PROVIDER, needs_precinct=True, term_started_on=MON_2,
                          registered_on=MON_2)
    deadlines = case_deadlines(case, cal)
    assert [(d.rule, d.key) for d in deadlines] == [
        ("L3.1", "service_term"), ("L3.1", "decision_target"), ("R7.2", ""),
    ]
    assert [d.rule for d in overdue(deadlines, THU_5)] == ["R7.2"]


def test_no_precinct_referral_deadline_when_the_ground_needs_no_inspection_R7_2(
    cal: WorkingCalendar,
) -> None:
    case = dataclasses.replace(REFUSED_PORTAL_CASE, needs_precinct=False)
    assert "R7.2" not in rules(case, cal)


def test_the_income_clock_starts_when_the_documents_reach_the_provider_R11_1(
    cal: WorkingCalendar,
) -> None:
    case = dataclasses.replace(REFUSED_PORTAL_CASE, documents_received_on=None)
    assert "R11.1" not in rules(case, cal)
    waiting = CaseMilestones(channel=Channel.PROVIDER, needs_precinct=True,
                             documents_received_on=THU_5, income_computed_on=THU_5)
    assert by_rule(waiting, cal, "R11.1").state(MON_9) is DeadlineState.RUNNING
    assert by_rule(waiting, cal, "R11.1").state(TUE_10) is DeadlineState.OVERDUE


def test_without_the_special_commission_computing_income_meets_the_clock_R11_1_F5(
    cal: WorkingCalendar,
) -> None:
    case = CaseMilestones(channel=Channel.RURAL_AKIM, needs_precinct=False,
                          needs_commission=False, documents_received_on=THU_5,
                          income_computed_on=MON_9)
    assert by_rule(case, cal, "R11.1") == Deadline("R11.1", DeadlineKind.DUE_BY, MON_9, MON_9)


def test_a_refusal_without_remarks_waits_for_the_remarks_window_R15_7(
    cal: WorkingCalendar,
) -> None:
    case = dataclasses.replace(REFUSED_PORTAL_CASE, remarks_submitted_on=None, decided_on=MON_16,
                               result_issued_on=None, cabinet_notified_on=None)
    r15_7 = by_rule(case, cal, "R15.7")
    assert r15_7 == Deadline("R15.7", DeadlineKind.NOT_BEFORE, TUE_17, MON_16)
    assert r15_7.met_too_early
    assert r15_7.state(MON_16) is DeadlineState.BREACHED
    assert by_rule(case, cal, "R15.6").state(TUE_17) is DeadlineState.CLOSED


def test_a_refusal_not_yet_decided_shows_its_earliest_days_R15_1_R15_7(
    cal: WorkingCalendar,
) -> None:
    case = dataclasses.replace(REFUSED_PORTAL_CASE, remarks_submitted_on=None, decided_on=None,
                               refused=False, result_issued_on=None, cabinet_notified_on=None)
    assert by_rule(case, cal, "R15.1") == Deadline("R15.1", DeadlineKind.NOT_BEFORE, THU_12)
    assert by_rule(case, cal, "R15.7") == Deadline("R15.7", DeadlineKind.NOT_BEFORE, TUE_17)


def test_a_grant_after_a_preliminary_refusal_has_no_earliest_day_R15_1_R15_7(
    cal: WorkingCalendar,
) -> None:
    granted = dataclasses.replace(REFUSED_PORTAL_CASE, remarks_submitted_on=None,
                                  decided_on=TUE_10, refused=False)
    assert "R15.1" not in rules(granted, cal)
    assert "R15.7" not in rules(granted, cal)
    assert "R15.3" in rules(granted, cal)


@pytest.mark.parametrize("channel", [Channel.PROVIDER, Channel.RURAL_AKIM, Channel.STATE_CORP])
def test_only_portal_applications_get_the_cabinet_notification_deadline_R15_11(
    cal: WorkingCalendar, channel: Channel
) -> None:
    case = dataclasses.replace(REFUSED_PORTAL_CASE, channel=channel)
    assert "R15.11" not in rules(case, cal)


def test_a_decided_portal_case_not_yet_notified_is_overdue_the_second_working_day_R15_11(
    cal: WorkingCalendar,
) -> None:
    case = dataclasses.replace(REFUSED_PORTAL_CASE, cabinet_notified_on=None)
    late = overdue(case_deadlines(case, cal), MON_16)
    assert [d.rule for d in late] == ["R15.11"]


def test_milestones_are_passed_by_keyword() -> None:
    with pytest.raises(TypeError):
        CaseMilestones(Channel.PORTAL, True)  # type: ignore[call-arg]


# --- blockers ----------------------------------------------------------------------------------


NOTIFIED_MON_9 = CaseMilestones(channel=Channel.PORTAL, needs_precinct=True,
                                preliminary_delivered_on=MON_9)


def test_a_refusal_needs_the_notice_delivered_first_R15_1(cal: WorkingCalendar) -> None:
    pending = dataclasses.replace(NOTIFIED_MON_9, preliminary_delivered_on=None)
    assert refusal_blocker(pending, MON_16, cal) == Blocker("R15.1", "notice_not_delivered")


def test_a_refusal_waits_for_the_objection_window_R15_3(cal: WorkingCalendar) -> None:
    assert refusal_blocker(NOTIFIED_MON_9, WED_11, cal) == Blocker(
        "R15.3", "objection_window_open", possible_from=THU_12
    )


def test_after_an_objection_a_refusal_still_waits_three_working_days_R15_1(
    cal: WorkingCalendar,
) -> None:
    objected = dataclasses.replace(NOTIFIED_MON_9, objection_submitted_on=MON_9)
    assert refusal_blocker(objected, TUE_10, cal) == Blocker(
        "R15.1", "notice_period_running", possible_from=THU_12
    )


def test_a_refusal_waits_for_the_hearing_R15_2(cal: WorkingCalendar) -> None:
    assert refusal_blocker(NOTIFIED_MON_9, THU_12, cal) == Blocker("R15.2", "hearing_not_held")
    heard = dataclasses.replace(NOTIFIED_MON_9, hearing_held_on=TUE_10)
    assert refusal_blocker(heard, THU_12, cal) is None


def test_a_refusal_waits_for_remarks_on_a_read_protocol_R15_6_R15_7(cal: WorkingCalendar) -> None:
    read = dataclasses.replace(NOTIFIED_MON_9, hearing_held_on=TUE_10, protocol_read_on=WED_11)
    assert refusal_blocker(read, MON_16, cal) == Blocker(
        "R15.6", "remarks_window_open", possible_from=TUE_17
    )
    assert refusal_blocker(read, TUE_17, cal) is None
    remarked = dataclasses.replace(read, remarks_submitted_on=THU_12)
    assert refusal_blocker(remarked, THU_12, cal) is None


def test_an_objection_before_the_notice_arrives_is_taken_R15_3(cal: WorkingCalendar) -> None:
    pending = dataclasses.replace(NOTIFIED_MON_9, preliminary_delivered_on=None)
    assert objection_blocker(pending, MON_16, cal) is None


def test_an_objection_after_the_window_is_refused_naming_its_last_day_R15_3(
    cal: WorkingCalendar,
) -> None:
    assert objection_blocker(NOTIFIED_MON_9, WED_11, cal) is None
    assert objection_blocker(NOTIFIED_MON_9, THU_12, cal) == Blocker(
        "R15.3", "objection_window_closed", closed_on=WED_11
    )


def test_remarks_need_the_protocol_read_and_the_window_open_R15_5_R15_6(
    cal: WorkingCalendar,
) -> None:
    assert remarks_blocker(NOTIFIED_MON_9, TUE_10, cal) == Blocker("R15.5", "protocol_not_read")
    read = dataclasses.replace(NOTIFIED_MON_9, protocol_read_on=WED_11)
    assert remarks_blocker(read, MON_16, cal) is None
    assert remarks_blocker(read, TUE_17, cal) == Blocker(
        "R15.6", "remarks_window_closed", closed_on=MON_16
    )


def test_a_withdrawn_case_stops_its_clocks_instead_of_falling_overdue_L3_1() -> None:
    cal = WorkingCalendar()
    withdrawn = CaseMilestones(channel=Channel.PORTAL, needs_precinct=True,
                               term_started_on=date(2026, 4, 1), registered_on=date(2026, 4, 1),
                               sent_to_precinct_on=date(2026, 4, 2), ended_on=date(2026, 4, 3))
    found = {(d.rule, d.key): d for d in case_deadlines(withdrawn, cal)}
    late = date(2026, 6, 1)
    assert found[("L3.1", "service_term")].state(late) is DeadlineState.STOPPED
    assert not found[("L3.1", "service_term")].is_overdue(late)
    assert found[("R7.2", "")].state(late) is DeadlineState.DONE  # met before the end stays met
    assert overdue(found.values(), late) == []


def test_a_met_clock_cannot_also_be_stopped() -> None:
    with pytest.raises(ValueError, match="met was not stopped"):
        Deadline("L3.1", DeadlineKind.DUE_BY, date(2026, 4, 13), date(2026, 4, 10),
                 stopped_on=date(2026, 4, 11))
