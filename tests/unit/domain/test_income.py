"""Per-capita income and the need threshold, in whole tiyn (R11.1, L8.2, Model Rules ground 4)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.income import (
    MRP_TIYN,
    SUBSISTENCE_MINIMUM_TIYN,
    IncomeItem,
    family_quarter_total,
    is_below_threshold,
    per_capita_income,
    previous_quarter,
    threshold_tiyn,
)

tiyn = st.integers(min_value=0, max_value=10**12)


@pytest.mark.parametrize(
    ("applied_on", "quarter"),
    [
        (date(2025, 5, 15), (date(2025, 1, 1), date(2025, 3, 31))),
        (date(2025, 4, 1), (date(2025, 1, 1), date(2025, 3, 31))),
        (date(2025, 1, 10), (date(2024, 10, 1), date(2024, 12, 31))),
        (date(2025, 3, 31), (date(2024, 10, 1), date(2024, 12, 31))),
        (date(2024, 8, 1), (date(2024, 4, 1), date(2024, 6, 30))),
        (date(2024, 12, 31), (date(2024, 7, 1), date(2024, 9, 30))),
    ],
)
def test_income_is_taken_from_the_quarter_before_the_quarter_of_application_R11_1(
    applied_on: date, quarter: tuple[date, date]
) -> None:
    assert previous_quarter(applied_on) == quarter


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31)))
def test_previous_quarter_is_a_whole_calendar_quarter_ending_just_before_this_one_R11_1(
    day: date,
) -> None:
    start, end = previous_quarter(day)
    assert start.day == 1 and start.month in (1, 4, 7, 10)
    assert (end + timedelta(days=1)).month in (1, 4, 7, 10)
    assert (end + timedelta(days=1)).day == 1
    assert end < day <= end + timedelta(days=92)
    assert 89 <= (end - start).days + 1 <= 92


def test_per_capita_income_is_quarter_total_divided_by_members_and_by_three_R11_1() -> None:
    assert per_capita_income(27_000_000, 3) == 3_000_000


def test_per_capita_income_is_rounded_down_to_the_tiyn_R11_1() -> None:
    assert per_capita_income(100, 1) == 33
    assert per_capita_income(1_000_001, 2) == 166_666


def test_a_family_with_no_income_has_zero_per_capita_income_R11_1() -> None:
    assert per_capita_income(0, 4) == 0


@pytest.mark.parametrize("members", [0, -1])
def test_a_family_without_members_is_refused(members: int) -> None:
    with pytest.raises(ValueError, match="at least 1 member"):
        per_capita_income(1_000, members)


def test_negative_quarter_income_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        per_capita_income(-1, 1)


@pytest.mark.parametrize("amount", [100.0, True, "100"])
def test_amounts_must_be_whole_tiyn_not_floats_or_text(amount: object) -> None:
    with pytest.raises(TypeError, match="tiyn"):
        per_capita_income(amount, 1)  # type: ignore[arg-type]


@pytest.mark.parametrize("members", [2.0, True])
def test_member_count_must_be_a_whole_number(members: object) -> None:
    with pytest.raises(ValueError, match="at least 1 member"):
        per_capita_income(600, members)  # type: ignore[arg-type]


@given(tiyn, st.integers(min_value=1, max_value=30))
def test_per_capita_income_is_the_floor_of_the_exact_quotient_R11_1(
    total: int, members: int
) -> None:
    result = per_capita_income(total, members)
    assert result * members * 3 <= total < (result + 1) * members * 3
    assert result == total // members // 3


def test_family_quarter_total_adds_every_members_income_R11_1() -> None:
    items = [
        IncomeItem("applicant", "salary", 15_000_000),
        IncomeItem("applicant", "allowance", 1_250_050),
        IncomeItem("spouse", "pension", 9_000_000),
    ]
    assert family_quarter_total(items) == 25_250_050
    assert family_quarter_total([]) == 0


def test_income_item_refuses_negative_or_fractional_amounts() -> None:
    with pytest.raises(ValueError, match="negative"):
        IncomeItem("applicant", "salary", -1)
    with pytest.raises(TypeError, match="tiyn"):
        IncomeItem("applicant", "salary", 10.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(("member_ref", "kind"), [("", "salary"), ("applicant", "")])
def test_income_item_needs_a_member_and_a_kind(member_ref: str, kind: str) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        IncomeItem(member_ref, kind, 100)


@pytest.mark.parametrize(
    ("multiplier", "expected"),
    [
        (Fraction(7, 10), 3_235_960),
        (Decimal("0.7"), 3_235_960),
        (Fraction(1), 4_622_800),
        (Decimal("1.5"), 6_934_200),
        (Fraction(1, 3), 1_540_933),  # 1 540 933.33… rounded down
    ],
)
def test_threshold_is_the_multiplier_times_the_subsistence_minimum_in_tiyn(
    multiplier: Fraction | Decimal, expected: int
) -> None:
    assert threshold_tiyn(SUBSISTENCE_MINIMUM_TIYN[2025], multiplier) == expected


def test_a_float_multiplier_is_refused_because_it_is_not_exact() -> None:
    with pytest.raises(TypeError, match="Fraction or a Decimal"):
        threshold_tiyn(4_622_800, 0.7)  # type: ignore[arg-type]


@pytest.mark.parametrize("multiplier", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_a_multiplier_that_is_not_a_finite_number_is_refused(multiplier: Decimal) -> None:
    with pytest.raises(ValueError, match="finite"):
        threshold_tiyn(4_622_800, multiplier)


def test_a_negative_multiplier_or_subsistence_minimum_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        threshold_tiyn(4_622_800, Fraction(-1, 2))
    with pytest.raises(ValueError, match="negative"):
        threshold_tiyn(-1, Fraction(1))


def test_income_equal_to_the_threshold_is_not_above_it_so_it_counts_as_below() -> None:
    assert is_below_threshold(3_235_960, 3_235_960)
    assert is_below_threshold(3_235_959, 3_235_960)
    assert not is_below_threshold(3_235_961, 3_235_960)


@given(
    tiyn,
    st.fractions(min_value=0, max_value=10, max_denominator=1000),
    st.integers(min_value=0, max_value=10**8),
)
def test_rounding_the_threshold_down_never_changes_who_is_below_it(
    income: int, multiplier: Fraction, subsistence_minimum: int
) -> None:
    exact = multiplier * subsistence_minimum
    assert is_below_threshold(income, threshold_tiyn(subsistence_minimum, multiplier)) is (
        income <= exact
    )


def test_budget_figures_are_kept_in_tiyn() -> None:
    assert MRP_TIYN[2025] == 3_932 * 100
    assert MRP_TIYN[2026] == 4_325 * 100
    assert SUBSISTENCE_MINIMUM_TIYN[2025] == 46_228 * 100
    assert SUBSISTENCE_MINIMUM_TIYN[2026] == 50_851 * 100


def test_budget_figures_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        MRP_TIYN[2027] = 1  # type: ignore[index]
