"""The home page in a real browser at 360 px, in three languages, with and without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def open_menu(page: Any) -> None:
    """On a phone the menu and the languages sit behind the "Menu" disclosure (<details>)."""
    page.locator("details.site-menu > summary").click()


@pytest.mark.parametrize(("lang", "label"), [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")])
def test_home_page_fits_a_360px_phone_in_every_language(
    live_server: str, phone: Any, lang: str, label: str
) -> None:
    page = phone.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server}/")
    if lang != "kk":
        open_menu(page)
        page.get_by_role("link", name=label).click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang
    assert _no_horizontal_scroll(page)
    # htmx is loaded under the CSP: the nonce works and nothing was blocked.
    assert page.evaluate("typeof window.htmx") == "object"
    assert page.evaluate("htmx.version").startswith("2.0.")
    assert problems == []


def test_language_switch_works_without_javascript_and_keeps_the_page(
    live_server: str, phone_no_js: Any
) -> None:
    page = phone_no_js.new_page()
    page.goto(f"{live_server}/status")
    open_menu(page)
    page.get_by_role("link", name="Русский").click()
    page.wait_for_load_state()
    assert page.url.endswith("/status")
    assert page.locator("h1").inner_text() == "Проверить статус заявления"
    assert _no_horizontal_scroll(page)


def test_skip_link_moves_focus_to_the_main_content(live_server: str, phone: Any) -> None:
    page = phone.new_page()
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("path", ["/", "/sign-in/", "/status", "/sign-in/eds"])
def test_the_heading_is_seen_without_scrolling_on_a_phone_in_kazakh(
    live_server: str, phone: Any, path: str
) -> None:
    page = phone.new_page()
    page.goto(f"{live_server}{path}")
    box = page.locator("h1").bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 740, box
    header = page.locator("header.site-header").bounding_box()
    assert header is not None and header["height"] <= 740 / 8  # one row: brand, TEST, menu
    assert _no_horizontal_scroll(page)


def test_the_menu_opens_without_javascript_and_marks_the_current_page(
    live_server: str, phone_no_js: Any
) -> None:
    page = phone_no_js.new_page()
    page.goto(f"{live_server}/status")
    assert not page.get_by_role("link", name="Басты бет").is_visible()
    open_menu(page)
    current = page.locator("details.site-menu [aria-current=page]")
    assert current.inner_text() == "Өтініш мәртебесін тексеру" == page.locator("h1").inner_text()
    phone_number = page.locator("a[href='tel:88000807777']").bounding_box()
    assert phone_number is not None and phone_number["height"] < 40  # one line, no break after 8-
