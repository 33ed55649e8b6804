"""Backups (docs/operations.md, "Backup and restore"): a dump restored into an empty database,
with the uploaded files restored beside it, serves the same cases and keeps the audit chain.

PostgreSQL goes through `pg_dump --format=custom` and `pg_restore` exactly as the operations
guide says; the embedded SQLite default through SQLite's online backup API.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.orm import Session

from portal import db
from portal.cli import demo
from portal.domain.lookup import Factor
from portal.models import Application, Event
from portal.services.events import verify_chain
from portal.services.lookup import status_for
from portal.services.workdays import calendar
from portal.storage import storage
from tests.conftest import _make_app

pytestmark = pytest.mark.db
TODAY = dt.date(2026, 11, 27)


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it (no driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _snapshot(session: Session) -> dict[str, tuple[str, str | None, int, object]]:
    """Each case's status, nearest duty, number of events and the 1414 lookup's answer."""
    cases = list(session.scalars(select(Application).order_by(Application.number)))
    return {
        a.number: (
            a.status.value, a.next_due_on and a.next_due_on.isoformat(),
            len(list(session.scalars(select(Event.id).where(Event.application_id == a.id)))),
            status_for(session.connection(), a.number, Factor(iin=a.applicant_iin or a.citizen.iin),
                       cal=calendar(), today=TODAY),
        )
        for a in cases
    }


def _backup_and_restore(url: str, work: Path) -> str:
    if url.startswith("sqlite"):
        source = make_url(url).database
        target = work / "restored.db"
        with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
            live.backup(copy)
        return f"sqlite:///{target}"
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed for the backup test (apt-get install postgresql-client)")
    dump = work / "portal.dump"
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump),
                    _libpq(url)], check=True)
    restored = make_url(url).set(database=f"{make_url(url).database}_restore")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{restored.database}"'))
        conn.execute(text(f'CREATE DATABASE "{restored.database}"'))
    admin.dispose()
    restored_url = restored.render_as_string(hide_password=False)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname",
                    _libpq(restored_url), str(dump)], check=True)
    return restored_url


def test_a_restored_backup_serves_the_same_cases_files_and_audit_chain(
    db_app: Flask, database_url: str, tmp_path: Path
) -> None:
    with db_app.app_context():
        session = db.session()
        demo.load(session)
        files = storage(db_app)
        key = files.put(b"%PDF-1.4 an uploaded document\n", "application/pdf")
        before = _snapshot(session)
        assert before, "the demo has cases to back up"
        assert verify_chain(session) is None
        events = session.scalar(text("SELECT count(*) FROM events"))
        files_dir = Path(db_app.config["STORAGE_PATH"])
    db.engine_of(db_app).dispose()

    work = tmp_path / "backup"
    work.mkdir()
    archive = shutil.make_archive(str(work / "files"), "gztar", root_dir=files_dir)
    restored_url = _backup_and_restore(database_url, work)
    restored_files = tmp_path / "restored-files"
    shutil.unpack_archive(archive, restored_files)

    restored = _make_app(restored_url, tmp_path / "restored", STORAGE_PATH=str(restored_files))
    try:
        with restored.app_context():
            session = db.session()
            assert _snapshot(session) == before
            assert session.scalar(text("SELECT count(*) FROM events")) == events
            assert verify_chain(session) is None, "the restored audit chain is intact"
            assert storage(restored).get(key) == b"%PDF-1.4 an uploaded document\n"
        assert restored.test_client().get("/").status_code == 200
    finally:
        db.engine_of(restored).dispose()
