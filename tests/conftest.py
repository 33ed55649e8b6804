"""Shared fixtures: the app on SQLite and (with TEST_DATABASE_URL) PostgreSQL, and page checks."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import Connection, create_engine, inspect, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from portal import create_app, db, migrate
from portal.config import SECRETS, TestConfig
from portal.db import make_engine
from tests import speedups
from tests.pages import ClientRequest

speedups.install()

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# CI: the same examples on every run (a red build can be re-run and stays red, and a failure
# prints the blob that reproduces it), no example database left behind, and no per-example
# deadline (a shared, busy runner is not a slow portal). Example counts stay as each test sets.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
if IN_CI:
    settings.load_profile("ci")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Every test that asks for `database_url` runs once per database (DESIGN principle 6), but
    # for one marked `one_database`: its outcome cannot depend on which database answers (the
    # headers, templates, routing or limits it checks), so it runs on SQLite only.
    if "database_url" in metafunc.fixturenames:
        one = metafunc.definition.get_closest_marker("one_database")
        if one is not None and not (one.args and str(one.args[0]).strip()):
            raise pytest.UsageError(f"{metafunc.definition.nodeid}: one_database needs the reason "
                                    "its outcome cannot depend on the database")
        params = ["sqlite"] + (["postgresql"] if PG_URL and one is None else [])
        metafunc.parametrize("database_url", params, indirect=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets its own PostgreSQL database (``<name>_gw0`` …), made
    on the same server, so workers never truncate each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    url = db.normalise_url(PG_URL)
    try:
        url = _worker_database(url)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    except Exception as exc:  # unreachable server
        if IN_CI:
            pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is required in CI: {type(exc).__name__}")
        pytest.skip("PostgreSQL not reachable")
    migrate.upgrade(engine)
    engine.dispose()
    return url


def _empty_postgres(conn: Connection) -> None:
    """Every table but alembic_version empty and every sequence back at its start, as a new
    migrated database has them.

    TRUNCATE of all ~50 tables costs a new file per table and an fsync (0.3–3 s a test); most
    tests write to a handful of tables, so only the tables that hold rows are emptied, by DELETE
    with triggers and foreign-key checks off for this transaction (the audit log refuses DELETE
    and TRUNCATE; only the test reset may lift that), and only used sequences are restarted.
    Without the superuser right to switch triggers off, all tables are truncated as before."""
    tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
    if conn.scalar(text("SELECT current_setting('is_superuser')")) != "on":
        conn.execute(text("ALTER TABLE events DISABLE TRIGGER events_no_truncate"))
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        conn.execute(text("ALTER TABLE events ENABLE TRIGGER events_no_truncate"))
        return
    # Table names come from the catalog, quoted; the numbers say which of them hold rows.
    quote = conn.dialect.identifier_preparer.quote
    probe = " UNION ALL ".join(f"SELECT {n} FROM (SELECT 1 FROM {quote(t)} LIMIT 1) AS x"  # noqa: S608
                               for n, t in enumerate(tables))
    holding = [tables[n] for n in conn.scalars(text(probe))]
    conn.execute(text("SET LOCAL session_replication_role = replica"))
    for table in holding:
        conn.execute(text(f"DELETE FROM {quote(table)}"))  # noqa: S608
    used = conn.execute(text("SELECT schemaname, sequencename FROM pg_sequences "
                             "WHERE last_value IS NOT NULL")).all()
    for schema, sequence in used:
        conn.execute(text(f"ALTER SEQUENCE {quote(schema)}.{quote(sequence)} RESTART"))
    conn.execute(text("SET LOCAL session_replication_role = DEFAULT"))


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_migrated")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                # A connection an earlier test left in a transaction would hold its locks for
                # ever: fail in a minute, naming it, rather than wait until CI's time runs out.
                conn.execute(text("SET LOCAL lock_timeout = '60s'"))
                _empty_postgres(conn)
        except OperationalError:
            with engine.connect() as conn:
                holders = conn.execute(text(
                    "SELECT pid, state, application_name, left(query, 200) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all()
            pytest.fail(f"the test database stays locked by {holders}")
        finally:
            engine.dispose()
        return url
    copy = tmp_path / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    return f"sqlite:///{copy}"


def _make_app(url: str, tmp_path: Path, **overrides: Any) -> Flask:
    config = TestConfig()
    config.DATABASE_URL = url
    # Uploaded files of a test live in its own directory, never in the checkout's instance/.
    config.STORAGE_PATH = str(overrides.pop("STORAGE_PATH", tmp_path / "files"))
    app = create_app(config)
    app.instance_path = str(tmp_path / "instance")
    app.config.update(overrides)
    return app


@pytest.fixture
def db_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on each database in turn (SQLite, then PostgreSQL when configured)."""
    application = _make_app(database_url, tmp_path)
    yield application
    db.engine_of(application).dispose()


@pytest.fixture
def app(db_app: Flask) -> Flask:
    """Every page test runs on both databases too: pages read and write through the database."""
    return db_app


@pytest.fixture
def session(db_app: Flask) -> Iterator[Session]:
    with db_app.app_context():
        yield db.session()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _worker_redis(url: str) -> str:
    """Under pytest-xdist each worker gets its own Redis database (the next ones after
    REDIS_URL's): the Celery workers two tests start at once would otherwise take each other's
    jobs from the one queue, and each test's job would run against the other test's database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base + 1 + int(worker[2:])) % 16}"))


@pytest.fixture
def redis_url() -> str:
    """REDIS_URL for tests that need a real Redis: skipped without one, a failure in CI."""
    import redis

    url = os.environ.get("REDIS_URL", "")
    if not url:
        if IN_CI:
            pytest.fail("REDIS_URL is required in CI")
        pytest.skip("REDIS_URL not set")
    url = _worker_redis(url)
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        if IN_CI:
            pytest.fail(f"Redis not reachable in CI: {type(exc).__name__}")
        pytest.skip("Redis not reachable")
    return url


@pytest.fixture
def client_request(app: Flask) -> ClientRequest:
    return ClientRequest(app, app.test_client())


PRODUCTION_SECRET = "vP3q-7xZ_kL9mN2bR5tW8yA1cE4gH6jU0oS3dF7hK9"  # shaped like token_urlsafe


@pytest.fixture
def production_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                   sqlite_template: Path) -> Iterator[Flask]:
    """The app as production configures it (https://portal.example.kz, Redis-backed limits)."""
    from portal.config import ProductionConfig

    for name in SECRETS:
        monkeypatch.setenv(name, f"{name}-{PRODUCTION_SECRET}")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://portal.example.kz")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/4")  # never contacted
    monkeypatch.setenv("FILES_ON_PORTAL_ORIGIN_ACCEPTED", "1")  # files served as the tests expect
    for name in ("TRUSTED_HOSTS", "SESSION_COOKIE_SECURE", "TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    copy = tmp_path / "production.db"
    shutil.copyfile(sqlite_template, copy)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{copy}")
    application = create_app(ProductionConfig(), instance_path=str(tmp_path / "instance"))
    yield application
    db.engine_of(application).dispose()
