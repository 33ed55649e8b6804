"""No personal data or IIN in URLs, logs or error reports (#14, DESIGN "Security"): a whole
application journey — a wrong sign-in, every F1-1 section, a wrong key password, the signature,
the PDF, a 1414 lookup with a wrong and a right factor — is run with every logger at DEBUG, and
every URL asked and every log line written is read for the person's data."""

from __future__ import annotations

import logging

import pytest
from flask import Flask, request
from sqlalchemy import select

from portal import db
from portal.models import Application, Citizen
from tests.pages import ClientRequest, check_page
from tests.web.test_apply import (
    KEY_PASSWORD,
    _csrf,
    _fill_to_check,
    _start,
    applicant,  # noqa: F401  (the fixture, used by name)
)

# What must never reach a URL or a log: the applicant's IIN, a family member's IIN, names,
# the phone, the IBAN, the date of birth as typed.
PERSONAL = ("850321301238", "910415399015", "Қасымов", "ҚАСЫМОВ", "7011234567",
            "KZ86125KZT5004100100", "21.03.1985", "1985-03-21")


def test_a_whole_journey_leaves_no_personal_data_in_urls_or_logs(
    client_request: ClientRequest, app: Flask, applicant: Citizen,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    urls: list[str] = []

    @app.before_request
    def _note_url() -> None:
        urls.append(request.full_path)

    caplog.set_level(logging.DEBUG)
    client = client_request.client
    # a wrong password at sign-in (a security log line)
    sign_in = check_page(client.get("/sign-in/"))
    client.post("/sign-in/", data={"csrf_token": _csrf(sign_in), "iin": applicant.iin,
                                   "password": "wrong-password-1"})
    number = _start(client_request, applicant)
    _fill_to_check(client_request, app, number)
    base = f"/cabinet/applications/{number}"
    check = check_page(client.get(f"{base}/check"))
    sign_page = check_page(client.post(f"{base}/check", data={"csrf_token": _csrf(check),
                                                               "signer": "keyfile"}))
    client.post(f"{base}/sign", data={"csrf_token": _csrf(sign_page), "password": "wrong-pass"})
    signed = client.post(f"{base}/sign", data={"csrf_token": _csrf(sign_page),
                                               "password": KEY_PASSWORD})
    assert signed.status_code == 303
    assert client.get(f"{base}/f1-1.pdf").status_code == 200
    # the 1414 lookup: a wrong factor, then the right one
    lookup = check_page(client.get("/status"))
    answers = [client.post("/status", data={"csrf_token": _csrf(lookup), "number": number,
                                            "factor": factor}).status_code
               for factor in ("921231445671", applicant.iin, "21.03.1985")]
    assert answers == [200, 200, 200]
    with app.app_context():
        application = db.session().scalar(select(Application).where(Application.number == number))
        assert application is not None and application.submitted_at is not None  # it went through

    assert len(urls) > 20 and caplog.records, "the journey ran and logged"
    for url in urls:
        assert not any(p in url for p in PERSONAL), f"personal data in a URL: {url}"
    for record in caplog.records:
        line = f"{record.name} {record.getMessage()} {record.exc_text or ''}"
        found = [p for p in PERSONAL if p in line]
        assert not found, f"{found} in the log line: {line[:300]}"
