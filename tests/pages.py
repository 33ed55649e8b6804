"""The client_request helper: fetch a page by endpoint and check what every page must have."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal import db
from portal.domain.workflow import Role
from portal.models import Citizen, SignInMethod, StaffUser, SubjectKind, WebSession
from portal.web.access import token_digest
from tests.factories import create_citizen, create_desk, create_district, create_staff


class PageCheckError(AssertionError):
    pass


def check_page(response: TestResponse) -> BeautifulSoup:
    """Every HTML page: one h1, a title, `lang` set, no duplicate ids, nonce on every script."""
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    html = page.find("html")
    if html is None or not html.get("lang"):
        raise PageCheckError("<html lang> is missing")
    title = page.find("title")
    if title is None or not title.get_text(strip=True):
        raise PageCheckError("<title> is missing or empty")
    h1s = page.find_all("h1")
    if len(h1s) != 1:
        raise PageCheckError(f"expected one h1, found {len(h1s)}")
    ids = Counter(str(el["id"]) for el in page.find_all(id=True))
    duplicates = [i for i, n in ids.items() if n > 1]
    if duplicates:
        raise PageCheckError(f"duplicate ids: {duplicates}")
    csp = response.headers.get("Content-Security-Policy", "")
    match = re.search(r"'nonce-([^']+)'", csp)
    if match is None:
        raise PageCheckError("no nonce in the Content-Security-Policy header")
    for script in page.find_all("script"):
        if script.get("nonce") != match.group(1):
            raise PageCheckError(f"script without the request's nonce: {script}")
        if script.string and script.string.strip():
            raise PageCheckError("inline script found")
    if page.find(attrs={"style": True}) is not None:
        raise PageCheckError("inline style attribute found")
    if page.find("style") is not None:
        raise PageCheckError("inline <style> found")
    return page


class ClientRequest:
    """Resolve endpoints with url_for, check the status, parse and check the page."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client

    def url(self, endpoint: str, **values: Any) -> str:
        with self.app.test_request_context():
            return url_for(endpoint, **values)

    def set_language(self, code: str) -> None:
        self.client.set_cookie("lang", code)

    def login(self, person: Citizen | StaffUser) -> str:
        """Sign ``person`` in as the sign-in journey would end: a server-side session row and
        its token in the cookie session. Returns the token."""
        token = secrets.token_urlsafe(32)
        staff = isinstance(person, StaffUser)
        with self.app.app_context():
            session = db.session()
            session.add(WebSession(
                id=token_digest(token), subject_kind=SubjectKind.STAFF if staff else
                SubjectKind.CITIZEN, subject_id=person.id,
                method=SignInMethod.PASSWORD_TOTP if staff else SignInMethod.PASSWORD_SMS,
                device_hash="test"))
            session.commit()
        with self.client.session_transaction() as cookie:
            cookie["sid"] = token
        return token

    def login_as(self, who: str | Role = "citizen") -> Citizen | StaffUser:
        """Create a person (a citizen, or staff of the given role) and sign them in."""
        with self.app.app_context():
            session = db.session()
            district = create_district(session)
            person: Citizen | StaffUser
            if who == "citizen":
                person = create_citizen(session, iin="850321301238")
            else:
                desk = create_desk(session, district) if who == Role.INTAKE else None
                person = create_staff(session, district, role=Role(who), desk=desk)
            session.commit()
            session.expunge(person)
        self.login(person)
        return person

    def get_response(self, endpoint: str, _expected_status: int = 200, _headers: dict[str, str]
                     | None = None, **values: Any) -> TestResponse:
        response = self.client.get(self.url(endpoint, **values), headers=_headers or {})
        assert response.status_code == _expected_status, (
            f"GET {endpoint}: {response.status_code}, expected {_expected_status}"
        )
        return response

    def get(self, endpoint: str, _expected_status: int = 200, _headers: dict[str, str] | None
            = None, **values: Any) -> BeautifulSoup:
        response = self.get_response(endpoint, _expected_status, _headers, **values)
        return check_page(response)

    def get_url(self, url: str, _expected_status: int = 200) -> BeautifulSoup:
        response = self.client.get(url)
        assert response.status_code == _expected_status, f"GET {url}: {response.status_code}"
        return check_page(response)
