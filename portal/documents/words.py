"""Amounts in words, as forms F5 and F6 ask ("(жазбаша)", "(сомасы жазбаша)"): whole numbers and
tenge with tiyn, in Kazakh, Russian and English.

Amounts are integers in tiyn throughout the portal, so no rounding happens here. Tenge and tiyn
do not decline in Russian ("пять тенге", "двадцать один тиын"); only the scale words do (тысяча,
тысячи, тысяч). Kazakh numerals do not decline before a noun ("екі мың теңге").
"""

from __future__ import annotations

from typing import Final

__all__ = ["LANGUAGES", "number_in_words", "tenge_in_words"]

LANGUAGES: Final = ("kk", "ru", "en")

# -- Kazakh ------------------------------------------------------------------------------------

_KK_ONES: Final = ("", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз")
_KK_TENS: Final = ("", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен",
                   "тоқсан")
_KK_SCALES: Final = ("", "мың", "миллион", "миллиард")


def _kk_triple(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words: list[str] = []
    if hundreds:
        # "жүз" alone for one hundred, as it is said and written in amounts ("жүз теңге").
        words += ["жүз"] if hundreds == 1 else [_KK_ONES[hundreds], "жүз"]
    tens, ones = divmod(rest, 10)
    if tens:
        words.append(_KK_TENS[tens])
    if ones:
        words.append(_KK_ONES[ones])
    return words


def _kk(n: int) -> str:
    if n == 0:
        return "нөл"
    words: list[str] = []
    for power in range(len(_KK_SCALES) - 1, -1, -1):
        triple = n // 1000 ** power % 1000
        if not triple:
            continue
        # "бір мың", "бір миллион": the scale word keeps its "one" in amounts.
        words += _kk_triple(triple) if triple != 1 or power == 0 else ["бір"]
        if power:
            words.append(_KK_SCALES[power])
    return " ".join(words)


# -- Russian -----------------------------------------------------------------------------------

_RU_ONES_M: Final = ("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь",
                     "девять")
_RU_ONES_F: Final = ("", "одна", "две", *_RU_ONES_M[3:])
_RU_TEENS: Final = ("десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать",
                    "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать")
_RU_TENS: Final = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят",
                   "семьдесят", "восемьдесят", "девяносто")
_RU_HUNDREDS: Final = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот",
                       "семьсот", "восемьсот", "девятьсот")
# (one, few, many) forms of each scale, and whether the scale noun is feminine.
_RU_SCALES: Final = (
    (("", "", ""), False),
    (("тысяча", "тысячи", "тысяч"), True),
    (("миллион", "миллиона", "миллионов"), False),
    (("миллиард", "миллиарда", "миллиардов"), False),
)


def _ru_plural(n: int, forms: tuple[str, str, str]) -> str:
    if n % 100 in range(11, 20):
        return forms[2]
    last = n % 10
    if last == 1:
        return forms[0]
    if last in (2, 3, 4):
        return forms[1]
    return forms[2]


def _ru_triple(n: int, feminine: bool) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = [_RU_HUNDREDS[hundreds]] if hundreds else []
    if 10 <= rest < 20:
        words.append(_RU_TEENS[rest - 10])
    else:
        tens, ones = divmod(rest, 10)
        if tens:
            words.append(_RU_TENS[tens])
        if ones:
            words.append((_RU_ONES_F if feminine else _RU_ONES_M)[ones])
    return words


def _ru(n: int, feminine: bool = False) -> str:
    if n == 0:
        return "ноль"
    words: list[str] = []
    for power in range(len(_RU_SCALES) - 1, -1, -1):
        triple = n // 1000 ** power % 1000
        if not triple:
            continue
        forms, scale_feminine = _RU_SCALES[power]
        words += _ru_triple(triple, scale_feminine if power else feminine)
        if power:
            words.append(_ru_plural(triple, forms))
    return " ".join(words)


# -- English -----------------------------------------------------------------------------------

_EN_ONES: Final = ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                   "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                   "seventeen", "eighteen", "nineteen")
_EN_TENS: Final = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
                   "ninety")
_EN_SCALES: Final = ("", "thousand", "million", "billion")


def _en_triple(n: int) -> list[str]:
    hundreds, rest = divmod(n, 100)
    words = [_EN_ONES[hundreds], "hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_EN_TENS[tens] + (f"-{_EN_ONES[ones]}" if ones else ""))
    elif rest:
        words.append(_EN_ONES[rest])
    return words


def _en(n: int) -> str:
    if n == 0:
        return "zero"
    words: list[str] = []
    for power in range(len(_EN_SCALES) - 1, -1, -1):
        triple = n // 1000 ** power % 1000
        if triple:
            words += _en_triple(triple)
            if power:
                words.append(_EN_SCALES[power])
    return " ".join(words)


_LIMIT: Final = 10 ** 12  # below a trillion: far above any assistance


def number_in_words(n: int, language: str) -> str:
    """A whole number from 0 to 999 999 999 999 in words ("екі мың жиырма бес")."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("a whole number is needed")
    if not 0 <= n < _LIMIT:
        raise ValueError(f"{n} is outside 0 … {_LIMIT - 1}")
    if language == "kk":
        return _kk(n)
    if language == "ru":
        return _ru(n)
    if language == "en":
        return _en(n)
    raise ValueError(f"no words for language {language!r}")


def tenge_in_words(tiyn: int, language: str) -> str:
    """An amount in tiyn in words: "бір мың екі жүз теңге елу тиын", "одна тысяча двести тенге
    пятьдесят тиын", "one thousand two hundred tenge fifty tiyn". Zero tiyn are written too
    ("00 тиын" style forms leave room for a forged figure; words do not)."""
    if isinstance(tiyn, bool) or not isinstance(tiyn, int):
        raise TypeError("an amount in tiyn (an integer) is needed")
    if tiyn < 0:
        raise ValueError("a negative amount has no words on a form")
    tenge, rest = divmod(tiyn, 100)
    return f"{number_in_words(tenge, language)} теңге {number_in_words(rest, language)} тиын" \
        if language == "kk" else (
            f"{number_in_words(tenge, language)} тенге {number_in_words(rest, language)} тиын"
            if language == "ru" else
            f"{number_in_words(tenge, language)} tenge {number_in_words(rest, language)} tiyn")
