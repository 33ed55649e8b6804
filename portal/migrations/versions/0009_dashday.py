"""L3.1 as the dashboard counts it, stored on the case (services/cases.py::refresh_decided):
`applications.decided_on` — the day in Asia/Almaty the result was issued or, until then, the day
of the decision F5 — and `applications.decision_granted`, the decision's outcome. Existing cases
are filled from their decisions and results, so a case decided before this migration counts as
it did. The dashboard's indexes on applications cover the two columns instead of the result's
timestamp (no table of the dashboard joins the decisions any more), so the decisions' own
dashboard index goes. Receipts are indexed by case first: the intake table looks up a district's
cases' receipts instead of reading every district's receipts of the period (measured faster;
for preliminary refusals and undelivered notifications, fewer, reading the period stays faster).

Revision ID: 0009_dashday
Revises: 0009_scan
"""
from alembic import op
import sqlalchemy as sa

revision = '0009_dashday'
down_revision = "0009_scan"
branch_labels = None
depends_on = None

# The index, its columns, what PostgreSQL covers: after this migration, and before it.
INDEXES = {
    'ix_applications_dashboard_started': (
        ['district_id', 'term_started_on', 'status'],
        ['ground', 'channel', 'result_due_on', 'decided_on', 'decision_granted', 'id'],
        ['ground', 'channel', 'result_due_on', 'result_issued_at', 'id']),
    'ix_applications_dashboard_due': (
        ['district_id', 'result_due_on'],
        ['status', 'decided_on'],
        ['status', 'result_issued_at', 'id']),
    'ix_applications_dashboard_open': (
        ['district_id', 'status'],
        ['next_due_on', 'result_due_on', 'decided_on'],
        ['next_due_on', 'result_due_on', 'result_issued_at', 'id']),
}

# The result's day in Asia/Almaty; SQLite has no zone database: the zone's offset since
# 1 March 2024 (UTC+5), as the dashboard used to compute it there.
LOCAL_DAY = {
    'postgresql': "CAST(timezone('Asia/Almaty', result_issued_at) AS DATE)",
    'sqlite': "date(result_issued_at, '+5 hours')",
}


def _drop_indexes() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name='applications')


def _create_indexes(after: bool) -> None:
    for name, (columns, now, before) in INDEXES.items():
        op.create_index(name, 'applications', columns, unique=False,
                        postgresql_include=now if after else before)


# A district's receipts are looked up by its cases: (name, table, columns, what PostgreSQL
# covers) after this migration, and before it.
BY_CASE = [
    ('ix_receipts_dashboard', 'receipts', ['application_id', 'issued_at'],
     ['wait_seconds', 'service_seconds']),
]
BY_PERIOD = [
    ('ix_receipts_issued_at', 'receipts', ['issued_at'],
     ['application_id', 'wait_seconds', 'service_seconds']),
]


def _swap(drop: list[tuple[str, str, list[str], list[str]]],
          create: list[tuple[str, str, list[str], list[str]]]) -> None:
    for name, table, _columns, _include in drop:
        op.drop_index(name, table_name=table)
    for name, table, columns, include in create:
        op.create_index(name, table, columns, unique=False, postgresql_include=include)


def upgrade() -> None:
    _swap(BY_PERIOD, BY_CASE)
    _drop_indexes()  # filling a million rows is quicker without them; made again below
    op.drop_index('ix_decisions_dashboard', table_name='decisions')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('decision_granted', sa.Boolean(), nullable=True))
    local_day = LOCAL_DAY[op.get_bind().dialect.name]
    decision = "(SELECT d.{} FROM decisions d WHERE d.application_id = applications.id)"
    op.execute(
        f"UPDATE applications SET decided_on = COALESCE({local_day},"
        f" {decision.format('decided_on')}), decision_granted = {decision.format('granted')}"
        f" WHERE result_issued_at IS NOT NULL OR EXISTS {decision.format('id')}")
    _create_indexes(after=True)


def downgrade() -> None:
    _swap(BY_CASE, BY_PERIOD)
    _drop_indexes()
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('decision_granted')
        batch_op.drop_column('decided_on')
    _create_indexes(after=False)
    op.create_index('ix_decisions_dashboard', 'decisions',
                    ['application_id', 'decided_on', 'granted'], unique=False)
