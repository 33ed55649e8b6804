"""Redirects stay on our own host and path: pinned host names (item 5), a safe `next` (item 7)."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.pages import check_page


def test_a_request_for_a_host_we_do_not_serve_gets_a_400_page_not_a_redirect_there(
    app: Flask,
) -> None:
    response = app.test_client().get("/operator", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "Location" not in response.headers
    page = check_page(response)
    assert page.h1 is not None and "түсініксіз" in page.h1.get_text()  # the Kazakh 400 title
    assert "evil.example" not in response.get_data(as_text=True)


def test_a_forwarded_host_from_a_trusted_proxy_is_held_to_the_same_names(app: Flask) -> None:
    from portal import create_app
    from portal.config import TestConfig

    config = TestConfig()
    config.TRUSTED_PROXIES = 1
    config.DATABASE_URL = app.config["DATABASE_URL"]
    proxied = create_app(config).test_client()
    refused = proxied.get("/operator", headers={"X-Forwarded-Host": "evil.example"})
    assert refused.status_code == 400 and "Location" not in refused.headers
    allowed = proxied.get("/operator", headers={"X-Forwarded-Host": "localhost"})
    assert allowed.status_code == 308
    assert allowed.headers["Location"] == "http://localhost/operator/"


def test_production_answers_only_to_the_host_of_its_public_address(production_app: Flask) -> None:
    client = production_app.test_client()
    ours = client.get("/operator", base_url="https://portal.example.kz")
    assert ours.status_code == 308
    assert ours.headers["Location"] == "https://portal.example.kz/operator/"
    for host in ("127.0.0.1", "localhost", "portal.example.kz.evil.example", "evil.example"):
        response = client.get("/operator", base_url=f"https://{host}")
        assert response.status_code == 400, host
        assert "Location" not in response.headers


@pytest.mark.parametrize(
    "query",
    [
        "next=%0d%0aSet-Cookie:%20x=y", "next=/%0d%0aSet-Cookie:%20x=y", "next=/cabinet/%0a",
        "next=/%0d", "next=/%09/evil.example", "next=/%00", "next=/%7f", "next=/%c2%85",
        "next=//evil.example", "next=%2f%2fevil.example", "next=/%5cevil.example",
        "next=%5c%5cevil.example", "next=https://evil.example/", "next=javascript:alert(1)",
        "next=/%2f/evil.example", "next=", "next=cabinet",
    ],
)
def test_the_language_switch_sends_every_unsafe_next_home_and_never_fails(
    app: Flask, query: str
) -> None:
    response = app.test_client().get("/language/ru", query_string=query)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/", "/cabinet/", "/operator/?q=1", "/sign/status/abc"])
def test_the_language_switch_comes_back_to_a_local_page(app: Flask, target: str) -> None:
    response = app.test_client().get("/language/ru", query_string={"next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == target
