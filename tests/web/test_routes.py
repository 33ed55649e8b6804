"""The list of URLs: a test that fails when a URL disappears (CONVENTIONS, after GOV.UK Notify)."""

from __future__ import annotations

import re

from flask import Flask

EXPECTED = {
    "/",
    "/language/<code>",
    "/healthz",
    "/readyz",
    "/sign-in/",
    "/sign-in/eds",
    "/sign-in/eds/complete",
    "/sign-in/staff/eds",
    "/sign-in/staff/eds/complete",
    "/cabinet/",
    "/apply",
    "/cabinet/applications/new",
    "/cabinet/applications/<number>/",
    "/cabinet/applications/<number>/check",
    "/cabinet/applications/<number>",
    "/staff/",
    "/operator/",
    "/status",
    "/api/v1/openapi.json",
    "/api/v1/applications/<path:number>/status",
    "/static/<path:filename>",
    "/sign/mobile/<token>",
    "/sign/status/<challenge_id>",
    "/dev/outbox",  # development and test only
    "/files/<int:file_id>",
    "/files/<int:file_id>/remove",
    "/files/documents/<int:document_id>",
    "/cabinet/messages",
    "/cabinet/messages/<int:message_id>",
    "/cabinet/applications/<number>/objection",
    "/cabinet/applications/<number>/objection/sign",
    "/cabinet/applications/<number>/remarks",
    "/cabinet/applications/<number>/remarks/sign",
    "/staff/intake/",
    "/staff/intake/<number>/ground",
    "/staff/intake/<number>/applicant",
    "/staff/intake/<number>/family",
    "/staff/intake/<number>/family/add",
    "/staff/intake/<number>/family/<int:member_id>/remove",
    "/staff/intake/<number>/registers",
    "/staff/intake/<number>/documents",
    "/staff/intake/<number>/consents",
    "/staff/intake/<number>/finish",
    "/staff/intake/<number>/receipts/<int:receipt_id>",
    "/staff/dashboard",
    "/staff/dashboard/<name>.csv",
    "/staff/cases/<number>/forms/<form>",
    "/staff/cases/<number>/forms/<form>.pdf",
    "/cabinet/applications/<number>/forms/<form>",
    "/cabinet/applications/<number>/forms/<form>.pdf",
    "/verify",
    "/verify/<code>",
    "/staff/cases/<number>",
    "/staff/cases/<number>/actions/<action>",
    "/staff/cases/<number>/assign",
    "/staff/cases/<number>/decision/sign",
    "/staff/cases/<number>/decision/complete",
    "/staff/print-list",
    "/staff/print-list/<int:notification_id>/handed",
    "/account/",
    "/account/password",
    "/account/sessions",
    "/account/sessions/end",
    "/account/sessions/end-others",
}


def test_no_url_disappears(app: Flask) -> None:
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    missing = EXPECTED - rules
    assert not missing, f"URLs removed: {sorted(missing)}"


def test_every_post_route_refuses_a_request_without_the_csrf_token(app: Flask) -> None:
    client = app.test_client()
    posts = [r for r in app.url_map.iter_rules() if "POST" in (r.methods or set())]
    assert posts, "the portal has POST routes"
    for rule in posts:
        url = rule.rule
        for argument in rule.arguments:
            url = re.sub(rf"<int:{argument}>", "1", url)  # an int converter refuses "x"
            url = re.sub(rf"<(?:[^:<>]+:)?{argument}>", "x", url)
        response = client.post(url, data={"anything": "1"})
        assert response.status_code == 400, f"{rule.rule} accepted a POST without a CSRF token"
        assert "Сессияның мерзімі өтті" in response.get_data(as_text=True), rule.rule
