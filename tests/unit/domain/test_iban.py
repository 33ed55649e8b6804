"""Kazakhstan bank account numbers (IBAN) on the portal application: F1 bank details.

The account number the person types on F1 / F1-1 ("bank details: bank name, account number") is
checked for its shape and its ISO 13616 mod-97 check digits before the application is signed.
"""

from __future__ import annotations

import string

import pytest

from portal.domain.iban import KZ_IBAN_LENGTH, IbanProblem, InvalidIban, normalise_iban

# Published examples: the SWIFT IBAN registry's Kazakh example and a Kazakh example of iban.com
# (all digits). Their check digits are right; every wrong value below is derived from them.
VALID_KZ = ["KZ86125KZT5004100100", "KZ244350000012344567"]
SWIFT_EXAMPLE = VALID_KZ[0]
# Valid IBANs of other countries: right check digits, wrong country.
VALID_GERMAN = "DE89370400440532013000"
VALID_BRITISH = "GB82WEST12345698765432"


def _reason(text: str) -> IbanProblem:
    with pytest.raises(InvalidIban) as caught:
        normalise_iban(text)
    return caught.value.reason


def _with(value: str, position: int, char: str) -> str:
    return value[:position] + char + value[position + 1:]


def _swapped(value: str, position: int) -> str:
    return value[:position] + value[position + 1] + value[position] + value[position + 2:]


@pytest.mark.parametrize("value", VALID_KZ)
def test_a_valid_kazakh_iban_is_returned_as_it_is_f1_bank_details(value: str) -> None:
    assert len(value) == KZ_IBAN_LENGTH
    assert normalise_iban(value) == value


@pytest.mark.parametrize(
    "typed",
    [
        "KZ86 125K ZT50 0410 0100",  # as printed on a card
        "kz86125kzt5004100100",
        "Kz86 125k Zt50 0410 0100",
        "  KZ86125KZT5004100100\n",
        "KZ86\t125KZT\u00a05004100100",  # a tab, a no-break space copied from a banking app
    ],
)
def test_spaces_and_lower_case_are_not_mistakes_and_come_back_in_the_electronic_form(
    typed: str,
) -> None:
    assert normalise_iban(typed) == SWIFT_EXAMPLE


@pytest.mark.parametrize("typed", ["", " ", "\t\n ", "\u00a0"])
def test_nothing_typed_is_reported_as_empty(typed: str) -> None:
    assert _reason(typed) is IbanProblem.EMPTY


@pytest.mark.parametrize("other", [VALID_GERMAN, VALID_BRITISH, VALID_GERMAN.lower()])
def test_a_valid_iban_of_another_country_is_refused_as_not_a_kazakh_account(other: str) -> None:
    assert _reason(other) is IbanProblem.COUNTRY


@pytest.mark.parametrize("typed", ["K", "ZK86125KZT5004100100", "86125KZT5004100100"])
def test_an_account_not_starting_with_kz_is_refused_as_another_country(typed: str) -> None:
    assert _reason(typed) is IbanProblem.COUNTRY


@pytest.mark.parametrize(
    "typed",
    [
        "KZ86-125K-ZT50-0410-0100",
        "KZ86.125K.ZT50.0410.0100",
        "KZ86125KZT500410010/",
        "KZ86125\u041aZT5004100100",  # Cyrillic К from a Kazakh keyboard, not Latin K
        "KZ86125KZT500410010\uff10",  # a full-width zero
        "KZ86125KZT50041\u200b00100",  # a zero-width space is not a space
    ],
)
def test_characters_other_than_latin_letters_and_digits_are_refused(typed: str) -> None:
    assert _reason(typed) is IbanProblem.CHARACTERS


@pytest.mark.parametrize("position", [2, 3])
def test_check_digits_must_be_digits(position: int) -> None:
    assert _reason(_with(SWIFT_EXAMPLE, position, "A")) is IbanProblem.CHARACTERS


@pytest.mark.parametrize("value", VALID_KZ)
@pytest.mark.parametrize("position", [4, 5, 6])
def test_the_three_digit_bank_code_must_be_digits(value: str, position: int) -> None:
    for letter in string.ascii_uppercase:
        assert _reason(_with(value, position, letter)) is IbanProblem.CHARACTERS


def test_a_letter_in_the_bank_code_is_refused_even_where_mod_97_would_let_it_through() -> None:
    # A letter counts as two digits in mod 97, so a letter typed for a digit can keep the
    # remainder right: these two pass the check digits and are caught only by the shape.
    for typo in ["KZ244V50000012344567", "KZ2443F0000012344567"]:
        assert _reason(typo) is IbanProblem.CHARACTERS


def test_the_account_part_may_hold_letters() -> None:
    assert any(ch.isalpha() for ch in SWIFT_EXAMPLE[7:])
    assert normalise_iban(SWIFT_EXAMPLE) == SWIFT_EXAMPLE


@pytest.mark.parametrize(
    "typed",
    [
        "KZ",
        SWIFT_EXAMPLE[:-1],  # a digit left out
        SWIFT_EXAMPLE + "0",  # a digit too many
        "KZ86 125K ZT50 0410 0100 0",
        VALID_GERMAN.replace("DE", "KZ", 1),  # German length (22) under a Kazakh prefix
    ],
)
def test_a_kazakh_iban_has_exactly_twenty_characters(typed: str) -> None:
    assert _reason(typed) is IbanProblem.LENGTH


@pytest.mark.parametrize("value", VALID_KZ)
def test_every_mistyped_digit_is_caught_by_the_check_digits(value: str) -> None:
    changed = 0
    for position in range(2, KZ_IBAN_LENGTH):
        if not value[position].isdigit():
            continue
        for digit in string.digits:
            if digit != value[position]:
                assert _reason(_with(value, position, digit)) is IbanProblem.CHECKSUM, (position, digit)
                changed += 1
    assert changed >= 9 * 15  # all fifteen digit positions of the SWIFT example at least


def test_every_mistyped_letter_in_the_account_is_caught_by_the_check_digits() -> None:
    letters = [p for p, ch in enumerate(SWIFT_EXAMPLE) if ch.isalpha() and p >= 7]
    assert letters  # "KZT" in the account part
    for position in letters:
        for letter in string.ascii_uppercase:
            if letter != SWIFT_EXAMPLE[position]:
                typo = _with(SWIFT_EXAMPLE, position, letter)
                assert _reason(typo) is IbanProblem.CHECKSUM, typo


@pytest.mark.parametrize("value", VALID_KZ)
def test_every_swap_of_two_neighbouring_characters_is_caught_by_the_check_digits(value: str) -> None:
    swaps = [p for p in range(2, KZ_IBAN_LENGTH - 1) if value[p] != value[p + 1]]
    assert swaps
    for position in swaps:
        typo = _swapped(value, position)
        if position == 6 and value[7].isalpha():
            # a letter swapped into the bank code is refused by its shape first
            assert _reason(typo) is IbanProblem.CHARACTERS
        else:
            assert _reason(typo) is IbanProblem.CHECKSUM, typo


def test_a_mistyped_iban_is_refused_even_when_typed_with_spaces_and_in_lower_case() -> None:
    typo = _with(SWIFT_EXAMPLE, 10, "6")  # ...KZT5004... becomes ...KZT6004...
    assert _reason(" ".join(typo.lower()[i:i + 4] for i in range(0, len(typo), 4))) is IbanProblem.CHECKSUM


def test_invalid_iban_is_a_value_error_that_names_its_reason() -> None:
    with pytest.raises(ValueError, match=r"^checksum$") as caught:
        normalise_iban(_swapped(SWIFT_EXAMPLE, 2))
    assert isinstance(caught.value, InvalidIban)
    assert caught.value.reason is IbanProblem.CHECKSUM
    assert str(caught.value) == IbanProblem.CHECKSUM.value


@pytest.mark.parametrize("problem", list(IbanProblem))
def test_every_reason_carries_its_own_value_as_the_message(problem: IbanProblem) -> None:
    error = InvalidIban(problem)
    assert error.reason is problem
    assert error.args == (problem.value,)
