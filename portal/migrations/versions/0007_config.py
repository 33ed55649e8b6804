"""District configuration: versioned ground rows (an edit retires the row and adds a new one, so
an application keeps the configuration it was made under), commission members, and the calendar
override table an administrator keeps for decree day transfers.

Revision ID: 0007_config
Revises: 0006_files
"""
from alembic import op
import sqlalchemy as sa

import portal.db

revision = '0007_config'
down_revision = "0006_files"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('district_grounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', portal.db.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('retired_at', portal.db.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('replaces_id', sa.Integer(), nullable=True))
    op.execute("UPDATE district_grounds SET created_at = CURRENT_TIMESTAMP")
    with op.batch_alter_table('district_grounds', schema=None) as batch_op:
        batch_op.alter_column('created_at', existing_type=portal.db.UtcDateTime(timezone=True), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_district_grounds_district_id'), type_='unique')
        batch_op.create_foreign_key(batch_op.f('fk_district_grounds_replaces_id_district_grounds'), 'district_grounds', ['replaces_id'], ['id'])
        batch_op.create_index('uq_district_grounds_current', ['district_id', 'category', 'frequency'], unique=True, sqlite_where=sa.text('retired_at IS NULL'), postgresql_where=sa.text('retired_at IS NULL'))

    op.create_table('commission_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('commission', sa.Enum('precinct', 'special', name='commission', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('chair', 'member', 'secretary', name='commission_role', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_commission_members_district_id_districts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_members'))
    )
    op.create_index(op.f('ix_commission_members_district_id'), 'commission_members', ['district_id'], unique=False)
    op.create_table('calendar_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('day_off', 'working_day', name='day_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('act', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_calendar_overrides_created_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_overrides')),
    sa.UniqueConstraint('day', name=op.f('uq_calendar_overrides_day'))
    )


def downgrade() -> None:
    op.drop_table('calendar_overrides')
    op.drop_index(op.f('ix_commission_members_district_id'), table_name='commission_members')
    op.drop_table('commission_members')
    # Retired versions cannot live under the old one-row-per-ground constraint: applications
    # made under them move to the current row of their ground before the versions go.
    op.execute(
        "UPDATE applications SET district_ground_id = ("
        " SELECT c.id FROM district_grounds r JOIN district_grounds c"
        " ON c.district_id = r.district_id AND c.category = r.category"
        " AND c.frequency = r.frequency AND c.retired_at IS NULL"
        " WHERE r.id = applications.district_ground_id)"
        " WHERE district_ground_id IN (SELECT id FROM district_grounds WHERE retired_at IS NOT NULL)")
    with op.batch_alter_table('district_grounds', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_district_grounds_replaces_id_district_grounds'), type_='foreignkey')
    op.execute("DELETE FROM district_grounds WHERE retired_at IS NOT NULL")
    with op.batch_alter_table('district_grounds', schema=None) as batch_op:
        batch_op.drop_index('uq_district_grounds_current', sqlite_where=sa.text('retired_at IS NULL'), postgresql_where=sa.text('retired_at IS NULL'))
        batch_op.create_unique_constraint(batch_op.f('uq_district_grounds_district_id'), ['district_id', 'category', 'frequency'])
        batch_op.drop_column('replaces_id')
        batch_op.drop_column('retired_at')
        batch_op.drop_column('created_at')
