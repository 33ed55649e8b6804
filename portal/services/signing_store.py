"""The signer's Storage protocol on the portal's database, so every worker shares one CA and state."""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from portal.db import utcnow
from portal.models import SigningBlob
from signing.storage import check_key


class DatabaseStorage:
    """Each call is its own short transaction: a consumed one-time token is gone for everyone at once,
    whatever the surrounding request later does."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, key: str) -> bytes | None:
        with self._engine.connect() as conn:
            value = conn.execute(
                select(SigningBlob.value).where(SigningBlob.key == check_key(key))
            ).scalar_one_or_none()
        return None if value is None else bytes(value)

    def put(self, key: str, value: bytes) -> None:
        check_key(key)
        for _attempt in range(3):
            with self._engine.begin() as conn:
                changed = conn.execute(
                    update(SigningBlob).where(SigningBlob.key == key)
                    .values(value=bytes(value), updated_at=utcnow())
                ).rowcount
                if changed:
                    return
            try:
                with self._engine.begin() as conn:
                    conn.execute(insert(SigningBlob).values(key=key, value=bytes(value),
                                                            updated_at=utcnow()))
                return
            except IntegrityError:
                continue  # another worker inserted it first: update instead
        raise RuntimeError("could not store a signing record")

    def compare_and_set(self, key: str, expected: bytes | None, value: bytes) -> bool:
        """One conditional statement: ``UPDATE … WHERE value = expected`` or a plain ``INSERT``.

        PostgreSQL re-checks the WHERE clause after waiting for a concurrent writer of the row, and
        SQLite runs one writer at a time, so exactly one of several racing callers sees rowcount 1.
        """
        check_key(key)
        if expected is None:
            try:
                with self._engine.begin() as conn:
                    conn.execute(insert(SigningBlob).values(key=key, value=bytes(value),
                                                            updated_at=utcnow()))
            except IntegrityError:
                return False
            return True
        with self._engine.begin() as conn:
            changed = conn.execute(
                update(SigningBlob)
                .where(SigningBlob.key == key, SigningBlob.value == bytes(expected))
                .values(value=bytes(value), updated_at=utcnow())
            ).rowcount
        return bool(changed == 1)

    def delete(self, key: str) -> bool:
        with self._engine.begin() as conn:
            removed = conn.execute(delete(SigningBlob).where(SigningBlob.key == check_key(key)))
            return removed.rowcount == 1

    def keys(self, prefix: str) -> list[str]:
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(SigningBlob.key)
                .where(SigningBlob.key.like(escaped + "%", escape="\\"))
                .order_by(SigningBlob.key)
            ).scalars()
            return list(rows)
