"""The append-only, hash-chained event log (DESIGN principle 2)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from portal.models import Event
from portal.services.events import GENESIS, Actor, record, verify_chain

CLERK = Actor("staff", 7, "intake")


def test_events_chain_each_to_the_one_before(session: Session) -> None:
    first = record(session, CLERK, "accept_paper", from_status="draft", to_status="registered")
    second = record(session, Actor.system(), "notify", reason="decision signed")
    session.commit()
    assert first.seq == 1 and first.prev_hash == GENESIS
    assert second.seq == 2 and second.prev_hash == first.hash
    assert verify_chain(session) is None


def _three_events_then_tamper(session: Session, verb: str, statement: str) -> None:
    """Only someone with the power to lift the database's guard could do this; the chain tells."""
    for action in ("a", "b", "c"):
        record(session, CLERK, action)
    session.commit()
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("ALTER TABLE events DISABLE TRIGGER events_no_change"))
    else:
        session.execute(text(f"DROP TRIGGER events_no_{verb}"))
    for one in statement.split(";"):
        session.execute(text(one))
    if postgres:
        session.execute(text("ALTER TABLE events ENABLE TRIGGER events_no_change"))
    session.commit()
    session.expire_all()


def test_an_edited_event_breaks_the_chain_where_it_was_edited(session: Session) -> None:
    _three_events_then_tamper(session, "update", "UPDATE events SET reason = 'forged' WHERE seq = 2")
    assert verify_chain(session) == 2


def test_events_cannot_be_updated(session: Session) -> None:
    record(session, CLERK, "x")
    session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(text("UPDATE events SET action = 'y'"))
    session.rollback()


def test_events_cannot_be_deleted(session: Session) -> None:
    record(session, CLERK, "x")
    session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(text("DELETE FROM events"))
    session.rollback()
    assert len(session.scalars(select(Event)).all()) == 1


def test_an_empty_log_is_intact(session: Session) -> None:
    assert verify_chain(session) is None


def test_removing_events_from_the_end_is_found(session: Session) -> None:
    _three_events_then_tamper(session, "delete", "DELETE FROM events WHERE seq = 3")
    assert verify_chain(session) == 3


def test_an_event_deleted_from_the_middle_is_found(session: Session) -> None:
    _three_events_then_tamper(session, "delete", "DELETE FROM events WHERE seq = 2")
    assert verify_chain(session) == 3  # event 3 no longer links to the one before it


def test_two_events_swapped_in_order_are_found(session: Session) -> None:
    # Reordering: events 2 and 3 exchange their places in the sequence (via a free number).
    _three_events_then_tamper(
        session, "update",
        "UPDATE events SET seq = 100 WHERE seq = 2; UPDATE events SET seq = 2 WHERE seq = 3;"
        " UPDATE events SET seq = 3 WHERE seq = 100")
    assert verify_chain(session) == 2


def test_events_cannot_be_truncated_on_postgresql(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    record(session, CLERK, "x")
    session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(text("TRUNCATE events"))
    session.rollback()


def test_concurrent_appends_from_many_workers_keep_one_unbroken_chain(db_app: Flask) -> None:
    import threading

    from portal import db

    errors: list[BaseException] = []

    def worker(n: int) -> None:
        with db_app.app_context():
            try:
                for i in range(10):
                    s = db.session()
                    record(s, CLERK, f"w{n}-{i}")
                    s.commit()
            except BaseException as exc:  # collected and reported by the test
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db_app.app_context():
        s = db.session()
        assert len(s.scalars(select(Event)).all()) == 40
        assert verify_chain(s) is None
