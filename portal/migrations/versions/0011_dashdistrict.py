"""The case's district on the rows the dashboard counts that do not live on the case: receipts
(L3.2, L3.3), preliminary refusals (R15.1) and notifications (R15.8–R15.11) get a `district_id`
(models.application.InCaseDistrict), filled here from their cases, so the dashboard reads a
district's rows of a period by an index on (district, day) instead of reading every district's
rows of the period (refusals, notifications) or looking the receipts up case by case over the
district's whole history. The indexes these replace go: the receipts' by (case, day), the
refusals' by day; the undelivered notifications' index keeps the status first (the sweeper
reads every district's pending ones) and has the district next instead of the case.

Revision ID: 0011_dashdistrict
Revises: 0011_firstpass
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_dashdistrict'
down_revision = "0011_firstpass"
branch_labels = None
depends_on = None

TABLES = ('receipts', 'preliminary_decisions', 'notifications')

# (name, table, columns, what PostgreSQL covers): after this migration, and before it.
AFTER = [
    ('ix_receipts_dashboard', 'receipts', ['district_id', 'issued_at'],
     ['application_id', 'wait_seconds', 'service_seconds']),
    ('ix_preliminary_decisions_dashboard', 'preliminary_decisions', ['district_id', 'issued_at'],
     ['application_id', 'lapsed_at']),
    ('ix_notifications_undelivered', 'notifications', ['status', 'district_id', 'channel'], []),
]
BEFORE = [
    ('ix_receipts_dashboard', 'receipts', ['application_id', 'issued_at'],
     ['wait_seconds', 'service_seconds']),
    ('ix_preliminary_decisions_issued_at', 'preliminary_decisions', ['issued_at'],
     ['application_id', 'lapsed_at']),
    ('ix_notifications_undelivered', 'notifications', ['status', 'channel', 'application_id'],
     []),
]


def _swap(drop: list[tuple[str, str, list[str], list[str]]],
          create: list[tuple[str, str, list[str], list[str]]]) -> None:
    for name, table, _columns, _include in drop:
        op.drop_index(name, table_name=table)
    for name, table, columns, include in create:
        op.create_index(name, table, columns, unique=False,
                        postgresql_include=include or None)


def upgrade() -> None:
    for name, table, _columns, _include in BEFORE:  # filling is quicker without them
        op.drop_index(name, table_name=table)
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
        # UPDATE … FROM: PostgreSQL, and SQLite since 3.33.
        op.execute(f"UPDATE {table} SET district_id = a.district_id"  # noqa: S608 (TABLES)
                   f" FROM applications a WHERE a.id = {table}.application_id")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('district_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(op.f(f'fk_{table}_district_id_districts'), 'districts',
                                        ['district_id'], ['id'])
    _swap([], AFTER)


def downgrade() -> None:
    _swap(AFTER, [])
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'fk_{table}_district_id_districts'),
                                     type_='foreignkey')
            batch_op.drop_column('district_id')
    _swap([], BEFORE)
