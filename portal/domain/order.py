"""Order-level rules of Order No. 36: what it repeals (O1) and when it takes effect (O2)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

# O1: sub-paragraph 8) of paragraph 1 of Order No. 84 and its Annex 8 are repealed. Nothing in the
# portal may refer to them; tests/unit/test_order_level.py searches the code and catalogues.
REPEALED_REFERENCES: Final = (
    "Annex 8 of Order 84",
    "8-қосымша",
    "Приложение 8",
    "приложению 8",
)

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
