"""`flask demo load` gives every demo staff member an enrolled authenticator secret and prints it."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
from flask import Flask

from portal import db
from portal.cli.demo import STAFF
from portal.domain.accounts import matching_step
from portal.models import StaffFactor, StaffUser
from portal.services.staff_accounts import decrypt_secret


def _secrets(output: str) -> dict[str, str]:
    found = {}
    for login, *_ in STAFF:
        match = re.search(rf"^\s+\S+\s+{login}\s+demo-{login}-2026\s+\d{{12}}\s+([A-Z2-7]{{32}})\s",
                          output, re.MULTILINE)
        assert match is not None, f"no secret printed for {login}"
        found[login] = match.group(1)
    return found


def test_demo_staff_come_enrolled_with_the_printed_secret_the_same_on_every_run(
        db_app: Flask) -> None:
    db_app.config.update(LOAD_DEMO_DATA=True)
    runner = db_app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    printed = _secrets(first.output)
    assert "pyotp.TOTP('SECRET').now()" in first.output
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and _secrets(again.output) == printed
    with db_app.app_context():
        s = db.session()
        for login, secret in printed.items():
            staff = s.query(StaffUser).filter_by(login=login).one()
            factor = s.get(StaffFactor, staff.id)
            assert factor is not None and factor.enrolled_at is not None
            assert secret not in factor.secret_encrypted
            assert decrypt_secret(factor.secret_encrypted, factor.staff_id) == secret
            now = dt.datetime.now(dt.UTC)
            assert matching_step(secret, pyotp.TOTP(secret).at(now), now, None) is not None
