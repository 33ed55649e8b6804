"""Antivirus scan of uploaded files: which scanner passed each file, and when.

Revision ID: 0009_scan
Revises: 0009_sessions

`document_files.scanner` ("clamd", or "test" in development) and `document_files.scanned_at`;
both empty for files kept before scanning existed or while a development scanner was away.
"""
from alembic import op
import sqlalchemy as sa

import portal.db

revision = '0009_scan'
down_revision = "0009_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('document_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scanner', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('scanned_at', portal.db.UtcDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('document_files', schema=None) as batch_op:
        batch_op.drop_column('scanned_at')
        batch_op.drop_column('scanner')
