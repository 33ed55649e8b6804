"""Automated WCAG 2.2 A/AA checks with axe-core (from the npm registry at set-up) at 360 px."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = ["/", "/status", "/operator/", "/cabinet/", "/staff/", "/sign-in/", "/sign-in/register",
         "/sign-in/reset", "/sign-in/staff", "/sign-in/eds", "/sign-in/staff/eds", "/dev/outbox",
         "/no-such-page"]


@pytest.fixture
def audited_phone(browser: Any) -> Any:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (npm install)")
    # axe is injected as a script of its own; only the test browser lifts the page's CSP for it.
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    yield context
    context.close()


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def _violations(page: Any) -> list[str]:
    """axe's WCAG 2.2 A/AA violations on the page as it is now. axe is injected once per
    document (its 650 kB source read once per process), and only violations are gathered in
    full: passes, incomplete and inapplicable checks keep one node each (axe's resultTypes),
    which halves a run on a long page and changes nothing that is reported."""
    if not page.evaluate("() => typeof window.axe?.run === 'function'"):
        page.add_script_tag(content=_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", TAGS
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_pages_have_no_wcag_violations(
    live_server: str, audited_phone: Any, path: str, lang: str
) -> None:
    audited_phone.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page = audited_phone.new_page()
    page.goto(f"{live_server}{path}")
    assert _violations(page) == []


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_open_phone_menu_has_no_wcag_violations(
    live_server: str, audited_phone: Any, lang: str
) -> None:
    audited_phone.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page = audited_phone.new_page()
    page.goto(f"{live_server}/status")
    page.locator("details.site-menu > summary").click()
    assert page.locator("details.site-menu[open] [aria-current=page]").is_visible()
    assert _violations(page) == []
