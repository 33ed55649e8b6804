"""Intake at a desk (R6.1, R6.2, L3.2, L3.3, L8): the queue ticket and service times of a paper
application, "original compared" on each document shown, and the F2-1 receipt's expired list and
the accepting official's position.

Revision ID: 0008_intake
Revises: 0008_inbox
"""
from alembic import op
import sqlalchemy as sa

import portal.db

revision = '0008_intake'
down_revision = "0008_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', portal.db.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('service_started_at', portal.db.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('service_ended_at', portal.db.UtcDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_compared', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expired_documents', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('issued_by_position', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_column('issued_by_position')
        batch_op.drop_column('expired_documents')

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('original_compared')

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('service_ended_at')
        batch_op.drop_column('service_started_at')
        batch_op.drop_column('queued_at')
