"""Ground categories as configuration: precinct inspection (R7.2), income (L8.2, R11.2), commission (F5)."""

from __future__ import annotations

import json

import pytest

from portal.domain.grounds import (
    DEFAULT_GROUND_RULES,
    GroundCategory,
    GroundRule,
    load_ground_rules,
    rule_for,
)


def test_every_l8_3_category_has_a_default_rule_L8_3() -> None:
    assert set(DEFAULT_GROUND_RULES) == set(GroundCategory)
    for category, rule in DEFAULT_GROUND_RULES.items():
        assert rule.category is category


def test_categories_are_stored_by_their_value_L8_3() -> None:
    assert [c.value for c in GroundCategory] == [
        "natural_disaster",
        "fire",
        "socially_significant_disease",
        "low_income",
        "orphan",
        "old_age_self_care",
        "released_from_prison",
    ]


def test_natural_disaster_fire_and_low_income_go_to_the_precinct_commission_R7_2() -> None:
    inspected = {c for c, rule in DEFAULT_GROUND_RULES.items() if rule.needs_precinct_inspection}
    assert inspected == {
        GroundCategory.NATURAL_DISASTER,
        GroundCategory.FIRE,
        GroundCategory.LOW_INCOME,
    }


def test_precinct_grounds_are_subparagraphs_1_2_and_4_of_the_model_rules_R7_2() -> None:
    grounds = {rule.model_rules_ground for rule in DEFAULT_GROUND_RULES.values()}
    inspected = {
        rule.model_rules_ground
        for rule in DEFAULT_GROUND_RULES.values()
        if rule.needs_precinct_inspection
    }
    assert grounds == {1, 2, 3, 4, None}
    assert inspected == {1, 2, 4}


def test_only_low_income_asks_for_income_the_rest_are_granted_regardless_L8_2_R11_2() -> None:
    needing_income = {c for c, rule in DEFAULT_GROUND_RULES.items() if rule.needs_income}
    assert needing_income == {GroundCategory.LOW_INCOME}


def test_rule_for_looks_the_category_up_in_the_defaults_or_the_given_rules() -> None:
    assert rule_for(GroundCategory.FIRE) == GroundRule(GroundCategory.FIRE, 2, True, False)
    district = load_ground_rules({"fire": {"needs_income": True}})
    assert rule_for(GroundCategory.FIRE, district).needs_income


def test_a_district_override_changes_only_the_fields_it_names_R7_2_L8_2() -> None:
    district = load_ground_rules(
        json.loads('{"orphan": {"needs_precinct_inspection": true, "model_rules_ground": null}}')
    )
    assert district[GroundCategory.ORPHAN] == GroundRule(GroundCategory.ORPHAN, None, True, False)
    assert district[GroundCategory.FIRE] == DEFAULT_GROUND_RULES[GroundCategory.FIRE]
    assert not DEFAULT_GROUND_RULES[GroundCategory.ORPHAN].needs_precinct_inspection


def test_an_empty_override_gives_the_defaults() -> None:
    assert load_ground_rules({}) == DEFAULT_GROUND_RULES


def test_loaded_rules_cannot_be_changed_at_run_time() -> None:
    district = load_ground_rules({})
    with pytest.raises(TypeError):
        district[GroundCategory.FIRE] = DEFAULT_GROUND_RULES[GroundCategory.ORPHAN]  # type: ignore[index]


def test_an_unknown_category_is_refused_with_the_known_ones_listed() -> None:
    with pytest.raises(
        ValueError, match=r"unknown ground category 'flood'; known: natural_disaster"
    ):
        load_ground_rules({"flood": {"needs_income": True}})


def test_an_unknown_field_is_refused_with_the_allowed_ones_listed() -> None:
    with pytest.raises(
        ValueError,
        match=r"fire: unknown field\(s\) category, needs_inspection; allowed: model_rules_ground",
    ):
        load_ground_rules({"fire": {"needs_inspection": True, "category": "orphan"}})


def test_a_category_must_map_to_an_object_of_fields() -> None:
    with pytest.raises(ValueError, match="fire: expected an object of fields, got list"):
        load_ground_rules({"fire": ["needs_income"]})  # type: ignore[dict-item]


@pytest.mark.parametrize("value", [1, "yes", None])
def test_yes_no_fields_must_be_true_or_false(value: object) -> None:
    with pytest.raises(ValueError, match=r"fire\.needs_income must be true or false"):
        load_ground_rules({"fire": {"needs_income": value}})


@pytest.mark.parametrize("value", [0, 5, True, 1.0, "1"])
def test_model_rules_ground_must_be_one_of_the_four_subparagraphs_or_null(value: object) -> None:
    with pytest.raises(ValueError, match="fire: model_rules_ground must be one of 1, 2, 3, 4"):
        load_ground_rules({"fire": {"model_rules_ground": value}})


# --- the special commission (F5, R11.1) --------------------------------------------------------


def test_every_ground_goes_to_the_special_commission_by_default_F5() -> None:
    assert all(rule.needs_special_commission for rule in DEFAULT_GROUND_RULES.values())


@pytest.mark.parametrize("ground", [1, 2, 4])
def test_grounds_1_2_and_4_cannot_skip_the_special_commission_F5(ground: int) -> None:
    with pytest.raises(ValueError, match=rf"ground {ground}\) of paragraph 8 is concluded on"):
        GroundRule(GroundCategory.ORPHAN, ground, False, False, needs_special_commission=False)


@pytest.mark.parametrize("ground", [3, None])
def test_other_grounds_may_go_to_a_decision_without_the_special_commission_F5(
    ground: int | None,
) -> None:
    rule = GroundRule(GroundCategory.ORPHAN, ground, False, False, needs_special_commission=False)
    assert not rule.needs_special_commission


def test_a_district_lets_a_ground_skip_the_special_commission_by_configuration_F5() -> None:
    district = load_ground_rules(
        json.loads('{"socially_significant_disease": {"needs_special_commission": false}}')
    )
    assert not district[GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE].needs_special_commission
    assert district[GroundCategory.FIRE].needs_special_commission


@pytest.mark.parametrize("category", ["natural_disaster", "fire", "low_income"])
def test_configuration_cannot_take_the_commission_from_grounds_1_2_4_F5(category: str) -> None:
    with pytest.raises(ValueError, match="needs_special_commission cannot be false"):
        load_ground_rules({category: {"needs_special_commission": False}})


def test_moving_a_ground_to_subparagraph_1_brings_the_commission_back_F5() -> None:
    with pytest.raises(ValueError, match="cannot be false"):
        load_ground_rules(
            {"orphan": {"needs_special_commission": False, "model_rules_ground": 1}}
        )


def test_the_commission_flag_must_be_true_or_false_F5() -> None:
    with pytest.raises(ValueError, match=r"orphan\.needs_special_commission must be true or false"):
        load_ground_rules({"orphan": {"needs_special_commission": "no"}})
