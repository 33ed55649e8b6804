"""The storage interface every backend implements, and the shape of its keys."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterator
from typing import Final, Protocol

# 32 random bytes as lower-case hex, optionally with one suffix naming a derived variant
# ("-thumb"): nothing from the person or the original file name ever goes into a key.
_KEY: Final = re.compile(r"[0-9a-f]{64}(-[a-z]{1,10})?")


class NotFound(KeyError):
    """No object under this key."""


def new_key() -> str:
    return secrets.token_hex(32)


def valid_key(key: str) -> bool:
    return _KEY.fullmatch(key) is not None


class Storage(Protocol):
    """Bytes in, a key out; the content type is kept in the database next to the key."""

    def put(self, data: bytes, content_type: str, *, key: str | None = None) -> str:
        """Store ``data`` under a new random key (or ``key``, which must be valid); return it."""
        ...

    def get(self, key: str) -> bytes:
        """The stored bytes; :class:`NotFound` when there are none."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the object; deleting what is not there is not an error."""
        ...

    def touch(self, key: str) -> None:
        """Mark the object as read now (a cache entry's last use); nothing if it is not there."""
        ...

    def unused_since(self, suffix: str, before: dt.datetime) -> Iterator[str]:
        """The keys ending in ``-suffix`` whose object was last stored or touched before
        ``before``."""
        ...
