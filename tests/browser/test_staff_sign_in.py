"""A staff member signs in at a desk with a password and an authenticator code (TOTP)."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from portal.domain.workflow import Role
from tests.browser.test_accounts import _no_horizontal_scroll, _shot
from tests.web.staff_helpers import PASSWORD, SECRET, make_staff

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_specialist_signs_in_with_an_authenticator_code_and_reaches_the_back_office(
    browser: Any, population_server_app: Any, javascript: bool
) -> None:
    app, base = population_server_app
    staff = make_staff(app, role=Role.SPECIALIST, login=f"spec-{int(javascript)}")
    context = browser.new_context(viewport={"width": 360, "height": 740},
                                  java_script_enabled=javascript)
    page = context.new_page()
    page.goto(base + "/")
    page.locator("details.site-menu > summary").click()  # the menu is a disclosure on a phone
    # The menu's label is the heading it opens: the back office asks who you are.
    page.get_by_role("link", name="Қызметкерлердің кіруі").click()
    assert page.locator("h1").inner_text() == "Қызметкерлердің кіруі"
    page.get_by_label("Логин").fill(staff.login)
    page.get_by_label("Құпиясөз").fill(PASSWORD)
    page.get_by_role("button").filter(has_text="Жалғастыру").click()
    page.get_by_label("Код").fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button").filter(has_text="Кіру").click()
    assert page.locator("h1").inner_text() == "Өтініштер кезегі"  # the case queue
    _no_horizontal_scroll(page)
    _shot(page, f"staff-{'js' if javascript else 'nojs'}-queue")
    context.close()
