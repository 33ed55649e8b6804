"""Form F3, the act of inspection of the material situation, checked before it is stored (F3)."""

from __future__ import annotations

import dataclasses

import pytest

from portal.domain.inspection import (
    CategoryPresent,
    HousingType,
    IncomeRow,
    InspectionFindings,
    SupportRow,
)

SOUND = InspectionFindings(
    able_bodied=2,
    registered_unemployed=1,
    children=3,
    fee_paying_students=1,
    yearly_fee_tiyn=45_000_000,
    categories=frozenset({CategoryPresent.PENSIONER}),
    housing=HousingType.RENTED,
    housing_costs_tiyn=8_000_000,
    incomes=(IncomeRow("Айгүл Серікқызы", "wages", 60_000_000, farm="2 sheep"),),
    prior_assistance=(SupportRow("one-off", 2_000_000, "akimat"),),
    other_income=(SupportRow("alimony", 3_000_000, "court order"),),
    school_supplies="provided",
    sanitary_state="satisfactory",
)


def test_a_consistent_act_has_no_problems_F3() -> None:
    assert SOUND.problems() == []


def test_the_income_table_gives_the_monthly_average_of_the_quarter_F3() -> None:
    assert SOUND.incomes[0].monthly_average_tiyn == 20_000_000
    assert IncomeRow("A", "pension", 100).monthly_average_tiyn == 33  # whole tiyn, rounded down


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"children": -1}, "negative_number"),
        ({"housing_costs_tiyn": -1}, "negative_number"),
        ({"registered_unemployed": 3}, "more_unemployed_than_able_bodied"),
        ({"fee_paying_students": 4, "children": 3}, "more_students_than_children"),
        ({"yearly_fee_tiyn": 0}, "fee_without_students"),
        ({"fee_paying_students": 0}, "fee_without_students"),
        ({"categories": frozenset({CategoryPresent.OTHER})}, "other_category_unnamed"),
        ({"other_category": "large family"}, "other_category_unnamed"),
        ({"housing": HousingType.OTHER}, "other_housing_unnamed"),
        ({"housing_other": "yurt"}, "other_housing_unnamed"),
        ({"prior_assistance": (SupportRow("one-off", -1, "akimat"),)}, "negative_amount"),
        ({"incomes": (IncomeRow("A", "wages", -1),)}, "negative_amount"),
        ({"incomes": (IncomeRow(" ", "wages", 1),)}, "income_row_incomplete"),
        ({"incomes": (IncomeRow("A", "", 1),)}, "income_row_incomplete"),
        ({"sanitary_state": "  "}, "sanitary_state_missing"),
    ],
)
def test_an_inconsistent_act_is_not_stored_F3(changes: dict[str, object], problem: str) -> None:
    act = dataclasses.replace(SOUND, **changes)  # type: ignore[arg-type]
    assert problem in act.problems()


def test_a_named_other_category_and_other_housing_are_consistent_F3() -> None:
    act = dataclasses.replace(
        SOUND, categories=frozenset({CategoryPresent.OTHER}), other_category="large family",
        housing=HousingType.OTHER, housing_other="yurt",
    )
    assert act.problems() == []


def test_every_problem_is_reported_at_once_F3() -> None:
    act = InspectionFindings(able_bodied=0, registered_unemployed=1, children=0,
                             fee_paying_students=1, housing=HousingType.OTHER)
    assert act.problems() == [
        "more_unemployed_than_able_bodied",
        "more_students_than_children",
        "fee_without_students",
        "other_housing_unnamed",
        "sanitary_state_missing",
    ]


def test_housing_types_are_the_seven_of_item_5_F3() -> None:
    assert [h.value for h in HousingType] == [
        "dormitory", "rented", "privatised", "service", "cooperative", "private_house", "other",
    ]
