"""Individual identification numbers (IIN / ЖСН / ИИН): parsing, validation and construction."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Final

__all__ = ["Iin", "InvalidIin", "Sex", "make_iin", "parse_iin"]

IIN_LENGTH: Final = 12
_FIRST_WEIGHTS: Final = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_WEIGHTS: Final = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_NEVER_ISSUED: Final = 10
_ASCII_DIGITS: Final = frozenset("0123456789")
_SERIAL_LIMIT: Final = 10_000


class Sex(enum.Enum):
    MALE = "male"
    FEMALE = "female"


# Digit 7 packs the century with the sex; odd digits are men.
_CENTURY_START: Final[dict[int, int]] = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


class InvalidIin(ValueError):
    """An IIN that cannot have been issued; ``reason`` is a code the portal translates."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"invalid IIN: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class Iin:
    value: str
    birth_date: date
    sex: Sex

    def __str__(self) -> str:
        return self.value


def parse_iin(text: str) -> Iin:
    """Return the IIN in ``text`` or raise :class:`InvalidIin`.

    Reasons, checked in this order: ``length``, ``digits``, ``century``, ``birth_date``,
    ``never_issued``, ``checksum``.
    """
    value = text.strip()
    if len(value) != IIN_LENGTH:
        raise InvalidIin("length")
    # str.isdigit() would let Arabic-Indic and full-width digits through.
    if not set(value) <= _ASCII_DIGITS:
        raise InvalidIin("digits")
    digits = [int(c) for c in value]
    century_digit = digits[6]
    if century_digit not in _CENTURY_START:
        raise InvalidIin("century")
    try:
        born = date(
            _CENTURY_START[century_digit] + int(value[0:2]), int(value[2:4]), int(value[4:6])
        )
    except ValueError:
        raise InvalidIin("birth_date") from None
    control = _control_digit(digits[:11])
    if control is None:
        raise InvalidIin("never_issued")
    if control != digits[11]:
        raise InvalidIin("checksum")
    return Iin(value=value, birth_date=born, sex=Sex.MALE if century_digit % 2 else Sex.FEMALE)


def make_iin(birth_date: date, sex: Sex, serial: int) -> str | None:
    """Build the IIN for a birth date, sex and 4-digit serial.

    Returns None when that serial makes a number that is never issued (both weight sets give 10):
    a generator should then try the next serial.
    """
    if not 0 <= serial < _SERIAL_LIMIT:
        raise ValueError(f"serial must be 0..{_SERIAL_LIMIT - 1}, got {serial}")
    century = birth_date.year // 100 * 100
    if century not in (1800, 1900, 2000):
        raise ValueError(f"an IIN encodes birth years 1800..2099, got {birth_date.year}")
    century_digit = (century - 1800) // 50 + (1 if sex is Sex.MALE else 2)
    prefix = f"{birth_date:%y%m%d}{century_digit}{serial:04d}"
    control = _control_digit([int(c) for c in prefix])
    return None if control is None else f"{prefix}{control}"


def _control_digit(first_eleven: list[int]) -> int | None:
    remainder = _weighted_remainder(first_eleven, _FIRST_WEIGHTS)
    if remainder == _NEVER_ISSUED:
        remainder = _weighted_remainder(first_eleven, _SECOND_WEIGHTS)
        if remainder == _NEVER_ISSUED:
            return None
    return remainder


def _weighted_remainder(digits: list[int], weights: tuple[int, ...]) -> int:
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
