"""signing security: server-side exchange times and the required certificate policy

Revision ID: 0002_signing
Revises: 0001
Create Date: 2026-11-27 06:40:00
"""
from alembic import op
import sqlalchemy as sa

import portal.db


revision = '0002_signing'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: signatures stored before this change keep verifying as they did.
    with op.batch_alter_table('signatures') as batch:
        batch.add_column(sa.Column('exchange_started_at', portal.db.UtcDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('exchange_completed_at', portal.db.UtcDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('policy', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('signatures') as batch:
        batch.drop_column('policy')
        batch.drop_column('exchange_completed_at')
        batch.drop_column('exchange_started_at')
