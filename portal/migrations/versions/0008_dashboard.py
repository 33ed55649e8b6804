"""The dashboard's indexes (services/dashboard.py; EXPLAIN in bench/dashboard.py): a district's
cases by the day their term started and by the day it ends (L3.1), and its open cases by status —
on PostgreSQL covering every column the dashboard's aggregates read (INCLUDE), so a month of a
busy district is counted from the index alone; decisions by case with their day and outcome;
preliminary refusals and receipts by the day they were issued; notifications not yet delivered.

Revision ID: 0008_dashboard
Revises: 0008_intake
"""
from alembic import op


revision = '0008_dashboard'
down_revision = "0008_intake"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_applications_dashboard_started', 'applications',
                    ['district_id', 'term_started_on', 'status'], unique=False,
                    postgresql_include=['ground', 'channel', 'result_due_on', 'result_issued_at',
                                        'id'])
    op.create_index('ix_applications_dashboard_due', 'applications',
                    ['district_id', 'result_due_on'], unique=False,
                    postgresql_include=['status', 'result_issued_at', 'id'])
    op.create_index('ix_applications_dashboard_open', 'applications',
                    ['district_id', 'status'], unique=False,
                    postgresql_include=['next_due_on', 'result_due_on', 'result_issued_at', 'id'])
    op.create_index('ix_decisions_dashboard', 'decisions',
                    ['application_id', 'decided_on', 'granted'], unique=False)
    op.create_index('ix_preliminary_decisions_issued_at', 'preliminary_decisions',
                    ['issued_at'], unique=False,
                    postgresql_include=['application_id', 'lapsed_at'])
    op.create_index('ix_receipts_issued_at', 'receipts', ['issued_at'], unique=False,
                    postgresql_include=['application_id', 'wait_seconds', 'service_seconds'])
    op.create_index('ix_notifications_undelivered', 'notifications',
                    ['status', 'channel', 'application_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_notifications_undelivered', table_name='notifications')
    op.drop_index('ix_receipts_issued_at', table_name='receipts')
    op.drop_index('ix_preliminary_decisions_issued_at', table_name='preliminary_decisions')
    op.drop_index('ix_decisions_dashboard', table_name='decisions')
    op.drop_index('ix_applications_dashboard_open', table_name='applications')
    op.drop_index('ix_applications_dashboard_due', table_name='applications')
    op.drop_index('ix_applications_dashboard_started', table_name='applications')
