"""The queue at an office desktop's 1280 px: numbers and dates on one line; at 360 px the same
table reads as cards, with no sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from portal.domain.workflow import Role, Status
from tests.browser.test_accounts import _no_horizontal_scroll
from tests.browser.test_staff_case import _signed_in, served  # noqa: F401 — the fixture
from tests.web.case_helpers import make_office

pytestmark = pytest.mark.browser


def test_queue_numbers_and_dates_stay_on_one_line_at_1280_and_fit_360(
    browser: Any,
    served: tuple[Flask, str],  # noqa: F811
) -> None:
    app, base = served
    office = make_office(app)
    for n in range(3):  # numbers as the portal makes them: long, with hyphens to break at
        office.case(Status.REGISTERED, number=f"SA-2026-K4PQ-9TX{n}")
    for viewport in ({"width": 1280, "height": 900}, {"width": 360, "height": 740}):
        context = _signed_in(browser, app, base, office.staff[Role.SPECIALIST], viewport=viewport, lang="kk")
        page = context.new_page()
        page.goto(base + "/staff/")
        cells = page.locator("table.queue td.number a, table.queue td.due time")
        assert cells.count() >= 6
        for i in range(cells.count()):
            box = page.evaluate(
                "e => { const r = e.getClientRects(); return r.length; }", cells.nth(i).element_handle()
            )
            assert box == 1, (viewport, cells.nth(i).inner_text())  # one line box: no wrap
        if viewport["width"] == 360:
            _no_horizontal_scroll(page)
        context.close()
