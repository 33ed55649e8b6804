"""Running Alembic from the app: upgrade, and a drift check between models and migrations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

from portal.db import Base

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> AlembicConfig:
    """Built in code, so the migrations travel inside the installed package."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    _run(engine, lambda cfg: command.upgrade(cfg, revision))


def downgrade(engine: Engine, revision: str = "base") -> None:
    _run(engine, lambda cfg: command.downgrade(cfg, revision))


class ForeignKeyViolation(RuntimeError):
    """A migration left rows pointing at nothing; it was rolled back."""


def _run(engine: Engine, step: Callable[[AlembicConfig], None]) -> None:
    """Run one Alembic command in one transaction.

    SQLite rebuilds a table to change it (batch mode), and dropping the old table with foreign
    keys on would cascade-delete or refuse its children; so the keys are off while the migration
    runs (the pragma only works outside a transaction) and every key is checked before commit.
    """
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                step(cfg)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise ForeignKeyViolation(f"rows with dangling keys: {broken[:5]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def current(engine: Engine) -> str | None:
    """The revision the database is at; None for a new, empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def drift(engine: Engine) -> list[Any]:
    """Differences between the ORM models and the migrated schema; empty when they agree."""
    import portal.models  # noqa: F401

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, Base.metadata))


# What the runtime role (gunicorn, Celery) may do on PostgreSQL: read and write rows, never change
# the schema, drop or disable triggers, or TRUNCATE (only the owner may), and never UPDATE or
# DELETE audit events even with the triggers gone. Run after each upgrade, as the owner.
RUNTIME_GRANTS = (
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    "REVOKE UPDATE, DELETE ON events FROM {role}",
    "REVOKE DELETE ON event_chain_head FROM {role}",  # UPDATE stays: appends lock it FOR UPDATE
    "REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}",
)


def grant_runtime(engine: Engine, role: str) -> None:
    if engine.dialect.name != "postgresql":
        raise RuntimeError("database roles are a PostgreSQL matter; SQLite has none")
    with engine.begin() as conn:
        quoted = conn.dialect.identifier_preparer.quote(role)
        for statement in RUNTIME_GRANTS:
            conn.execute(text(statement.format(role=quoted)))
