"""Chromium (Debian's, never a downloaded build) driving the portal served on a loopback port."""

from __future__ import annotations

import os
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
from portal.notify import mobile
from tests.conftest import IN_CI
from tests.factories import load_registers
from tests.qr import qr_links

# Demo citizens whose phones the simulated mobile citizens database knows in the browser tests.
PEOPLE = {"850321301238": "+77011234567", "921231445671": "+77029876543"}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


SHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
# Screenshots are for people to look at, not checks (every assertion stands without them), and a
# full-page PNG costs the browser ~0.2-0.5 s: taken by default outside CI, in CI only with
# SCREENSHOTS=1; a failing browser test in CI still leaves a screenshot of each page it had open.
SCREENSHOTS = os.environ.get("SCREENSHOTS", "0" if IN_CI else "1") not in {"", "0"}


def screenshot(page: Any, name: str) -> None:
    """instance/screenshots/<name>.png, the whole page, where screenshots are wanted."""
    if SCREENSHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_decision_verify(page: Any, base: str) -> bytes:
    """From a case page: download the signed decision's PDF (F5), read its QR code as a phone
    would and open the link it carries (/verify); the PDF."""
    with page.expect_download() as download:
        page.locator("main a[href*='/forms/f5.pdf']").first.click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    links = qr_links(pdf)
    assert len(links) == 1 and links[0].startswith(f"{base}/verify/"), links
    page.goto(links[0])
    return pdf


def upload_changed_copy(page: Any, pdf: bytes) -> Any:
    """On /verify: upload ``pdf`` with one byte changed; the answer's locator, once shown."""
    changed = bytearray(pdf)
    changed[len(pdf) // 2] ^= 0x01
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "F5.pdf", "mimeType": "application/pdf", "buffer": bytes(changed)}])
    page.locator(".verify-upload button[type=submit]").click()
    answer = page.locator(".verify-answer")
    answer.wait_for()
    return answer


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    browser = getattr(item, "funcargs", {}).get("browser")
    if report.failed and call.when == "call" and browser is not None and not SCREENSHOTS:
        from playwright.sync_api import Error as PlaywrightError

        SHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "-", item.name)
        pages = [page for context in browser.contexts for page in context.pages]
        for n, page in enumerate(pages):
            try:
                page.screenshot(path=str(SHOTS / f"failed-{name}-{n}.png"), full_page=True)
            except PlaywrightError:  # a page that is closing: nothing to show
                continue
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("Chromium is required in CI (make test-tools installs it as root)")
        pytest.skip("Debian chromium is not installed (make test-tools installs it as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[str]:
    copy = tmp_path_factory.mktemp("live") / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{copy}"
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.engine_of(app).dispose()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A 360 px wide phone screen with JavaScript on."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    yield context
    context.close()


@pytest.fixture
def phone_no_js(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    yield context
    context.close()


@pytest.fixture(scope="module")
def population_server_app(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
                          ) -> Iterator[tuple[Any, str]]:
    """The portal with the simulated registers and the mobile citizens database filled."""
    copy = tmp_path_factory.mktemp("people") / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{copy}"
    app = create_app(config)
    with app.app_context():
        session = db.session()
        load_registers(session, people=60)
        for iin, phone in PEOPLE.items():
            mobile.register(session, iin, phone)
        session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.engine_of(app).dispose()


@pytest.fixture(scope="module")
def population_server(population_server_app: tuple[Any, str]) -> str:
    return population_server_app[1]


