"""platform security: the audit chain's head only moves forward, events only forward in time

Revision ID: 0002_platform
Revises: 0002_signing

The chain's links become HMACs keyed outside the database in the same release (no column
changes for that). Links written before it were plain SHA-256 and will not verify with the key;
there is no production log yet, so nothing is re-keyed here.
"""
from alembic import op
import sqlalchemy as sa

import portal.db


revision = '0002_platform'
down_revision = '0002_signing'
branch_labels = None
depends_on = None

HEAD_MOVES = "the event chain head only moves forward"
IN_ORDER = "events are appended in time order"


def upgrade() -> None:
    op.add_column('event_chain_head',
                  sa.Column('last_at', portal.db.UtcDateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE event_chain_head SET last_at = "
        "(SELECT at FROM events WHERE events.seq = event_chain_head.last_seq)"
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_guards()
    else:
        _sqlite_guards()


def _postgresql_guards() -> None:
    # The head may be created empty, moved on by exactly one event, or locked by a no-op
    # update; never deleted, wound back or jumped ahead.
    op.execute(f"""
        CREATE FUNCTION event_chain_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN RAISE EXCEPTION '{HEAD_MOVES}'; END IF;
          IF TG_OP = 'INSERT' THEN
            IF NEW.last_seq <> 0 THEN RAISE EXCEPTION '{HEAD_MOVES}'; END IF;
            RETURN NEW;
          END IF;
          IF NEW.id = OLD.id AND (NEW.last_seq = OLD.last_seq + 1 OR (
               NEW.last_seq = OLD.last_seq AND NEW.last_hash = OLD.last_hash
               AND NEW.last_at IS NOT DISTINCT FROM OLD.last_at)) THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION '{HEAD_MOVES}';
        END $$
    """)
    op.execute(
        "CREATE TRIGGER event_chain_head_guard BEFORE INSERT OR UPDATE OR DELETE "
        "ON event_chain_head FOR EACH ROW EXECUTE FUNCTION event_chain_head_forward_only()"
    )
    op.execute(f"""
        CREATE FUNCTION events_in_time_order() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.at < (SELECT last_at FROM event_chain_head WHERE id = 1) THEN
            RAISE EXCEPTION '{IN_ORDER}';
          END IF;
          RETURN NEW;
        END $$
    """)
    op.execute(
        "CREATE TRIGGER events_in_time_order BEFORE INSERT ON events "
        "FOR EACH ROW EXECUTE FUNCTION events_in_time_order()"
    )


def _sqlite_guards() -> None:
    op.execute(
        "CREATE TRIGGER event_chain_head_no_delete BEFORE DELETE ON event_chain_head "
        f"BEGIN SELECT RAISE(ABORT, '{HEAD_MOVES}'); END"
    )
    op.execute(
        "CREATE TRIGGER event_chain_head_starts_empty BEFORE INSERT ON event_chain_head "
        f"WHEN NEW.last_seq <> 0 BEGIN SELECT RAISE(ABORT, '{HEAD_MOVES}'); END"
    )
    op.execute(
        "CREATE TRIGGER event_chain_head_forward_only BEFORE UPDATE ON event_chain_head "
        "WHEN NOT (NEW.id = OLD.id AND (NEW.last_seq = OLD.last_seq + 1 OR ("
        "NEW.last_seq = OLD.last_seq AND NEW.last_hash = OLD.last_hash "
        "AND NEW.last_at IS OLD.last_at))) "
        f"BEGIN SELECT RAISE(ABORT, '{HEAD_MOVES}'); END"
    )
    op.execute(
        "CREATE TRIGGER events_in_time_order BEFORE INSERT ON events "
        "WHEN NEW.at < (SELECT last_at FROM event_chain_head WHERE id = 1) "
        f"BEGIN SELECT RAISE(ABORT, '{IN_ORDER}'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_in_time_order ON events")
        op.execute("DROP TRIGGER IF EXISTS event_chain_head_guard ON event_chain_head")
        op.execute("DROP FUNCTION IF EXISTS events_in_time_order()")
        op.execute("DROP FUNCTION IF EXISTS event_chain_head_forward_only()")
    else:
        for trigger in ("events_in_time_order", "event_chain_head_no_delete",
                        "event_chain_head_starts_empty", "event_chain_head_forward_only"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    with op.batch_alter_table('event_chain_head', schema=None) as batch_op:
        batch_op.drop_column('last_at')
