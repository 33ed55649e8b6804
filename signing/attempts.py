"""Wrong-attempt limits for key stores: a try is reserved atomically before the secret is checked.

The state of one person lives under one storage key and only ever changes by compare-and-set, so
parallel requests on any number of workers cannot all read the same count. One try at a time is
checked per person (a short lease), the last allowed try starts a pause before it is checked, the
pauses grow (5 min, 30 min, 2 h, 24 h by default) and after the last one the key store is blocked
until it is issued again.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta

from signing.base import Clock, KeyStoreBlocked, LockedOut, UnlockBusy, WrongSecret, read_clock
from signing.storage import Storage

MAX_ATTEMPTS = 3
LOCKOUT_STEPS = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=24))
# Longer than any key derivation takes; a worker that dies mid-check frees the person after this.
LEASE = timedelta(seconds=30)
_RETRIES = 50
# How long a try waits in line behind another try of the same person (real seconds).
QUEUE_WAIT = 10.0
_POLL = 0.02

Refusal = KeyStoreBlocked | LockedOut | WrongSecret


def escalating(first: timedelta) -> tuple[timedelta, ...]:
    """The default ladder scaled so that it starts at ``first``."""
    return tuple(first * (step / LOCKOUT_STEPS[0]) for step in LOCKOUT_STEPS)


@dataclass(frozen=True)
class _State:
    failures: int = 0
    lockouts: int = 0
    locked_until: str | None = None
    busy_until: str | None = None
    blocked: bool = False

    @classmethod
    def parse(cls, raw: bytes | None) -> _State:
        if raw is None:
            return cls()
        data = json.loads(raw)
        return cls(**{k: data[k] for k in ("failures", "lockouts", "locked_until", "busy_until",
                                            "blocked") if k in data})

    def dump(self) -> bytes:
        return json.dumps(asdict(self), sort_keys=True).encode()


def _at(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


@dataclass(frozen=True)
class Reservation:
    """One counted try: ``locks_until`` is set when it is the last try before a pause."""

    failures: int
    locks_until: datetime | None
    blocks: bool


class AttemptGuard:
    """Reserve a try, then report how it went; every change is a compare-and-set."""

    def __init__(
        self,
        storage: Storage,
        key: str,
        *,
        now: Clock,
        max_attempts: int = MAX_ATTEMPTS,
        steps: Sequence[timedelta] = LOCKOUT_STEPS,
    ) -> None:
        if max_attempts < 1 or not steps:
            raise ValueError("need at least one attempt and one lockout step")
        self._storage = storage
        self._key = key
        self._now = now
        self._max = max_attempts
        self._steps = tuple(steps)

    def locked_until(self) -> datetime | None:
        state = _State.parse(self._storage.get(self._key))
        until = _at(state.locked_until)
        return until if until is not None and read_clock(self._now) < until else None

    def reserve(self) -> Reservation:
        """Count a try before it is checked, or refuse it (locked or blocked).

        A try that finds another one of the same person being checked waits for it to finish
        (``QUEUE_WAIT`` at most, then ``UnlockBusy``): tries are checked one at a time.
        """
        deadline = time.monotonic() + QUEUE_WAIT
        while True:
            try:
                return self._try_reserve()
            except UnlockBusy:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(_POLL)

    def _try_reserve(self) -> Reservation:
        for _ in range(_RETRIES):
            raw = self._storage.get(self._key)
            state = _State.parse(raw)
            now = read_clock(self._now)
            if state.blocked:
                raise KeyStoreBlocked()
            until = _at(state.locked_until)
            if until is not None and now < until:
                raise LockedOut(until)
            if until is not None:
                state = replace(state, failures=0, locked_until=None)  # the pause is over
            busy = _at(state.busy_until)
            if busy is not None and now < busy:
                raise UnlockBusy()
            failures = state.failures + 1
            locks_until, blocks = None, False
            new = replace(state, failures=failures, busy_until=(now + LEASE).isoformat())
            if failures >= self._max:
                # The pause starts now, before the check: nothing can slip in while it runs.
                if state.lockouts >= len(self._steps):
                    blocks = True
                    new = replace(new, blocked=True)
                else:
                    locks_until = now + self._steps[state.lockouts]
                    new = replace(new, lockouts=state.lockouts + 1,
                                  locked_until=locks_until.isoformat())
            if self._storage.compare_and_set(self._key, raw, new.dump()):
                return Reservation(failures, locks_until, blocks)
        raise UnlockBusy()

    def reset(self) -> None:
        """The right secret, or a new key store: the count, pauses and escalation start again."""
        self._storage.delete(self._key)

    def failed(self, reservation: Reservation) -> Refusal:
        """The wrong secret: free the lease and say what the person is told."""
        for _ in range(_RETRIES):
            raw = self._storage.get(self._key)
            state = _State.parse(raw)
            if self._storage.compare_and_set(self._key, raw, replace(state, busy_until=None).dump()):
                break
        if reservation.blocks:
            return KeyStoreBlocked()
        if reservation.locks_until is not None:
            return LockedOut(reservation.locks_until)
        return WrongSecret(self._max - reservation.failures)
