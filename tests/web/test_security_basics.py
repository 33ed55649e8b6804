"""Small proofs docs/security.md cites (#14): password storage, the SMS code's shape and storage,
password fields, methods the portal never answers."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select, update

from portal import db
from portal.db import utcnow
from portal.domain.workflow import Role
from portal.models import CodePurpose, OneTimeCode, SmsMessage
from portal.services import accounts
from portal.services.passwords import check_password, hash_password
from tests.factories import create_citizen
from tests.pages import ClientRequest


def test_passwords_are_stored_as_argon2id_and_checked_exactly_as_typed() -> None:
    password = "  Жасыл Алма ағашы  "
    stored = hash_password(password)
    match = re.fullmatch(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[^$]+\$[^$]+", stored)
    assert match is not None, stored
    memory_kib, rounds, _lanes = map(int, match.groups())
    assert memory_kib >= 19 * 1024 and rounds >= 2  # at least OWASP's Argon2id minimum
    assert hash_password(password) != stored  # a new salt each time
    assert check_password(stored, password)
    # No trimming, case folding or truncation: only the very same string matches.
    for other in (password.strip(), password.upper(), password[:-1], password + " "):
        assert not check_password(stored, other)
    assert not check_password(None, password) and not check_password("not-a-hash", password)


def test_a_sign_in_code_has_six_random_digits_and_only_its_hmac_is_kept(app: Flask) -> None:
    with app.test_request_context():
        session = db.session()
        citizen = create_citizen(session, phone="+77011234567", confirmed_at=utcnow())
        codes = set()
        for _ in range(3):
            sent = accounts.send_code(session, citizen, CodePurpose.SIGN_IN, now=utcnow(),
                                      locale="kk")
            session.commit()
            text = session.scalars(select(SmsMessage.text).order_by(SmsMessage.id.desc())).first()
            assert text is not None
            found = re.findall(r"\b\d{6}\b", text)
            assert len(found) == 1
            row = session.get(OneTimeCode, sent.code_id)
            assert row is not None
            assert found[0] not in row.code_hmac and re.fullmatch(r"[0-9a-f]{64}", row.code_hmac)
            codes.add(found[0])
            session.execute(update(OneTimeCode).values(  # let the resend wait pass
                issued_at=utcnow().replace(year=2000)))
            session.commit()
        assert len(codes) == 3


def test_password_fields_are_masked_and_password_managers_may_fill_them(app: Flask) -> None:
    client = app.test_client()
    fields = []
    for url in ("/sign-in/", "/sign-in/staff"):
        page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
        fields += [(url, f) for f in page.find_all("input") if "password" in (f.get("name") or "")]
    assert len(fields) >= 2
    for url, field in fields:
        assert field.get("type") == "password", url
        assert field.get("autocomplete") in {"current-password", "new-password"}, url
        assert not any(a.startswith("on") for a in field.attrs), url  # no paste blocking


def test_trace_and_other_unused_methods_are_refused(app: Flask) -> None:
    client = app.test_client()
    for method in ("TRACE", "PUT", "DELETE", "PATCH"):
        assert client.open("/", method=method).status_code == 405, method
    assert client.get("/static/").status_code == 404  # no directory listing


def test_a_refused_request_is_logged_with_the_role_and_endpoint_only(
    client_request: ClientRequest, caplog: pytest.LogCaptureFixture
) -> None:
    client_request.login_as(Role.OPERATOR)
    caplog.set_level(logging.INFO, logger="portal.security")
    assert client_request.client.get("/staff/").status_code == 403
    lines = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert lines == ["role operator refused staff.queue"]


def test_sessions_start_only_in_the_documented_sign_ins() -> None:
    """ASVS V6.3.4: no pathway but the three of docs/security.md (Authentication) opens a
    session — a new one must be added there, with its factors and limits."""
    root = Path(__file__).resolve().parents[2] / "portal"
    callers = sorted(str(path.relative_to(root)) for path in root.rglob("*.py")
                     if "start_session(" in path.read_text(encoding="utf-8"))
    assert callers == ["services/accounts.py", "services/eds_sign_in.py",
                       "services/staff_accounts.py", "web/access.py"]
    setters = sorted(str(path.relative_to(root)) for path in root.rglob("*.py")
                     if re.search(r"session\[\"sid\"\]\s*=", path.read_text(encoding="utf-8")))
    assert setters == ["web/access.py"]


def test_no_source_control_or_instance_file_is_served(app: Flask) -> None:
    client = app.test_client()
    for path in ("/.git/config", "/.git/HEAD", "/instance/secret_key", "/static/../pyproject.toml",
                 "/static/%2e%2e/%2e%2e/pyproject.toml", "/portal/config.py"):
        assert client.get(path).status_code == 404, path
