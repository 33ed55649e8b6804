"""The staff queue: the nearest duty's last day stored per case (next_due_on), the assignee, and
the composite indexes the queue's orderings, filters and search use.

Existing cases get next_due_on from `flask db refresh-deadlines` (the domain computes it; a
migration does not know the calendar's overrides).

Revision ID: 0007_queue
Revises: 0007_config
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_queue'
down_revision = "0007_config"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('next_due_on', sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_applications_assignee_id_staff_users'), 'staff_users', ['assignee_id'], ['id'])
        batch_op.create_index('ix_applications_queue', ['district_id', 'next_due_on', 'id'], unique=False)
        batch_op.create_index('ix_applications_queue_status', ['district_id', 'status', 'next_due_on', 'id'], unique=False)
        batch_op.create_index('ix_applications_queue_assignee', ['district_id', 'assignee_id', 'next_due_on', 'id'], unique=False)
        batch_op.create_index('ix_applications_district_iin', ['district_id', 'applicant_iin'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_district_iin')
        batch_op.drop_index('ix_applications_queue_assignee')
        batch_op.drop_index('ix_applications_queue_status')
        batch_op.drop_index('ix_applications_queue')
        batch_op.drop_constraint(batch_op.f('fk_applications_assignee_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('next_due_on')
        batch_op.drop_column('assignee_id')
