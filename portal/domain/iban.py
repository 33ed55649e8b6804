"""Kazakhstan bank account numbers (IBAN): shape and the ISO 13616 mod-97 check."""

from __future__ import annotations

import enum
import string
from typing import Final

__all__ = ["InvalidIban", "normalise_iban"]

KZ_IBAN_LENGTH: Final = 20  # KZ, 2 check digits, 3-digit bank code, 13-character account


class IbanProblem(enum.StrEnum):
    EMPTY = "empty"
    COUNTRY = "country"  # not a Kazakhstan account
    LENGTH = "length"
    CHARACTERS = "characters"
    CHECKSUM = "checksum"  # a digit mistyped or two swapped


class InvalidIban(ValueError):
    def __init__(self, reason: IbanProblem) -> None:
        super().__init__(reason.value)
        self.reason = reason


_ALLOWED: Final = frozenset(string.ascii_uppercase + string.digits)


def normalise_iban(text: str) -> str:
    """The IBAN in its electronic form (upper case, no spaces), or InvalidIban with why.

    A person copies it from a card or a banking app as ``KZ86 125K ZT50 0410 0100``; spaces and
    case are not mistakes.
    """
    value = "".join(text.split()).upper()
    if not value:
        raise InvalidIban(IbanProblem.EMPTY)
    if not value.startswith("KZ"):
        raise InvalidIban(IbanProblem.COUNTRY)
    if not set(value) <= _ALLOWED:
        raise InvalidIban(IbanProblem.CHARACTERS)
    if len(value) != KZ_IBAN_LENGTH:
        raise InvalidIban(IbanProblem.LENGTH)
    # KZ2!n3!n13!c (SWIFT IBAN registry): the check digits and the bank code are digits; only
    # the account may hold letters. A letter typed for a digit can survive mod 97.
    if not value[2:7].isdigit():
        raise InvalidIban(IbanProblem.CHARACTERS)
    rearranged = value[4:] + value[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    if int(number) % 97 != 1:
        raise InvalidIban(IbanProblem.CHECKSUM)
    return value
