"""Byte storage behind the CA, key stores, revocation records and one-time tokens."""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol, runtime_checkable

# Keys are slash-separated words; kept narrow so a directory or Redis backend needs no escaping.
_KEY = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")


def check_key(key: str) -> str:
    if _KEY.fullmatch(key) is None or any(part in {".", ".."} for part in key.split("/")):
        raise ValueError(f"invalid storage key: {key!r}")
    return key


@runtime_checkable
class Storage(Protocol):
    """Minimal key-value contract; the portal implements it on its database or Redis.

    ``delete`` must report whether *this* call removed the value: single-use tokens rely on it as
    the one atomic step (Redis ``DEL`` count, SQL ``DELETE`` row count, ``unlink`` on a file).
    ``compare_and_set`` is the other one: the wrong-attempt counter reserves a try with it before
    the secret is checked, so parallel guesses cannot all read the same count.
    """

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, value: bytes) -> None: ...

    def delete(self, key: str) -> bool: ...

    def keys(self, prefix: str) -> list[str]:
        """Every stored key that starts with ``prefix``, sorted."""
        ...

    def compare_and_set(self, key: str, expected: bytes | None, value: bytes) -> bool:
        """Store ``value`` only if the current value is ``expected`` (None: absent), atomically.

        True for the one caller whose expectation held (SQL ``UPDATE … WHERE value = expected`` or
        ``INSERT`` row count, Redis ``WATCH``/``MULTI``, a file lock).
        """
        ...


class MemoryStorage:
    """For tests and single-process demos."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._data.get(check_key(key))

    def put(self, key: str, value: bytes) -> None:
        with self._lock:
            self._data[check_key(key)] = bytes(value)

    def delete(self, key: str) -> bool:
        with self._lock:
            return self._data.pop(check_key(key), None) is not None

    def keys(self, prefix: str) -> list[str]:
        with self._lock:
            return sorted(key for key in self._data if key.startswith(prefix))

    def compare_and_set(self, key: str, expected: bytes | None, value: bytes) -> bool:
        with self._lock:
            if self._data.get(check_key(key)) != expected:
                return False
            self._data[key] = bytes(value)
            return True


class DirectoryStorage:
    """One file per key under ``root``; safe across processes on one machine."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: str, value: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Write then rename so a reader in another worker never sees half a key store.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(value)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def delete(self, key: str) -> bool:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            return False
        return True

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        # One lock file for the directory: compare-and-set is rare (wrong-attempt counters).
        fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def compare_and_set(self, key: str, expected: bytes | None, value: bytes) -> bool:
        with self._exclusive():
            if self.get(key) != expected:
                return False
            self.put(key, value)
            return True

    def keys(self, prefix: str) -> list[str]:
        found = []
        for path in self.root.rglob("*"):
            if path.is_file() and not path.name.startswith(".tmp-") and path != self.root / ".lock":
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    found.append(key)
        return sorted(found)
