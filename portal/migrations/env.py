"""Alembic environment: runs on the connection or URL the portal hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

import portal.models  # noqa: F401  (registers every table on the metadata)
from portal.db import Base, normalise_url

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to Alembic")
    engine = create_engine(normalise_url(url))
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


run_migrations_online()
