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


OLD_ROWS = (
    "INSERT INTO districts (code, name_kk, name_ru, name_en, provider_name_kk, provider_name_ru,"
    " provider_name_en, provider_bin, threshold_numerator, threshold_denominator)"
    " VALUES ('d', 'a', 'a', 'a', 'p', 'p', 'p', '1', 1, 1)",
    "INSERT INTO citizens (iin, surname, given_name, birth_date, sex, locale, created_at)"
    " VALUES ('850321301238', 'A', 'B', '1985-03-21', 'male', 'kk', CURRENT_TIMESTAMP)",
    "INSERT INTO staff_users (login, full_name, position, role, district_id, channel,"
    " password_hash, active, created_at)"
    " VALUES ('i', 'n', 'p', 'intake', 1, 'state_corp', 'x', true, CURRENT_TIMESTAMP)",
    "INSERT INTO applications (number, citizen_id, district_id, channel, form, status,"
    " created_at, updated_at)"
    " VALUES ('SA-1', 1, 1, 'portal', 'F1-1', 'hearing_held', CURRENT_TIMESTAMP,"
    " CURRENT_TIMESTAMP)",
    "INSERT INTO gateway_answers (application_id, query, subject_iin, outcome, payload,"
    " requested_at) VALUES (1, 7, '850321301238', 'error', '{}', CURRENT_TIMESTAMP)",
    "INSERT INTO preliminary_decisions (application_id, refusal_ground, reasons, notified_at,"
    " hearing_at, hearing_mode, objection_due_on, earliest_decision_on) VALUES (1, 'no_consent',"
    " 'r', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'phone', '2026-01-01', '2026-01-01')",
    "INSERT INTO decisions (application_id, number, decided_on, granted, refusal_ground)"
    " VALUES (1, 'D1', '2026-01-01', false, 'L9')",
    "INSERT INTO notifications (application_id, form, channel, status, created_at)"
    " VALUES (1, 'F7', 'cabinet', 'sent', CURRENT_TIMESTAMP)",
)


def test_the_law_migration_carries_existing_rows_over(db_app: Flask) -> None:
    """0002 runs from the 0001 schema with data in it, on both databases."""
    engine = db.engine_of(db_app)
    migrate.downgrade(engine, "0002_platform")
    with engine.begin() as conn:
        for statement in OLD_ROWS:
            conn.execute(text(statement))
    migrate.upgrade(engine)
    assert migrate.drift(engine) == []
    with engine.connect() as conn:
        answer = conn.execute(text(
            "SELECT query, source_system, requester, outcome FROM gateway_answers")).one()
        notice = conn.execute(text(
            "SELECT hearing_mode, refusal_ground, delivered_via, delivered_at IS NOT NULL"
            " FROM preliminary_decisions")).one()
        desk = conn.execute(text(
            "SELECT d.channel FROM staff_users s JOIN desks d ON d.id = s.desk_id")).scalar_one()
        note = conn.execute(text(
            "SELECT decision_id, decision_granted FROM notifications")).one()
    assert tuple(answer) == ("guardianship", "education_database", "applicant", "unavailable")
    assert tuple(notice) == ("video_or_communication", "no_personal_data_consent", "cabinet",
                             True)
    assert desk == "state_corp"
    assert (note[0], bool(note[1])) == (1, False)


def test_0010_gives_each_desk_three_names_and_going_down_keeps_the_kazakh_one(
        db_app: Flask) -> None:
    """A desk's one name becomes its Kazakh name and fills the Russian and English ones; a desk
    0002 named by its channel's code gets the channel's name in each language."""
    engine = db.engine_of(db_app)
    migrate.downgrade(engine, "0009_dashday")
    with engine.begin() as conn:
        conn.execute(text(OLD_ROWS[0]))
        conn.execute(text(
            "INSERT INTO desks (district_id, channel, name, duty_branch) VALUES"
            " (1, 'provider', 'Есіл ауданы әкімдігі, қабылдау', false),"
            " (1, 'state_corp', 'state_corp', true)"))
    migrate.upgrade(engine)
    assert migrate.drift(engine) == []
    names = text("SELECT name_kk, name_ru, name_en FROM desks ORDER BY id")
    with engine.connect() as conn:
        typed, carried = (tuple(row) for row in conn.execute(names))
    assert typed == ("Есіл ауданы әкімдігі, қабылдау",) * 3
    assert carried == ("Мемлекеттік корпорация бөлімшесі", "Отделение Госкорпорации",
                       "State Corporation office")
    migrate.downgrade(engine, "0009_dashday")
    with engine.connect() as conn:
        assert list(conn.scalars(text("SELECT name FROM desks ORDER BY id"))) == [
            "Есіл ауданы әкімдігі, қабылдау", "Мемлекеттік корпорация бөлімшесі"]
    migrate.upgrade(engine)
    assert migrate.drift(engine) == []
