"""L10.1: schemathesis over the status API's OpenAPI document, against the app in process:
no 5xx, no answer outside the document (status, media type, schema, headers)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings

from portal import db
from portal.api.openapi import document
from portal.db import utcnow
from portal.services import api_tokens
from tests.web.lookup_helpers import make_case


@pytest.fixture
def api_app(db_app: Flask) -> Iterator[Flask]:
    db_app.config["RATELIMIT_ENABLED"] = False
    make_case(db_app)
    with db_app.app_context():
        db_app.config["TEST_API_TOKEN"] = api_tokens.issue(
            db.session(), "schemathesis", 1, now=utcnow()).token
    yield db_app


# The document as the app serves it (test_status_api checks that it is served).
schema = schemathesis.openapi.from_dict(document("http://localhost"))


@schema.parametrize()
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_status_api_answers_within_its_openapi_document_L10_1(case, api_app: Flask) -> None:  # type: ignore[no-untyped-def]
    token = api_app.config["TEST_API_TOKEN"]
    case.call_and_validate(app=api_app, headers={"Authorization": f"Bearer {token}"})
