"""Cookies on real responses: __Host- names in production; none on static files, probes, polls."""

from __future__ import annotations

import hashlib
import re
import time

from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from tests.pages import check_page

PUBLIC = "https://portal.example.kz"


def _cookies(response: object) -> list[str]:
    return response.headers.getlist("Set-Cookie")  # type: ignore[attr-defined,no-any-return]


def _with_a_session(client: FlaskClient, base_url: str = "http://localhost") -> str:
    """Open the home page (its CSRF token starts a session); return the hashed CSS URL."""
    response = client.get("/", base_url=base_url)
    assert any("session=" in c for c in _cookies(response))
    css = re.search(r'href="(/static/css/portal\.css\?v=[0-9a-f]{12})"',
                    response.get_data(as_text=True))
    assert css is not None
    return css.group(1)


def test_production_cookies_are_host_only_secure_and_scoped_to_the_whole_site(
    production_app: Flask,
) -> None:
    client = production_app.test_client()
    first = client.get("/", base_url=PUBLIC)
    switched = client.get("/language/ru?next=/", base_url=PUBLIC)
    session_cookie = next(c for c in _cookies(first) if c.startswith("__Host-session="))
    lang_cookie = next(c for c in _cookies(switched) if c.startswith("__Host-lang=ru"))
    for cookie in (session_cookie, lang_cookie):
        assert "; Secure" in cookie and "; Path=/" in cookie and "Domain=" not in cookie, cookie
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = check_page(client.get("/", base_url=PUBLIC))
    assert page.html is not None and page.html["lang"] == "ru"  # the prefixed cookie is read


def test_static_files_and_health_checks_never_carry_a_cookie(app: Flask) -> None:
    client = app.test_client()
    css = _with_a_session(client)
    with client.get(css) as static:
        assert static.status_code == 200 and static.cache_control.immutable
        assert _cookies(static) == []
    with client.get("/static/css/no-such-file.css") as missing:
        assert _cookies(missing) == []
    health = client.get("/healthz")
    assert health.status_code == 200 and _cookies(health) == []


def test_static_files_carry_no_cookie_in_production_either(production_app: Flask) -> None:
    client = production_app.test_client()
    css = _with_a_session(client, PUBLIC)
    with client.get(css, base_url=PUBLIC) as static:
        assert _cookies(static) == []
    assert _cookies(client.get("/healthz", base_url=PUBLIC)) == []


def test_a_status_poll_that_changes_nothing_does_not_renew_the_session(app: Flask) -> None:
    client = app.test_client()
    _with_a_session(client)
    poll = client.get("/sign/status/unknown-challenge", headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert _cookies(poll) == []


def _session_cookie_signed(app: Flask, seconds_ago: int, csrf_token: bool = True) -> str:
    """A session cookie (holding a CSRF token unless told), as this app would have signed it
    ``seconds_ago``."""

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds_ago

    interface = app.session_interface
    serializer = URLSafeTimedSerializer(
        app.secret_key, salt=interface.salt, serializer=interface.serializer,  # type: ignore[attr-defined]
        signer=Earlier, signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1})
    data = {"_permanent": True, "csrf_token": "0" * 40} if csrf_token else {
        "_permanent": True, "lang_seen": "kk"}
    return serializer.dumps(data)


def test_pages_renew_a_session_cookie_signed_minutes_ago_so_it_expires_only_when_idle(
    app: Flask,
) -> None:
    client = app.test_client()
    client.set_cookie("session", _session_cookie_signed(app, 4 * 60))
    again = client.get("/")
    assert any(c.startswith("session=") and "Expires=" in c for c in _cookies(again))


def test_a_session_cookie_signed_a_moment_ago_is_not_signed_again(app: Flask) -> None:
    client = app.test_client()
    client.set_cookie("session", _session_cookie_signed(app, 5))
    page = client.get("/")
    assert page.status_code == 200 and _cookies(page) == []
    # … unless the request changed it (signing in or out, here a first CSRF token): then it is.
    client.set_cookie("session", _session_cookie_signed(app, 5, csrf_token=False))
    assert any(c.startswith("session=") for c in _cookies(client.get("/")))


def test_a_visitor_who_keeps_nothing_in_the_session_gets_no_cookie(app: Flask) -> None:
    response = app.test_client().get("/operator")  # a redirect, no form, nothing to keep
    assert response.status_code == 308
    assert _cookies(response) == []


def test_after_a_secret_key_rotation_a_listed_old_key_still_opens_the_session(app: Flask) -> None:
    """SECRET_KEY_FALLBACKS: cookies signed with the previous key work while it is listed (one
    session lifetime), new ones are signed with the new key, and an unlisted old key opens
    nothing."""
    from tests.web.test_own_account import confirmed_citizen, sign_in

    person = confirmed_citizen(app)
    client = sign_in(app, person)
    old_cookie = client.get_cookie("session")
    assert old_cookie is not None and client.get("/cabinet/").status_code == 200
    old_key = app.config["SECRET_KEY"]
    app.config.update(SECRET_KEY="rotated-secret-key-Jq3vB8nM1xZ6cT0wE5rY9uI2",
                      SECRET_KEY_FALLBACKS=[old_key])
    try:
        assert client.get("/cabinet/").status_code == 200
        app.config.update(SECRET_KEY_FALLBACKS=[])
        stale = app.test_client()
        stale.set_cookie("session", old_cookie.value)
        assert stale.get("/cabinet/").status_code == 302
        newer = sign_in(app, person)  # signed with the new key alone
        assert newer.get("/cabinet/").status_code == 200
    finally:
        app.config.update(SECRET_KEY=old_key, SECRET_KEY_FALLBACKS=[])


def test_the_session_signer_that_keeps_its_derived_key_signs_and_checks_as_flask_does(
    app: Flask,
) -> None:
    """The cookie is signed with a key derived once per secret (web/sessions.py): what it signs
    Flask's own serializer reads, a cookie signed with another secret is still refused, and a
    rotated secret (the old one among the fallbacks) keeps old cookies valid."""
    from flask.sessions import SecureCookieSessionInterface

    client = app.test_client()
    _with_a_session(client)
    cookie = client.get_cookie("session")
    assert cookie is not None
    stock = SecureCookieSessionInterface().get_signing_serializer(app)
    assert stock is not None and "csrf_token" in stock.loads(cookie.value)

    forged = URLSafeTimedSerializer(
        "another-secret", salt="cookie-session", serializer=app.session_interface.serializer,  # type: ignore[attr-defined]
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    ).dumps({"_permanent": True, "csrf_token": "1" * 40, "sid": "x"})
    for value in (forged, cookie.value[:-2] + "AA"):
        other = app.test_client()
        other.set_cookie("session", value)
        page = other.get("/")
        assert any(c.startswith("session=") for c in _cookies(page))  # a new session, not it
        assert "1" * 40 not in page.get_data(as_text=True)

    old_secret = app.secret_key
    app.config["SECRET_KEY"] = "a-rotated-secret"
    app.config["SECRET_KEY_FALLBACKS"] = [old_secret]
    try:
        again = app.test_client()
        again.set_cookie("session", cookie.value)
        assert _cookies(again.get("/")) == []  # recognised (a moment old, so not re-signed)
        alone = app.test_client()
        app.config["SECRET_KEY_FALLBACKS"] = []
        alone.set_cookie("session", cookie.value)
        assert any(c.startswith("session=") for c in _cookies(alone.get("/")))  # refused
    finally:
        app.config["SECRET_KEY"] = old_secret
        app.config["SECRET_KEY_FALLBACKS"] = []
