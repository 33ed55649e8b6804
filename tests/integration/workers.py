"""Apps in production mode for the Redis tests: built with their settings (Celery reads the broker
and eagerness when the app is built), and a real Celery worker on the broker."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from celery import Celery
from flask import Flask

from portal import create_app, db
from portal.config import TestConfig


def configured_app(tmp_path: Path, sqlite_template: Path, **settings: object) -> Flask:
    copy = tmp_path / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{copy}"
    config.STORAGE_PATH = str(tmp_path / "files")
    for key, value in settings.items():
        setattr(config, key, value)
    return create_app(config, instance_path=str(tmp_path / "instance"))


@contextmanager
def real_worker(app: Flask, *, results: str | None = None) -> Iterator[Celery]:
    """A worker thread on the app's broker (``results``: a result backend, to read answers)."""
    from celery.contrib.testing.worker import start_worker

    celery: Celery = app.extensions["celery"]
    assert not celery.conf.task_always_eager, "through the broker, not in-process"
    if results:
        celery.conf.update(result_backend=results, task_ignore_result=False)
    try:
        with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield celery
    finally:
        celery.conf.update(result_backend=None, task_ignore_result=True, task_always_eager=True)
        db.engine_of(app).dispose()
