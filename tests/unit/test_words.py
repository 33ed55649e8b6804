"""Amounts in words for F5 ("(жазбаша)") and F6 ("(сомасы жазбаша)"), in Kazakh and Russian."""

from __future__ import annotations

import pytest

from portal.documents.words import number_in_words, tenge_in_words


@pytest.mark.parametrize(("n", "kk", "ru"), [
    (0, "нөл", "ноль"),
    (1, "бір", "один"),
    (11, "он бір", "одиннадцать"),
    (19, "он тоғыз", "девятнадцать"),
    (20, "жиырма", "двадцать"),
    (42, "қырық екі", "сорок два"),
    (100, "жүз", "сто"),
    (101, "жүз бір", "сто один"),
    (215, "екі жүз он бес", "двести пятнадцать"),
    (999, "тоғыз жүз тоқсан тоғыз", "девятьсот девяносто девять"),
    (1000, "бір мың", "одна тысяча"),
    (1001, "бір мың бір", "одна тысяча один"),
    (2000, "екі мың", "две тысячи"),
    (5000, "бес мың", "пять тысяч"),
    (11_000, "он бір мың", "одиннадцать тысяч"),
    (21_000, "жиырма бір мың", "двадцать одна тысяча"),
    (22_000, "жиырма екі мың", "двадцать две тысячи"),
    (100_000, "жүз мың", "сто тысяч"),
    (121_625, "жүз жиырма бір мың алты жүз жиырма бес",
     "сто двадцать одна тысяча шестьсот двадцать пять"),
    (1_000_000, "бір миллион", "один миллион"),
    (2_003_004, "екі миллион үш мың төрт", "два миллиона три тысячи четыре"),
    (5_000_000_000, "бес миллиард", "пять миллиардов"),
    (111_111_111_111, "жүз он бір миллиард жүз он бір миллион жүз он бір мың жүз он бір",
     "сто одиннадцать миллиардов сто одиннадцать миллионов сто одиннадцать тысяч сто "
     "одиннадцать"),
])
def test_f5_f6_numbers_in_kazakh_and_russian_words(n: int, kk: str, ru: str) -> None:
    assert number_in_words(n, "kk") == kk
    assert number_in_words(n, "ru") == ru


def test_f5_f6_english_words_for_the_english_page() -> None:
    assert number_in_words(121_625, "en") == "one hundred twenty-one thousand six hundred " \
                                             "twenty-five"
    assert number_in_words(0, "en") == "zero"


@pytest.mark.parametrize(("tiyn", "kk", "ru"), [
    (12_162_550, "жүз жиырма бір мың алты жүз жиырма бес теңге елу тиын",
     "сто двадцать одна тысяча шестьсот двадцать пять тенге пятьдесят тиын"),
    (4_325_00, "төрт мың үш жүз жиырма бес теңге нөл тиын",
     "четыре тысячи триста двадцать пять тенге ноль тиын"),
    (1, "нөл теңге бір тиын", "ноль тенге один тиын"),
    (2_102, "жиырма бір теңге екі тиын", "двадцать один тенге два тиын"),
])
def test_f5_f6_amounts_in_tenge_and_tiyn_words(tiyn: int, kk: str, ru: str) -> None:
    assert tenge_in_words(tiyn, "kk") == kk
    assert tenge_in_words(tiyn, "ru") == ru
    assert tenge_in_words(tiyn, "en").endswith("tiyn")


@pytest.mark.parametrize("bad", [-1, 10 ** 12])
def test_numbers_outside_the_range_are_refused(bad: int) -> None:
    with pytest.raises(ValueError):
        number_in_words(bad, "kk")


def test_only_whole_numbers_and_known_languages() -> None:
    with pytest.raises(TypeError):
        number_in_words(1.5, "ru")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        tenge_in_words(True, "ru")
    with pytest.raises(ValueError, match="language"):
        number_in_words(1, "de")
    with pytest.raises(ValueError):
        tenge_in_words(-100, "kk")
