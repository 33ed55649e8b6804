"""Health for a load balancer (/healthz alive, /readyz ready) and structured logs whose request
id travels from the web request into the Celery job it queued."""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path

import pytest
from flask import Flask

from portal import db, logs
from portal.jobs import FlaskTask, celery_app
from tests.conftest import _make_app
from tests.integration.workers import configured_app, real_worker

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@celery_app.task(name="tests.request_id_of_the_job", base=FlaskTask)  # type: ignore[untyped-decorator,unused-ignore]
def request_id_of_the_job() -> str | None:
    logging.getLogger("portal.test").info("job ran")
    return logs.REQUEST_ID.get()


def test_liveness_does_not_depend_on_the_database(tmp_path: Path) -> None:
    # A database outage must not make a load balancer restart every worker: /healthz stays up,
    # /readyz says the database is the part that is down, without an error's text.
    app = _make_app("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path)
    client = app.test_client()
    alive = client.get("/healthz")
    assert (alive.status_code, alive.json) == (200, {"status": "ok"})
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json == {"status": "unavailable", "checks": {
        "database": "unavailable", "rate_limits": "not used", "broker": "not used",
        "scanner": "not used"}}
    assert "127.0.0.1" not in ready.get_data(as_text=True)
    assert not ready.headers.getlist("Set-Cookie")


@pytest.mark.db
def test_ready_when_the_database_answers(db_app: Flask) -> None:
    response = db_app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": {
        "database": "ok", "rate_limits": "not used", "broker": "not used",
        "scanner": "not used"}}


def test_ready_checks_redis_and_the_broker_in_production_mode(
    redis_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    app = configured_app(tmp_path, sqlite_template, RATELIMIT_STORAGE_URI=redis_url,
               CELERY_BROKER_URL=redis_url, CELERY_TASK_ALWAYS_EAGER=False)
    app.extensions["celery"].conf.update(task_always_eager=True)  # nothing is queued here
    try:
        response = app.test_client().get("/readyz")
        assert (response.status_code, response.json["checks"]) == (200, {
            "database": "ok", "rate_limits": "ok", "broker": "ok", "scanner": "not used"})
        app.config.update(RATELIMIT_STORAGE_URI=UNREACHABLE_REDIS,
                          CELERY_BROKER_URL=UNREACHABLE_REDIS)
        down = app.test_client().get("/readyz")
        assert (down.status_code, down.json["checks"]) == (503, {
            "database": "ok", "rate_limits": "unavailable", "broker": "unavailable",
            "scanner": "not used"})
    finally:
        app.extensions["celery"].conf.update(task_always_eager=True)
        db.engine_of(app).dispose()


def test_every_response_carries_a_request_id(tmp_path: Path, sqlite_template: Path) -> None:
    client = configured_app(tmp_path, sqlite_template).test_client()
    first, second = client.get("/healthz"), client.get("/healthz")
    ids = [first.headers["X-Request-Id"], second.headers["X-Request-Id"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and ids[0] != ids[1]
    # The load balancer's id is kept when it is a plain token ...
    kept = client.get("/healthz", headers={"X-Request-Id": "lb-2026.11.27-abc"})
    assert kept.headers["X-Request-Id"] == "lb-2026.11.27-abc"
    # ... and replaced when it could forge or flood log lines.
    for hostile in ('x" "level": "CRITICAL', "short", "a" * 65, "ok-id\tinjected"):
        replaced = client.get("/healthz", headers={"X-Request-Id": hostile})
        assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["X-Request-Id"])


def test_json_log_lines_carry_the_request_id_and_an_errors_type_only(
    tmp_path: Path, sqlite_template: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = configured_app(tmp_path, sqlite_template)
    with app.test_request_context("/"):
        app.preprocess_request()
        rid = logs.REQUEST_ID.get()
        try:
            raise ValueError("Ахметова 921231445671")  # personal data in an error's text
        except ValueError:
            record = logging.LogRecord("portal.test", logging.ERROR, __file__, 1,
                                       "submission failed for case %s", ("SA-1",),
                                       sys.exc_info())
        assert logs.RequestIdFilter().filter(record)
        line = json.loads(logs.JsonFormatter().format(record))
    assert line["request_id"] == rid and rid
    assert (line["level"], line["logger"], line["message"], line["exception"]) == (
        "ERROR", "portal.test", "submission failed for case SA-1", "ValueError")
    assert "921231445671" not in json.dumps(line, ensure_ascii=False)
    assert line["time"].endswith("+00:00")


def test_production_logs_are_json_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.config import DevelopmentConfig, ProductionConfig

    monkeypatch.delenv("LOG_FORMAT", raising=False)
    assert ProductionConfig().LOG_FORMAT == "json"
    assert DevelopmentConfig().LOG_FORMAT == "text"


def test_a_job_carries_the_id_of_the_request_that_queued_it_to_a_real_worker(
    redis_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    app = configured_app(tmp_path, sqlite_template, CELERY_BROKER_URL=redis_url,
                         CELERY_TASK_ALWAYS_EAGER=False)
    token = logs.REQUEST_ID.set("req-from-the-web-1234")
    try:
        with real_worker(app, results=redis_url):
            carried = request_id_of_the_job.apply_async()
            logs.REQUEST_ID.set(None)  # a job queued outside any request gets its own id
            scheduled = request_id_of_the_job.apply_async()
            assert carried.get(timeout=20) == "req-from-the-web-1234"
            assert scheduled.get(timeout=20) == scheduled.id
    finally:
        logs.REQUEST_ID.reset(token)
