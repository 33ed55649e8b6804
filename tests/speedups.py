"""Test-process speed-ups that change no behaviour under test (installed by tests/conftest.py).

Nearly every test creates its own app, and each new app compiles again what the last one did:

- Werkzeug compiles two URL builders per route (an AST turned into Python code: ~0.09 s of CPU
  for the portal's routes, most of the cost of create_app). A builder is a plain function of the
  rule's parsed parts, its defaults and whether unknown arguments are appended; it reads all else
  through the rule it is bound to. So one compiled builder serves every app's copy of a rule.
- Jinja compiles each template a test renders (parse, generate, compile: ~0.1 s a page). Jinja's
  own bytecode cache, keyed by template name and a checksum of its source, here in memory and
  shared by the apps of one test process, whose template environments are configured alike
  (the cache is kept apart per configuration all the same).
- Every commit of a test database waits for the disk (SQLite: ~130 fdatasync calls a page
  test; PostgreSQL: a WAL flush per commit), ~1 ms each on a quiet disk and far more on a busy
  CI one. The tests' connections do not wait: SQLite with ``synchronous=OFF`` and PostgreSQL
  sessions with ``synchronous_commit=off``. What a transaction does, what it sees and when its
  locks go are unchanged, and a killed process loses nothing (the operating system holds the
  writes); only a crash of the machine itself could lose the last commits, which no test makes.
  The servers the fault and load tests start (gunicorn, Celery) are not test processes and wait
  as production does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing.rules import Rule

_builders: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}
_compile_builder = Rule._compile_builder


def _cached_builder(self: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
    defaults = self.defaults or {}
    key = (
        self.rule,
        tuple(self._trace),
        append_unknown,
        tuple(sorted((str(k), repr(v)) for k, v in defaults.items())),
        tuple(
            sorted(
                (
                    k,
                    type(c).__qualname__,
                    repr(sorted((a, repr(v)) for a, v in vars(c).items() if a != "map")),
                )
                for k, c in self._converters.items()
            )
        ),
    )
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


class _SharedBytecode(BytecodeCache):
    """Compiled templates in memory, per environment configuration (delimiters, extensions,
    autoescape, whitespace handling: what the compiled code depends on)."""

    def __init__(self) -> None:
        self._code: dict[tuple[Any, ...], bytes] = {}

    @staticmethod
    def _configuration(env: Environment) -> tuple[Any, ...]:
        return (
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            env.optimized,
            env.is_async,
            tuple(sorted(env.extensions)),
            getattr(env.autoescape, "__qualname__", env.autoescape),
        )

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        bucket = super().get_bucket(environment, name, filename, source)
        bucket.key = repr((self._configuration(environment), bucket.key))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        data = self._code.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_templates = _SharedBytecode()
_create_jinja_environment = Flask.create_jinja_environment


def _with_shared_bytecode(self: Flask) -> Any:
    env = _create_jinja_environment(self)
    env.bytecode_cache = _templates
    return env


def _commits_without_waiting_for_the_disk(dbapi_connection: Any, _record: Any) -> None:
    kind = type(dbapi_connection).__module__.split(".")[0]
    if kind == "sqlite3":
        dbapi_connection.execute("PRAGMA synchronous=OFF")
    elif kind == "psycopg":
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute("SET synchronous_commit = off")
        # Not a speed-up: a test's connection never waits for a lock longer than two minutes
        # (a lock left held by a failed test's connection fails the next one, not all of CI).
        dbapi_connection.execute("SET lock_timeout = '120s'")
        dbapi_connection.autocommit = autocommit


def install() -> None:
    Rule._compile_builder = _cached_builder  # type: ignore[method-assign]
    Flask.create_jinja_environment = _with_shared_bytecode  # type: ignore[method-assign]
    event.listen(Engine, "connect", _commits_without_waiting_for_the_disk)
