"""Whole refusal cases walked day by day on the real calendar (L3.1, R7.1, R7.2, R11.1, R15).

Each step goes through ``guard.check`` as a service would, and records the day it happened in the
case's milestones, so the dates the law counts from are the ones the steps produced.
"""

from __future__ import annotations

import copy
import dataclasses
from datetime import date, datetime, timedelta

import pytest

from portal.domain.calendar import ALMATY, Channel, WorkingCalendar
from portal.domain.deadlines import CaseMilestones, DeadlineState, case_deadlines, overdue
from portal.domain.guard import CaseState, check
from portal.domain.workflow import Action, Actor, CaseFacts, IllegalTransition, Role, Status

CITIZEN = Actor(Role.CITIZEN)
SYSTEM = Actor(Role.SYSTEM)
SPECIALIST = Actor(Role.SPECIALIST)
PRECINCT = Actor(Role.PRECINCT)
COMMISSION = Actor(Role.COMMISSION)
HEAD = Actor(Role.HEAD)
PROVIDER_DESK = Actor(Role.INTAKE, Channel.PROVIDER)

LOW_INCOME = CaseFacts(needs_precinct=True, needs_income=True)

# The milestone each step dates.
_RECORDS: dict[Action, str] = {
    Action.REGISTER: "registered_on",
    Action.SEND_TO_PRECINCT: "sent_to_precinct_on",
    Action.RECEIVE_DOCUMENTS: "documents_received_on",
    Action.COMPUTE_INCOME: "income_computed_on",
    Action.SUBMIT_TO_COMMISSION: "submitted_to_commission_on",
    Action.ISSUE_PRELIMINARY_REFUSAL: "preliminary_issued_on",
    Action.DELIVER_PRELIMINARY_NOTICE: "preliminary_delivered_on",
    Action.SUBMIT_OBJECTION: "objection_submitted_on",
    Action.HOLD_HEARING: "hearing_held_on",
    Action.READ_PROTOCOL: "protocol_read_on",
    Action.SUBMIT_REMARKS: "remarks_submitted_on",
    Action.DECIDE_REFUSE: "decided_on",
    Action.DECIDE_GRANT: "decided_on",
    Action.NOTIFY: "result_issued_on",
}


class Case:
    """A portal case for low income, moved only through the guard."""

    def __init__(self, applied_at: datetime, cal: WorkingCalendar) -> None:
        self.cal = cal
        self.state = CaseState(
            status=Status.SUBMITTED,
            facts=LOW_INCOME,
            milestones=CaseMilestones(
                channel=Channel.PORTAL, needs_precinct=True,
                term_started_on=cal.term_starts_on(applied_at, Channel.PORTAL),
            ),
        )

    @property
    def status(self) -> Status:
        return self.state.status

    @property
    def milestones(self) -> CaseMilestones:
        return self.state.milestones

    def do(self, action: Action, actor: Actor, on: date) -> None:
        status = check(self.state, action, actor, on, self.cal)
        m = self.state.milestones
        changes: dict[str, object] = {}
        field = _RECORDS.get(action)
        # Several objections may come; the window is judged by the first.
        if field is not None and getattr(m, field) is None:
            changes[field] = on
        if action is Action.DECIDE_REFUSE:
            changes["refused"] = True
        if action is Action.NOTIFY:
            changes["cabinet_notified_on"] = on
        self.state = dataclasses.replace(
            self.state, status=status, milestones=dataclasses.replace(m, **changes),  # type: ignore[arg-type]
            has_inspection_act=self.state.has_inspection_act or action is Action.RECORD_INSPECTION,
        )

    def refusal_on(self, day: date) -> tuple[str, date | None] | None:
        """Why the head may not refuse on ``day`` (rule, first lawful day), or None if lawful."""
        try:
            check(self.state, Action.DECIDE_REFUSE, HEAD, day, self.cal)
        except IllegalTransition as error:
            assert error.rule is not None
            return error.rule, error.possible_from
        return None


def days_from(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def review_to_preliminary_refusal(case: Case, days: list[date]) -> None:
    """Registration to the preliminary refusal on the given working days, two steps a day."""
    steps = [
        (Action.REGISTER, SYSTEM),
        (Action.SEND_TO_PRECINCT, PROVIDER_DESK),
        (Action.RECORD_INSPECTION, PRECINCT),
        (Action.CONCLUDE_PRECINCT, PRECINCT),
        (Action.RECEIVE_DOCUMENTS, SPECIALIST),
        (Action.COMPUTE_INCOME, SPECIALIST),
        (Action.SUBMIT_TO_COMMISSION, SPECIALIST),
        (Action.CONCLUDE_COMMISSION, COMMISSION),
        (Action.ISSUE_PRELIMINARY_REFUSAL, SPECIALIST),
        (Action.DELIVER_PRELIMINARY_NOTICE, SPECIALIST),
    ]
    for n, (action, actor) in enumerate(steps):
        case.do(action, actor, days[min(n // 2, len(days) - 1)])
    assert case.status is Status.PRELIMINARY_REFUSAL


def test_a_notice_delivered_on_the_thursday_before_kurban_ait_allows_a_refusal_on_wednesday_R15_1_R15_3(
    cal: WorkingCalendar,
) -> None:
    """Kurban Ait fell on Friday 6 June 2025: the weekend and the holiday do not count."""
    thu_5, fri_6, sat_7, sun_8 = (date(2025, 6, d) for d in (5, 6, 7, 8))
    mon_9, tue_10, wed_11, thu_12, fri_13 = (date(2025, 6, d) for d in (9, 10, 11, 12, 13))
    case = Case(datetime(2025, 6, 2, 10, 15, tzinfo=ALMATY), cal)
    assert case.milestones.term_started_on == date(2025, 6, 2)
    review_to_preliminary_refusal(case, [date(2025, 6, 2), date(2025, 6, 3), date(2025, 6, 4),
                                         thu_5, thu_5])
    assert case.milestones.preliminary_delivered_on == thu_5

    # The hearing is on Monday; the person does not object.
    for day in days_from(thu_5, wed_11):
        if day == mon_9:
            case.do(Action.HOLD_HEARING, SPECIALIST, mon_9)
        blocked = case.refusal_on(day)
        if day < wed_11:
            assert blocked == ("R15.3", wed_11), day
        else:
            assert blocked is None

    assert not cal.is_working_day(fri_6) and not cal.is_working_day(sat_7)
    assert not cal.is_working_day(sun_8)
    with pytest.raises(IllegalTransition) as late:
        case.do(Action.SUBMIT_OBJECTION, CITIZEN, wed_11)
    assert (late.value.rule, late.value.closed_on) == ("R15.3", tue_10)

    case.do(Action.DECIDE_REFUSE, HEAD, wed_11)
    case.do(Action.NOTIFY, SYSTEM, thu_12)
    assert case.status is Status.NOTIFIED
    deadlines = case_deadlines(case.milestones, cal)
    assert [(d.rule, d.key, d.due) for d in deadlines] == [
        ("L3.1", "service_term", fri_13),
        ("L3.1", "decision_target", thu_12),
        ("R7.2", "", date(2025, 6, 3)),
        ("R11.1", "", thu_5),
        ("R15.1", "", wed_11),
        ("R15.3", "", tue_10),
        ("R15.11", "", thu_12),
    ]
    assert [d.state(thu_12) for d in deadlines] == [
        DeadlineState.DONE, DeadlineState.DONE, DeadlineState.DONE, DeadlineState.DONE,
        DeadlineState.DONE, DeadlineState.CLOSED, DeadlineState.DONE,
    ]
    assert overdue(deadlines, thu_12) == []


def test_an_oral_objection_with_a_protocol_moves_the_refusal_past_kurban_ait_2026_R15_4_R15_7(
    cal: WorkingCalendar,
) -> None:
    """Kurban Ait 2026 (Wednesday 27 May, pinned by DEFAULT_OVERRIDES) falls in the remarks
    window; the refusal becomes lawful on Tuesday 2 June 2026."""
    thu_21, fri_22, mon_25, tue_26 = (date(2026, 5, d) for d in (21, 22, 25, 26))
    wed_27, fri_29 = date(2026, 5, 27), date(2026, 5, 29)
    mon_1, tue_2 = date(2026, 6, 1), date(2026, 6, 2)
    # Applied on the portal on Saturday 16 May: the term starts on Monday 18 May.
    case = Case(datetime(2026, 5, 16, 11, tzinfo=ALMATY), cal)
    assert case.milestones.term_started_on == date(2026, 5, 18)
    review_to_preliminary_refusal(case, [date(2026, 5, 18), date(2026, 5, 19), date(2026, 5, 20),
                                         thu_21, thu_21])

    expected: dict[date, tuple[str, date | None] | None] = {}
    for day in days_from(thu_21, tue_2):
        if day == fri_22:
            case.do(Action.HOLD_HEARING, SPECIALIST, day)
            case.do(Action.SUBMIT_OBJECTION, SPECIALIST, day)  # stated orally, R15.4
        if day == mon_25:
            case.do(Action.SUBMIT_OBJECTION, CITIZEN, day)  # and again in writing
        if day == tue_26:
            case.do(Action.READ_PROTOCOL, CITIZEN, day)
        expected[day] = case.refusal_on(day)

    assert case.status is Status.HEARING_HELD
    assert case.milestones.objection_submitted_on == fri_22
    assert not cal.is_working_day(wed_27)
    assert expected[thu_21] == ("R15.3", tue_26)
    assert expected[fri_22] == ("R15.1", tue_26)  # objection in: only the notice period runs
    assert expected[mon_25] == ("R15.1", tue_26)
    for day in days_from(tue_26, mon_1):  # read on the 26th: 28, 29 May and 1 June for remarks
        assert expected[day] == ("R15.6", tue_2), day
    assert expected[tue_2] is None

    # Remarks on the last day of their window still count, and then allow the refusal at once.
    remarked = copy.copy(case)
    remarked.do(Action.SUBMIT_REMARKS, CITIZEN, mon_1)
    assert remarked.refusal_on(mon_1) is None
    with pytest.raises(IllegalTransition) as late:
        case.do(Action.SUBMIT_REMARKS, CITIZEN, tue_2)
    assert (late.value.rule, late.value.closed_on) == ("R15.6", mon_1)

    case.do(Action.DECIDE_REFUSE, HEAD, tue_2)
    r15_7 = [d for d in case_deadlines(case.milestones, cal) if d.rule == "R15.7"]
    assert [(d.due, d.state(tue_2)) for d in r15_7] == [(tue_2, DeadlineState.DONE)]
    term = case_deadlines(case.milestones, cal)[0]
    # The term (18 May + 8 working days, Kurban Ait skipped) ended before the refusal could.
    assert (term.key, term.due, term.state(tue_2)) == ("service_term", fri_29,
                                                        DeadlineState.OVERDUE)


@pytest.mark.parametrize(
    ("delivered", "first_lawful"),
    [
        (date(2025, 6, 5), date(2025, 6, 11)),  # Thu before Kurban Ait 2025
        (date(2025, 3, 20), date(2025, 3, 28)),  # Thu before Nauryz 2025 (21–25 March off)
        (date(2024, 12, 31), date(2025, 1, 8)),  # New Year, the worked Sunday, Christmas
        (date(2025, 12, 11), date(2025, 12, 17)),  # Thu before Independence Day
        (date(2026, 5, 26), date(2026, 6, 1)),  # Tue before Kurban Ait 2026
    ],
)
def test_the_first_lawful_refusal_day_after_a_notice_on_the_real_calendar_R15_1_R15_3(
    cal: WorkingCalendar, delivered: date, first_lawful: date
) -> None:
    state = CaseState(
        status=Status.HEARING_HELD,
        facts=LOW_INCOME,
        milestones=CaseMilestones(channel=Channel.PROVIDER, needs_precinct=True,
                                  preliminary_delivered_on=delivered, hearing_held_on=delivered),
    )
    lawful = [
        day for day in days_from(delivered, first_lawful + timedelta(days=3))
        if _may_refuse(state, day, cal)
    ]
    assert lawful[0] == first_lawful
    assert lawful == [d for d in lawful if d >= first_lawful]


def _may_refuse(state: CaseState, day: date, cal: WorkingCalendar) -> bool:
    try:
        check(state, Action.DECIDE_REFUSE, HEAD, day, cal)
    except IllegalTransition as error:
        assert error.possible_from is not None
        return False
    return True

