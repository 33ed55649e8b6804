"""Form F3, the act of inspection of the material situation (lines 407–455), as typed data.

The precinct commission fills every item; :meth:`InspectionFindings.problems` says which are
inconsistent, so the act is never stored half-right.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

__all__ = [
    "CategoryPresent",
    "HousingType",
    "IncomeRow",
    "InspectionFindings",
    "SupportRow",
]


class HousingType(enum.StrEnum):
    """F3 item 5 (line 415)."""

    DORMITORY = "dormitory"
    RENTED = "rented"
    PRIVATISED = "privatised"
    SERVICE = "service"
    COOPERATIVE = "cooperative"
    PRIVATE_HOUSE = "private_house"
    OTHER = "other"


class CategoryPresent(enum.StrEnum):
    """F3 (line 413): categories present in the family."""

    WAR_VETERAN = "war_veteran"  # Great Patriotic War
    EQUATED_VETERAN = "equated_veteran"
    COMBAT_VETERAN = "combat_veteran"  # on the territory of other states
    PENSIONER = "pensioner"
    OVER_80 = "over_80"
    SOCIALLY_SIGNIFICANT_DISEASE = "socially_significant_disease"
    DISABILITY = "disability"
    CHILD_WITH_DISABILITY = "child_with_disability"
    OTHER = "other"


@dataclass(frozen=True)
class IncomeRow:
    """One line of the family income table (line 421)."""

    member_name: str
    income_kind: str
    quarter_tiyn: int  # income of the last quarter
    farm: str = ""  # personal subsidiary farm, dacha, land share


    @property
    def monthly_average_tiyn(self) -> int:
        return self.quarter_tiyn // 3


@dataclass(frozen=True)
class SupportRow:
    """Items 7 and 8: assistance received before, other family income (form, amount, source)."""

    form: str
    amount_tiyn: int
    source: str


@dataclass(frozen=True, kw_only=True)
class InspectionFindings:
    able_bodied: int
    registered_unemployed: int
    children: int
    fee_paying_students: int = 0
    yearly_fee_tiyn: int = 0
    categories: frozenset[CategoryPresent] = frozenset()
    other_category: str = ""
    housing: HousingType
    housing_other: str = ""
    housing_costs_tiyn: int = 0
    incomes: tuple[IncomeRow, ...] = ()
    car: str = ""  # make, year, title document, declared income
    other_housing: str = ""  # other housing than the one lived in, declared income
    prior_assistance: tuple[SupportRow, ...] = ()
    other_income: tuple[SupportRow, ...] = ()
    school_supplies: str = ""  # item 9
    sanitary_state: str = ""  # item 10: sanitary-epidemiological state of the home
    notes: dict[str, str] = field(default_factory=dict)

    def problems(self) -> list[str]:
        """Codes of what is inconsistent; empty when the act may be stored."""
        found: list[str] = []
        counts = (self.able_bodied, self.registered_unemployed, self.children,
                  self.fee_paying_students, self.yearly_fee_tiyn, self.housing_costs_tiyn)
        if any(n < 0 for n in counts):
            found.append("negative_number")
        if self.registered_unemployed > self.able_bodied:
            found.append("more_unemployed_than_able_bodied")
        if self.fee_paying_students > self.children:
            found.append("more_students_than_children")
        if (self.fee_paying_students > 0) != (self.yearly_fee_tiyn > 0):
            found.append("fee_without_students")
        if (CategoryPresent.OTHER in self.categories) != bool(self.other_category.strip()):
            found.append("other_category_unnamed")
        if (self.housing is HousingType.OTHER) != bool(self.housing_other.strip()):
            found.append("other_housing_unnamed")
        rows = [*self.prior_assistance, *self.other_income]
        if any(r.amount_tiyn < 0 for r in rows) or any(r.quarter_tiyn < 0 for r in self.incomes):
            found.append("negative_amount")
        if any(not r.member_name.strip() or not r.income_kind.strip() for r in self.incomes):
            found.append("income_row_incomplete")
        if not self.sanitary_state.strip():
            found.append("sanitary_state_missing")
        return found
