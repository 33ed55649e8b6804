"""Order-level rules O1 and O2 of Order No. 36."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from portal.domain.order import in_force_from, is_in_force, repealed_references

ROOT = Path(__file__).resolve().parents[2]


def test_nothing_refers_to_the_repealed_annex_8_O1() -> None:
    searched = 0
    for path in (ROOT / "portal").rglob("*"):
        if path.suffix not in {".py", ".html", ".po", ".pot"} or path.name == "order.py":
            continue
        text = path.read_text(encoding="utf-8")
        searched += 1
        found = repealed_references(text)
        assert not found, f"{path.relative_to(ROOT)} refers to {found}"
    assert searched > 20  # the search really looked at the code base


@pytest.mark.parametrize("text", [
    "Annex 8 of Order 84", "annex 8 to Order No. 84", "Order 84, Annex 8",
    "№ 84 бұйрығына 8-қосымша", "84 бұйрығына 8-қосымша", "Приложение 8 к приказу № 84",
    "приложению 8 к приказу 84", "подпункт 8) пункта 1 приказа № 84",
    "subparagraph 8) of paragraph 1 of Order 84",
])
def test_references_to_the_repealed_annex_and_subparagraph_are_found_O1(text: str) -> None:
    assert repealed_references(f"see {text}.")


@pytest.mark.parametrize("text", [
    "№ 36 бұйрығына 8-қосымша", "Приложение 8 к приказу № 36", "Annex 8 of Order 36 (form F5)",
    "Приложение 8 к приказу № 840", "Order 84, Annex 2",
])
def test_order_36s_own_annex_8_and_other_annexes_are_not_forbidden_O1(text: str) -> None:
    assert repealed_references(text) == []


def test_the_amended_rules_are_in_force_from_10_days_after_publication_O2() -> None:
    assert in_force_from(date(2025, 2, 10)) == date(2025, 2, 21)
    assert not is_in_force(date(2025, 2, 10), date(2025, 2, 20))
    assert is_in_force(date(2025, 2, 10), date(2025, 2, 21))


def test_unknown_publication_date_means_not_yet_in_force_O2() -> None:
    assert not is_in_force(None, date(2026, 1, 1))


def test_publication_before_registration_is_a_data_error_O2() -> None:
    with pytest.raises(ValueError, match="registered"):
        in_force_from(date(2025, 2, 6))
