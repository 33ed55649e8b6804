""" "My account" on a phone in Kazakh: change the password and end another session, checked with
axe at every step (ASVS 6.2.3, 7.5.2; WCAG 2.2 AA)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import update

from portal import db
from portal.db import utcnow
from portal.models import OneTimeCode
from portal.services.passwords import hash_password
from tests.browser.conftest import PEOPLE
from tests.browser.test_accessibility import AXE, _violations
from tests.browser.test_accounts import _no_horizontal_scroll, _shot
from tests.factories import create_citizen

pytestmark = pytest.mark.browser

IIN = "850321301238"
PASSWORD = "жасыл алма ағашы"
NEW = "көк теңіз жағасы бойында"


def _sign_in(context: Any, base: str, password: str) -> Any:
    page = context.new_page()
    page.goto(base + "/sign-in/")
    page.get_by_label("ЖСН").fill(IIN)
    page.get_by_label("Құпиясөз").fill(password)
    page.get_by_role("button", name="Жалғастыру").click()
    outbox = context.new_page()
    outbox.goto(f"{base}/dev/outbox")
    texts = outbox.locator(".sms-text").all_inner_texts()  # the newest first
    outbox.close()
    match = next(filter(None, (re.search(r"\b(\d{6})\b", text) for text in texts)), None)
    assert match
    page.get_by_label("SMS-тегі код").fill(match.group(1))
    page.get_by_role("button", name="Растау").click()
    assert page.locator("h1").inner_text() == "Жеке кабинет"
    return page


def test_a_citizen_changes_the_password_and_ends_another_session_on_a_phone_in_kazakh(
    browser: Any, population_server_app: tuple[Any, str]
) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make setup` (npm install)")
    app, base = population_server_app
    with app.app_context():
        s = db.session()
        create_citizen(
            s, iin=IIN, phone=PEOPLE[IIN], password_hash=hash_password(PASSWORD), confirmed_at=utcnow()
        )
        s.commit()
    # axe is injected as a script of its own; only the test browser lifts the page's CSP for it.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    laptop = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        other = _sign_in(laptop, base, PASSWORD)
        with app.app_context():  # the next code to the same number need not wait a minute
            db.session().execute(
                update(OneTimeCode).values(issued_at=utcnow() - dt.timedelta(minutes=5))
            )
            db.session().commit()
        page = _sign_in(phone, base, PASSWORD)

        page.get_by_role("link", name="Қай жерде кіргенсіз").click()
        assert page.locator("h1").inner_text() == "Қай жерде кіргенсіз"
        assert page.locator("main li.card").count() == 2
        assert "(осы сеанс)" in page.locator("main li.card").first.inner_text()
        assert _violations(page) == []
        _no_horizontal_scroll(page)
        _shot(page, "account-sessions")
        page.get_by_role("button", name="Бұл сеансты аяқтау").click()
        assert "Ол сеанс аяқталды" in page.locator("main").inner_text()
        assert page.locator("main li.card").count() == 1
        other.goto(base + "/cabinet/")
        assert other.locator("h1").inner_text() == "Кіру"  # the laptop was signed out

        page.goto(base + "/cabinet/")
        page.get_by_role("link", name="Құпиясөзді өзгерту").click()
        assert page.locator("h1").inner_text() == "Құпиясөзді өзгерту"
        page.get_by_label("Қазіргі құпиясөз").fill("бұл менің құпиясөзім емес")
        page.get_by_label("Жаңа құпиясөз").fill(NEW)
        page.get_by_label("Құпиясөзді қайталаңыз").fill(NEW)
        page.get_by_role("button", name="Құпиясөзді өзгерту").click()
        assert page.title().startswith("Қате:")
        assert "қазіргі құпиясөзіңіз емес" in page.locator(".error-summary").inner_text()
        assert page.get_by_label("Жаңа құпиясөз").input_value() == ""  # passwords never echoed
        assert _violations(page) == []
        _no_horizontal_scroll(page)
        _shot(page, "account-password-error")
        page.get_by_label("Қазіргі құпиясөз").fill(PASSWORD)
        page.get_by_label("Жаңа құпиясөз").fill(NEW)
        page.get_by_label("Құпиясөзді қайталаңыз").fill(NEW)
        page.get_by_role("button", name="Құпиясөзді өзгерту").click()
        assert page.locator("h1").inner_text() == "Менің тіркелгім"
        assert "Құпиясөзіңіз өзгертілді" in page.locator("main").inner_text()
        assert _violations(page) == []
        _no_horizontal_scroll(page)
    finally:
        phone.close()
        laptop.close()
