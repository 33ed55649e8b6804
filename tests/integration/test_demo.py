"""Demo data: loads once, every role has an account, running it again changes nothing."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.cli import demo, demo_config
from portal.domain.workflow import Role
from portal.models import Citizen, CommissionMember, District, Event, StaffUser
from portal.services.passwords import check_password


def test_demo_data_loads_once_and_is_idempotent(session: Session) -> None:
    created, accounts = demo.load(session)
    again, _ = demo.load(session)
    assert created is True and again is False
    assert set(session.scalars(select(District.code))) == {demo.DISTRICT_CODE,
                                                            demo_config.SECOND_DISTRICT_CODE}
    members = list(session.scalars(select(CommissionMember)))
    assert len(members) == sum(len(m) for m in demo_config.MEMBERS.values())
    second = session.scalar(select(District).where(
        District.code == demo_config.SECOND_DISTRICT_CODE))
    assert second is not None and len(second.grounds) == len(demo_config.SECOND_GROUNDS)
    assert session.scalar(select(func.count()).select_from(Citizen)) == len(demo.CITIZENS)
    roles = set(session.scalars(select(StaffUser.role)))
    assert {Role.INTAKE, Role.PRECINCT, Role.SPECIALIST, Role.COMMISSION, Role.HEAD,
            Role.OPERATOR, Role.ADMIN} <= roles
    # one load event; the demo cases' own events belong to their cases
    assert session.scalar(select(func.count()).select_from(Event).where(
        Event.application_id.is_(None))) == 1
    head = session.scalar(select(StaffUser).where(StaffUser.login == "head"))
    assert head is not None
    assert check_password(head.password_hash, demo.demo_password("head"))
    assert not check_password(head.password_hash, "wrong")
    assert any(a.login == "head" for a in accounts)


def test_demo_cli_prints_the_accounts(db_app: Flask) -> None:
    db_app.config["LOAD_DEMO_DATA"] = True
    result = db_app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0
    assert "demo-head-2026" in result.output


def test_demo_accounts_are_refused_where_demo_data_is_disabled(db_app: Flask) -> None:
    db_app.config["LOAD_DEMO_DATA"] = False  # as in production
    result = db_app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "LOAD_DEMO_DATA" in result.output
    with db_app.app_context():
        from portal import db

        assert db.session().scalar(select(func.count()).select_from(StaffUser)) == 0


def test_cli_checks_the_schema_and_the_event_chain(db_app: Flask) -> None:
    runner = db_app.test_cli_runner()
    assert "agree" in runner.invoke(args=["db", "check"]).output
    assert "intact" in runner.invoke(args=["events", "verify"]).output
