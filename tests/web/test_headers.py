"""Security headers, compression and static caching on every response (foundation)."""

from __future__ import annotations

import re

from flask import Flask

from tests.pages import ClientRequest


def test_csp_forbids_inline_script_framing_plugins_and_base(client_request: ClientRequest) -> None:
    csp = client_request.get_response("public.index").headers["Content-Security-Policy"]
    assert re.search(r"script-src 'self' 'nonce-[\w-]+'", csp)
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    for directive in ("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"):
        assert directive in csp


def test_each_request_gets_a_new_nonce(client_request: ClientRequest) -> None:
    first = client_request.get_response("public.index").headers["Content-Security-Policy"]
    second = client_request.get_response("public.index").headers["Content-Security-Policy"]
    assert first != second


def test_other_security_headers_are_set(client_request: ClientRequest) -> None:
    headers = client_request.get_response("public.index").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_hsts_is_sent_over_https(client_request: ClientRequest) -> None:
    response = client_request.client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_html_is_compressed_for_clients_that_accept_it(client_request: ClientRequest) -> None:
    response = client_request.client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    response = client_request.client.get("/", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"


def test_static_urls_carry_a_content_hash_and_are_cached_for_a_year(app: Flask) -> None:
    client = app.test_client()
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/portal\.css\?v=[0-9a-f]{12})"', html)
    assert css is not None
    with client.get(css.group(1)) as response:
        assert response.status_code == 200
        assert response.cache_control.max_age == 31536000
        assert response.cache_control.immutable


def test_the_pinned_htmx_is_served_from_our_own_origin(app: Flask) -> None:
    client = app.test_client()
    html = client.get("/").get_data(as_text=True)
    src = re.search(r'<script src="(/static/vendor/htmx\.min\.js\?v=[0-9a-f]{12})"', html)
    assert src is not None, "htmx must load from /static (run `make setup`)"
    with client.get(src.group(1)) as response:
        assert response.status_code == 200
    assert "https://" not in html.split("<body")[0]


def test_cookies_are_http_only_and_same_site(app: Flask) -> None:
    client = app.test_client()
    client.get("/")  # the page's CSRF token puts it in the session cookie
    language = client.get("/language/ru?next=/")
    for response in (client.get("/"), language):
        for header in response.headers.getlist("Set-Cookie"):
            assert "HttpOnly" in header and "SameSite=Lax" in header, header
    assert language.headers.getlist("Set-Cookie")
    fresh = app.test_client().get("/")
    assert any("session=" in h for h in fresh.headers.getlist("Set-Cookie"))


def test_a_static_file_whose_bytes_do_not_match_the_hash_is_not_pinned(app: Flask) -> None:
    client = app.test_client()
    with client.get("/static/css/portal.css?v=000000000000") as response:
        assert response.status_code == 200
        assert not response.cache_control.immutable
    with client.get("/static/css/no-such-file.css?v=abc") as missing:
        assert missing.status_code == 404


def test_sessions_expire_after_the_configured_idle_time(app: Flask) -> None:
    response = app.test_client().get("/")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Expires=" in cookie
    assert app.permanent_session_lifetime.total_seconds() == 1800


def test_each_security_header_is_sent_once_with_the_portals_value_and_a_views_csp_stands(
    app: Flask,
) -> None:
    """The headers are written after one look at the names a view already set (web/security.py):
    a view's own X-Frame-Options or Referrer-Policy is replaced, not doubled; its own CSP stays."""
    from flask import Response

    from portal.web.access import ANYONE, allow

    @app.get("/own-headers-for-test")
    @allow(ANYONE)
    def own_headers() -> Response:
        response = Response("ok")
        response.headers["x-frame-options"] = "SAMEORIGIN"
        response.headers["Referrer-Policy"] = "unsafe-url"
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    headers = app.test_client().get("/own-headers-for-test").headers
    assert headers.getlist("X-Frame-Options") == ["DENY"]
    assert headers.getlist("Referrer-Policy") == ["same-origin"]
    assert headers.getlist("Content-Security-Policy") == ["sandbox; default-src 'none'"]
    for name in ("X-Content-Type-Options", "Permissions-Policy", "Cross-Origin-Opener-Policy"):
        assert len(headers.getlist(name)) == 1
    page = app.test_client().get("/").headers
    assert len(page.getlist("Content-Security-Policy")) == 1
    assert "'nonce-" in page["Content-Security-Policy"]
