"""The head of department's dashboard on a desktop screen: signed in, drawn, printed, and axe
finds nothing (WCAG 2.2 A/AA) in Kazakh and Russian."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from portal import db
from portal.domain.workflow import Role
from portal.models import District
from tests.browser.test_accessibility import AXE, _violations
from tests.browser.test_accounts import _no_horizontal_scroll, _shot
from tests.dashboard_cases import seed_cases, seed_notifications, seed_receipts, seed_refusals
from tests.factories import create_district
from tests.web.staff_helpers import PASSWORD, SECRET, make_staff

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def head_with_cases(population_server_app: Any) -> Any:
    app, _base = population_server_app
    head = make_staff(app, role=Role.HEAD, login="head-dashboard")
    with app.app_context():
        s = db.session()
        mine = s.get(District, head.district_id)
        assert mine is not None
        other = create_district(s)
        seed_cases(s, mine, other)
        seed_refusals(s, mine, other)
        seed_receipts(s, mine, other)
        seed_notifications(s, mine, other)
        s.commit()
    return head


def test_the_dashboard_on_a_desktop_has_no_wcag_violations_and_prints_without_the_filter(
    browser: Any, population_server_app: Any, head_with_cases: Any
) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (npm install)")
    _app, base = population_server_app
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(base + "/sign-in/staff")
    page.locator("#login").fill(head_with_cases.login)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.locator("#code").fill(pyotp.TOTP(SECRET).now())
    page.locator("main button[type=submit]").click()
    page.locator("#main").get_by_role("link", name="Көрсеткіштер тақтасы").click()  # from the queue
    page.locator("#from").fill("01.11.2026")
    page.locator("#to").fill("27.11.2026")
    page.locator(".dashboard-filter button[type=submit]").click()
    assert "from=01.11.2026" in page.url
    for lang in ("kk", "ru"):
        context.add_cookies([{"name": "lang", "value": lang, "url": base}])
        page.reload()
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator("svg.chart").count() >= 6
        assert page.locator("table.dashboard-table").count() == 8
        _no_horizontal_scroll(page)
        _shot(page, f"dashboard-desktop-{lang}")
        assert _violations(page) == []
    # Printed: the filter and the download links are gone, the charts and tables stay.
    page.emulate_media(media="print")
    assert not page.locator(".dashboard-filter").is_visible()
    assert not page.locator(".dashboard-download").first.is_visible()
    assert page.locator("svg.chart").first.is_visible()
    context.close()
