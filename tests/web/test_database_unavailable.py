"""While the database cannot be reached (PostgreSQL restarting, a fail-over, a cut network), a
request answers 503 with Retry-After — a page in the person's language saying that this attempt
saved nothing and to try again in a minute, or a problem document for a system — never the
generic 500; and the next request after the database is back goes through. The database is
made unreachable for real: every new connection the engine opens fails in the driver."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from portal.web.errors import UNAVAILABLE_RETRY_SECONDS, database_unavailable
from tests.pages import ClientRequest
from tests.web.lookup_helpers import IIN, make_case
from tests.web.test_status_api import get, issue


@contextmanager
def database_down(app: Flask) -> Iterator[None]:
    engine = app.extensions["db_engine"]
    error = engine.dialect.loaded_dbapi.OperationalError

    def refuse(*_: Any) -> None:
        raise error("connection refused (the test's database is down)")

    engine.dispose()  # no pooled connection left: the next request must connect
    event.listen(engine, "do_connect", refuse)
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)


def test_a_signed_in_page_says_try_again_in_a_minute_in_kazakh(
        client_request: ClientRequest, app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    client_request.login_as("citizen")
    client = client_request.client
    assert client.get("/cabinet/").status_code == 200
    with database_down(app):
        down = client.get("/cabinet/")
    assert down.status_code == 503
    assert down.headers["Retry-After"] == str(UNAVAILABLE_RETRY_SECONDS)
    page = down.get_data(as_text=True)
    assert "<h1>Қызмет уақытша қолжетімсіз</h1>" in page
    assert "Бұл әрекет ештеңе сақтаған жоқ" in page
    assert "connection refused" not in page
    assert "database unavailable: OperationalError" in caplog.text
    assert client.get("/cabinet/").status_code == 200  # back: the pool connects again


def test_a_lookup_post_in_russian_gets_the_same_answer(app: Flask) -> None:
    client = app.test_client()
    client.get("/language/ru?next=/status")
    page = client.get("/status").get_data(as_text=True)
    token = page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    with database_down(app):
        down = client.post("/status", data={"csrf_token": token, "number": "SA-2026-K4PQ-9TXM",
                                            "factor": IIN})
    assert down.status_code == 503
    assert "Сервис временно недоступен" in down.get_data(as_text=True)


def test_the_status_api_answers_a_503_problem_with_retry_after(app: Flask) -> None:
    make_case(app)
    token = issue(app).token
    with database_down(app):
        down = get(app.test_client(), token)
    assert down.status_code == 503
    assert down.mimetype == "application/problem+json"
    body = down.get_json(force=True)
    assert body["status"] == 503 and body["type"].endswith("/unavailable")
    assert body["retry_after"] == UNAVAILABLE_RETRY_SECONDS
    assert down.headers["Retry-After"] == str(UNAVAILABLE_RETRY_SECONDS)
    assert get(app.test_client(), token).status_code == 200


def test_only_errors_of_reaching_the_database_count_as_unavailable() -> None:
    from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

    assert database_unavailable(OperationalError("SELECT 1", {}, Exception("gone")))
    assert not database_unavailable(IntegrityError("INSERT", {}, Exception("duplicate")))
    assert not database_unavailable(ProgrammingError("SELECT", {}, Exception("syntax")))
    assert not database_unavailable(RuntimeError("a bug"))
