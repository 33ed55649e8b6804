"""The list of URLs: a test that fails when a URL disappears (CONVENTIONS, after GOV.UK Notify)."""

from __future__ import annotations

from flask import Flask

EXPECTED = {
    "/",
    "/language/<code>",
    "/healthz",
    "/sign-in/",
    "/cabinet/",
    "/staff/",
    "/operator/",
    "/static/<path:filename>",
    "/sign/mobile/<token>",
    "/sign/status/<challenge_id>",
}


def test_no_url_disappears(app: Flask) -> None:
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    missing = EXPECTED - rules
    assert not missing, f"URLs removed: {sorted(missing)}"


def test_every_post_route_is_csrf_protected(app: Flask) -> None:
    exempt = app.extensions["csrf"]._exempt_views
    posts = [r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or set())]
    assert not [e for e in posts if e in exempt]
