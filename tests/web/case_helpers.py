"""A district's back office for case-page tests: one official of each role, the two commissions,
a district next door, and cases moved the way the services move them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from portal import db
from portal.db import utcnow
from portal.domain.calendar import Channel, to_local
from portal.domain.forms import Relation
from portal.domain.grounds import GroundCategory
from portal.domain.workflow import Role, Status
from portal.models import (
    Application,
    Commission,
    CommissionMember,
    CommissionRole,
    District,
    Event,
    FamilyMember,
    IncomeKind,
    IncomeRecord,
)
from portal.services import cases
from portal.services.workdays import calendar
from tests.factories import create_application, create_desk, create_district, create_staff
from tests.pages import ClientRequest


def today() -> dt.date:
    """The Almaty day now, read when a test runs (a constant read at collection goes
    stale when the run crosses Almaty's midnight, 19:00 UTC)."""
    return to_local(utcnow()).date()
ROLES = (Role.INTAKE, Role.PRECINCT, Role.SPECIALIST, Role.COMMISSION, Role.HEAD, Role.ADMIN)


@dataclass
class Office:
    """A district with one official per role, its commissions, and a foreign district."""

    app: Flask
    district_id: int
    foreign_id: int
    staff: dict[Role, int]
    precinct_ids: list[int]
    foreign_staff: dict[Role, int]

    @contextmanager
    def seed(self) -> Iterator[tuple[Session, District]]:
        with self.app.app_context():
            s = db.session()
            district = s.get(District, self.district_id)
            assert district is not None
            yield s, district
            s.commit()

    def case(self, status: Status = Status.REGISTERED, *, foreign: bool = False,
             ground: GroundCategory = GroundCategory.LOW_INCOME, **fields: Any) -> str:
        """A case of the district (or the foreign one) with a family and register incomes."""
        with self.seed() as (s, district):
            where = s.get(District, self.foreign_id) if foreign else district
            registered = fields.pop("registered_on", None) or today()
            application = create_application(
                s, district=where, status=status, ground=ground, channel=Channel.PROVIDER,
                registered_on=registered, term_started_on=registered,
                applicant_surname="Серіков", applicant_given_name="Ерлан",
                applicant_iin="900101350229", **fields)
            application.family = [FamilyMember(full_name="Серікова Айгүл", relation=Relation.SPOUSE,
                                               birth_date=dt.date(1992, 5, 1))]
            application.incomes = [IncomeRecord(
                member_name="Серіков Ерлан", kind=IncomeKind.WAGES, amount_tiyn=9_000_000,
                period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 9, 30))]
            cases.refresh_next_due(application, calendar())
            s.flush()
            return application.number

    def application(self, number: str) -> Application:
        with self.app.app_context():
            s = db.session()
            found = s.scalar(select(Application).where(Application.number == number))
            assert found is not None
            for name in ("inspection_act", "precinct_conclusion", "income_computation",
                         "commission_conclusion"):
                getattr(found, name)
            if found.inspection_act is not None:
                list(found.inspection_act.incomes)
                list(found.inspection_act.support)
                list(found.inspection_act.categories)
            s.expunge_all()
            return found

    def events(self, number: str) -> list[Event]:
        with self.app.app_context():
            s = db.session()
            rows = list(s.scalars(select(Event).join(
                Application, Application.id == Event.application_id).where(
                Application.number == number).order_by(Event.seq)))
            s.expunge_all()
            return rows


def make_office(app: Flask) -> Office:
    with app.app_context():
        s = db.session()
        mine, theirs = create_district(s), create_district(s)
        staff, foreign = {}, {}
        for role in ROLES:
            for district, table in ((mine, staff), (theirs, foreign)):
                desk = create_desk(s, district) if role is Role.INTAKE else None
                table[role] = create_staff(s, district, role=role, desk=desk).id
        members = [
            CommissionMember(district_id=mine.id, commission=Commission.PRECINCT,
                             full_name="Ахметов Қайрат", position="Ауыл әкімі",
                             role=CommissionRole.CHAIR),
            CommissionMember(district_id=mine.id, commission=Commission.PRECINCT,
                             full_name="Бекова Сәуле", position="Учаскелік инспектор",
                             role=CommissionRole.MEMBER),
            CommissionMember(district_id=theirs.id, commission=Commission.PRECINCT,
                             full_name="Бөтен Төраға", position="Әкім",
                             role=CommissionRole.CHAIR),
        ]
        s.add_all(members)
        s.commit()
        return Office(app, mine.id, theirs.id, staff, [m.id for m in members[:2]], foreign)


def token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def hidden(page: BeautifulSoup, action: str, name: str) -> str:
    form = page.select_one(f"#action-{action} form")
    assert form is not None, f"no form for {action}"
    field = form.select_one(f"input[name={name}]")
    assert field is not None
    return str(field["value"])


def act(client_request: ClientRequest, number: str, action: str, data: dict[str, Any], *,
        htmx: bool = False, page: BeautifulSoup | None = None) -> TestResponse:
    """Open the case page (or use ``page``), then post the action's form with its hidden
    version and seen, and ``data``."""
    client = client_request.client
    if page is None:
        response = client.get(f"/staff/cases/{number}")
        assert response.status_code == 200
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    csrf = page.select_one("input[name=csrf_token]")
    assert csrf is not None
    form = {"csrf_token": str(csrf["value"]), "version": hidden(page, action, "version"),
            "seen": hidden(page, action, "seen"), **data}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/staff/cases/{number}/actions/{action}", data=form, headers=headers)
