"""L10.1 in Chromium at 360×740 in Kazakh: look a demo application up at /status with
JavaScript on (the answer replaces the form in place) and off, then hit the limit and see the
time to retry; axe on every screen JavaScript runs on."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from portal import create_app, db
from portal.config import TestConfig
from tests.browser.test_accessibility import AXE, _violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[str]:
    copy = tmp_path_factory.mktemp("lookup") / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{copy}"
    config.LOAD_DEMO_DATA = True
    app = create_app(config)
    done = app.test_cli_runner().invoke(args=["demo", "load"])
    assert done.exit_code == 0, done.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.engine_of(app).dispose()


def _phone(browser: Any, base: str, js: bool) -> Any:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (npm install)")
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=js,
                                  bypass_csp=True)
    context.add_cookies([{"name": "lang", "value": "kk", "url": base}])
    return context


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def _look_up(page: Any, number: str, factor: str) -> None:
    page.get_by_label("Өтініш нөмірі").fill(number)
    page.get_by_label("Өтініш берушінің ЖСН-і немесе туған күні").fill(factor)
    page.get_by_role("button", name="Мәртебесін тексеру").click()


def test_a_demo_application_is_found_from_the_home_page_with_and_without_javascript_L10_1(
        browser: Any, demo_server: str) -> None:
    for js, number, factor in ((True, "SA-2026-DEMO-0001", "850321301238"),
                               (False, "SA-2026-DEMO-0003", "12.02.1976")):
        context = _phone(browser, demo_server, js)
        page = context.new_page()
        page.goto(f"{demo_server}/")
        page.get_by_role("link", name="Өтініш мәртебесін тексеру").first.click()
        page.wait_for_url("**/status")
        assert page.locator("h1").inner_text() == "Өтініш мәртебесін тексеру"
        if js:
            assert _violations(page) == []
        _look_up(page, number, factor)
        answer = page.locator(".status-answer")
        answer.wait_for()
        assert number in answer.locator("h2").inner_text()
        assert answer.locator(".status-stage").inner_text().strip()
        assert page.url.endswith("/status")  # POST: nothing typed went into the address
        assert _fits(page)
        if js:
            assert page.locator("form[action='/status']").count() == 0  # replaced in place
            assert _violations(page) == []
        context.close()


def test_the_limit_says_when_to_try_again_with_and_without_javascript_L10_1(
        browser: Any, demo_server: str) -> None:
    context = _phone(browser, demo_server, True)
    page = context.new_page()
    page.goto(f"{demo_server}/status")
    for _ in range(12):  # wrong factors until the limit for this address answers
        _look_up(page, "SA-2026-DEMO-0002", "01.01.1990")
        page.locator(".error-summary").first.wait_for()
        if page.locator(".retry").count():
            break
    retry = page.locator(".retry")
    assert retry.count() == 1 and "1414" in retry.inner_text()
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", retry.inner_text())  # when to retry
    assert _fits(page) and _violations(page) == []
    context.close()

    no_js = _phone(browser, demo_server, False)
    page = no_js.new_page()
    page.goto(f"{demo_server}/status")
    _look_up(page, "SA-2026-DEMO-0002", "01.01.1990")
    assert page.locator(".retry").count() == 1
    assert page.locator("h1").inner_text() == "Өтініш мәртебесін тексеру"
    assert _fits(page)
    no_js.close()
