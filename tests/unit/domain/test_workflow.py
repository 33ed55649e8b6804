"""The case workflow: statuses, the transition table, who may do what (foundation, R15.1)."""

from __future__ import annotations

import pytest

from portal.domain.grounds import GroundCategory, rule_for
from portal.domain.workflow import (
    TRANSITIONS,
    Action,
    CaseFacts,
    IllegalTransition,
    Role,
    Status,
    allowed_actions,
    apply,
    is_decided,
    is_terminal,
    transition_for,
)

INSPECTION_AND_INCOME = CaseFacts(needs_precinct=True, needs_income=True)  # low income
NEITHER = CaseFacts(needs_precinct=False, needs_income=False)  # e.g. orphanhood
ANY = INSPECTION_AND_INCOME

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


@pytest.mark.parametrize(
    ("path", "facts"), [(HAPPY_PATH_WITH_INSPECTION, INSPECTION_AND_INCOME), (REFUSAL_PATH, NEITHER)]
)
def test_a_case_walks_from_draft_to_notified(
    path: list[tuple[Action, Role, Status]], facts: CaseFacts
) -> None:
    status = Status.DRAFT
    for action, role, expected in path:
        status = apply(status, action, role, facts)
        assert status is expected, action
    assert is_terminal(status)


def test_refusal_needs_a_preliminary_decision_first_R15_1() -> None:
    with pytest.raises(IllegalTransition) as caught:
        apply(Status.COMMISSION_CONCLUDED, Action.DECIDE_REFUSE, Role.HEAD, ANY)
    assert caught.value.reason == "wrong_status"
    assert Action.DECIDE_REFUSE not in allowed_actions(Status.COMMISSION_CONCLUDED, Role.HEAD, ANY)
    assert Action.DECIDE_REFUSE in allowed_actions(Status.PRELIMINARY_REFUSAL, Role.HEAD, ANY)


def test_only_the_head_of_department_decides() -> None:
    for role in Role:
        if role is Role.HEAD:
            continue
        with pytest.raises(IllegalTransition) as caught:
            apply(Status.COMMISSION_CONCLUDED, Action.DECIDE_GRANT, role, ANY)
        assert caught.value.reason == "wrong_role"
        assert str(role) in str(caught.value)


def test_the_1414_operator_can_never_change_a_case() -> None:
    for status in Status:
        assert allowed_actions(status, Role.OPERATOR, ANY) == []


def test_terminal_statuses_allow_nothing() -> None:
    for status in (Status.NOTIFIED, Status.WITHDRAWN, Status.REFUSED_ACCEPTANCE):
        assert is_terminal(status)
        for role in Role:
            assert allowed_actions(status, role, ANY) == []


def test_a_citizen_may_withdraw_until_the_decision_but_not_after() -> None:
    assert Action.WITHDRAW in allowed_actions(Status.HEARING_HELD, Role.CITIZEN, ANY)
    for status in (Status.GRANTED, Status.REFUSED):
        assert is_decided(status)
        assert Action.WITHDRAW not in allowed_actions(status, Role.CITIZEN, ANY)
    assert not is_decided(Status.HEARING_HELD)


def test_an_incomplete_paper_package_ends_in_a_refusal_to_accept_R6_2() -> None:
    assert apply(Status.DRAFT, Action.REFUSE_ACCEPTANCE, Role.INTAKE, ANY) is Status.REFUSED_ACCEPTANCE


def test_an_objection_can_only_follow_a_preliminary_refusal_R15_3() -> None:
    assert apply(Status.PRELIMINARY_REFUSAL, Action.SUBMIT_OBJECTION, Role.CITIZEN, ANY) is (
        Status.OBJECTION_RECEIVED
    )
    with pytest.raises(IllegalTransition):
        apply(Status.COMMISSION_CONCLUDED, Action.SUBMIT_OBJECTION, Role.CITIZEN, ANY)


def test_remarks_keep_the_status_and_need_a_hearing_held_R15_6() -> None:
    assert transition_for(Action.SUBMIT_REMARKS).target is None
    assert apply(Status.HEARING_HELD, Action.SUBMIT_REMARKS, Role.CITIZEN, ANY) is Status.HEARING_HELD
    with pytest.raises(IllegalTransition):
        apply(Status.PRELIMINARY_REFUSAL, Action.SUBMIT_REMARKS, Role.CITIZEN, ANY)


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


def test_a_ground_with_inspection_cannot_skip_the_precinct_commission_R7_2() -> None:
    facts = CaseFacts(needs_precinct=True, needs_income=False)  # fire
    with pytest.raises(IllegalTransition) as caught:
        apply(Status.REGISTERED, Action.SUBMIT_TO_COMMISSION, Role.SPECIALIST, facts)
    assert caught.value.reason == "inspection_first"
    assert allowed_actions(Status.REGISTERED, Role.INTAKE, facts) == [Action.SEND_TO_PRECINCT]


def test_a_ground_without_inspection_is_not_sent_to_the_precinct_commission_R7_2() -> None:
    with pytest.raises(IllegalTransition) as caught:
        apply(Status.REGISTERED, Action.SEND_TO_PRECINCT, Role.INTAKE, NEITHER)
    assert caught.value.reason == "no_inspection_needed"
    assert apply(Status.REGISTERED, Action.SUBMIT_TO_COMMISSION, Role.SPECIALIST, NEITHER) is (
        Status.AT_SPECIAL_COMMISSION
    )


def test_low_income_needs_the_income_computed_before_the_commission_R11_1() -> None:
    with pytest.raises(IllegalTransition) as caught:
        apply(Status.PRECINCT_CONCLUDED, Action.SUBMIT_TO_COMMISSION, Role.SPECIALIST,
              INSPECTION_AND_INCOME)
    assert caught.value.reason == "income_first"
    with pytest.raises(IllegalTransition) as early:
        apply(Status.REGISTERED, Action.COMPUTE_INCOME, Role.SPECIALIST, INSPECTION_AND_INCOME)
    assert early.value.reason == "inspection_first"


def test_income_is_not_computed_for_assistance_regardless_of_income_R11_2() -> None:
    with pytest.raises(IllegalTransition) as caught:
        apply(Status.REGISTERED, Action.COMPUTE_INCOME, Role.SPECIALIST, NEITHER)
    assert caught.value.reason == "no_income_needed"
    assert Action.COMPUTE_INCOME not in allowed_actions(Status.REGISTERED, Role.SPECIALIST, NEITHER)


def test_case_facts_follow_the_ground_configuration() -> None:
    fire = rule_for(GroundCategory.FIRE)
    facts = CaseFacts(fire.needs_precinct_inspection, fire.needs_income)
    assert facts == CaseFacts(needs_precinct=True, needs_income=False)
