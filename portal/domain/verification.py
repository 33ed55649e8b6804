"""The short public code of a signed document (#12): printed under the QR, typed at /verify.

Twelve characters of a 32-letter alphabet without look-alikes (no 0/O, 1/I): 60 random bits,
so a code cannot be guessed, and short enough to read out or type from paper. Shown in groups of
four (``7GEY-1EDR-…`` style, with this alphabet ``K4PQ-9TXM-HB2C``); typing is forgiving about
case, spaces and dashes.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12
_ALLOWED = frozenset(ALPHABET)


def new_code() -> str:
    """A fresh random code (``secrets``), e.g. ``K4PQ9TXMHB2C``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str | None) -> str | None:
    """The code as stored, from what a person typed or a QR link carried; ``None`` when it cannot
    be a code (then the caller answers exactly as for an unknown one)."""
    if not text:
        return None
    value = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(value) != LENGTH or not set(value) <= _ALLOWED:
        return None
    return value


def display(code: str) -> str:
    """Groups of four joined by dashes, for print and for the page."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
