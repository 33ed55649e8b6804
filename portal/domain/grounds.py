"""Ground categories (L8.3) mapped to precinct inspection (R7.2) and income (L8.2, R11.2), as data.

The default mapping follows public descriptions of paragraph 8 of the Model Rules (Government
Decree No. 523 of 30 June 2023), not the decree's own text: grounds 1) natural disaster, 2) fire
and 4) income not above the threshold go to the precinct commission; 3) socially significant
disease does not. Orphanhood, old age without self-care and release from prison are L8.3
categories with no known subparagraph of paragraph 8. Assumption: only the low-income ground
needs income; every other ground is granted regardless of income (L8.2). The special
commission concludes on grounds 1), 2) and 4) (F5, seed line 535), so those three always need
it; every ground needs it by default, and a district may let the others go to a decision without
it. A district corrects any of this with :func:`load_ground_rules`, without touching code.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from types import MappingProxyType
from typing import Final

__all__ = [
    "DEFAULT_GROUND_RULES",
    "GroundCategory",
    "GroundRule",
    "load_ground_rules",
    "rule_for",
]

MODEL_RULES_GROUNDS: Final = frozenset({1, 2, 3, 4})
# F5 (seed line 535): the special commission's conclusion is given on these subparagraphs.
COMMISSION_GROUNDS: Final = frozenset({1, 2, 4})


class GroundCategory(enum.StrEnum):
    NATURAL_DISASTER = "natural_disaster"
    FIRE = "fire"
    SOCIALLY_SIGNIFICANT_DISEASE = "socially_significant_disease"
    LOW_INCOME = "low_income"
    ORPHAN = "orphan"
    OLD_AGE_SELF_CARE = "old_age_self_care"
    RELEASED_FROM_PRISON = "released_from_prison"


@dataclass(frozen=True)
class GroundRule:
    category: GroundCategory
    model_rules_ground: int | None  # subparagraph of paragraph 8 of Model Rules No. 523
    needs_precinct_inspection: bool  # R7.2
    needs_income: bool  # L8.2, R11.2
    needs_special_commission: bool = True  # F5, R11.1

    def __post_init__(self) -> None:
        ground = self.model_rules_ground
        # JSON may hand over true or 1.0, which compare equal to 1 but are not subparagraphs.
        if ground is not None and (type(ground) is not int or ground not in MODEL_RULES_GROUNDS):
            raise ValueError(
                f"{self.category}: model_rules_ground must be one of 1, 2, 3, 4 or null, "
                f"got {ground!r}"
            )
        if ground in COMMISSION_GROUNDS and not self.needs_special_commission:
            raise ValueError(
                f"{self.category}: ground {ground}) of paragraph 8 is concluded on by the special "
                "commission (F5); needs_special_commission cannot be false"
            )


def _rule(
    category: GroundCategory, ground: int | None, *, inspection: bool, income: bool
) -> tuple[GroundCategory, GroundRule]:
    return category, GroundRule(category, ground, inspection, income)


DEFAULT_GROUND_RULES: Final[Mapping[GroundCategory, GroundRule]] = MappingProxyType(
    dict(
        [
            _rule(GroundCategory.NATURAL_DISASTER, 1, inspection=True, income=False),
            _rule(GroundCategory.FIRE, 2, inspection=True, income=False),
            _rule(GroundCategory.SOCIALLY_SIGNIFICANT_DISEASE, 3, inspection=False, income=False),
            _rule(GroundCategory.LOW_INCOME, 4, inspection=True, income=True),
            _rule(GroundCategory.ORPHAN, None, inspection=False, income=False),
            _rule(GroundCategory.OLD_AGE_SELF_CARE, None, inspection=False, income=False),
            _rule(GroundCategory.RELEASED_FROM_PRISON, None, inspection=False, income=False),
        ]
    )
)

_BOOL_FIELDS: Final = frozenset(
    {"needs_precinct_inspection", "needs_income", "needs_special_commission"}
)
_SETTABLE_FIELDS: Final = frozenset(f.name for f in fields(GroundRule)) - {"category"}


def rule_for(
    category: GroundCategory, rules: Mapping[GroundCategory, GroundRule] = DEFAULT_GROUND_RULES
) -> GroundRule:
    return rules[category]


def load_ground_rules(
    data: Mapping[str, Mapping[str, object]],
    base: Mapping[GroundCategory, GroundRule] = DEFAULT_GROUND_RULES,
) -> Mapping[GroundCategory, GroundRule]:
    """Apply a district's override (e.g. parsed JSON) on top of ``base``.

    ``data`` maps category values to the fields to change, e.g.
    ``{"orphan": {"needs_income": true}}``; fields left out keep the base value. Unknown
    categories or fields, and values of the wrong type, raise ValueError naming them.
    """
    merged = dict(base)
    for key, changes in data.items():
        try:
            category = GroundCategory(key)
        except ValueError:
            known = ", ".join(c.value for c in GroundCategory)
            raise ValueError(f"unknown ground category {key!r}; known: {known}") from None
        if not isinstance(changes, Mapping):
            raise ValueError(f"{key}: expected an object of fields, got {type(changes).__name__}")
        unknown = sorted(set(changes) - _SETTABLE_FIELDS)
        if unknown:
            allowed = ", ".join(sorted(_SETTABLE_FIELDS))
            raise ValueError(f"{key}: unknown field(s) {', '.join(unknown)}; allowed: {allowed}")
        for name in _BOOL_FIELDS & set(changes):
            if not isinstance(changes[name], bool):
                raise ValueError(f"{key}.{name} must be true or false, got {changes[name]!r}")
        # replace() re-runs GroundRule's own checks on model_rules_ground.
        merged[category] = replace(merged[category], **changes)  # type: ignore[arg-type]
    return MappingProxyType(merged)
