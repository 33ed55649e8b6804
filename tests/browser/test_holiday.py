"""L10.2 in Chromium: a specialist assigns holiday assistance from a CSV of IINs on an office
desktop, in Russian; the good line is assigned, the bad ones listed by line; axe finds nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyotp
import pytest

from portal import db
from portal.domain.workflow import Role
from portal.models import District
from tests.browser.test_accessibility import AXE, _violations
from tests.web.staff_helpers import PASSWORD, SECRET, make_staff
from tests.web.test_holiday import _iin, _person

pytestmark = pytest.mark.browser


def test_l10_2_a_specialist_assigns_holiday_assistance_from_a_csv(
    browser: Any, population_server_app: Any, tmp_path: Path
) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (npm install)")
    app, base = population_server_app
    staff = make_staff(app, role=Role.SPECIALIST, login="holiday-spec")
    with app.app_context():
        session = db.session()
        district = session.get(District, staff.district_id)
        assert district is not None
        good = _person(session, district, 40)
        session.commit()
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("ИИН\n" + good + "\n12345\n" + _iin(41) + "\n", encoding="utf-8")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.add_cookies([{"name": "lang", "value": "ru", "url": base}])
    page = context.new_page()
    page.goto(base + "/sign-in/staff")
    page.get_by_label("Логин").fill(staff.login)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button").filter(has_text="Продолжить").click()
    page.get_by_label("Код").fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button").filter(has_text="Вход").click()

    page.goto(base + "/staff/holiday")
    assert page.locator("h1").inner_text() == "Праздничная помощь"
    assert _violations(page) == []
    page.get_by_label("Праздник или памятная дата").fill("День Победы")
    page.get_by_label("Дата праздника").fill("09.05.2027")
    page.get_by_label("Категория помощи").fill("Единовременная помощь")
    page.get_by_label("Сумма, тенге").fill("50000")
    page.get_by_label("Список ИИН (файл CSV)").check()
    page.get_by_label("Файл CSV с ИИН").set_input_files(str(csv_file))
    page.get_by_role("button", name="Назначить помощь").click()

    page.locator(".holiday-result").wait_for()
    assert "Назначено людям: 1" in page.locator(".holiday-result h2").inner_text()
    problems = page.locator(".holiday-problems li")
    assert [problems.nth(i).get_attribute("data-line") for i in range(problems.count())] == \
        ["3", "4"]
    assert page.locator("table.holiday-awards tbody tr").count() == 1
    assert _violations(page) == []
    context.close()
