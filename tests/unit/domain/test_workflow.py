"""The case workflow: statuses, the transition table, who may do what at which desk (R6–R15, F5)."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.calendar import Channel
from portal.domain.grounds import GroundCategory, load_ground_rules, rule_for
from portal.domain.workflow import (
    REFUSAL_PENDING,
    TRANSITIONS,
    Action,
    Actor,
    CaseFacts,
    IllegalTransition,
    Role,
    Status,
    allowed_actions,
    apply,
    desk_blocker,
    is_decided,
    is_terminal,
    transition_for,
)

LOW_INCOME = CaseFacts(needs_precinct=True, needs_income=True)
FIRE = CaseFacts(needs_precinct=True, needs_income=False)
ORPHAN = CaseFacts(needs_precinct=False, needs_income=False)
# A district may let a ground outside subparagraphs 1), 2), 4) go to a decision without the
# special commission (grounds.GroundRule.needs_special_commission).
ORPHAN_WITHOUT_COMMISSION = CaseFacts(needs_precinct=False, needs_income=False,
                                      needs_commission=False)
ANY = LOW_INCOME

CITIZEN = Actor(Role.CITIZEN)
SYSTEM = Actor(Role.SYSTEM)
SPECIALIST = Actor(Role.SPECIALIST)
PRECINCT = Actor(Role.PRECINCT)
COMMISSION = Actor(Role.COMMISSION)
HEAD = Actor(Role.HEAD)
OPERATOR = Actor(Role.OPERATOR)
PROVIDER_DESK = Actor(Role.INTAKE, Channel.PROVIDER)
AKIM_DESK = Actor(Role.INTAKE, Channel.RURAL_AKIM)
STATE_CORP_DESK = Actor(Role.INTAKE, Channel.STATE_CORP)
LOCAL_DESKS = [PROVIDER_DESK, AKIM_DESK]
ALL_DESKS = [PROVIDER_DESK, AKIM_DESK, STATE_CORP_DESK]

UNDER_REVIEW = [
    Status.REGISTERED, Status.AT_PRECINCT, Status.INSPECTION_REFUSED, Status.PRECINCT_CONCLUDED,
    Status.INCOME_COMPUTED, Status.AT_SPECIAL_COMMISSION, Status.COMMISSION_CONCLUDED,
]

Step = tuple[Action, Actor, Status]

PORTAL_GRANT_WITH_INSPECTION: list[Step] = [
    (Action.SUBMIT, CITIZEN, Status.SUBMITTED),
    (Action.REGISTER, SYSTEM, Status.REGISTERED),
    (Action.SEND_TO_PRECINCT, PROVIDER_DESK, Status.AT_PRECINCT),
    (Action.RECORD_INSPECTION, PRECINCT, Status.AT_PRECINCT),
    (Action.CONCLUDE_PRECINCT, PRECINCT, Status.PRECINCT_CONCLUDED),
    (Action.RECEIVE_DOCUMENTS, SPECIALIST, Status.PRECINCT_CONCLUDED),
    (Action.COMPUTE_INCOME, SPECIALIST, Status.INCOME_COMPUTED),
    (Action.SUBMIT_TO_COMMISSION, SPECIALIST, Status.AT_SPECIAL_COMMISSION),
    (Action.CONCLUDE_COMMISSION, COMMISSION, Status.COMMISSION_CONCLUDED),
    (Action.DECIDE_GRANT, HEAD, Status.GRANTED),
    (Action.NOTIFY, SYSTEM, Status.NOTIFIED),
]

PAPER_REFUSAL_AT_THE_STATE_CORPORATION: list[Step] = [
    (Action.ACCEPT_PAPER, STATE_CORP_DESK, Status.SUBMITTED),
    (Action.REGISTER, PROVIDER_DESK, Status.REGISTERED),
    (Action.SUBMIT_TO_COMMISSION, SPECIALIST, Status.AT_SPECIAL_COMMISSION),
    (Action.CONCLUDE_COMMISSION, COMMISSION, Status.COMMISSION_CONCLUDED),
    (Action.ISSUE_PRELIMINARY_REFUSAL, SPECIALIST, Status.PRELIMINARY_REFUSAL),
    (Action.DELIVER_PRELIMINARY_NOTICE, STATE_CORP_DESK, Status.PRELIMINARY_REFUSAL),
    (Action.SUBMIT_OBJECTION, CITIZEN, Status.OBJECTION_RECEIVED),
    (Action.HOLD_HEARING, SPECIALIST, Status.HEARING_HELD),
    (Action.READ_PROTOCOL, CITIZEN, Status.HEARING_HELD),
    (Action.SUBMIT_REMARKS, CITIZEN, Status.HEARING_HELD),
    (Action.DECIDE_REFUSE, HEAD, Status.REFUSED),
    (Action.NOTIFY, STATE_CORP_DESK, Status.NOTIFIED),
]

ORPHAN_GRANTED_WITHOUT_COMMISSION: list[Step] = [
    (Action.ACCEPT_PAPER, AKIM_DESK, Status.SUBMITTED),
    (Action.REGISTER, AKIM_DESK, Status.REGISTERED),
    (Action.DECIDE_GRANT, HEAD, Status.GRANTED),
    (Action.NOTIFY, AKIM_DESK, Status.NOTIFIED),
]


def rejection(status: Status, action: Action, actor: Actor, facts: CaseFacts = ANY) -> str:
    with pytest.raises(IllegalTransition) as caught:
        apply(status, action, actor, facts)
    assert caught.value.status is status
    assert caught.value.action is action
    assert caught.value.role is actor.role
    return caught.value.reason


# --- whole paths -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "facts"),
    [
        (PORTAL_GRANT_WITH_INSPECTION, LOW_INCOME),
        (PAPER_REFUSAL_AT_THE_STATE_CORPORATION, ORPHAN),
        (ORPHAN_GRANTED_WITHOUT_COMMISSION, ORPHAN_WITHOUT_COMMISSION),
    ],
    ids=["portal-grant-low-income", "paper-refusal-state-corp", "grant-without-commission"],
)
def test_a_case_walks_from_draft_to_notified_R7_1_R7_2_R11_1_R15_8(
    path: list[Step], facts: CaseFacts
) -> None:
    status = Status.DRAFT
    for action, actor, expected in path:
        assert action in allowed_actions(status, actor, facts), action
        status = apply(status, action, actor, facts)
        assert status is expected, action
    assert is_terminal(status)


# --- desks (R6.1, R6.2, R7.1, R7.2) ------------------------------------------------------------


@pytest.mark.parametrize("desk", ALL_DESKS, ids=lambda a: a.desk)
def test_every_desk_accepts_a_paper_package_R6_1(desk: Actor) -> None:
    assert apply(Status.DRAFT, Action.ACCEPT_PAPER, desk, ANY) is Status.SUBMITTED


def test_accepting_at_a_desk_does_not_register_the_application_R6_1_R7_1() -> None:
    assert transition_for(Action.ACCEPT_PAPER).target is Status.SUBMITTED


@pytest.mark.parametrize("desk", LOCAL_DESKS, ids=lambda a: a.desk)
def test_the_provider_or_rural_akim_desk_registers_R7_1(desk: Actor) -> None:
    assert apply(Status.SUBMITTED, Action.REGISTER, desk, ANY) is Status.REGISTERED


def test_a_state_corporation_desk_accepts_but_does_not_register_R7_1() -> None:
    assert rejection(Status.SUBMITTED, Action.REGISTER, STATE_CORP_DESK) == "wrong_desk"
    assert Action.REGISTER not in allowed_actions(Status.SUBMITTED, STATE_CORP_DESK, ANY)


@pytest.mark.parametrize("actor", [SYSTEM, SPECIALIST], ids=lambda a: a.role)
def test_the_provider_registers_portal_applications_without_a_desk_R7_1(actor: Actor) -> None:
    assert apply(Status.SUBMITTED, Action.REGISTER, actor, ANY) is Status.REGISTERED


@pytest.mark.parametrize("desk", LOCAL_DESKS, ids=lambda a: a.desk)
def test_the_provider_or_rural_akim_desk_sends_documents_to_the_precinct_R7_2(desk: Actor) -> None:
    assert apply(Status.REGISTERED, Action.SEND_TO_PRECINCT, desk, FIRE) is Status.AT_PRECINCT


def test_a_state_corporation_desk_does_not_send_to_the_precinct_commission_R7_2() -> None:
    assert rejection(Status.REGISTERED, Action.SEND_TO_PRECINCT, STATE_CORP_DESK, FIRE) == (
        "wrong_desk"
    )
    assert allowed_actions(Status.REGISTERED, STATE_CORP_DESK, FIRE) == []
    assert allowed_actions(Status.REGISTERED, PROVIDER_DESK, FIRE) == [Action.SEND_TO_PRECINCT]


@pytest.mark.parametrize("desk", ALL_DESKS, ids=lambda a: a.desk)
def test_every_desk_refuses_an_incomplete_package_handed_in_to_it_R6_2(desk: Actor) -> None:
    assert apply(Status.DRAFT, Action.REFUSE_ACCEPTANCE, desk, ANY) is Status.REFUSED_ACCEPTANCE


@pytest.mark.parametrize("actor", [PROVIDER_DESK, AKIM_DESK, SPECIALIST], ids=str)
def test_a_submitted_application_is_refused_by_the_provider_or_rural_akim_R6_2(
    actor: Actor,
) -> None:
    # Portal applications included: they arrive SUBMITTED and the provider checks the package.
    assert apply(Status.SUBMITTED, Action.REFUSE_ACCEPTANCE, actor, ANY) is (
        Status.REFUSED_ACCEPTANCE
    )


def test_a_state_corporation_desk_cannot_refuse_what_it_already_accepted_R6_2() -> None:
    assert rejection(Status.SUBMITTED, Action.REFUSE_ACCEPTANCE, STATE_CORP_DESK) == "wrong_desk"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED])
def test_the_citizen_cannot_refuse_their_own_application_R6_2(status: Status) -> None:
    assert rejection(status, Action.REFUSE_ACCEPTANCE, CITIZEN) == "wrong_role"


def test_acceptance_cannot_be_refused_once_registered_R6_2() -> None:
    assert rejection(Status.REGISTERED, Action.REFUSE_ACCEPTANCE, PROVIDER_DESK) == "wrong_status"


def test_an_intake_actor_without_a_desk_may_do_nothing() -> None:
    nobody = Actor(Role.INTAKE)
    assert rejection(Status.DRAFT, Action.ACCEPT_PAPER, nobody) == "no_desk"
    assert all(allowed_actions(status, nobody, ANY) == [] for status in Status)


def test_the_portal_is_a_channel_but_not_a_desk_R2_2() -> None:
    portal = Actor(Role.INTAKE, Channel.PORTAL)
    for t in TRANSITIONS:
        if Role.INTAKE in t.roles:
            for status in t.sources:
                assert desk_blocker(status, t.action, portal) == "wrong_desk", t.action
    assert all(allowed_actions(status, portal, ANY) == [] for status in Status)


def test_only_intake_staff_are_asked_for_a_desk() -> None:
    assert desk_blocker(Status.SUBMITTED, Action.REGISTER, SYSTEM) is None


# --- roles -------------------------------------------------------------------------------------


def test_only_the_head_of_department_decides_F5() -> None:
    for role in Role:
        if role is Role.HEAD:
            continue
        actor = Actor(role, Channel.PROVIDER if role is Role.INTAKE else None)
        with pytest.raises(IllegalTransition) as caught:
            apply(Status.COMMISSION_CONCLUDED, Action.DECIDE_GRANT, actor, ANY)
        assert caught.value.reason == "wrong_role"
        assert str(role) in str(caught.value)


def test_the_1414_operator_can_never_change_a_case_L10_1() -> None:
    for status in Status:
        assert allowed_actions(status, OPERATOR, ANY) == []


def test_terminal_statuses_allow_nothing() -> None:
    for status in (Status.NOTIFIED, Status.WITHDRAWN, Status.REFUSED_ACCEPTANCE):
        assert is_terminal(status)
        for role in Role:
            for desk in (None, *Channel):
                assert allowed_actions(status, Actor(role, desk), ANY) == []


def test_a_citizen_may_withdraw_until_the_decision_but_not_after() -> None:
    assert Action.WITHDRAW in allowed_actions(Status.HEARING_HELD, CITIZEN, ANY)
    assert apply(Status.DRAFT, Action.WITHDRAW, CITIZEN, ANY) is Status.WITHDRAWN
    for status in (Status.GRANTED, Status.REFUSED):
        assert is_decided(status)
        assert Action.WITHDRAW not in allowed_actions(status, CITIZEN, ANY)
    assert not is_decided(Status.HEARING_HELD)
    assert not is_terminal(Status.GRANTED)


# --- route by ground (R7.2, R11.1, R11.2, F5) ----------------------------------------------------


def test_a_ground_with_inspection_cannot_skip_the_precinct_commission_R7_2() -> None:
    for action in (Action.RECEIVE_DOCUMENTS, Action.COMPUTE_INCOME, Action.SUBMIT_TO_COMMISSION):
        assert rejection(Status.REGISTERED, action, SPECIALIST, FIRE) == "inspection_first"
    assert rejection(Status.REGISTERED, Action.DECIDE_GRANT, HEAD, FIRE) == "inspection_first"
    assert allowed_actions(Status.REGISTERED, SPECIALIST, FIRE) == [
        Action.SEND_TO_PRECINCT, Action.ISSUE_PRELIMINARY_REFUSAL,
    ]


def test_a_ground_without_inspection_is_not_sent_to_the_precinct_commission_R7_2() -> None:
    assert rejection(Status.REGISTERED, Action.SEND_TO_PRECINCT, PROVIDER_DESK, ORPHAN) == (
        "no_inspection_needed"
    )
    assert apply(Status.REGISTERED, Action.SUBMIT_TO_COMMISSION, SPECIALIST, ORPHAN) is (
        Status.AT_SPECIAL_COMMISSION
    )


def test_the_inspection_is_recorded_or_refused_and_then_concluded_F3_F4() -> None:
    assert apply(Status.AT_PRECINCT, Action.RECORD_INSPECTION, PRECINCT, FIRE) is Status.AT_PRECINCT
    refused = apply(Status.AT_PRECINCT, Action.RECORD_INSPECTION_REFUSAL, PRECINCT, FIRE)
    assert refused is Status.INSPECTION_REFUSED
    assert apply(refused, Action.CONCLUDE_PRECINCT, PRECINCT, FIRE) is Status.PRECINCT_CONCLUDED


def test_documents_are_received_back_from_the_precinct_commission_keeping_the_status_R11_1() -> None:
    assert transition_for(Action.RECEIVE_DOCUMENTS).target is None
    assert apply(Status.PRECINCT_CONCLUDED, Action.RECEIVE_DOCUMENTS, SPECIALIST, FIRE) is (
        Status.PRECINCT_CONCLUDED
    )


def test_documents_may_come_from_the_rural_akim_without_an_inspection_R11_1() -> None:
    assert apply(Status.REGISTERED, Action.RECEIVE_DOCUMENTS, SPECIALIST, ORPHAN) is (
        Status.REGISTERED
    )


@pytest.mark.parametrize("facts", [FIRE, ORPHAN], ids=["fire", "orphan"])
def test_no_income_is_computed_for_a_ground_granted_regardless_of_income_R11_2(
    facts: CaseFacts,
) -> None:
    status = Status.PRECINCT_CONCLUDED if facts.needs_precinct else Status.REGISTERED
    assert rejection(status, Action.COMPUTE_INCOME, SPECIALIST, facts) == "no_income_needed"
    assert Action.COMPUTE_INCOME not in allowed_actions(status, SPECIALIST, facts)
    with pytest.raises(IllegalTransition) as refused:
        apply(status, Action.COMPUTE_INCOME, SPECIALIST, facts)
    assert refused.value.rule == "R11.2"


def test_income_is_computed_for_the_low_income_ground_R11_1() -> None:
    assert apply(Status.PRECINCT_CONCLUDED, Action.COMPUTE_INCOME, SPECIALIST, LOW_INCOME) is (
        Status.INCOME_COMPUTED)


def test_a_ground_granted_regardless_of_income_goes_to_the_commission_without_it_R11_2() -> None:
    assert apply(Status.PRECINCT_CONCLUDED, Action.SUBMIT_TO_COMMISSION, SPECIALIST, FIRE) is (
        Status.AT_SPECIAL_COMMISSION
    )


def test_low_income_needs_the_income_computed_before_the_commission_R11_1() -> None:
    assert rejection(Status.PRECINCT_CONCLUDED, Action.SUBMIT_TO_COMMISSION, SPECIALIST,
                     LOW_INCOME) == "income_first"
    assert apply(Status.INCOME_COMPUTED, Action.SUBMIT_TO_COMMISSION, SPECIALIST, LOW_INCOME) is (
        Status.AT_SPECIAL_COMMISSION
    )


def test_income_is_needed_before_a_grant_without_the_commission_too_R11_1_F5() -> None:
    facts = CaseFacts(needs_precinct=False, needs_income=True, needs_commission=False)
    assert rejection(Status.REGISTERED, Action.DECIDE_GRANT, HEAD, facts) == "income_first"
    assert apply(Status.INCOME_COMPUTED, Action.DECIDE_GRANT, HEAD, facts) is Status.GRANTED


@pytest.mark.parametrize(
    ("status", "facts"),
    [
        (Status.REGISTERED, ORPHAN),
        (Status.PRECINCT_CONCLUDED, FIRE),
        (Status.INCOME_COMPUTED, LOW_INCOME),
    ],
)
def test_a_ground_the_commission_concludes_on_is_not_granted_before_it_F5(
    status: Status, facts: CaseFacts
) -> None:
    assert rejection(status, Action.DECIDE_GRANT, HEAD, facts) == "commission_first"
    assert Action.DECIDE_GRANT not in allowed_actions(status, HEAD, facts)
    assert apply(Status.COMMISSION_CONCLUDED, Action.DECIDE_GRANT, HEAD, facts) is Status.GRANTED


@pytest.mark.parametrize(
    "status", [Status.REGISTERED, Status.PRECINCT_CONCLUDED, Status.INCOME_COMPUTED]
)
def test_a_ground_without_the_commission_is_granted_without_it_F5(status: Status) -> None:
    facts = CaseFacts(needs_precinct=status is Status.PRECINCT_CONCLUDED, needs_income=False,
                      needs_commission=False)
    assert apply(status, Action.DECIDE_GRANT, HEAD, facts) is Status.GRANTED


def test_case_facts_follow_the_ground_configuration_R7_2_L8_2_F5() -> None:
    fire = rule_for(GroundCategory.FIRE)
    facts = CaseFacts(fire.needs_precinct_inspection, fire.needs_income,
                      fire.needs_special_commission)
    assert facts == CaseFacts(needs_precinct=True, needs_income=False, needs_commission=True)
    district = load_ground_rules({"orphan": {"needs_special_commission": False}})
    orphan = rule_for(GroundCategory.ORPHAN, district)
    assert CaseFacts(orphan.needs_precinct_inspection, orphan.needs_income,
                     orphan.needs_special_commission) == ORPHAN_WITHOUT_COMMISSION


# --- preliminary refusal, objections, hearing (R15) ----------------------------------------------


@pytest.mark.parametrize("status", UNDER_REVIEW)
def test_a_preliminary_refusal_is_issued_whenever_an_l9_ground_is_found_R15_1(
    status: Status,
) -> None:
    assert apply(status, Action.ISSUE_PRELIMINARY_REFUSAL, SPECIALIST, ANY) is (
        Status.PRELIMINARY_REFUSAL
    )


@pytest.mark.parametrize(
    "status",
    [Status.DRAFT, Status.SUBMITTED, *sorted(REFUSAL_PENDING), Status.GRANTED, Status.REFUSED],
)
def test_no_preliminary_refusal_outside_the_review_R15_1(status: Status) -> None:
    assert rejection(status, Action.ISSUE_PRELIMINARY_REFUSAL, SPECIALIST) == "wrong_status"


def test_refusal_needs_a_preliminary_decision_first_R15_1() -> None:
    assert rejection(Status.COMMISSION_CONCLUDED, Action.DECIDE_REFUSE, HEAD) == "wrong_status"
    assert Action.DECIDE_REFUSE not in allowed_actions(Status.COMMISSION_CONCLUDED, HEAD, ANY)
    for status in REFUSAL_PENDING:
        assert apply(status, Action.DECIDE_REFUSE, HEAD, ANY) is Status.REFUSED


@pytest.mark.parametrize("status", sorted(REFUSAL_PENDING))
def test_a_grant_may_follow_a_preliminary_refusal_after_the_hearing_R15_7(status: Status) -> None:
    assert apply(status, Action.DECIDE_GRANT, HEAD, ANY) is Status.GRANTED


@pytest.mark.parametrize(
    "actor", [SPECIALIST, SYSTEM, *ALL_DESKS], ids=lambda a: f"{a.role}-{a.desk}"
)
def test_the_preliminary_notice_is_delivered_without_changing_the_status_R15_1(
    actor: Actor,
) -> None:
    for status in REFUSAL_PENDING:
        assert apply(status, Action.DELIVER_PRELIMINARY_NOTICE, actor, ANY) is status


def test_the_citizen_does_not_deliver_the_notice_to_themself_R15_1() -> None:
    assert rejection(Status.PRELIMINARY_REFUSAL, Action.DELIVER_PRELIMINARY_NOTICE, CITIZEN) == (
        "wrong_role"
    )


@pytest.mark.parametrize(
    ("status", "after"),
    [
        (Status.PRELIMINARY_REFUSAL, Status.OBJECTION_RECEIVED),
        (Status.OBJECTION_RECEIVED, Status.OBJECTION_RECEIVED),
        (Status.HEARING_HELD, Status.HEARING_HELD),
    ],
)
def test_an_objection_is_taken_in_every_status_of_a_pending_refusal_R15_3(
    status: Status, after: Status
) -> None:
    for actor in (CITIZEN, SPECIALIST):  # written by the citizen, or stated and recorded
        assert apply(status, Action.SUBMIT_OBJECTION, actor, ANY) is after


def test_several_objections_keep_the_case_where_the_first_one_put_it_R15_3() -> None:
    status = Status.PRELIMINARY_REFUSAL
    for _ in range(3):
        status = apply(status, Action.SUBMIT_OBJECTION, CITIZEN, ANY)
    assert status is Status.OBJECTION_RECEIVED
    assert transition_for(Action.SUBMIT_OBJECTION).keeps_status_in == {
        Status.OBJECTION_RECEIVED, Status.HEARING_HELD,
    }


def test_an_objection_can_only_follow_a_preliminary_refusal_R15_3() -> None:
    assert rejection(Status.COMMISSION_CONCLUDED, Action.SUBMIT_OBJECTION, CITIZEN) == (
        "wrong_status"
    )


def test_the_hearing_is_held_with_or_without_an_objection_R15_2() -> None:
    for status in (Status.PRELIMINARY_REFUSAL, Status.OBJECTION_RECEIVED):
        assert apply(status, Action.HOLD_HEARING, SPECIALIST, ANY) is Status.HEARING_HELD
    assert rejection(Status.HEARING_HELD, Action.HOLD_HEARING, SPECIALIST) == "wrong_status"


def test_remarks_keep_the_status_and_need_a_hearing_held_R15_6() -> None:
    assert transition_for(Action.SUBMIT_REMARKS).target is None
    assert apply(Status.HEARING_HELD, Action.READ_PROTOCOL, CITIZEN, ANY) is Status.HEARING_HELD
    assert apply(Status.HEARING_HELD, Action.SUBMIT_REMARKS, CITIZEN, ANY) is Status.HEARING_HELD
    assert rejection(Status.PRELIMINARY_REFUSAL, Action.SUBMIT_REMARKS, CITIZEN) == "wrong_status"


@pytest.mark.parametrize("status", [Status.GRANTED, Status.REFUSED])
def test_the_decision_is_notified_with_form_f6_or_f7_R15_8(status: Status) -> None:
    assert apply(status, Action.NOTIFY, SYSTEM, ANY) is Status.NOTIFIED


# --- the table ---------------------------------------------------------------------------------


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


def test_a_status_is_kept_only_where_the_action_may_be_taken() -> None:
    for t in TRANSITIONS:
        assert t.keeps_status_in <= t.sources, t.action


def test_an_illegal_transition_names_its_rule_and_the_dates_that_matter() -> None:
    error = IllegalTransition(
        Status.PRELIMINARY_REFUSAL, Action.DECIDE_REFUSE, Role.HEAD, "notice_period_running",
        rule="R15.1", possible_from=date(2025, 6, 11),
    )
    assert error.rule == "R15.1"
    assert error.possible_from == date(2025, 6, 11)
    assert error.closed_on is None
    assert str(error) == (
        "head may not decide_refuse a case in status preliminary_refusal: "
        "notice_period_running [R15.1] (possible from 2025-06-11)"
    )
    late = IllegalTransition(
        Status.HEARING_HELD, Action.SUBMIT_OBJECTION, Role.CITIZEN, "objection_window_closed",
        rule="R15.3", closed_on=date(2025, 6, 10),
    )
    assert str(late).endswith("objection_window_closed [R15.3] (closed on 2025-06-10)")
    plain = IllegalTransition(Status.DRAFT, Action.REGISTER, Role.CITIZEN, "wrong_status")
    assert (plain.rule, plain.possible_from, plain.closed_on) == (None, None, None)
    assert str(plain).endswith(": wrong_status")
