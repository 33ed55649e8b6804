"""Shared set-up of the status lookup tests (L10.1): a registered case with personal data."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from portal import db
from portal.domain.workflow import Status
from tests.factories import create_application, create_citizen, create_district

IIN = "921231445671"
BIRTH = dt.date(1992, 12, 31)
SURNAME, GIVEN = "Ахметова", "Гүлнар"
STREET = "Сарыарқа даңғылы"
BANK_ACCOUNT = "KZ86125KZT5004100100"


@dataclass(frozen=True)
class Case:
    number: str
    id: int


def make_case(app: Flask, status: Status = Status.REGISTERED, number: str = "SA-2026-K4PQ-9TXM",
              **fields: object) -> Case:
    with app.app_context():
        session = db.session()
        district = create_district(session)
        citizen = create_citizen(session, iin=IIN, surname=SURNAME, given_name=GIVEN,
                                 birth_date=BIRTH)
        values: dict[str, object] = {
            "number": number, "applicant_iin": IIN, "applicant_birth_date": BIRTH,
            "applicant_surname": SURNAME, "applicant_given_name": GIVEN,
            "addr_street": STREET, "bank_account": BANK_ACCOUNT,
            "assistance_requested": "біржолғы", "term_started_on": dt.date(2026, 11, 23),
            "registered_on": dt.date(2026, 11, 23), "result_due_on": dt.date(2026, 12, 3),
            **fields,
        }
        application = create_application(session, district=district, citizen=citizen,
                                          status=status, **values)
        session.commit()
        return Case(application.number, application.id)


def csrf(client: FlaskClient, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def personal_data() -> list[str]:
    """What no lookup answer may contain (the case's name, IIN, birth date, address, account)."""
    return [SURNAME, GIVEN, IIN, STREET, BANK_ACCOUNT, "31.12.1992", "1992-12-31", "біржолғы"]
