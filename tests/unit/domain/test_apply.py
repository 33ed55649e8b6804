"""The portal application F1-1 as sections (R3.1, R3.4, R6.3, L8, F1-2): what waits for what,
the state of each section, the register queries per person and the documents still to attach."""

from __future__ import annotations

import re

import pytest

from portal.domain.apply import (
    APPLICANT_QUERIES,
    SECTIONS,
    Mark,
    NeededDocument,
    Section,
    SectionState,
    documents_needed,
    member_queries,
    ready_to_check,
    rests_on,
    section_states,
)
from portal.domain.forms import ApplicantCapacity, Relation
from portal.domain.grounds import DEFAULT_GROUND_RULES, GroundCategory, load_ground_rules
from portal.domain.package import DocumentKind
from portal.domain.registers import GatewayOutcome, GatewayQuery

S = Section
Q = GatewayQuery

# What changing a section sends back to "in progress": every section that waits for it,
# directly or through another (R6.3: the registers are asked about the applicant and the family
# for the chosen ground; R3.4: what to attach depends on the ground, on who applies and on what
# the registers answered; L8.2: income is declared per family member for the ground).
REOPENS: dict[Section, frozenset[Section]] = {
    S.GROUND: frozenset({S.REGISTERS, S.INCOME, S.BANK, S.DOCUMENTS}),
    S.BEHALF: frozenset({S.APPLICANT, S.ADDRESS, S.FAMILY, S.REGISTERS, S.INCOME, S.BANK,
                         S.DOCUMENTS}),
    S.APPLICANT: frozenset({S.ADDRESS, S.FAMILY, S.REGISTERS, S.INCOME, S.BANK, S.DOCUMENTS}),
    S.ADDRESS: frozenset(),
    S.FAMILY: frozenset({S.REGISTERS, S.INCOME, S.BANK, S.DOCUMENTS}),
    S.REGISTERS: frozenset({S.BANK, S.DOCUMENTS}),
    S.INCOME: frozenset({S.DOCUMENTS}),
    S.BANK: frozenset(),
    S.CONTACTS: frozenset(),
    S.DOCUMENTS: frozenset(),
    S.CONSENTS: frozenset(),
}
# The sections a person can open straight away, whatever else they have done.
FREE = [s for s in Section if not any(s in reopened for reopened in REOPENS.values())]
DONE_STATES = (SectionState.DONE, SectionState.NOT_NEEDED)


def _all(mark: Mark) -> dict[Section, Mark]:
    return {s: mark for s in Section}


def _prerequisites(section: Section) -> set[Section]:
    return {s for s, reopened in REOPENS.items() if section in reopened}


# ---- the table ----------------------------------------------------------------------------


def test_f1_1_sections_each_appear_once_in_the_order_of_the_form() -> None:
    assert [spec.section for spec in SECTIONS] == list(Section)


def test_a_section_waits_only_for_sections_before_it_so_one_pass_computes_every_state() -> None:
    seen: set[Section] = set()
    for spec in SECTIONS:
        assert spec.needs <= seen, spec.section
        seen.add(spec.section)


def test_only_income_is_limited_to_grounds_that_need_income_l8_2() -> None:
    assert [spec.section for spec in SECTIONS if spec.income_only] == [S.INCOME]


def test_ground_behalf_contacts_and_consents_can_be_opened_first() -> None:
    assert FREE == [S.GROUND, S.BEHALF, S.CONTACTS, S.CONSENTS]
    states = section_states({}, needs_income=None)
    assert {s for s, state in states.items() if state is SectionState.NOT_STARTED} == set(FREE)
    assert {s for s, state in states.items() if state is SectionState.CANNOT_START} == (
        set(Section) - set(FREE)
    )


# ---- rests_on -----------------------------------------------------------------------------


@pytest.mark.parametrize("section", list(Section))
def test_changing_a_section_reopens_everything_that_rests_on_it(section: Section) -> None:
    assert rests_on(section) == REOPENS[section]


def test_r6_3_changing_the_family_reopens_registers_income_bank_and_documents_not_contacts() -> None:
    reopened = rests_on(S.FAMILY)
    assert {S.REGISTERS, S.INCOME, S.BANK, S.DOCUMENTS} <= reopened
    assert S.CONTACTS not in reopened
    assert S.FAMILY not in reopened  # the section itself is the one being changed
    assert S.ADDRESS not in reopened  # a sibling of the family, not a dependant


def test_rests_on_follows_chains_of_any_length_r3_1() -> None:
    # BEHALF -> APPLICANT -> FAMILY -> REGISTERS -> BANK: four links away and still reopened.
    assert S.BANK in rests_on(S.BEHALF)
    assert S.BANK not in {spec.section for spec in SECTIONS if S.BEHALF in spec.needs}


@pytest.mark.parametrize("section", list(Section))
def test_rests_on_is_closed_whatever_rests_on_a_reopened_section_is_reopened_too(
    section: Section,
) -> None:
    reopened = rests_on(section)
    for dependant in reopened:
        assert rests_on(dependant) <= reopened


# ---- section_states -----------------------------------------------------------------------


def test_states_are_given_for_every_section_in_the_order_of_the_form() -> None:
    assert list(section_states({}, needs_income=True)) == [spec.section for spec in SECTIONS]


@pytest.mark.parametrize("section", list(Section))
def test_a_section_cannot_start_while_what_it_rests_on_is_not_done(section: Section) -> None:
    # Everything confirmed except ``section``, which the person is still editing.
    marks = _all(Mark.DONE) | {section: Mark.TOUCHED}
    states = section_states(marks, needs_income=True)
    assert states[section] is SectionState.IN_PROGRESS
    for other, state in states.items():
        if other in REOPENS[section]:
            assert state is SectionState.CANNOT_START, other
        elif other is not section:
            assert state is SectionState.DONE, other


@pytest.mark.parametrize("section", list(Section))
def test_a_section_can_start_as_soon_as_everything_it_rests_on_is_done(section: Section) -> None:
    marks = {s: Mark.DONE for s in _prerequisites(section)}
    assert section_states(marks, needs_income=True)[section] is SectionState.NOT_STARTED


@pytest.mark.parametrize("section", list(Section))
@pytest.mark.parametrize(
    ("mark", "state"),
    [
        (None, SectionState.NOT_STARTED),
        (Mark.TOUCHED, SectionState.IN_PROGRESS),
        (Mark.DONE, SectionState.DONE),
    ],
)
def test_a_startable_section_shows_what_the_draft_remembers_of_it(
    section: Section, mark: Mark | None, state: SectionState
) -> None:
    marks = {s: Mark.DONE for s in _prerequisites(section)}
    if mark is not None:
        marks[section] = mark
    assert section_states(marks, needs_income=True)[section] is state


def test_a_confirmed_section_resting_on_a_changed_one_does_not_show_as_done_r6_3() -> None:
    # The registers were confirmed, then a family member was added: their answers are stale.
    marks = _all(Mark.DONE) | {S.FAMILY: Mark.TOUCHED}
    states = section_states(marks, needs_income=True)
    assert states[S.REGISTERS] is SectionState.CANNOT_START
    assert states[S.DOCUMENTS] is SectionState.CANNOT_START
    assert states[S.CONTACTS] is SectionState.DONE


def test_r3_1_nothing_about_the_applicant_starts_before_saying_on_whose_behalf() -> None:
    states = section_states({S.GROUND: Mark.DONE}, needs_income=True)
    for section in REOPENS[S.BEHALF]:
        assert states[section] is SectionState.CANNOT_START, section


def test_r6_3_the_registers_wait_for_the_ground_the_applicant_and_the_family() -> None:
    ready = {S.GROUND: Mark.DONE, S.BEHALF: Mark.DONE, S.APPLICANT: Mark.DONE, S.FAMILY: Mark.DONE}
    assert section_states(ready, needs_income=True)[S.REGISTERS] is SectionState.NOT_STARTED
    for missing in (S.GROUND, S.APPLICANT, S.FAMILY):
        marks = {s: m for s, m in ready.items() if s is not missing}
        assert section_states(marks, needs_income=True)[S.REGISTERS] is SectionState.CANNOT_START


def test_the_address_does_not_hold_up_the_registers() -> None:
    marks = _all(Mark.DONE) | {S.ADDRESS: Mark.TOUCHED}
    states = section_states(marks, needs_income=True)
    assert states[S.REGISTERS] is SectionState.DONE
    assert states[S.DOCUMENTS] is SectionState.DONE


@pytest.mark.parametrize("mark", [None, Mark.TOUCHED, Mark.DONE])
def test_r11_2_income_is_not_needed_for_a_ground_granted_regardless_of_income(
    mark: Mark | None,
) -> None:
    marks = {} if mark is None else {S.INCOME: mark}
    assert section_states(marks, needs_income=False)[S.INCOME] is SectionState.NOT_NEEDED


def test_r11_2_income_not_needed_holds_even_before_ground_and_family_are_done() -> None:
    # The ground says no income; the section never waits or asks, whatever else is open.
    assert section_states({}, needs_income=False)[S.INCOME] is SectionState.NOT_NEEDED


def test_income_is_not_skipped_while_the_ground_is_not_chosen_none_is_not_false() -> None:
    marks = _all(Mark.DONE) | {S.GROUND: Mark.TOUCHED}
    del marks[S.INCOME]
    states = section_states(marks, needs_income=None)
    assert states[S.INCOME] is SectionState.CANNOT_START
    assert states[S.DOCUMENTS] is SectionState.CANNOT_START
    assert not ready_to_check(states)


def test_income_waits_for_the_ground_and_the_family_where_the_ground_needs_income_l8_2() -> None:
    marks = {S.GROUND: Mark.DONE, S.BEHALF: Mark.DONE, S.APPLICANT: Mark.DONE}
    assert section_states(marks, needs_income=True)[S.INCOME] is SectionState.CANNOT_START
    marks[S.FAMILY] = Mark.DONE
    assert section_states(marks, needs_income=True)[S.INCOME] is SectionState.NOT_STARTED


def test_r3_4_documents_treat_income_not_needed_as_done() -> None:
    marks = _all(Mark.DONE)
    del marks[S.INCOME]  # never opened: the ground needs no income
    states = section_states(marks, needs_income=False)
    assert states[S.INCOME] is SectionState.NOT_NEEDED
    assert states[S.DOCUMENTS] is SectionState.DONE


def test_r3_4_documents_wait_for_income_where_the_ground_needs_it() -> None:
    marks = _all(Mark.DONE) | {S.INCOME: Mark.TOUCHED}
    states = section_states(marks, needs_income=True)
    assert states[S.INCOME] is SectionState.IN_PROGRESS
    assert states[S.DOCUMENTS] is SectionState.CANNOT_START


def test_bank_details_wait_for_the_registers_f1_2_item_3() -> None:
    marks = _all(Mark.DONE) | {S.REGISTERS: Mark.TOUCHED}
    assert section_states(marks, needs_income=True)[S.BANK] is SectionState.CANNOT_START
    assert section_states(_all(Mark.DONE), needs_income=True)[S.BANK] is SectionState.DONE


# ---- ready_to_check -----------------------------------------------------------------------


@pytest.mark.parametrize("needs_income", [True, False])
def test_check_your_answers_opens_when_every_section_that_applies_is_done(needs_income: bool) -> None:
    marks = _all(Mark.DONE)
    if not needs_income:
        del marks[S.INCOME]
    assert ready_to_check(section_states(marks, needs_income=needs_income))


@pytest.mark.parametrize("section", list(Section))
@pytest.mark.parametrize("mark", [None, Mark.TOUCHED])
def test_check_your_answers_stays_closed_while_any_section_is_not_done(
    section: Section, mark: Mark | None
) -> None:
    marks = _all(Mark.DONE)
    if mark is None:
        del marks[section]
    else:
        marks[section] = mark
    assert not ready_to_check(section_states(marks, needs_income=True))


def test_check_your_answers_stays_closed_while_the_ground_is_not_chosen() -> None:
    marks = _all(Mark.DONE)
    del marks[S.GROUND]
    assert not ready_to_check(section_states(marks, needs_income=None))


@pytest.mark.parametrize("state", list(SectionState))
def test_ready_to_check_counts_only_done_and_not_needed_as_finished(state: SectionState) -> None:
    states = {S.GROUND: SectionState.DONE, S.INCOME: SectionState.NOT_NEEDED, S.BANK: state}
    assert ready_to_check(states) is (state in DONE_STATES)


# ---- member_queries (R6.3, F1-2) ----------------------------------------------------------


def test_f1_2_the_applicant_is_asked_every_item_but_the_wards_plus_the_disability_look_up() -> None:
    assert len(set(APPLICANT_QUERIES)) == len(APPLICANT_QUERIES)
    assert {q.f1_2_item for q in APPLICANT_QUERIES} == {1, 2, 3, 4, 5, 6, 7, 9, None}
    assert Q.WARD_RESIDENCE not in APPLICANT_QUERIES
    assert Q.DISABILITY in APPLICANT_QUERIES  # L8: disability data come through the gateway


@pytest.mark.parametrize("relation", [r for r in Relation if r is not Relation.WARD])
def test_r6_3_a_family_member_is_asked_identity_residence_property_dispensary_and_disability(
    relation: Relation,
) -> None:
    assert member_queries(relation) == (
        Q.IDENTITY, Q.RESIDENCE, Q.REAL_ESTATE, Q.DISPENSARY, Q.DISABILITY,
    )


def test_f1_2_item_8_a_wards_registration_is_asked_only_for_a_ward() -> None:
    ward = member_queries(Relation.WARD)
    assert ward[-1] is Q.WARD_RESIDENCE
    assert ward[:-1] == member_queries(Relation.CHILD)
    for relation in Relation:
        assert (Q.WARD_RESIDENCE in member_queries(relation)) is (relation is Relation.WARD)


@pytest.mark.parametrize("relation", list(Relation))
def test_bank_details_and_civil_records_are_the_applicants_alone(relation: Relation) -> None:
    queries = member_queries(relation)
    for applicant_only in (Q.BANK_DETAILS, Q.BIRTH_RECORDS, Q.MARRIAGE, Q.GUARDIANSHIP):
        assert applicant_only not in queries
    assert set(queries) - {Q.WARD_RESIDENCE} <= set(APPLICANT_QUERIES)


@pytest.mark.parametrize("relation", list(Relation))
def test_r3_4_identity_and_residence_are_asked_of_everyone_so_a_gap_can_be_seen(
    relation: Relation,
) -> None:
    for asked in (APPLICANT_QUERIES, member_queries(relation)):
        assert Q.IDENTITY in asked
        assert Q.RESIDENCE in asked


# ---- documents_needed (R3.4, L8, R3.1) ----------------------------------------------------

APPLICANT = "850321301238"
SPOUSE = "921231445671"
CHILD = "050228500011"
FAMILY = (APPLICANT, SPOUSE, CHILD)
FAILED = [o for o in GatewayOutcome if o is not GatewayOutcome.FOUND]

FIRE = DEFAULT_GROUND_RULES[GroundCategory.FIRE]
LOW_INCOME = DEFAULT_GROUND_RULES[GroundCategory.LOW_INCOME]
DISEASE = DEFAULT_GROUND_RULES[GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE]
# A district that asks income papers for the fire ground too (L8.2 as configuration).
FIRE_WITH_INCOME = load_ground_rules({"fire": {"needs_income": True}})[GroundCategory.FIRE]


def _answers(*subjects: str) -> dict[tuple[str, GatewayQuery], GatewayOutcome]:
    """The Individuals database answered identity and residence for every one of ``subjects``."""
    return {(iin, q): GatewayOutcome.FOUND for iin in subjects for q in (Q.IDENTITY, Q.RESIDENCE)}


def _kinds(items: tuple[NeededDocument, ...]) -> list[DocumentKind]:
    return [item.kind for item in items]


def _identity_subjects(items: tuple[NeededDocument, ...]) -> list[str | None]:
    return [item.subject for item in items if item.kind is DocumentKind.IDENTITY]


def test_r3_4_when_the_registers_answer_everything_only_the_proof_of_the_ground_is_asked() -> None:
    items = documents_needed(FIRE, ApplicantCapacity.SELF, FAMILY, _answers(*FAMILY))
    assert items == (NeededDocument(DocumentKind.GROUND_PROOF),)


@pytest.mark.parametrize("outcome", FAILED)
def test_r3_4_identity_document_asked_when_individuals_register_has_no_data(
    outcome: GatewayOutcome,
) -> None:
    outcomes = _answers(*FAMILY) | {(SPOUSE, Q.IDENTITY): outcome}
    items = documents_needed(FIRE, ApplicantCapacity.SELF, FAMILY, outcomes)
    assert items[0] == NeededDocument(DocumentKind.IDENTITY, SPOUSE, Q.IDENTITY, outcome)
    assert _identity_subjects(items) == [SPOUSE]


@pytest.mark.parametrize("outcome", FAILED)
def test_r3_4_identity_document_asked_when_the_registration_at_the_residence_did_not_answer(
    outcome: GatewayOutcome,
) -> None:
    outcomes = _answers(*FAMILY) | {(CHILD, Q.RESIDENCE): outcome}
    items = documents_needed(FIRE, ApplicantCapacity.SELF, FAMILY, outcomes)
    assert items[0] == NeededDocument(DocumentKind.IDENTITY, CHILD, Q.RESIDENCE, outcome)
    assert _identity_subjects(items) == [CHILD]


def test_r3_4_one_identity_document_per_person_even_when_both_queries_failed() -> None:
    outcomes = _answers(*FAMILY) | {
        (APPLICANT, Q.IDENTITY): GatewayOutcome.MISMATCH,
        (APPLICANT, Q.RESIDENCE): GatewayOutcome.NO_DATA,
    }
    items = documents_needed(FIRE, ApplicantCapacity.SELF, FAMILY, outcomes)
    assert _identity_subjects(items) == [APPLICANT]
    # The first failed query of the Individuals database is the one named as the reason.
    assert items[0].because is Q.IDENTITY
    assert items[0].outcome is GatewayOutcome.MISMATCH


def test_r3_4_identity_documents_come_one_per_person_in_the_order_of_the_family() -> None:
    outcomes = _answers(*FAMILY) | {
        (CHILD, Q.IDENTITY): GatewayOutcome.NO_DATA,
        (APPLICANT, Q.RESIDENCE): GatewayOutcome.TIMEOUT,
    }
    items = documents_needed(FIRE, ApplicantCapacity.SELF, FAMILY, outcomes)
    assert _identity_subjects(items) == [APPLICANT, CHILD]


def test_r3_4_a_person_listed_twice_still_gets_one_identity_item() -> None:
    outcomes = _answers(*FAMILY) | {(SPOUSE, Q.IDENTITY): GatewayOutcome.NO_DATA}
    items = documents_needed(FIRE, ApplicantCapacity.SELF, [*FAMILY, SPOUSE], outcomes)
    assert _identity_subjects(items) == [SPOUSE]


def test_r3_4_a_query_not_asked_is_no_reason_for_a_document() -> None:
    items = documents_needed(FIRE, ApplicantCapacity.SELF, FAMILY, {})
    assert _identity_subjects(items) == []


def test_l8_only_the_individuals_database_is_replaced_by_an_identity_document() -> None:
    # No property, no dispensary record, no disability: answers, not gaps in identity.
    outcomes = _answers(*FAMILY) | {
        (SPOUSE, q): GatewayOutcome.NO_DATA for q in (Q.REAL_ESTATE, Q.DISPENSARY, Q.DISABILITY)
    }
    items = documents_needed(FIRE, ApplicantCapacity.SELF, FAMILY, outcomes)
    assert _identity_subjects(items) == []


def test_r3_4_identity_is_asked_only_of_the_people_the_application_is_about() -> None:
    stranger = "760212350620"
    outcomes = _answers(*FAMILY) | {(stranger, Q.IDENTITY): GatewayOutcome.NO_DATA}
    items = documents_needed(FIRE, ApplicantCapacity.SELF, FAMILY, outcomes)
    assert stranger not in {item.subject for item in items}


def test_l8_2_income_papers_one_per_distinct_earner_in_the_order_declared() -> None:
    items = documents_needed(
        LOW_INCOME, ApplicantCapacity.SELF, FAMILY, _answers(*FAMILY),
        earners=[SPOUSE, APPLICANT, SPOUSE],
    )
    assert items == (
        NeededDocument(DocumentKind.INCOME, SPOUSE),
        NeededDocument(DocumentKind.INCOME, APPLICANT),
    )


def test_l8_2_income_papers_are_not_asked_for_a_ground_granted_regardless_of_income() -> None:
    items = documents_needed(
        FIRE, ApplicantCapacity.SELF, FAMILY, _answers(*FAMILY), earners=[APPLICANT, SPOUSE]
    )
    assert DocumentKind.INCOME not in _kinds(items)


def test_l8_2_income_papers_follow_the_districts_configuration_of_the_ground() -> None:
    items = documents_needed(
        FIRE_WITH_INCOME, ApplicantCapacity.SELF, FAMILY, _answers(*FAMILY), earners=[CHILD]
    )
    assert _kinds(items) == [DocumentKind.INCOME, DocumentKind.GROUND_PROOF]
    assert items[0].subject == CHILD


def test_l8_2_no_income_papers_when_nobody_had_an_income() -> None:
    items = documents_needed(LOW_INCOME, ApplicantCapacity.SELF, FAMILY, _answers(*FAMILY))
    assert DocumentKind.INCOME not in _kinds(items)


def test_earners_may_be_any_iterable_read_once() -> None:
    items = documents_needed(
        LOW_INCOME, ApplicantCapacity.SELF, iter(FAMILY), _answers(*FAMILY),
        earners=iter([APPLICANT, APPLICANT]),
    )
    assert items == (NeededDocument(DocumentKind.INCOME, APPLICANT),)


@pytest.mark.parametrize(
    "category", [c for c in GroundCategory if c is not GroundCategory.LOW_INCOME]
)
def test_l8_3_one_document_proving_the_ground_is_asked(category: GroundCategory) -> None:
    rule = DEFAULT_GROUND_RULES[category]
    items = documents_needed(rule, ApplicantCapacity.SELF, FAMILY, _answers(*FAMILY))
    assert _kinds(items).count(DocumentKind.GROUND_PROOF) == 1


@pytest.mark.parametrize("category", list(GroundCategory))
def test_l8_no_paper_proof_when_the_registers_proved_the_ground(category: GroundCategory) -> None:
    items = documents_needed(
        DEFAULT_GROUND_RULES[category], ApplicantCapacity.SELF, FAMILY, _answers(*FAMILY),
        ground_proved_by_registers=True,
    )
    assert DocumentKind.GROUND_PROOF not in _kinds(items)


def test_l8_the_dispensary_register_proves_a_socially_significant_disease() -> None:
    on_paper = documents_needed(DISEASE, ApplicantCapacity.SELF, FAMILY, _answers(*FAMILY))
    from_register = documents_needed(
        DISEASE, ApplicantCapacity.SELF, FAMILY, _answers(*FAMILY), ground_proved_by_registers=True
    )
    assert _kinds(on_paper) == [DocumentKind.GROUND_PROOF]
    assert from_register == ()


def test_l8_3_the_low_income_ground_is_proved_by_the_income_papers_not_another_document() -> None:
    items = documents_needed(
        LOW_INCOME, ApplicantCapacity.SELF, FAMILY, _answers(*FAMILY), earners=[APPLICANT]
    )
    assert _kinds(items) == [DocumentKind.INCOME]


def test_l8_3_the_low_income_ground_asks_no_proof_even_where_a_district_drops_income() -> None:
    rule = load_ground_rules({"low_income": {"needs_income": False}})[GroundCategory.LOW_INCOME]
    items = documents_needed(rule, ApplicantCapacity.SELF, FAMILY, _answers(*FAMILY), earners=[APPLICANT])
    assert items == ()


@pytest.mark.parametrize("capacity", list(ApplicantCapacity))
def test_r3_1_a_power_of_attorney_is_asked_only_of_an_attorney(capacity: ApplicantCapacity) -> None:
    items = documents_needed(FIRE, capacity, FAMILY, _answers(*FAMILY))
    expected = 1 if capacity is ApplicantCapacity.ATTORNEY else 0
    assert _kinds(items).count(DocumentKind.POWER_OF_ATTORNEY) == expected


def test_r3_1_the_power_of_attorney_is_about_the_application_not_a_person() -> None:
    items = documents_needed(FIRE, ApplicantCapacity.ATTORNEY, FAMILY, _answers(*FAMILY))
    assert items[-1] == NeededDocument(DocumentKind.POWER_OF_ATTORNEY)


def _everything() -> tuple[NeededDocument, ...]:
    """An attorney's application where every kind of item is asked."""
    outcomes = _answers(*FAMILY) | {
        (CHILD, Q.IDENTITY): GatewayOutcome.NO_DATA,
        (SPOUSE, Q.RESIDENCE): GatewayOutcome.MISMATCH,
        (SPOUSE, Q.IDENTITY): GatewayOutcome.UNAVAILABLE,
    }
    return documents_needed(
        FIRE_WITH_INCOME, ApplicantCapacity.ATTORNEY, FAMILY, outcomes,
        earners=[CHILD, APPLICANT, CHILD],
    )


def test_l8_items_come_in_the_order_of_the_list_then_the_power_of_attorney() -> None:
    items = _everything()
    assert _kinds(items) == [
        DocumentKind.IDENTITY, DocumentKind.IDENTITY,  # L8.1, in family order
        DocumentKind.INCOME, DocumentKind.INCOME,  # L8.2, in the order declared
        DocumentKind.GROUND_PROOF,  # L8.3
        DocumentKind.POWER_OF_ATTORNEY,  # R3.1
    ]
    assert [item.subject for item in items] == [SPOUSE, CHILD, CHILD, APPLICANT, None, None]


def test_the_result_is_a_tuple_the_caller_cannot_change() -> None:
    assert isinstance(_everything(), tuple)


# ---- NeededDocument.key ---------------------------------------------------------------------


def test_keys_are_unique_within_one_application() -> None:
    keys = [item.key for item in _everything()]
    assert len(set(keys)) == len(keys)


def test_keys_are_stable_from_one_computation_to_the_next() -> None:
    assert [item.key for item in _everything()] == [item.key for item in _everything()]


def test_keys_are_safe_in_a_url_and_a_form_field_name() -> None:
    for item in _everything():
        assert re.fullmatch(r"[a-z0-9_]+(-[a-z0-9_]+)*", item.key), item.key


def test_a_key_names_the_kind_and_the_person_it_is_about() -> None:
    for item in _everything():
        assert item.key.startswith(item.kind.value)
        if item.subject is not None:
            assert item.subject in item.key


def test_an_item_about_the_whole_application_is_keyed_by_its_kind_alone() -> None:
    for kind in DocumentKind:
        assert NeededDocument(kind).key == kind.value


def test_the_same_item_for_two_people_has_two_keys() -> None:
    assert NeededDocument(DocumentKind.INCOME, SPOUSE).key != NeededDocument(DocumentKind.INCOME, CHILD).key
    assert (
        NeededDocument(DocumentKind.IDENTITY, SPOUSE, Q.IDENTITY).key
        != NeededDocument(DocumentKind.IDENTITY, CHILD, Q.IDENTITY).key
    )


def test_two_kinds_for_one_person_have_two_keys() -> None:
    assert NeededDocument(DocumentKind.INCOME, SPOUSE).key != NeededDocument(
        DocumentKind.IDENTITY, SPOUSE, Q.IDENTITY
    ).key


@pytest.mark.parametrize("outcome", FAILED)
def test_the_key_does_not_change_with_how_the_register_failed(outcome: GatewayOutcome) -> None:
    # A timeout that becomes "no data" on a second try is still the same item to attach.
    first = NeededDocument(DocumentKind.IDENTITY, SPOUSE, Q.IDENTITY, GatewayOutcome.NO_DATA)
    again = NeededDocument(DocumentKind.IDENTITY, SPOUSE, Q.IDENTITY, outcome)
    assert again.key == first.key
