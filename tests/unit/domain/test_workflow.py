"""The case workflow: statuses, the transition table, who may do what (foundation, R15.1)."""

from __future__ import annotations

import pytest

from portal.domain.workflow import (
    TRANSITIONS,
    Action,
    IllegalTransition,
    Role,
    Status,
    allowed_actions,
    apply,
    is_decided,
    is_terminal,
    transition_for,
)

HAPPY_PATH_WITH_INSPECTION = [
    (Action.SUBMIT, Role.CITIZEN, Status.SUBMITTED),
    (Action.REGISTER, Role.SYSTEM, Status.REGISTERED),
    (Action.SEND_TO_PRECINCT, Role.INTAKE, Status.AT_PRECINCT),
    (Action.RECORD_INSPECTION, Role.PRECINCT, Status.AT_PRECINCT),
    (Action.CONCLUDE_PRECINCT, Role.PRECINCT, Status.PRECINCT_CONCLUDED),
    (Action.COMPUTE_INCOME, Role.SPECIALIST, Status.INCOME_COMPUTED),
    (Action.SUBMIT_TO_COMMISSION, Role.SPECIALIST, Status.AT_SPECIAL_COMMISSION),
    (Action.CONCLUDE_COMMISSION, Role.COMMISSION, Status.COMMISSION_CONCLUDED),
    (Action.DECIDE_GRANT, Role.HEAD, Status.GRANTED),
    (Action.NOTIFY, Role.SYSTEM, Status.NOTIFIED),
]

REFUSAL_PATH = [
    (Action.ACCEPT_PAPER, Role.INTAKE, Status.REGISTERED),
    (Action.SUBMIT_TO_COMMISSION, Role.SPECIALIST, Status.AT_SPECIAL_COMMISSION),
    (Action.CONCLUDE_COMMISSION, Role.COMMISSION, Status.COMMISSION_CONCLUDED),
    (Action.ISSUE_PRELIMINARY_REFUSAL, Role.SPECIALIST, Status.PRELIMINARY_REFUSAL),
    (Action.SUBMIT_OBJECTION, Role.CITIZEN, Status.OBJECTION_RECEIVED),
    (Action.HOLD_HEARING, Role.SPECIALIST, Status.HEARING_HELD),
    (Action.READ_PROTOCOL, Role.CITIZEN, Status.HEARING_HELD),
    (Action.SUBMIT_REMARKS, Role.CITIZEN, Status.HEARING_HELD),
    (Action.DECIDE_REFUSE, Role.HEAD, Status.REFUSED),
    (Action.NOTIFY, Role.SPECIALIST, Status.NOTIFIED),
]


@pytest.mark.parametrize("path", [HAPPY_PATH_WITH_INSPECTION, REFUSAL_PATH])
def test_a_case_walks_from_draft_to_notified(path: list[tuple[Action, Role, Status]]) -> None:
    status = Status.DRAFT
    for action, role, expected in path:
        status = apply(status, action, role)
        assert status is expected, action
    assert is_terminal(status)


def test_refusal_needs_a_preliminary_decision_first_R15_1() -> None:
    with pytest.raises(IllegalTransition) as caught:
        apply(Status.COMMISSION_CONCLUDED, Action.DECIDE_REFUSE, Role.HEAD)
    assert caught.value.reason == "wrong_status"
    assert Action.DECIDE_REFUSE not in allowed_actions(Status.COMMISSION_CONCLUDED, Role.HEAD)
    assert Action.DECIDE_REFUSE in allowed_actions(Status.PRELIMINARY_REFUSAL, Role.HEAD)


def test_only_the_head_of_department_decides() -> None:
    for role in Role:
        if role is Role.HEAD:
            continue
        with pytest.raises(IllegalTransition) as caught:
            apply(Status.COMMISSION_CONCLUDED, Action.DECIDE_GRANT, role)
        assert caught.value.reason == "wrong_role"
        assert str(role) in str(caught.value)


def test_the_1414_operator_can_never_change_a_case() -> None:
    for status in Status:
        assert allowed_actions(status, Role.OPERATOR) == []


def test_terminal_statuses_allow_nothing() -> None:
    for status in (Status.NOTIFIED, Status.WITHDRAWN, Status.REFUSED_ACCEPTANCE):
        assert is_terminal(status)
        for role in Role:
            assert allowed_actions(status, role) == []


def test_a_citizen_may_withdraw_until_the_decision_but_not_after() -> None:
    assert Action.WITHDRAW in allowed_actions(Status.HEARING_HELD, Role.CITIZEN)
    for status in (Status.GRANTED, Status.REFUSED):
        assert is_decided(status)
        assert Action.WITHDRAW not in allowed_actions(status, Role.CITIZEN)
    assert not is_decided(Status.HEARING_HELD)


def test_an_incomplete_paper_package_ends_in_a_refusal_to_accept_R6_2() -> None:
    assert apply(Status.DRAFT, Action.REFUSE_ACCEPTANCE, Role.INTAKE) is Status.REFUSED_ACCEPTANCE


def test_an_objection_can_only_follow_a_preliminary_refusal_R15_3() -> None:
    assert apply(Status.PRELIMINARY_REFUSAL, Action.SUBMIT_OBJECTION, Role.CITIZEN) is (
        Status.OBJECTION_RECEIVED
    )
    with pytest.raises(IllegalTransition):
        apply(Status.COMMISSION_CONCLUDED, Action.SUBMIT_OBJECTION, Role.CITIZEN)


def test_remarks_keep_the_status_and_need_a_hearing_held_R15_6() -> None:
    assert transition_for(Action.SUBMIT_REMARKS).target is None
    assert apply(Status.HEARING_HELD, Action.SUBMIT_REMARKS, Role.CITIZEN) is Status.HEARING_HELD
    with pytest.raises(IllegalTransition):
        apply(Status.PRELIMINARY_REFUSAL, Action.SUBMIT_REMARKS, Role.CITIZEN)


def test_every_status_is_reachable_from_draft() -> None:
    reached = {Status.DRAFT}
    frontier = [Status.DRAFT]
    while frontier:
        current = frontier.pop()
        for t in TRANSITIONS:
            if current in t.sources and t.target is not None and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(Status)


def test_every_action_has_exactly_one_transition() -> None:
    assert sorted(t.action for t in TRANSITIONS) == sorted(Action)
