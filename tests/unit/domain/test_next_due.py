"""The nearest open duty of a case: what the staff queue sorts by (domain.deadlines.next_due)."""

from __future__ import annotations

import datetime as dt

from portal.domain.calendar import Channel, WorkingCalendar
from portal.domain.deadlines import CaseMilestones, case_deadlines, next_due, overdue

CAL = WorkingCalendar()
MONDAY = dt.date(2026, 11, 23)


def test_l3_1_r7_2_the_nearest_open_duty_is_the_precinct_referral_then_the_decision() -> None:
    m = CaseMilestones(channel=Channel.PROVIDER, needs_precinct=True, term_started_on=MONDAY,
                       registered_on=MONDAY)
    assert next_due(case_deadlines(m, CAL)) == dt.date(2026, 11, 24)
    sent = CaseMilestones(channel=Channel.PROVIDER, needs_precinct=True, term_started_on=MONDAY,
                          registered_on=MONDAY, sent_to_precinct_on=MONDAY)
    assert next_due(case_deadlines(sent, CAL)) == dt.date(2026, 12, 2)


def test_r11_1_income_within_one_working_day_comes_before_the_decision_target() -> None:
    m = CaseMilestones(channel=Channel.PORTAL, needs_precinct=True, term_started_on=MONDAY,
                       registered_on=MONDAY, sent_to_precinct_on=MONDAY,
                       documents_received_on=dt.date(2026, 11, 26))
    assert next_due(case_deadlines(m, CAL)) == dt.date(2026, 11, 27)


def test_r15_3_r15_6_recipient_windows_and_earliest_dates_are_not_duties() -> None:
    m = CaseMilestones(channel=Channel.PORTAL, needs_precinct=False, term_started_on=MONDAY,
                       registered_on=MONDAY, decided_on=None,
                       preliminary_delivered_on=MONDAY, protocol_read_on=MONDAY)
    # The objection window (R15.3) and the remarks window (R15.6) close before the decision
    # target, but nobody in the office owes anything by then.
    assert next_due(case_deadlines(m, CAL)) == dt.date(2026, 12, 2)


def test_r15_11_after_a_portal_decision_the_cabinet_notification_is_due() -> None:
    m = CaseMilestones(channel=Channel.PORTAL, needs_precinct=False, term_started_on=MONDAY,
                       registered_on=MONDAY, decided_on=dt.date(2026, 11, 30))
    assert next_due(case_deadlines(m, CAL)) == dt.date(2026, 12, 1)


def test_l3_1_a_case_is_overdue_exactly_when_its_next_due_day_has_passed() -> None:
    m = CaseMilestones(channel=Channel.PORTAL, needs_precinct=False, term_started_on=MONDAY,
                       registered_on=MONDAY)
    deadlines = case_deadlines(m, CAL)
    due = next_due(deadlines)
    assert due is not None
    assert overdue(deadlines, due) == []
    assert overdue(deadlines, due + dt.timedelta(days=1)) != []


def test_a_finished_or_stopped_case_has_no_next_due() -> None:
    done = CaseMilestones(channel=Channel.PORTAL, needs_precinct=False, term_started_on=MONDAY,
                          registered_on=MONDAY, decided_on=MONDAY, result_issued_on=MONDAY,
                          cabinet_notified_on=MONDAY)
    stopped = CaseMilestones(channel=Channel.PORTAL, needs_precinct=False,
                             term_started_on=MONDAY, ended_on=MONDAY)
    draft = CaseMilestones(channel=Channel.PORTAL, needs_precinct=False)
    assert [next_due(case_deadlines(m, CAL)) for m in (done, stopped, draft)] == [None] * 3
