"""Signing in with EDS in Chromium on a 360 px phone with JavaScript off: key file, end to end."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from portal import create_app, db
from portal.config import TestConfig
from portal.db import utcnow
from portal.models import SignInMethod, WebSession
from portal.services import signing as svc
from signing import Holder
from tests.factories import create_citizen

pytestmark = pytest.mark.browser
IIN = "850321301238"
PASSWORD = "qwerty-123"


@pytest.fixture
def eds_server(database_url: str) -> Iterator[tuple[str, Flask]]:
    config = TestConfig()
    config.DATABASE_URL = database_url
    app = create_app(config)
    with app.app_context():
        svc.context().signer("keyfile").enroll(  # type: ignore[attr-defined]
            Holder(iin=IIN, surname="ҚАСЫМОВ", name="БАУЫРЖАН"), PASSWORD)
        create_citizen(db.session(), iin=IIN, confirmed_at=utcnow())
        db.session().commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    db.engine_of(app).dispose()


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_citizen_signs_in_with_the_key_file_on_a_phone_without_javascript(
    eds_server: tuple[str, Flask], browser: Any
) -> None:
    base, app = eds_server
    phone = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    try:
        page = phone.new_page()
        page.goto(f"{base}/sign-in/")
        page.locator('a[href="/sign-in/eds"]').click()
        assert page.locator("h1").inner_text() == "ЭЦҚ арқылы кіру"
        assert _fits(page)
        page.fill("#iin", IIN)
        page.locator("main form button[type=submit]").click()
        assert "ҚАСЫМОВ БАУЫРЖАН" in page.locator(".certificate").inner_text()
        assert _fits(page)
        page.fill("#key-password", PASSWORD)
        page.locator(".signing-panel button[type=submit]").click()
        assert page.url.endswith("/cabinet/")
    finally:
        phone.close()
    with app.app_context():
        [row] = db.session().scalars(select(WebSession)).all()
        assert row.method is SignInMethod.EDS
