"""Cross-device mobile signing in Chromium: the first page polls with htmx and moves on (#3)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Response, render_template_string, url_for
from werkzeug.serving import make_server

from portal import create_app, db
from portal.config import TestConfig
from portal.services import signing as svc
from portal.services.events import Actor
from portal.views.sign import remember_challenge
from portal.web.access import ANYONE, allow
from portal.web.htmx import redirect_after_post
from signing import Holder, canonical_json

pytestmark = pytest.mark.browser
IIN = "850321301238"
PAGE = """{% extends "layouts/base.html" %}{% block title %}Start{% endblock %}
{% from "components/signing.html" import mobile_panel %}
{% block content %}<h1>Start</h1>
{{ mobile_panel(challenge, status_url, "/signed-for-test") }}{% endblock %}"""
DONE = """{% extends "layouts/base.html" %}{% block title %}Done{% endblock %}
{% block content %}<h1>Continued after signing</h1>{% endblock %}"""


@pytest.fixture
def signing_server(database_url: str) -> Iterator[str]:
    config = TestConfig()
    config.DATABASE_URL = database_url
    app = create_app(config)

    @app.get("/start-for-test")
    @allow(ANYONE)
    def start() -> str:
        ctx = svc.context()
        if not ctx.signer("mobile").is_enrolled(IIN):  # type: ignore[attr-defined]
            ctx.signer("mobile").enroll(  # type: ignore[attr-defined]
                Holder(iin=IIN, surname="ҚАСЫМОВ", name="БАУЫРЖАН"), "2580")
        challenge = svc.start_signing(db.session(), Actor("citizen", 1, "citizen"),
                                      signer_name="mobile", signer_iin=IIN, purpose="application",
                                      document=canonical_json({"form": "F1-1"}), title="F1-1")
        remember_challenge(challenge, "/signed-for-test")
        status_url = url_for("sign.signing_status", challenge_id=challenge.id)
        return render_template_string(PAGE, challenge=challenge, status_url=status_url)

    @app.post("/signed-for-test")
    @allow(ANYONE)
    def finish() -> Response:
        return redirect_after_post("/done-for-test")

    @app.get("/done-for-test")
    @allow(ANYONE)
    def done() -> str:
        return render_template_string(DONE)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.engine_of(app).dispose()


def _link(page: Any) -> str:
    return str(page.get_by_role("link", name="Осы телефонда қол қою").get_attribute("href"))


def test_the_computer_moves_on_by_itself_when_the_phone_signs(
    signing_server: str, browser: Any
) -> None:
    computer = browser.new_context(viewport={"width": 1024, "height": 800})
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = computer.new_page()
        page.goto(f"{signing_server}/start-for-test")
        assert page.locator(".qr svg").count() == 1
        mobile = phone.new_page()
        mobile.goto(_link(page))
        assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        mobile.fill("#pin", "2580")
        mobile.get_by_role("button", name="Қол қою").click()
        assert mobile.locator("h1").inner_text() == "Қол қойылды"
        page.wait_for_url("**/done-for-test", timeout=10_000)
        assert page.locator("h1").inner_text() == "Continued after signing"
    finally:
        computer.close()
        phone.close()


def test_without_javascript_the_continue_button_finishes(signing_server: str, browser: Any) -> None:
    computer = browser.new_context(java_script_enabled=False)
    phone = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    try:
        page = computer.new_page()
        page.goto(f"{signing_server}/start-for-test")
        mobile = phone.new_page()
        mobile.goto(_link(page))
        mobile.fill("#pin", "2580")
        mobile.get_by_role("button", name="Қол қою").click()
        page.get_by_role("button", name="Қол қойдым — жалғастыру").click()
        assert page.locator("h1").inner_text() == "Continued after signing"
    finally:
        computer.close()
        phone.close()


@pytest.mark.one_database("what axe finds is the markup's, whichever database the signing "
                           "state is kept in (the flows above run on both)")
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_signing_pages_have_no_wcag_violations(
    signing_server: str, browser: Any, lang: str
) -> None:
    from tests.browser.test_accessibility import _violations

    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    context.add_cookies([{"name": "lang", "value": lang, "url": signing_server}])
    sign = {"kk": "Қол қою", "ru": "Подписать"}[lang]
    try:
        page = context.new_page()
        page.goto(f"{signing_server}/start-for-test")
        assert _violations(page) == []
        phone = context.new_page()
        phone.goto(str(page.locator(".signing-panel a.button").get_attribute("href")))
        phone.fill("#pin", "0000")
        phone.get_by_role("button", name=sign).click()  # a wrong PIN: the error state
        assert phone.locator(".error-summary").count() == 1
        assert _violations(phone) == []
    finally:
        context.close()
