"""`flask sessions end-citizen` and `end-all` (ASVS 7.4.5): each copied cookie opens nothing."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from portal import db
from portal.db import utcnow
from portal.domain.workflow import Role
from portal.models import Event, WebSession
from tests.factories import create_citizen
from tests.web.staff_helpers import make_staff, sign_in_directly
from tests.web.test_own_account import confirmed_citizen, sign_in


def test_the_operator_ends_the_staffs_then_everyones_sessions_after_confirming(
    db_app: Flask,
) -> None:
    citizen = sign_in(db_app, confirmed_citizen(db_app))
    staff = db_app.test_client()
    sign_in_directly(db_app, staff, make_staff(db_app, role=Role.SPECIALIST).id)
    assert citizen.get("/cabinet/").status_code == 200
    assert staff.get("/staff/").status_code == 200
    runner = db_app.test_cli_runner()
    refused = runner.invoke(args=["sessions", "end-all"], input="n\n")
    assert refused.exit_code == 1
    assert staff.get("/staff/").status_code == 200  # not confirmed: nothing ended

    result = runner.invoke(args=["sessions", "end-all", "--who", "staff", "--yes"])
    assert result.exit_code == 0, result.output
    assert "sessions ended: 1 (staff)" in result.output
    assert staff.get("/staff/").status_code == 302
    assert citizen.get("/cabinet/").status_code == 200

    result = runner.invoke(args=["sessions", "end-all", "--yes"])
    assert "sessions ended: 1 (everyone)" in result.output
    assert citizen.get("/cabinet/").status_code == 302
    with db_app.app_context():
        s = db.session()
        assert set(s.scalars(select(WebSession.ended_reason))) == {"ended_by_operator"}
        events = s.scalars(select(Event).where(Event.action == "all_sessions_ended")
                           .order_by(Event.seq)).all()
        assert [e.data for e in events] == [{"kinds": ["staff"], "sessions": 1},
                                            {"kinds": ["citizen", "staff"], "sessions": 1}]


def test_the_operator_ends_one_citizens_sessions_given_the_iin_at_the_prompt(
    db_app: Flask,
) -> None:
    with db_app.app_context():
        s = db.session()
        person = create_citizen(s, confirmed_at=utcnow())
        other = create_citizen(s, iin="900101300017", confirmed_at=utcnow())
        s.commit()
        s.expunge_all()
    phone, laptop, someone = sign_in(db_app, person), sign_in(db_app, person), sign_in(db_app, other)
    runner = db_app.test_cli_runner()
    result = runner.invoke(args=["sessions", "end-citizen"], input=f"{person.iin}\n")
    assert result.exit_code == 0, result.output
    assert f"sessions ended: 2 (account {person.id})" in result.output
    assert person.iin not in result.output  # the prompt does not echo it
    assert phone.get("/cabinet/").status_code == 302 and laptop.get("/cabinet/").status_code == 302
    assert someone.get("/cabinet/").status_code == 200
    unknown = runner.invoke(args=["sessions", "end-citizen", "--iin", "000000000000"])
    assert unknown.exit_code == 1 and "no account with this IIN" in unknown.output
    with db_app.app_context():
        events = db.session().scalars(select(Event).where(
            Event.action == "citizen_sessions_ended")).all()
        assert [e.data for e in events] == [{"citizen": person.id, "sessions": 2}]
