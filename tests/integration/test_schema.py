"""The schema on both databases: migrations match the models, constraints hold (foundation)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import db, migrate
from portal.domain.calendar import Channel
from portal.domain.workflow import Status
from portal.models import Application, Citizen, District


def test_models_and_migrations_do_not_drift(db_app: Flask) -> None:
    assert migrate.drift(db.engine_of(db_app)) == []


def test_migrations_downgrade_to_nothing_and_upgrade_again(db_app: Flask) -> None:
    engine = db.engine_of(db_app)
    migrate.downgrade(engine, "base")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
    assert rows == 0
    migrate.upgrade(engine)
    assert migrate.drift(engine) == []


def test_foreign_keys_are_enforced(session: Session) -> None:
    session.add(Application(number="X-1", citizen_id=999, district_id=999,
                            channel=Channel.PORTAL, form="F1-1"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_enums_are_stored_by_value_and_read_back(session: Session) -> None:
    district = District(code="d1", name_kk="a", name_ru="a", name_en="a", provider_name_kk="p",
                        provider_name_ru="p", provider_name_en="p", provider_bin="123456789012")
    citizen = Citizen(iin="850321301238", surname="A", given_name="B", birth_date=__import__(
        "datetime").date(1985, 3, 21), sex="male")
    session.add_all([district, citizen])
    session.flush()
    app_row = Application(number="SA-1", citizen_id=citizen.id, district_id=district.id,
                          channel=Channel.STATE_CORP, form="F1", status=Status.AT_PRECINCT)
    session.add(app_row)
    session.commit()
    raw = session.execute(text("SELECT status, channel FROM applications")).one()
    assert tuple(raw) == ("at_precinct", "state_corp")
    session.expire_all()
    loaded = session.get(Application, app_row.id)
    assert loaded is not None
    assert loaded.status is Status.AT_PRECINCT
    assert loaded.created_at.tzinfo is not None
