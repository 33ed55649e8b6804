"""#12: the PDF cache is swept (portal/documents/cache.py): a kept PDF not read for
PDF_CACHE_DAYS days is deleted — by the nightly Celery beat task and by `flask documents
sweep-pdfs` — while one read lately, and every uploaded file, stays."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel

from portal import jobs
from portal.cli.documents import register_documents_cli
from portal.db import utcnow
from portal.documents.cache import cache_key, pdf_of, sweep
from portal.documents.model import FormDocument
from portal.storage import LocalStorage, new_key

DAY = 24 * 3600


def _document(title: str) -> FormDocument:
    return FormDocument(form="F5", slug="f5", language="kk", title=title)


def _age(store: LocalStorage, key: str, days: float) -> None:
    """Make the object look last used ``days`` ago."""
    when = time.time() - days * DAY
    os.utime(store._path(key), (when, when))


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    app = Flask(__name__)
    app.config.update(PDF_CACHE_DAYS=30, CELERY_TASK_ALWAYS_EAGER=True)
    app.extensions["storage"] = LocalStorage(tmp_path / "files")
    Babel(app)  # the PDF's own words
    register_documents_cli(app)
    return app


def test_a_pdf_not_read_for_the_days_goes_one_read_lately_and_uploads_stay(app: Flask) -> None:
    store: LocalStorage = app.extensions["storage"]
    with app.app_context():
        old, read, fresh = (_document(t) for t in ("old", "read", "fresh"))
        for document in (old, read, fresh):
            pdf_of(document)
        upload = store.put(b"%PDF-1.7 an uploaded scan", "application/pdf")
        thumbnail = store.put(b"png", "image/png", key=f"{new_key()}-thumb")
        for key in (cache_key(old), cache_key(read), upload, thumbnail):
            _age(store, key, 31)
        _age(store, cache_key(fresh), 29)
        made_again = pdf_of(read)  # read from the cache: its last use is now
    assert made_again.startswith(b"%PDF")
    assert sweep(store, days=30, now=utcnow()) == 1
    assert not store.exists(cache_key(old))
    assert all(store.exists(k) for k in (cache_key(read), cache_key(fresh), upload, thumbnail))
    # Asked for again, the swept one is made again.
    with app.app_context():
        assert pdf_of(old).startswith(b"%PDF")
    assert store.exists(cache_key(old))
    assert sweep(store, days=30, now=utcnow() + dt.timedelta(days=31)) == 3
    assert store.exists(upload) and store.exists(thumbnail)


def test_the_command_and_the_nightly_task_sweep_by_the_setting(app: Flask) -> None:
    store: LocalStorage = app.extensions["storage"]
    with app.app_context():
        keys = [cache_key(d) for d in (_document("a"), _document("b"), _document("c"))]
        for document in (_document("a"), _document("b"), _document("c")):
            pdf_of(document)
    _age(store, keys[0], 10)
    _age(store, keys[1], 40)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["documents", "sweep-pdfs"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 PDFs not read for 30 days deleted"
    assert [store.exists(k) for k in keys] == [True, False, True]
    result = runner.invoke(args=["documents", "sweep-pdfs", "--days", "5"])
    assert result.output.strip() == "1 PDFs not read for 5 days deleted"
    assert [store.exists(k) for k in keys] == [False, False, True]
    assert runner.invoke(args=["documents", "sweep-pdfs", "--days", "-1"]).exit_code == 2
    _age(store, keys[2], 31)
    with app.app_context():
        jobs.init_celery(app)
        assert jobs.sweep_pdf_cache() == 1
        schedule = jobs.celery_app.conf.beat_schedule["sweep-pdf-cache"]
    assert schedule["task"] == jobs.sweep_pdf_cache.name
    assert not store.exists(keys[2])


def test_an_empty_or_missing_storage_sweeps_nothing(tmp_path: Path) -> None:
    assert sweep(LocalStorage(tmp_path / "none"), days=1, now=utcnow()) == 0
    store = LocalStorage(tmp_path / "files")
    (tmp_path / "files" / "ab").mkdir(parents=True)
    (tmp_path / "files" / "ab" / ".tmp-half-written-pdf").write_bytes(b"x")
    assert sweep(store, days=0, now=utcnow() + dt.timedelta(days=1)) == 0
