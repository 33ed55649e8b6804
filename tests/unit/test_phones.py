"""Phone numbers: one written form, +7XXXXXXXXXX, and a masked form for screens (R15.9)."""

from __future__ import annotations

import pytest

from portal.notify.phones import InvalidPhone, mask_phone, normalise_phone


@pytest.mark.parametrize("written", [
    "+77011234567", "+7 701 123 45 67", "+7 (701) 123-45-67", "87011234567", "8 701 123 4567",
    "77011234567", "7011234567", " +7\u00a0701\u00a01234567 ",
])
def test_every_usual_spelling_of_a_kazakh_number_becomes_plus_seven_and_ten_digits(
    written: str,
) -> None:
    assert normalise_phone(written) == "+77011234567"


@pytest.mark.parametrize(("written", "reason"), [
    ("", "empty"),
    ("   ", "empty"),
    ("+", "characters"),
    ("+7 701 123 45 6x", "characters"),
    ("7011234567#", "characters"),
    ("+1 701 123 45 67", "country"),
    ("97011234567", "country"),
    ("+7701123456", "length"),
    ("+770112345678", "length"),
    ("701123456", "length"),
    ("+79161234567", "not_kazakhstan"),
    ("89161234567", "not_kazakhstan"),
])
def test_anything_else_is_refused_with_a_reason(written: str, reason: str) -> None:
    with pytest.raises(InvalidPhone) as refused:
        normalise_phone(written)
    assert refused.value.reason == reason
    assert str(refused.value).startswith("invalid phone number: ")


def test_a_masked_number_keeps_the_operator_code_and_the_last_two_digits() -> None:
    assert mask_phone("+77011234567") == "+7 701 ••• •• 67"
    assert mask_phone("8 702 987 65 43") == "+7 702 ••• •• 43"
