"""Statutory deadlines of a case (L3.1, R7.2, R11.1, R15.1, R15.3, R15.6, R15.11)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.deadlines import (
    CaseMilestones,
    Deadline,
    DeadlineKind,
    cabinet_notification_due,
    case_deadlines,
    commission_submission_due,
    earliest_decision_date,
    is_objection_in_time,
    is_remark_in_time,
    may_decide_on,
    objection_window_closes,
    overdue,
    precinct_referral_due,
    remarks_window_closes,
    service_term_due,
)

# June 2025: Friday 6 June is Kurban Ait, so the first week has four working days.
MON_2 = date(2025, 6, 2)
TUE_3 = date(2025, 6, 3)
THU_5 = date(2025, 6, 5)
MON_9 = date(2025, 6, 9)
TUE_10 = date(2025, 6, 10)
WED_11 = date(2025, 6, 11)
THU_12 = date(2025, 6, 12)
FRI_13 = date(2025, 6, 13)
SAT_14 = date(2025, 6, 14)
MON_16 = date(2025, 6, 16)
TUE_17 = date(2025, 6, 17)

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))

FULL_PORTAL_CASE = CaseMilestones(
    channel=Channel.PORTAL,
    needs_precinct=True,
    registered_on=MON_2,
    sent_to_precinct_on=TUE_3,
    precinct_returned_on=THU_5,
    submitted_to_commission_on=MON_9,
    preliminary_notified_on=MON_9,
    objection_submitted_on=TUE_10,
    protocol_read_on=WED_11,
    remarks_submitted_on=THU_12,
    decided_on=MON_16,
    cabinet_notified_on=TUE_17,
)


# --- single periods ----------------------------------------------------------------------------


def test_service_term_is_eight_working_days_after_registration_L3_1(cal: WorkingCalendar) -> None:
    # 3, 4, 5 June, then 9–13 June: Kurban Ait and the weekend do not count.
    assert service_term_due(MON_2, cal) == FRI_13


def test_precinct_referral_is_due_the_next_working_day_R7_2(cal: WorkingCalendar) -> None:
    assert precinct_referral_due(MON_2, cal) == TUE_3
    assert precinct_referral_due(FRI_13, cal) == MON_16


def test_commission_submission_is_due_one_working_day_after_the_precinct_returns_R11_1(
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
    assert not is_objection_in_time(date(2025, 6, 18), date(2025, 6, 21), cal)


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


def test_a_case_that_has_not_been_registered_has_no_deadlines(cal: WorkingCalendar) -> None:
    assert case_deadlines(CaseMilestones(channel=Channel.PORTAL, needs_precinct=True), cal) == []


def test_a_full_portal_case_has_every_deadline_in_procedure_order(cal: WorkingCalendar) -> None:
    assert case_deadlines(FULL_PORTAL_CASE, cal) == [
        Deadline("L3.1", DeadlineKind.DUE_BY, FRI_13, met_on=MON_16),
        Deadline("R7.2", DeadlineKind.DUE_BY, TUE_3, met_on=TUE_3),
        Deadline("R11.1", DeadlineKind.DUE_BY, MON_9, met_on=MON_9),
        Deadline("R15.1", DeadlineKind.NOT_BEFORE, THU_12, met_on=MON_16),
        Deadline("R15.3", DeadlineKind.WINDOW_CLOSES, WED_11, met_on=TUE_10),
        Deadline("R15.6", DeadlineKind.WINDOW_CLOSES, MON_16, met_on=THU_12),
        Deadline("R15.11", DeadlineKind.DUE_BY, TUE_17, met_on=TUE_17),
    ]


def test_a_newly_registered_precinct_case_runs_the_service_term_and_the_referral_L3_1_R7_2(
    cal: WorkingCalendar,
) -> None:
    case = CaseMilestones(channel=Channel.PROVIDER, needs_precinct=True, registered_on=MON_2)
    deadlines = case_deadlines(case, cal)
    assert [d.rule for d in deadlines] == ["L3.1", "R7.2"]
    assert [d.rule for d in overdue(deadlines, THU_5)] == ["R7.2"]


def test_no_precinct_referral_deadline_when_the_ground_needs_no_inspection_R7_2(
    cal: WorkingCalendar,
) -> None:
    case = dataclasses.replace(FULL_PORTAL_CASE, needs_precinct=False)
    assert "R7.2" not in [d.rule for d in case_deadlines(case, cal)]


@pytest.mark.parametrize("channel", [Channel.PROVIDER, Channel.RURAL_AKIM, Channel.STATE_CORP])
def test_only_portal_applications_get_the_cabinet_notification_deadline_R15_11(
    cal: WorkingCalendar, channel: Channel
) -> None:
    case = dataclasses.replace(FULL_PORTAL_CASE, channel=channel)
    assert "R15.11" not in [d.rule for d in case_deadlines(case, cal)]


def test_a_decided_portal_case_not_yet_notified_is_overdue_the_second_working_day_R15_11(
    cal: WorkingCalendar,
) -> None:
    case = dataclasses.replace(FULL_PORTAL_CASE, cabinet_notified_on=None)
    late = overdue(case_deadlines(case, cal), date(2025, 6, 18))
    assert [d.rule for d in late] == ["R15.11"]


def test_milestones_are_passed_by_keyword() -> None:
    with pytest.raises(TypeError):
        CaseMilestones(Channel.PORTAL, True)  # type: ignore[call-arg]
