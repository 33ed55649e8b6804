"""IIN parsing, validation and construction (KAZAKHSTAN.md "IIN", F1 field IIN)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.iin import Iin, InvalidIin, Sex, make_iin, parse_iin

VALID_EXAMPLES = [
    ("850321301238", date(1985, 3, 21), Sex.MALE),
    ("921231445671", date(1992, 12, 31), Sex.FEMALE),
    ("050228500011", date(2005, 2, 28), Sex.MALE),
    ("500706400099", date(1950, 7, 6), Sex.FEMALE),
    ("900101300811", date(1990, 1, 1), Sex.MALE),
    ("871008401427", date(1987, 10, 8), Sex.FEMALE),
    ("760212350620", date(1976, 2, 12), Sex.MALE),
]
# Both weight sets give 10 for these eleven digits, whatever the twelfth.
NEVER_ISSUED_PREFIX = "90010130080"

birth_dates = st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31))
sexes = st.sampled_from(Sex)
serials = st.integers(min_value=0, max_value=9999)


def _reason(text: str) -> str:
    with pytest.raises(InvalidIin) as caught:
        parse_iin(text)
    return caught.value.reason


def _first_weight_remainder(value: str) -> int:
    return sum(int(c) * w for c, w in zip(value[:11], range(1, 12), strict=True)) % 11


@st.composite
def valid_iins(draw: st.DrawFn) -> str:
    made = draw(st.builds(make_iin, birth_dates, sexes, serials).filter(lambda v: v is not None))
    assert made is not None
    return made


@pytest.mark.parametrize(("value", "born", "sex"), VALID_EXAMPLES)
def test_published_examples_parse_to_their_birth_date_and_sex(
    value: str, born: date, sex: Sex
) -> None:
    assert parse_iin(value) == Iin(value=value, birth_date=born, sex=sex)


def test_example_whose_first_remainder_is_ten_is_checked_with_the_second_weight_set() -> None:
    assert _first_weight_remainder("900101300811") == 10
    assert parse_iin("900101300811").birth_date == date(1990, 1, 1)


def test_surrounding_whitespace_is_ignored_and_the_value_is_kept_bare() -> None:
    iin = parse_iin("  850321301238\n")
    assert iin.value == "850321301238"
    assert str(iin) == "850321301238"


@pytest.mark.parametrize("text", ["", "85032130123", "8503213012380", "8503 2130 1238"])
def test_anything_but_twelve_characters_is_refused_for_length(text: str) -> None:
    assert _reason(text) == "length"


@pytest.mark.parametrize(
    "text",
    [
        "85032130123a",
        "850321-01238",
        "８５０３２１３０１２３８",  # full-width digits
        "٨٥٠٣٢١٣٠١٢٣٨",  # Arabic-Indic digits
    ],
)
def test_only_ascii_digits_are_accepted(text: str) -> None:
    assert _reason(text) == "digits"


@pytest.mark.parametrize("digit", "0789")
def test_seventh_digit_outside_one_to_six_is_refused_for_century(digit: str) -> None:
    assert _reason(f"850321{digit}01238") == "century"


@pytest.mark.parametrize("prefix", ["851321", "850230", "850000", "010229"])
def test_impossible_birth_date_is_refused(prefix: str) -> None:
    assert _reason(f"{prefix}301238") == "birth_date"


def test_leap_day_is_a_birth_date_only_in_leap_years() -> None:
    assert _reason("000229300000") == "birth_date"  # 1900 was not a leap year
    leap_2000 = make_iin(date(2000, 2, 29), Sex.MALE, 1)
    assert leap_2000 is not None
    assert parse_iin(leap_2000).birth_date == date(2000, 2, 29)


def test_wrong_control_digit_is_refused_for_checksum() -> None:
    assert _reason("850321301239") == "checksum"


@pytest.mark.parametrize("last", "0123456789")
def test_digits_whose_both_weight_sets_give_ten_are_never_issued(last: str) -> None:
    assert _reason(NEVER_ISSUED_PREFIX + last) == "never_issued"


def test_invalid_iin_is_a_value_error_that_names_its_reason() -> None:
    error = InvalidIin("checksum")
    assert isinstance(error, ValueError)
    assert "checksum" in str(error)


def test_make_iin_encodes_century_and_sex_in_the_seventh_digit() -> None:
    seventh = {
        (1850, Sex.MALE): "1",
        (1850, Sex.FEMALE): "2",
        (1950, Sex.MALE): "3",
        (1950, Sex.FEMALE): "4",
        (2050, Sex.MALE): "5",
        (2050, Sex.FEMALE): "6",
    }
    for (year, sex), digit in seventh.items():
        made = make_iin(date(year, 6, 1), sex, 42)
        assert made is not None
        assert made[6] == digit
        assert made[7:11] == "0042"


@pytest.mark.parametrize(("value", "born", "sex"), VALID_EXAMPLES)
def test_make_iin_rebuilds_every_published_example(value: str, born: date, sex: Sex) -> None:
    assert make_iin(born, sex, int(value[7:11])) == value


def test_make_iin_returns_none_for_a_serial_that_is_never_issued() -> None:
    assert make_iin(date(1990, 1, 1), Sex.MALE, 80) is None


@pytest.mark.parametrize("serial", [-1, 10_000])
def test_make_iin_refuses_a_serial_of_more_than_four_digits(serial: int) -> None:
    with pytest.raises(ValueError, match="serial"):
        make_iin(date(1990, 1, 1), Sex.MALE, serial)


@pytest.mark.parametrize("year", [1799, 2100])
def test_make_iin_refuses_birth_years_the_seventh_digit_cannot_encode(year: int) -> None:
    with pytest.raises(ValueError, match="birth years"):
        make_iin(date(year, 1, 1), Sex.FEMALE, 1)


@given(birth_dates, sexes, serials)
def test_every_made_iin_parses_back_to_its_birth_date_sex_and_serial(
    born: date, sex: Sex, serial: int
) -> None:
    made = make_iin(born, sex, serial)
    if made is None:
        assert _reason(_prefix_with_any_control(born, sex, serial)) == "never_issued"
        return
    parsed = parse_iin(made)
    assert (parsed.birth_date, parsed.sex, made[7:11]) == (born, sex, f"{serial:04d}")


def _prefix_with_any_control(born: date, sex: Sex, serial: int) -> str:
    century_digit = {1800: 1, 1900: 3, 2000: 5}[born.year // 100 * 100] + (sex is Sex.FEMALE)
    return f"{born:%y%m%d}{century_digit}{serial:04d}0"


@given(valid_iins(), st.integers(min_value=0, max_value=9), st.integers(1, 9))
def test_a_typo_in_the_first_ten_digits_is_rejected_unless_the_second_weight_set_is_involved(
    value: str, position: int, shift: int
) -> None:
    typo = _with_digit_shifted(value, position, shift)
    try:
        parse_iin(typo)
    except InvalidIin:
        return
    # Weights 1..10 are non-zero mod 11, so such a typo always changes the first remainder; it
    # can only slip through when one side needed the second weight set.
    assert 10 in (_first_weight_remainder(value), _first_weight_remainder(typo))


@given(valid_iins(), st.integers(1, 9))
def test_a_typo_in_the_eleventh_digit_can_only_change_the_serial(value: str, shift: int) -> None:
    # The eleventh weight is 11, which is 0 mod 11: the first weight set does not see that digit,
    # so only the registry check on the whole number can catch such a typo.
    typo = _with_digit_shifted(value, 10, shift)
    try:
        parsed = parse_iin(typo)
    except InvalidIin:
        assert 10 in (_first_weight_remainder(value), _first_weight_remainder(typo))
        return
    original = parse_iin(value)
    assert (parsed.birth_date, parsed.sex) == (original.birth_date, original.sex)
    assert parsed.value[7:11] != original.value[7:11]


def _with_digit_shifted(value: str, position: int, shift: int) -> str:
    return value[:position] + str((int(value[position]) + shift) % 10) + value[position + 1 :]


@given(valid_iins(), st.integers(1, 9))
def test_changing_the_control_digit_is_always_rejected_for_checksum(value: str, shift: int) -> None:
    typo = _with_digit_shifted(value, 11, shift)
    assert _reason(typo) == "checksum"


@given(st.text(max_size=20))
def test_parse_iin_either_returns_an_iin_or_raises_invalid_iin(text: str) -> None:
    try:
        parsed = parse_iin(text)
    except InvalidIin as error:
        assert error.reason in {
            "length",
            "digits",
            "century",
            "birth_date",
            "checksum",
            "never_issued",
        }
    else:
        assert parsed.value == text.strip()
