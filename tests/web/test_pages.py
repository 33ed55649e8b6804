"""Every page in every language: structure, language, headers (foundation)."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.domain.workflow import Role
from portal.web.access import ANYONE, allow
from tests.pages import ClientRequest

PAGES = ["public.index", "auth.sign_in", "citizen.cabinet", "staff.queue", "public.check_status",
         "operator.lookup_cases",
         "dev.outbox", "staff.dashboard"]
# Pages only a signed-in person sees, and who: the rest are open to anyone.
SIGNED_IN = {"citizen.cabinet": "citizen", "staff.queue": Role.SPECIALIST,
             "operator.lookup_cases": Role.OPERATOR, "staff.dashboard": Role.HEAD}
SERVICE_NAME = {
    "kk": "мұқтаж азаматтардың жекелеген санаттарына әлеуметтік көмек тағайындау",
    "ru": "Назначение социальной помощи отдельным категориям нуждающихся граждан",
    "en": "Assignment of social assistance to certain categories of needy citizens",
}


@pytest.mark.parametrize("endpoint", PAGES)
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_page_has_one_h1_title_lang_and_nonce(
    client_request: ClientRequest, endpoint: str, lang: str
) -> None:
    client_request.set_language(lang)
    if endpoint in SIGNED_IN:
        client_request.login_as(SIGNED_IN[endpoint])
    page = client_request.get(endpoint)
    assert page.html is not None
    assert page.html["lang"] == lang


def test_home_page_is_in_kazakh_by_default_and_says_the_service_is_free_L6(
    client_request: ClientRequest,
) -> None:
    page = client_request.get("public.index")
    assert page.html is not None and page.html["lang"] == "kk"
    assert SERVICE_NAME["kk"] in page.h1.get_text()
    assert "1414" in page.select_one("footer").get_text()
    assert "тегін" in page.select_one("footer").get_text()  # L6: free of charge


def test_home_page_names_the_grounds_in_the_orders_own_kazakh_terms_L8(
    client_request: ClientRequest,
) -> None:
    grounds = client_request.get("public.index").select_one("#who + p + ul").get_text()
    # Seed line 367 (L8.3) and the low-income ground of paragraph 8 "not above" the threshold.
    for term in ("дүлей апат", "өрт салдарынан", "әлеуметтік маңызы бар ауру",
                 "ата-ана қамқорлығының", "шектен аспайды"):
        assert term in grounds
    assert "мәні бар" not in grounds and "зілзала" not in grounds


def test_home_page_in_english_says_not_above_the_threshold(client_request: ClientRequest) -> None:
    client_request.set_language("en")
    assert "not above the threshold" in client_request.get("public.index").get_text()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_home_page_names_the_service_in_the_chosen_language(
    client_request: ClientRequest, lang: str
) -> None:
    client_request.set_language(lang)
    page = client_request.get("public.index")
    assert SERVICE_NAME[lang].lower() in page.h1.get_text().lower()


def test_unknown_language_cookie_falls_back_to_kazakh(client_request: ClientRequest) -> None:
    client_request.set_language("de")
    page = client_request.get("public.index")
    assert page.html is not None and page.html["lang"] == "kk"


def test_language_switch_links_come_back_to_the_same_page(client_request: ClientRequest) -> None:
    client_request.login_as(Role.SPECIALIST)
    page = client_request.get("staff.queue")
    links = {a["hreflang"]: a["href"] for a in page.select(".lang-switch a")}
    assert set(links) == {"ru", "en"}  # the current language is shown, not linked
    assert page.select_one(".lang-switch [aria-current]").get_text() == "Қазақша"
    response = client_request.client.get(links["ru"])
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/"
    page = client_request.get("staff.queue")
    assert page.html is not None and page.html["lang"] == "ru"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "staff", "/\\evil"])
def test_language_switch_never_redirects_off_site(client_request: ClientRequest, target: str) -> None:
    response = client_request.client.get(f"/language/en?next={target}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_unknown_language_code_changes_nothing(client_request: ClientRequest) -> None:
    response = client_request.client.get("/language/xx?next=/")
    assert "lang=" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize(
    ("lang", "text"), [("kk", "Бет табылмады"), ("ru", "Страница не найдена"), ("en", "Page not found")]
)
def test_not_found_page_speaks_the_users_language(
    client_request: ClientRequest, lang: str, text: str
) -> None:
    client_request.set_language(lang)
    page = client_request.get_url("/no-such-page", _expected_status=404)
    assert page.h1.get_text(strip=True) == text


def test_method_not_allowed_gets_a_page_not_a_bare_error(client_request: ClientRequest) -> None:
    response = client_request.client.post("/healthz")
    assert response.status_code in {400, 405}
    assert b"<h1>" in response.data


def test_an_unexpected_error_shows_the_500_page_in_kazakh(app: Flask) -> None:
    @app.get("/boom-for-test")
    @allow(ANYONE)
    def boom() -> str:
        raise RuntimeError("secret detail 850321301238")

    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Біз тарапта қате орын алды" in body
    assert "850321301238" not in body


def test_post_without_csrf_token_is_refused_with_a_readable_page(app: Flask) -> None:
    @app.post("/post-for-test")
    @allow(ANYONE)
    def accept() -> str:
        return "accepted"

    client = app.test_client()
    refused = client.post("/post-for-test", data={"x": "1"})
    assert refused.status_code == 400
    assert "Сессияның мерзімі өтті" in refused.get_data(as_text=True)


def test_htmx_post_with_the_token_from_the_body_hx_headers_is_accepted(app: Flask) -> None:
    import json

    from bs4 import BeautifulSoup

    @app.post("/post-for-test")
    @allow(ANYONE)
    def accept() -> str:
        return "accepted"

    client = app.test_client()
    page = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    headers = json.loads(page.body["hx-headers"])
    response = client.post("/post-for-test", headers={**headers, "HX-Request": "true"})
    assert response.status_code == 200
    assert response.data == b"accepted"


def test_health_check_reports_the_database(client_request: ClientRequest) -> None:
    response = client_request.get_response("public.health")
    assert response.json == {"status": "ok"}


def test_personal_pages_are_not_cached_and_keep_out_of_htmx_history(
    client_request: ClientRequest,
) -> None:
    for endpoint, who in SIGNED_IN.items():
        client_request.login_as(who)
        response = client_request.get_response(endpoint)
        assert response.headers["Cache-Control"] == "no-store"
        assert 'hx-history="false"' in response.get_data(as_text=True)


def test_pages_vary_on_hx_request(client_request: ClientRequest) -> None:
    response = client_request.get_response("public.index", _headers={"HX-Request": "true"})
    assert "HX-Request" in response.headers["Vary"]
