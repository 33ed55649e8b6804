"""A person creates an account and signs in on a phone, in Kazakh, with JavaScript on and off."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import PEOPLE, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "жасыл алма ағашы"


def _code_from_outbox(context: Any, base: str) -> str:
    outbox = context.new_page()
    outbox.goto(f"{base}/dev/outbox")
    text = outbox.locator(".sms-text").first.inner_text()
    outbox.close()
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match.group(1)


def _shot(page: Any, name: str) -> None:
    screenshot(page, name)


def _no_horizontal_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _register_and_sign_out(context: Any, base: str, iin: str, label: str) -> None:
    page = context.new_page()
    page.goto(base + "/")
    page.locator("details.site-menu > summary").click()  # on a phone the menu is a disclosure
    page.get_by_role("link", name="Кіру", exact=True).first.click()
    page.get_by_role("link", name="Тіркелгі ашу").click()
    page.get_by_label("ЖСН").fill(iin)
    page.get_by_role("button", name="Жалғастыру").click()
    assert page.locator("h1").inner_text() == "Тіркелгі ашу"
    _shot(page, f"{label}-register-details")
    _no_horizontal_scroll(page)
    page.get_by_label("Ұялы телефон нөмірі").fill(PEOPLE[iin])
    page.get_by_label("Құпиясөз", exact=True).fill(PASSWORD)
    page.get_by_label("Құпиясөзді қайталаңыз").fill(PASSWORD)
    page.get_by_role("button", name="Маған код жіберу").click()
    assert page.locator("h1").inner_text() == "Кодты енгізіңіз"
    _shot(page, f"{label}-code")
    page.get_by_label("SMS-тегі код").fill(_code_from_outbox(context, base))
    page.get_by_role("button", name="Растау").click()
    assert page.locator("h1").inner_text() == "Жеке кабинет"
    assert "Тіркелгіңіз дайын" in page.locator("main").inner_text()
    _shot(page, f"{label}-cabinet")
    _no_horizontal_scroll(page)
    page.locator("details.site-menu > summary").click()  # on a phone the menu is a disclosure
    page.locator("header").get_by_role("button", name="Шығу").click()
    assert "Сіз жүйеден шықтыңыз" in page.locator("main").inner_text()
    page.goto(base + "/cabinet/")
    assert page.locator("h1").inner_text() == "Кіру"  # signed out: the cabinet asks to sign in
    page.close()


def test_a_person_registers_signs_in_and_out_on_a_phone_with_javascript(
    phone: Any, population_server: str
) -> None:
    _register_and_sign_out(phone, population_server, "850321301238", "js")


def test_the_same_works_with_javascript_off(phone_no_js: Any, population_server: str) -> None:
    _register_and_sign_out(phone_no_js, population_server, "921231445671", "nojs")


def test_a_wrong_password_keeps_the_iin_and_says_what_to_do(
    phone: Any, population_server: str
) -> None:
    page = phone.new_page()
    page.goto(population_server + "/sign-in/")
    page.get_by_label("ЖСН").fill("760212350620")
    page.get_by_label("Құпиясөз").fill("not the password")
    page.get_by_role("button", name="Жалғастыру").click()
    assert page.title().startswith("Қате:")
    assert "құпиясөз қате" in page.locator(".error-summary").inner_text()
    assert page.get_by_label("ЖСН").input_value() == "760212350620"
    _shot(page, "sign-in-error")
