"""The printable forms (issue 12) pass axe's WCAG 2.2 A/AA checks at 360 px, in Kazakh and Russian."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from portal import create_app, db
from portal.config import TestConfig
from portal.documents import verification
from portal.domain.workflow import Role
from tests.browser.test_accessibility import AXE, _violations
from tests.factories import create_district, create_staff
from tests.form_cases import make_cases
from tests.pages import ClientRequest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def forms_server(tmp_path_factory: pytest.TempPathFactory,
                 sqlite_template: Path) -> Iterator[tuple[str, dict[str, str], str]]:
    """A live portal with the form cases and a signed-in specialist: (base URL, cookie, number)."""
    copy = tmp_path_factory.mktemp("forms") / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{copy}"
    app = create_app(config)
    saved = verification.short_code, verification.verify_url
    verification.short_code = lambda s: f"V-{s.verification_code}"  # type: ignore[assignment]
    verification.verify_url = (  # type: ignore[assignment]
        lambda s, form=None: f"https://portal.example.kz/verify/V-{s.verification_code}")
    with app.app_context():
        s = db.session()
        district = create_district(s)
        number = make_cases(s, district).granted.number
        staff = create_staff(s, district, role=Role.SPECIALIST)
        s.commit()
        s.expunge_all()
    client = app.test_client()
    ClientRequest(app, client).login(staff)
    name = app.config.get("SESSION_COOKIE_NAME", "session")
    cookie = client.get_cookie(name)
    assert cookie is not None
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield (f"http://127.0.0.1:{server.server_port}", {"name": name, "value": cookie.value},
           number)
    server.shutdown()
    verification.short_code, verification.verify_url = saved  # type: ignore[assignment]
    db.engine_of(app).dispose()


@pytest.mark.parametrize("form", ["f3", "f5"])
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_forms_printable_pages_have_no_wcag_violations(
        browser: Any, forms_server: tuple[str, dict[str, str], str], form: str, lang: str) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (npm install)")
    base, cookie, number = forms_server
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    try:
        context.add_cookies([{**cookie, "url": base}])
        page = context.new_page()
        response = page.goto(f"{base}/staff/cases/{number}/forms/{form}?lang={lang}")
        assert response is not None and response.status == 200
        assert page.locator("h1").count() == 1
        if form == "f5":
            assert page.locator("figure.qr svg").is_visible()
        assert _violations(page) == []
    finally:
        context.close()
