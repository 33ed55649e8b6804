"""The case page in Chromium (issue #11): two officials act on one case at once; the second gets
"this case changed" in place of the case (htmx, JavaScript on) or as a page (JavaScript off),
and nothing of theirs is applied."""

from __future__ import annotations

import secrets
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from portal import create_app, db
from portal.config import TestConfig
from portal.domain.workflow import Role, Status
from portal.models import SignInMethod, SubjectKind, WebSession
from portal.web.access import token_digest
from tests.browser.test_accessibility import AXE, _violations
from tests.web.case_helpers import Office, make_office

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory,
           sqlite_template: Path) -> Iterator[tuple[Flask, str]]:
    copy = tmp_path_factory.mktemp("case") / "portal.db"
    shutil.copyfile(sqlite_template, copy)
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{copy}"
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    db.engine_of(app).dispose()


def _signed_in(browser: Any, app: Flask, base: str, staff_id: int, *, javascript: bool = True,
               viewport: dict[str, int] = DESKTOP, lang: str = "ru", audit: bool = False) -> Any:
    """A desktop browser with a live staff session (as the sign-in journey would leave it)."""
    token = secrets.token_urlsafe(32)
    with app.app_context():
        s = db.session()
        s.add(WebSession(id=token_digest(token), subject_kind=SubjectKind.STAFF,
                         subject_id=staff_id, method=SignInMethod.PASSWORD_TOTP,
                         device_hash="0" * 64))
        s.commit()
    cookie = app.session_interface.get_signing_serializer(app).dumps(  # type: ignore[attr-defined]
        {"sid": token})
    # axe is injected as a script of its own: only the audit lifts the page's CSP for it.
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript,
                                  bypass_csp=audit)
    context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie,
                          "url": base}, {"name": "lang", "value": lang, "url": base}])
    return context


@pytest.mark.parametrize("javascript", [True, False])
def test_two_officials_at_once_the_second_sees_what_changed(
        browser: Any, served: tuple[Flask, str], javascript: bool) -> None:
    app, base = served
    office: Office = make_office(app)
    number = office.case(Status.REGISTERED)
    first = _signed_in(browser, app, base, office.staff[Role.SPECIALIST], javascript=javascript)
    second = _signed_in(browser, app, base, office.staff[Role.INTAKE], javascript=javascript)
    try:
        one, two = first.new_page(), second.new_page()
        for page in (one, two):
            page.goto(f"{base}/staff/cases/{number}")
            assert page.locator("#action-send_to_precinct button").is_visible()
            page.wait_for_load_state("load")  # deferred htmx has run
        one.locator("#action-send_to_precinct button").click()
        one.wait_for_url(f"{base}/staff/cases/{number}")
        one.locator(".notice.ok").wait_for()
        assert one.locator("#action-send_to_precinct").count() == 0
        two.locator("#action-send_to_precinct button").click()
        two.locator("#case h1", has_text="изменилось").wait_for()
        # with JavaScript the case region was swapped in place: the same address
        assert two.url == f"{base}/staff/cases/{number}" if javascript else "/actions/" in two.url
        assert two.locator("#case .case-history tbody tr").count() == 1
        assert two.locator("#case a.button").get_attribute("href") == f"/staff/cases/{number}"
    finally:
        first.close()
        second.close()
    case = office.application(number)
    assert case.status is Status.AT_PRECINCT and case.version == 2
    assert [e.action for e in office.events(number)].count("send_to_precinct") == 1


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_case_page_and_its_forms_have_no_wcag_violations(
        browser: Any, served: tuple[Flask, str], lang: str) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (npm install)")
    app, base = served
    office: Office = make_office(app)
    cases = {Role.PRECINCT: office.case(Status.AT_PRECINCT),
             Role.SPECIALIST: office.case(Status.PRECINCT_CONCLUDED),
             Role.COMMISSION: office.case(Status.AT_SPECIAL_COMMISSION)}
    for role, number in cases.items():
        for viewport in (DESKTOP, {"width": 360, "height": 740}):
            context = _signed_in(browser, app, base, office.staff[role], viewport=viewport,
                                 lang=lang, audit=True)
            try:
                page = context.new_page()
                page.goto(f"{base}/staff/cases/{number}")
                if role is Role.COMMISSION:  # the form with its errors showing
                    page.locator("#action-conclude_commission button[type=submit]").click()
                    page.locator("#action-conclude_commission .error-summary").wait_for()
                found = _violations(page)
                assert found == [], (role, viewport, found)
            finally:
                context.close()
