"""The cabinet's list of a person's applications, newest first a page at a time
(services/case_view.applications_page): an index on (citizen_id, created_at, id).

Revision ID: 0011_cabinet
Revises: 0011_dashdistrict
"""
from alembic import op

revision = '0011_cabinet'
down_revision = "0011_dashdistrict"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_citizen_created',
                              ['citizen_id', 'created_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_citizen_created')
