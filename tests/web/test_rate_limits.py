"""A refused request (429) is a security event: logged and recorded, without personal data."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from sqlalchemy import select

from portal import db
from portal.extensions import limiter
from portal.models import Event
from portal.services.events import verify_chain
from portal.web.access import ANYONE, allow

IIN = "850321301238"


def test_a_rate_limited_request_is_logged_and_recorded_once_per_window_without_personal_data(
    db_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    @db_app.get("/limited-for-test")
    @limiter.limit("1 per minute")
    @allow(ANYONE)
    def limited() -> str:
        return "ok"

    client = db_app.test_client()
    caplog.set_level(logging.INFO)
    statuses = [client.get(f"/limited-for-test?iin={IIN}&phone=77011234567").status_code
                for _ in range(3)]
    assert statuses == [200, 429, 429]

    warnings = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert len(warnings) == 2  # every refusal is logged
    for message in warnings:
        assert "endpoint=limited" in message and "1 per 1 minute" in message
        assert IIN not in message and "?" not in message and "127.0.0.1" not in message

    with db_app.app_context():
        events = db.session().scalars(select(Event).where(Event.action == "rate_limited")).all()
        assert len(events) == 1  # one event per client, limit and window
        event = events[0]
        assert (event.actor_kind, event.actor_id, event.role) == ("public", None, "public")
        assert event.data == {"endpoint": "limited", "limit": "1 per 1 minute"}
        assert event.application_id is None and event.reason is None
        assert verify_chain(db.session()) is None
