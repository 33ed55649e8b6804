"""Average monthly per-capita income and the need threshold (Social Code art. 127(2), Order 181).

Money is an ``int`` number of tiyn (1 tenge = 100 tiyn) throughout: no floats, so totals and
comparisons are exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Final

__all__ = [
    "MRP_TIYN",
    "SUBSISTENCE_MINIMUM_TIYN",
    "IncomeItem",
    "family_quarter_total",
    "is_below_threshold",
    "per_capita_income",
    "previous_quarter",
    "threshold_tiyn",
]

TIYN_PER_TENGE: Final = 100
_MONTHS_PER_QUARTER: Final = 3

# Budget law figures by year; per-district amounts and multipliers are configuration elsewhere.
MRP_TIYN: Final[Mapping[int, int]] = MappingProxyType({2025: 393_200, 2026: 432_500})
SUBSISTENCE_MINIMUM_TIYN: Final[Mapping[int, int]] = MappingProxyType(
    {2025: 4_622_800, 2026: 5_085_100}
)


@dataclass(frozen=True)
class IncomeItem:
    """One kind of income one family member received in the quarter."""

    member_ref: str
    kind: str
    amount_tiyn: int

    def __post_init__(self) -> None:
        _require_tiyn(self.amount_tiyn, "amount_tiyn")
        if not self.member_ref:
            raise ValueError("member_ref must not be empty")
        if not self.kind:
            raise ValueError("kind must not be empty")


def previous_quarter(d: date) -> tuple[date, date]:
    """First and last day of the calendar quarter before the one containing ``d``."""
    this_quarter_starts = date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    end = this_quarter_starts - timedelta(days=1)
    return date(end.year, end.month - 2, 1), end


def family_quarter_total(items: Iterable[IncomeItem]) -> int:
    """The family's total income for the quarter, in tiyn."""
    return sum(item.amount_tiyn for item in items)


def per_capita_income(total_quarter_income_tiyn: int, members: int) -> int:
    """Average monthly income per family member: quarter total ÷ members ÷ 3, in tiyn.

    Rounded down to the whole tiyn. Dividing twice with floor gives the same result as one floor
    of the exact quotient, so the order of the divisions does not matter.
    """
    _require_tiyn(total_quarter_income_tiyn, "total_quarter_income_tiyn")
    if isinstance(members, bool) or not isinstance(members, int) or members < 1:
        raise ValueError(f"a family has at least 1 member, got {members!r}")
    return total_quarter_income_tiyn // (members * _MONTHS_PER_QUARTER)


def threshold_tiyn(subsistence_minimum_tiyn: int, multiplier: Fraction | Decimal) -> int:
    """The per-capita income threshold a maslikhat sets as a multiple of the subsistence minimum.

    Computed exactly and rounded down to the tiyn: for a whole-tiyn income, "not above the exact
    threshold" and "not above its floor" are the same test, so no applicant is lost to rounding.
    """
    _require_tiyn(subsistence_minimum_tiyn, "subsistence_minimum_tiyn")
    exact = _exact_fraction(multiplier) * subsistence_minimum_tiyn
    if exact < 0:
        raise ValueError(f"the multiplier must not be negative, got {multiplier}")
    return exact.numerator // exact.denominator


def is_below_threshold(per_capita_tiyn: int, threshold_tiyn: int) -> bool:
    """Ground 4 of the Model Rules: income "not above" the threshold, so equal counts as below."""
    return per_capita_tiyn <= threshold_tiyn


def _exact_fraction(value: object) -> Fraction:
    # A float multiplier such as 0.7 is not 7/10; refusing it keeps the threshold exact.
    if not isinstance(value, Fraction | Decimal):
        raise TypeError(f"multiplier must be a Fraction or a Decimal, got {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"multiplier must be finite, got {value}")
    return Fraction(value)


def _require_tiyn(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int number of tiyn, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
