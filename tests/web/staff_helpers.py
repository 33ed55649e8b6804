"""Staff people for page tests: made in the database, signed in by password and code or directly."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

import pyotp
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from portal import db
from portal.db import utcnow
from portal.domain.accounts import TOTP_STEP_SECONDS
from portal.domain.workflow import Role
from portal.models import (
    District,
    Event,
    SignInMethod,
    StaffFactor,
    StaffUser,
    SubjectKind,
    WebSession,
)
from portal.services.staff_accounts import encrypt_secret
from portal.web.access import token_digest
from tests.factories import create_desk, create_district, create_staff

SECRET = "JRC4ARS23VXRFA3MEVW7SAQVES2SRETT"
PASSWORD = "a long staff passphrase 2026"
# The test staff's stored hash is Argon2id at the lowest cost: every sign-in of a test verifies it,
# and at the production cost (64 MiB, 3 passes) that was most of a staff test's CPU time. The cost is
# read from the hash, so the portal checks it exactly as any other; hash_password keeps its own
# cost for every hash the portal makes (test_security_basics checks that cost).
_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


def step_start(at: dt.datetime) -> dt.datetime:
    """The start of the 30-second step `at` is in, plus a few seconds."""
    seconds = int(at.timestamp()) // TOTP_STEP_SECONDS * TOTP_STEP_SECONDS + 5
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def code_at(at: dt.datetime, steps: int = 0, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).at(at + dt.timedelta(seconds=steps * TOTP_STEP_SECONDS))


def make_staff(app: Flask, *, role: Role = Role.SPECIALIST, enrolled: bool = True,
               active: bool = True, district_id: int | None = None, **fields: Any) -> StaffUser:
    with app.app_context():
        s = db.session()
        district = None if district_id is None else s.get(District, district_id)
        if district is None:
            district = create_district(s)
        desk = create_desk(s, district) if role is Role.INTAKE else None
        staff = create_staff(s, district, role=role, desk=desk, password_hash=_HASH,
                             active=active, **fields)
        if enrolled:
            sealed = encrypt_secret(SECRET, staff.id)
            s.add(StaffFactor(staff_id=staff.id, secret_encrypted=sealed,
                              enrolled_at=utcnow()))
        s.commit()
        s.refresh(staff)
        s.expunge(staff)
        return staff


def csrf(client: FlaskClient, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match is not None, f"no CSRF token on {url}"
    return match.group(1)


def post(client: FlaskClient, url: str, data: dict[str, Any], *,
         token_from: str | None = None) -> TestResponse:
    token = csrf(client, token_from or url)
    return client.post(url, data={"csrf_token": token, **data})


def enter_password(client: FlaskClient, login: str, password: str = PASSWORD,
                   next_url: str | None = None) -> TestResponse:
    url = "/sign-in/staff" + (f"?next={next_url}" if next_url else "")
    return post(client, url, {"login": login, "password": password})


def enter_code(client: FlaskClient, code: str) -> TestResponse:
    return post(client, "/sign-in/staff/code", {"code": code})


def sign_in_directly(app: Flask, client: FlaskClient, staff_id: int) -> str:
    """A live session for the person, as if they had signed in (for pages behind sign-in)."""
    token = secrets.token_urlsafe(32)
    with app.app_context():
        s = db.session()
        s.add(WebSession(id=token_digest(token), subject_kind=SubjectKind.STAFF,
                         subject_id=staff_id, method=SignInMethod.PASSWORD_TOTP,
                         device_hash="0" * 64))
        s.commit()
    with client.session_transaction() as cookie:
        cookie["sid"] = token
    return token


def events_named(app: Flask, action: str) -> list[Event]:
    with app.app_context():
        s = db.session()
        rows = list(s.scalars(select(Event).where(Event.action == action).order_by(Event.seq)))
        for row in rows:
            s.expunge(row)
        return rows


def staff_row(app: Flask, staff_id: int) -> StaffUser:
    with app.app_context():
        s = db.session()
        staff = s.get(StaffUser, staff_id)
        assert staff is not None
        s.expunge(staff)
        return staff
