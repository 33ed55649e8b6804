"""Order-level rules of Order No. 36: what it repeals (O1) and when it takes effect (O2)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final

# O1: sub-paragraph 8) of paragraph 1 of Order No. 84 and Order 84's own Annex 8 are repealed
# (seed lines 11, 103). Nothing in the portal may refer to them; tests/unit/test_order_level.py
# searches the code and catalogues. Order No. 36's own Annex 8 is form F5 (line 513) and stays:
# only a reference that names Order 84 is forbidden.
_ORDER_84 = r"(?:№\s*)?84"
REPEALED_PATTERNS: Final = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        rf"{_ORDER_84}\s+бұйрығ\w*\s+8-қосымша",
        rf"приложени\w*\s+8\s+к\s+приказу\s+{_ORDER_84}\b",
        r"annex\s+8\s+(?:of|to)\s+order\s+(?:no\.\s*)?84\b",
        r"order\s+(?:no\.\s*)?84,?\s+annex\s+8\b",
        rf"подпункт\w*\s+8\)\s+пункта\s+1\s+приказа\s+{_ORDER_84}\b",
        r"subparagraph\s+8\)\s+of\s+paragraph\s+1\s+of\s+order\s+(?:no\.\s*)?84\b",
    )
)


def repealed_references(text: str) -> list[str]:
    """O1: the passages of ``text`` that refer to what Order 36 repealed."""
    return [m.group(0) for pattern in REPEALED_PATTERNS for m in pattern.finditer(text)]

ORDER_REGISTERED_ON: Final = date(2025, 2, 7)  # Ministry of Justice, No. 35709
DAYS_AFTER_PUBLICATION: Final = 10


def in_force_from(first_published_on: date) -> date:
    """O2: in force once ten calendar days have passed after the day of first publication.

    The day of publication is not counted, and the order applies from the day after the tenth.
    """
    if first_published_on < ORDER_REGISTERED_ON:
        raise ValueError("an order cannot be published before it was registered")
    return first_published_on + timedelta(days=DAYS_AFTER_PUBLICATION + 1)


def is_in_force(first_published_on: date | None, on: date) -> bool:
    """False while the publication date is unknown: the amended Rules then do not apply yet."""
    return first_published_on is not None and on >= in_force_from(first_published_on)
