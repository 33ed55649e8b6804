"""The dashboard's indexes (services/dashboard.py; EXPLAIN in bench/dashboard.py): a district's
cases by the day their term started (with the status, so the count by status reads the index
alone) and by the day it ends (L3.1); preliminary refusals and receipts by the day they were
issued; the notifications not yet delivered.

Revision ID: 0008_dashboard
Revises: 0007_api
"""
from alembic import op


revision = '0008_dashboard'
down_revision = "0007_api"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_applications_dashboard_started', 'applications',
                    ['district_id', 'term_started_on', 'status'], unique=False)
    op.create_index('ix_applications_dashboard_due', 'applications',
                    ['district_id', 'result_due_on'], unique=False)
    op.create_index('ix_preliminary_decisions_issued_at', 'preliminary_decisions',
                    ['issued_at'], unique=False)
    op.create_index('ix_receipts_issued_at', 'receipts', ['issued_at'], unique=False)
    op.create_index('ix_notifications_undelivered', 'notifications',
                    ['status', 'channel', 'application_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_notifications_undelivered', table_name='notifications')
    op.drop_index('ix_receipts_issued_at', table_name='receipts')
    op.drop_index('ix_preliminary_decisions_issued_at', table_name='preliminary_decisions')
    op.drop_index('ix_applications_dashboard_due', table_name='applications')
    op.drop_index('ix_applications_dashboard_started', table_name='applications')
