"""Kazakhstan phone numbers: one written form (+7XXXXXXXXXX), and a masked form for screens."""

from __future__ import annotations

from typing import Final

__all__ = ["InvalidPhone", "mask_phone", "normalise_phone"]

_DIGITS: Final = frozenset("0123456789")
_SEPARATORS: Final = str.maketrans("", "", " -()\u00a0")


class InvalidPhone(ValueError):
    """A number the portal cannot text; ``reason`` is a code, ``str()`` says it in English."""

    MESSAGES: Final = {
        "empty": "no phone number given",
        "characters": "a phone number has only digits, spaces, dashes, brackets and a leading +",
        "length": "a Kazakhstan number has 10 digits after +7 (or 11 starting with 8)",
        "country": "the number must start with +7 or 8",
        "not_kazakhstan": "after +7 a Kazakhstan number starts with 7 (+7 7XX …)",
    }

    def __init__(self, reason: str) -> None:
        super().__init__(f"invalid phone number: {self.MESSAGES[reason]}")
        self.reason = reason


def normalise_phone(text: str) -> str:
    """``+7 (701) 123-45-67``, ``87011234567``, ``7011234567`` → ``+77011234567``.

    Kazakhstan shares the +7 country code with Russia; its numbers (mobile and fixed) continue
    with 7, so a +7 9XX number is Russian and refused: the mobile citizens database is
    Kazakhstan's.
    """
    raw = text.strip().translate(_SEPARATORS)
    if not raw:
        raise InvalidPhone("empty")
    plus = raw.startswith("+")
    digits = raw[1:] if plus else raw
    if not digits or not set(digits) <= _DIGITS:
        raise InvalidPhone("characters")
    if plus:
        if not digits.startswith("7"):
            raise InvalidPhone("country")
        national = digits[1:]
    elif len(digits) == 11:
        if digits[0] not in "78":
            raise InvalidPhone("country")
        national = digits[1:]
    else:
        national = digits
    if len(national) != 10:
        raise InvalidPhone("length")
    if not national.startswith("7"):
        raise InvalidPhone("not_kazakhstan")
    return "+7" + national


def mask_phone(phone: str) -> str:
    """``+77011234567`` → ``+7 701 ••• •• 67``: enough to tell numbers apart, not to dial one."""
    national = normalise_phone(phone)[2:]
    return f"+7 {national[:3]} ••• •• {national[-2:]}"
