"""Deny by default: every view declares who may use it, and every route refuses everyone else."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from portal.domain.workflow import Role
from portal.web.access import ANYONE, CITIZEN, audience_of
from tests.pages import ClientRequest

PEOPLE: list[str | Role] = ["citizen", *[r for r in Role if r not in {Role.CITIZEN, Role.SYSTEM}]]


def routes(app: Flask) -> list[tuple[str, str, frozenset[object]]]:
    """Every rule of the url_map with its endpoint and declared audience (static excluded)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        audience = audience_of(app.view_functions[rule.endpoint])
        found.append((rule.rule, rule.endpoint, audience))
    return found


def _post_only(app: Flask) -> set[str]:
    """Endpoints that take no GET (a GET there is sent on to a page, portal/web/post_only.py)."""
    return {r.endpoint for r in app.url_map.iter_rules() if "GET" not in (r.methods or set())}


def _token(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/").get_data(as_text=True)
    return page.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]


def _url(rule: str) -> str:
    # Any value will do for a parameter: access is decided before the view looks at it.
    for name in ("token", "challenge_id", "code", "number", "filename"):
        rule = rule.replace(f"<{name}>", "x")
    return re.sub(r"<int:[a-z_]+>", "1", rule)


def test_every_view_declares_who_may_use_it(app: Flask) -> None:
    undeclared = [endpoint for _rule, endpoint, audience in routes(app) if audience is None]
    assert undeclared == []
    assert len(routes(app)) > 15


def test_a_view_that_declares_nothing_is_refused_to_everyone(client_request: ClientRequest) -> None:
    app = client_request.app

    @app.get("/forgotten-for-test")
    def forgotten() -> str:
        return "secret"

    client_request.login_as(Role.ADMIN)
    assert client_request.client.get("/forgotten-for-test").status_code == 403


def test_every_closed_route_sends_an_anonymous_visitor_to_sign_in(app: Flask) -> None:
    client = app.test_client()
    token = _token(client)
    checked = 0
    post_only = _post_only(app)
    for rule, endpoint, audience in routes(app):
        if audience is None or ANYONE in audience:
            continue
        response = client.post(_url(rule), data={"csrf_token": token}) \
            if endpoint in post_only else client.get(_url(rule))
        assert response.status_code in {302, 303}, f"{endpoint}: {response.status_code}"
        assert "/sign-in/" in response.headers["Location"], endpoint
        checked += 1
    assert checked >= 2


@pytest.mark.parametrize("who", PEOPLE, ids=str)
def test_every_closed_route_refuses_a_person_it_is_not_for_with_403(
    client_request: ClientRequest, who: str | Role
) -> None:
    client_request.login_as(who)
    client = client_request.client
    token = _token(client)
    me = CITIZEN if who == "citizen" else who
    post_only = _post_only(client_request.app)
    for rule, endpoint, audience in routes(client_request.app):
        if audience is None or ANYONE in audience or me in audience:
            continue
        response = client.post(_url(rule), data={"csrf_token": token}) \
            if endpoint in post_only else client.get(_url(rule))
        assert response.status_code == 403, f"{who} at {endpoint}: {response.status_code}"
        assert "<html" in response.get_data(as_text=True)  # a page in the person's language
