"""Test data: one function per thing, with lawful defaults, that the test overrides by name."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy.orm import Session

from portal.domain.calendar import ALMATY, Channel
from portal.domain.forms import Frequency, Sex
from portal.domain.grounds import GroundCategory
from portal.domain.package import DocumentKind
from portal.domain.workflow import Role, Status
from portal.models import (
    Application,
    ApplicationForm,
    Citizen,
    Desk,
    District,
    DistrictGround,
    Document,
    StaffUser,
)

_numbers = itertools.count(1)


def almaty(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ALMATY)


def create_district(session: Session, **fields: Any) -> District:
    n = next(_numbers)
    district = District(**{
        "code": f"district-{n}", "name_kk": "Аудан", "name_ru": "Район", "name_en": "District",
        "provider_name_kk": "Бөлім", "provider_name_ru": "Отдел", "provider_name_en": "Department",
        "provider_bin": "990340001234",
        "grounds": [DistrictGround(category=c, frequency=Frequency.ONE_OFF, amount_tiyn=100_000)
                    for c in GroundCategory],
        **fields,
    })
    session.add(district)
    session.flush()
    return district


def create_desk(session: Session, district: District, channel: Channel = Channel.PROVIDER,
                **fields: Any) -> Desk:
    desk = Desk(**{"district_id": district.id, "channel": channel, "name_kk": channel.value,
                   "name_ru": channel.value, "name_en": channel.value, **fields})
    session.add(desk)
    session.flush()
    return desk


def create_staff(session: Session, district: District, role: Role = Role.SPECIALIST,
                 desk: Desk | None = None, **fields: Any) -> StaffUser:
    n = next(_numbers)
    staff = StaffUser(**{
        "login": f"staff-{n}", "full_name": f"Staff {n}", "position": "Маман", "role": role,
        "district_id": district.id, "desk_id": desk.id if desk else None,
        "password_hash": "x", **fields,
    })
    session.add(staff)
    session.flush()
    return staff


def create_citizen(session: Session, iin: str = "850321301238", **fields: Any) -> Citizen:
    citizen = Citizen(**{
        "iin": iin, "surname": "Қасымов", "given_name": "Бауыржан",
        "birth_date": dt.date(1985, 3, 21), "sex": Sex.MALE, **fields,
    })
    session.add(citizen)
    session.flush()
    return citizen


def create_application(
    session: Session,
    *,
    district: District | None = None,
    citizen: Citizen | None = None,
    status: Status = Status.REGISTERED,
    channel: Channel = Channel.PORTAL,
    ground: GroundCategory = GroundCategory.LOW_INCOME,
    **fields: Any,
) -> Application:
    district = district or create_district(session)
    citizen = citizen or create_citizen(session, iin=f"85032130{next(_numbers):04d}")
    application = Application(**{
        "number": f"SA-{next(_numbers):06d}", "citizen_id": citizen.id,
        "district_id": district.id, "channel": channel,
        "form": ApplicationForm.F1_1 if channel is Channel.PORTAL else ApplicationForm.F1,
        "ground": ground, "status": status, **fields,
    })
    session.add(application)
    session.flush()
    return application


def create_document(session: Session, application: Application,
                    kind: DocumentKind = DocumentKind.INCOME, **fields: Any) -> Document:
    document = Document(**{"application_id": application.id, "kind": kind,
                           "title": "Табыс туралы анықтама", **fields})
    session.add(document)
    session.flush()
    return document


def load_registers(session: Session, people: int = 150, *, as_of: dt.date = dt.date(2026, 11, 27),
                   seed: int = 7, districts: tuple[str, ...] = ("astana-esil",)) -> None:
    """The simulated registers with the demo citizens, the failure IINs and every ground case."""
    from portal.gateway.load import load

    load(session, seed=seed, people=people, districts=list(districts), as_of=as_of)
