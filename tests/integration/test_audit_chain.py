"""The audit chain against someone who can lift the database's guards (V16.4.2, V16.4.3)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from portal.models import Event, EventChainHead
from portal.services.events import Actor, record, verify_chain

CLERK = Actor("staff", 7, "intake")
Digest = Callable[[str, str], str]


def plain_sha256(prev: str, body: str) -> str:
    return hashlib.sha256((prev + body).encode()).hexdigest()


def keyed(key: bytes) -> Digest:
    return lambda prev, body: hmac.new(key, (prev + body).encode(), hashlib.sha256).hexdigest()


def _body(e: Event) -> str:
    """The fields a link covers, as the (public) source code lays them out."""
    fields: dict[str, Any] = {
        "seq": e.seq, "application_id": e.application_id, "actor_kind": e.actor_kind,
        "actor_id": e.actor_id, "role": e.role, "action": e.action,
        "from_status": e.from_status, "to_status": e.to_status, "reason": e.reason,
        "data": e.data, "at": e.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


@contextmanager
def guards_lifted(session: Session) -> Iterator[None]:
    """What a role that may drop triggers (the schema owner) can do."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        for table in ("events", "event_chain_head"):
            session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    else:
        names = session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        for name in list(names):
            session.execute(text(f"DROP TRIGGER {name}"))
    try:
        yield
    finally:
        if postgres:  # the next test must find the guards in place
            for table in ("events", "event_chain_head"):
                session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        session.commit()
        session.expire_all()


def rechain(session: Session, digest: Digest) -> None:
    """Recompute every link and the tip, as an attacker who knows the code would."""
    session.flush()
    prev = "0" * 64
    events = session.scalars(select(Event).order_by(Event.seq)).all()
    for event in events:
        event.prev_hash = prev
        event.hash = prev = digest(prev, _body(event))
        session.flush()
    head = session.get(EventChainHead, 1)
    assert head is not None
    head.last_seq, head.last_hash = len(events), prev
    session.flush()


def _four_events(session: Session) -> list[Event]:
    events = [record(session, CLERK, action) for action in ("a", "b", "c", "d")]
    session.commit()
    return events


def _rewrite_delete_and_backdate(session: Session, digest: Digest) -> None:
    """Edit event 2, delete event 3, renumber, recompute, then append a back-dated event."""
    events = {e.seq: e for e in session.scalars(select(Event)).all()}
    with guards_lifted(session):
        events[2].reason = "forged"
        session.delete(events[3])
        session.flush()
        events[4].seq = 3
        session.flush()
        session.add(Event(seq=4, actor_kind="staff", actor_id=7, role="intake", action="back",
                          data={}, at=events[1].at - dt.timedelta(days=30),
                          prev_hash="", hash="pending"))
        rechain(session, digest)


def test_a_rewritten_chain_recomputed_with_plain_sha256_is_found(session: Session) -> None:
    _four_events(session)
    _rewrite_delete_and_backdate(session, plain_sha256)
    assert len(session.scalars(select(Event)).all()) == 4
    assert verify_chain(session) == 1  # no link was made with the chain key


def test_a_verifier_with_another_key_finds_the_chain_broken(session: Session) -> None:
    _four_events(session)
    assert verify_chain(session) is None
    assert verify_chain(session, key=b"some-other-key-of-enough-length-000") == 1


def test_a_back_dated_event_breaks_the_chain_even_when_its_link_is_keyed(
    session: Session, db_app: Flask
) -> None:
    """An insider holding the key still cannot slip an event in before an earlier one."""
    _four_events(session)
    key = db_app.config["AUDIT_CHAIN_KEY"].encode()
    _rewrite_delete_and_backdate(session, keyed(key))
    assert verify_chain(session) == 4


def test_the_application_refuses_to_record_an_event_dated_before_the_last_one(
    session: Session,
) -> None:
    from portal.services.events import CONCURRENT_SKEW, BackdatedEvent

    first = record(session, CLERK, "a")
    session.commit()
    with pytest.raises(BackdatedEvent):
        record(session, CLERK, "b", at=first.at - CONCURRENT_SKEW - dt.timedelta(seconds=1))
    session.rollback()
    later = record(session, CLERK, "c", at=first.at + dt.timedelta(seconds=1))
    session.commit()
    assert later.seq == 2 and verify_chain(session) is None


def test_a_request_whose_clock_reading_is_overtaken_logs_at_the_chains_time(
    session: Session,
) -> None:
    """Two requests: one reads `now`, the other logs a later event before the first takes the
    chain's lock. The first is logged, at the chain's time, and the log stays in time order
    (bench/load.py found it as a 500 under 16 users)."""
    first = record(session, CLERK, "a")
    session.commit()
    overtaken = record(session, CLERK, "b", at=first.at - dt.timedelta(milliseconds=40))
    session.commit()
    assert overtaken.seq == first.seq + 1
    assert overtaken.at == first.at
    assert verify_chain(session) is None


def test_the_database_refuses_an_event_dated_before_the_chain_tip(session: Session) -> None:
    first = record(session, CLERK, "a")
    session.commit()
    with pytest.raises(DatabaseError, match="time order"):
        session.add(Event(seq=2, actor_kind="staff", actor_id=7, role="intake", action="x",
                          data={}, at=first.at - dt.timedelta(days=1), prev_hash=first.hash,
                          hash="f" * 64))
        session.flush()
    session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM event_chain_head",
        "UPDATE event_chain_head SET last_seq = last_seq - 1",
        "UPDATE event_chain_head SET last_seq = last_seq + 2",
        "UPDATE event_chain_head SET last_hash = 'forged'",
        "UPDATE event_chain_head SET last_seq = 0, last_hash = '0'",
    ],
)
def test_the_chain_head_cannot_be_removed_wound_back_or_jumped(
    session: Session, statement: str
) -> None:
    for action in ("a", "b"):
        record(session, CLERK, action)
    session.commit()
    with pytest.raises(DatabaseError, match="only moves forward"):
        session.execute(text(statement))
    session.rollback()
    assert verify_chain(session) is None


def test_anchors_find_a_chain_truncated_and_rebuilt_even_with_the_key(
    session: Session, db_app: Flask, tmp_path: Path
) -> None:
    """With the key leaked, a rebuilt chain checks out on its own; the anchors outside the
    database still remember the old tip."""
    from portal.services.anchors import check_anchors, read_anchors, write_anchor

    path = tmp_path / "anchors" / "anchors.log"
    for action in ("a", "b", "c"):
        record(session, CLERK, action)
    session.commit()
    anchor = write_anchor(session, path)
    assert anchor is not None and anchor.seq == 3
    assert path.stat().st_mode & 0o777 == 0o600
    assert check_anchors(session, read_anchors(path)) is None

    with guards_lifted(session):
        session.execute(text("DELETE FROM events"))
        session.execute(text("DELETE FROM event_chain_head"))
    for action in ("a", "b", "c"):
        record(session, CLERK, f"rebuilt-{action}")
    session.commit()
    assert verify_chain(session) is None  # the chain alone looks intact…
    assert check_anchors(session, read_anchors(path)) == 3  # …the anchor does not

    db_app.config["AUDIT_ANCHOR_DIR"] = str(path.parent)
    result = db_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "anchor at seq 3 does not match" in result.output


def test_the_anchor_command_appends_the_verified_tip_and_verify_agrees(
    session: Session, db_app: Flask, tmp_path: Path
) -> None:
    db_app.config["AUDIT_ANCHOR_DIR"] = str(tmp_path)
    runner = db_app.test_cli_runner()
    assert "event log is empty" in runner.invoke(args=["audit", "anchor"]).output
    record(session, CLERK, "a")
    session.commit()
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    record(session, CLERK, "b")
    session.commit()
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    lines = (tmp_path / "anchors.log").read_text().splitlines()
    assert [line.split()[0] for line in lines] == ["1", "2"]
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "matches 2 anchors" in verified.output


def test_a_broken_chain_is_never_anchored(session: Session, db_app: Flask, tmp_path: Path) -> None:
    _four_events(session)
    _rewrite_delete_and_backdate(session, plain_sha256)
    db_app.config["AUDIT_ANCHOR_DIR"] = str(tmp_path)
    result = db_app.test_cli_runner().invoke(args=["audit", "anchor"])
    assert result.exit_code != 0 and "broken at seq 1" in result.output
    assert not (tmp_path / "anchors.log").exists()


def test_the_beat_schedule_anchors_the_chain_every_quarter_hour(
    session: Session, db_app: Flask, tmp_path: Path
) -> None:
    from portal.jobs import anchor_event_chain

    schedule = db_app.extensions["celery"].conf.beat_schedule
    assert schedule["anchor-event-chain"]["task"] == "portal.anchor_event_chain"
    db_app.config["AUDIT_ANCHOR_DIR"] = str(tmp_path)
    record(session, CLERK, "a")
    session.commit()
    with db_app.app_context():  # the task's body, as the worker runs it in its app context
        assert anchor_event_chain.run() == 1
    assert (tmp_path / "anchors.log").read_text().startswith("1 ")


def test_the_runtime_role_can_append_but_cannot_lift_the_guards_on_postgresql(
    session: Session, db_app: Flask
) -> None:
    """The database roles operations.md asks for: the owner migrates, the runtime role may not
    drop or disable triggers, TRUNCATE, or change events even if the triggers were gone."""
    import uuid

    from portal import db, migrate

    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("roles are a PostgreSQL matter")
    role = f"portal_app_test_{uuid.uuid4().hex[:12]}"
    engine = db.engine_of(db_app)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
    try:
        migrate.grant_runtime(engine, role)
        record(session, CLERK, "a")
        session.commit()
        with engine.connect() as conn:
            conn.execute(text(f"SET ROLE {role}"))
            as_runtime = Session(bind=conn)
            record(as_runtime, CLERK, "b")  # appends still work under the runtime role
            as_runtime.commit()
            conn.commit()  # the session joined the connection's transaction
            conn.execute(text(f"SET ROLE {role}"))
            for attack in ("ALTER TABLE events DISABLE TRIGGER USER", "DROP TRIGGER "
                           "events_no_change ON events", "TRUNCATE events",
                           "UPDATE events SET reason = 'x'", "DELETE FROM event_chain_head",
                           "ALTER TABLE event_chain_head DISABLE TRIGGER USER"):
                with pytest.raises(DatabaseError, match=r"must be owner|permission denied"):
                    conn.execute(text(attack))
                conn.rollback()
                conn.execute(text(f"SET ROLE {role}"))
        assert verify_chain(session) is None
        assert len(session.scalars(select(Event)).all()) == 2
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
