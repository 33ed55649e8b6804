"""Order-level rules as pure functions: what was repealed (O1), when the amended Rules apply (O2).

The sweep of the code base for O1 lives in tests/unit/test_order_level.py.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.order import (
    ORDER_REGISTERED_ON,
    in_force_from,
    is_in_force,
    repealed_references,
)


@given(st.dates(min_value=ORDER_REGISTERED_ON, max_value=date(2030, 12, 31)))
def test_the_rules_apply_from_the_eleventh_day_after_publication_O2(published: date) -> None:
    first = in_force_from(published)
    assert (first - published).days == 11
    assert not is_in_force(published, first - timedelta(days=1))
    assert is_in_force(published, first)


def test_publication_on_the_day_of_registration_is_possible_O2() -> None:
    assert in_force_from(ORDER_REGISTERED_ON) == date(2025, 2, 18)


def test_without_a_publication_date_the_amended_rules_do_not_apply_O2() -> None:
    assert not is_in_force(None, date(2030, 1, 1))


def test_a_publication_before_registration_is_refused_O2() -> None:
    with pytest.raises(ValueError, match="before it was registered"):
        in_force_from(ORDER_REGISTERED_ON - timedelta(days=1))


def test_every_reference_to_the_repealed_annex_is_quoted_back_as_written_O1() -> None:
    text = "See ANNEX 8 OF ORDER NO. 84 and приложению 8 к приказу № 84; F5 is Annex 8 of Order 36."
    assert repealed_references(text) == ["приложению 8 к приказу № 84", "ANNEX 8 OF ORDER NO. 84"]


def test_a_text_without_references_has_none_O1() -> None:
    assert repealed_references("") == []
