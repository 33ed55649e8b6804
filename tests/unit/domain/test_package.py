"""What a package lacks for its ground: the content of the refusal receipt F2-1 (L8, R3.1, R6.2)."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.grounds import DEFAULT_GROUND_RULES, GroundCategory, load_ground_rules
from portal.domain.package import (
    DocumentKind,
    PackageDocument,
    PackageGaps,
    RefusalToAccept,
    package_gaps,
)

ON = date(2025, 6, 2)
LOW_INCOME = DEFAULT_GROUND_RULES[GroundCategory.LOW_INCOME]
FIRE = DEFAULT_GROUND_RULES[GroundCategory.FIRE]

IDENTITY = PackageDocument(DocumentKind.IDENTITY, valid_until=date(2030, 1, 1))
OLD_PASSPORT = PackageDocument(DocumentKind.IDENTITY, valid_until=date(2025, 6, 1))
INCOME = PackageDocument(DocumentKind.INCOME)
FIRE_PROOF = PackageDocument(DocumentKind.GROUND_PROOF, proves=GroundCategory.FIRE)
LOW_INCOME_PROOF = PackageDocument(DocumentKind.GROUND_PROOF, proves=GroundCategory.LOW_INCOME)
POWER_OF_ATTORNEY = PackageDocument(DocumentKind.POWER_OF_ATTORNEY, valid_until=date(2026, 1, 1))


def test_a_complete_package_has_no_gaps_and_no_reason_to_refuse_R6_1() -> None:
    gaps = package_gaps(FIRE, [IDENTITY, FIRE_PROOF], ON)
    assert gaps == PackageGaps()
    assert gaps.complete
    assert gaps.reasons == frozenset()


def test_an_empty_package_lacks_identity_and_the_proof_of_the_ground_R6_2_L8() -> None:
    gaps = package_gaps(FIRE, [], ON)
    assert gaps.missing == (DocumentKind.IDENTITY, DocumentKind.GROUND_PROOF)
    assert not gaps.complete
    assert gaps.reasons == {RefusalToAccept.INCOMPLETE}


def test_income_papers_are_asked_only_where_the_ground_needs_income_L8_2() -> None:
    assert package_gaps(LOW_INCOME, [IDENTITY, LOW_INCOME_PROOF], ON).missing == (
        DocumentKind.INCOME,
    )
    assert package_gaps(LOW_INCOME, [IDENTITY, INCOME, LOW_INCOME_PROOF], ON).complete
    assert package_gaps(FIRE, [IDENTITY, FIRE_PROOF], ON).complete


def test_income_follows_the_districts_configuration_L8_2() -> None:
    district = load_ground_rules({"fire": {"needs_income": True}})
    assert package_gaps(district[GroundCategory.FIRE], [IDENTITY, FIRE_PROOF], ON).missing == (
        DocumentKind.INCOME,
    )


def test_the_low_income_ground_is_proved_by_its_income_papers_alone_L8_3() -> None:
    # L8.3 lists no document for low income; the desk asks what the portal asks.
    assert package_gaps(LOW_INCOME, [IDENTITY, INCOME], ON).complete
    assert package_gaps(LOW_INCOME, [IDENTITY], ON).missing == (DocumentKind.INCOME,)
    assert package_gaps(FIRE, [IDENTITY], ON).missing == (DocumentKind.GROUND_PROOF,)


def test_a_proof_of_another_ground_does_not_prove_this_one_L8_3() -> None:
    gaps = package_gaps(FIRE, [IDENTITY, LOW_INCOME_PROOF], ON)
    assert gaps.missing == (DocumentKind.GROUND_PROOF,)


def test_one_proof_of_the_ground_is_enough_and_more_are_only_noted_L8_3() -> None:
    second = PackageDocument(DocumentKind.GROUND_PROOF, proves=GroundCategory.FIRE,
                             valid_until=date(2027, 1, 1))
    gaps = package_gaps(FIRE, [IDENTITY, FIRE_PROOF, second], ON)
    assert gaps.complete
    assert gaps.extra_ground_proofs == 1


def test_on_the_portal_identity_comes_from_the_registers_L8_R6_3() -> None:
    gaps = package_gaps(FIRE, [FIRE_PROOF], ON, identity_from_registers=True)
    assert gaps.complete


def test_a_representative_needs_a_power_of_attorney_R3_1() -> None:
    assert package_gaps(FIRE, [IDENTITY, FIRE_PROOF], ON, representative=True).missing == (
        DocumentKind.POWER_OF_ATTORNEY,
    )
    assert package_gaps(FIRE, [IDENTITY, FIRE_PROOF, POWER_OF_ATTORNEY], ON,
                        representative=True).complete


def test_an_expired_identity_document_is_a_reason_to_refuse_R6_2() -> None:
    gaps = package_gaps(FIRE, [OLD_PASSPORT, FIRE_PROOF], ON)
    assert gaps.missing == ()
    assert gaps.expired == (DocumentKind.IDENTITY,)
    assert gaps.reasons == {RefusalToAccept.EXPIRED}


def test_a_document_valid_until_today_has_not_expired_R6_2() -> None:
    last_day = PackageDocument(DocumentKind.IDENTITY, valid_until=ON)
    assert not last_day.expired_on(ON)
    assert last_day.expired_on(date(2025, 6, 3))
    assert not INCOME.expired_on(date(2099, 1, 1))  # no end date: never expires


def test_both_limbs_of_f2_1_apply_together_R6_2() -> None:
    gaps = package_gaps(LOW_INCOME, [OLD_PASSPORT, LOW_INCOME_PROOF], ON)
    assert gaps.missing == (DocumentKind.INCOME,)
    assert gaps.expired == (DocumentKind.IDENTITY,)
    assert gaps.reasons == {RefusalToAccept.INCOMPLETE, RefusalToAccept.EXPIRED}


def test_expired_documents_are_listed_in_the_order_of_the_list_R6_2() -> None:
    old_proof = PackageDocument(DocumentKind.GROUND_PROOF, proves=GroundCategory.FIRE,
                                valid_until=date(2025, 1, 1))
    old_power = PackageDocument(DocumentKind.POWER_OF_ATTORNEY, valid_until=date(2025, 1, 1))
    gaps = package_gaps(FIRE, [old_power, old_proof, OLD_PASSPORT], ON, representative=True)
    assert gaps.expired == (
        DocumentKind.IDENTITY, DocumentKind.GROUND_PROOF, DocumentKind.POWER_OF_ATTORNEY,
    )


def test_an_old_passport_beside_a_valid_identity_card_is_no_gap_R6_2() -> None:
    assert package_gaps(FIRE, [OLD_PASSPORT, IDENTITY, FIRE_PROOF], ON).complete


def test_every_family_members_income_paper_must_be_valid_R6_2_L8_2() -> None:
    lapsed = PackageDocument(DocumentKind.INCOME, valid_until=date(2025, 5, 1))
    gaps = package_gaps(LOW_INCOME, [IDENTITY, INCOME, lapsed, LOW_INCOME_PROOF], ON)
    assert gaps.expired == (DocumentKind.INCOME,)


@pytest.mark.parametrize(
    "unasked",
    [
        PackageDocument(DocumentKind.OTHER, valid_until=date(2020, 1, 1)),
        PackageDocument(DocumentKind.INCOME, valid_until=date(2020, 1, 1)),  # fire: no income
        PackageDocument(DocumentKind.POWER_OF_ATTORNEY, valid_until=date(2020, 1, 1)),
        PackageDocument(DocumentKind.GROUND_PROOF, proves=GroundCategory.ORPHAN,
                        valid_until=date(2020, 1, 1)),
    ],
    ids=["other", "income-not-asked", "power-without-representative", "proof-of-another-ground"],
)
def test_an_expired_document_the_ground_does_not_ask_for_is_no_reason_to_refuse_R6_2(
    unasked: PackageDocument,
) -> None:
    assert package_gaps(FIRE, [IDENTITY, FIRE_PROOF, unasked], ON).complete


def test_expiry_on_the_portal_ignores_an_identity_paper_the_registers_replace_R6_2_R6_3() -> None:
    assert package_gaps(FIRE, [OLD_PASSPORT, FIRE_PROOF], ON, identity_from_registers=True).complete


def test_refusal_reasons_are_stored_by_value_F2_1() -> None:
    assert [r.value for r in RefusalToAccept] == ["incomplete", "expired"]
