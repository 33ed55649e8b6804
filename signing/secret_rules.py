"""What a key password or PIN must look like: length, digits, and no guessable PINs."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from signing.base import WeakSecret


def is_trivial_pin(pin: str) -> bool:
    """One repeated digit (0000), a run up or down (1234, 9876, 8901) or a repeated half (1212)."""
    if len(set(pin)) == 1:
        return True
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {9}):
        return True
    half = len(pin) // 2
    return len(pin) % 2 == 0 and pin[:half] == pin[half:]


@dataclass(frozen=True)
class SecretRule:
    """Shape of an acceptable password or PIN; the person chooses it, we never store it."""

    min_length: int = 8
    max_length: int = 128
    digits_only: bool = False

    def check_shape(self, secret: str) -> None:
        """Length and alphabet: checked before a try is counted, so a typo costs no attempt."""
        if not self.min_length <= len(secret) <= self.max_length:
            raise WeakSecret(code="secret.length")
        if self.digits_only and not (secret.isascii() and secret.isdigit()):
            raise WeakSecret(code="secret.digits_only")

    def check(self, secret: str) -> None:
        """Everything a new secret must satisfy when the key store is issued."""
        self.check_shape(secret)
        if self.digits_only and is_trivial_pin(secret):
            raise WeakSecret(code="secret.trivial")
        if not self.digits_only and len(set(secret)) < 3:
            raise WeakSecret(code="secret.trivial")
