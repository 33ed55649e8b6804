"""Bearer tokens of the status API (L10.1): the issued token ids, so one can be revoked.

Revision ID: 0007_api
Revises: 0007_queue
"""
from alembic import op
import sqlalchemy as sa

import portal.db

revision = '0007_api'
down_revision = "0007_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('system', sa.String(length=100), nullable=False),
    sa.Column('issued_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', portal.db.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens'))
    )
    op.create_index(op.f('ix_api_tokens_system'), 'api_tokens', ['system'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_api_tokens_system'), table_name='api_tokens')
    op.drop_table('api_tokens')
