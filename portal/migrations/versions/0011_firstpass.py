"""A staff member's first password expires: `staff_users.first_password_until` holds until when
the password an administrator issued (a new person, or a new first password for one who lost
theirs) signs in; it is cleared when the person sets their own. Staff who exist before this
migration keep their passwords as they are (NULL: not a first password).

Revision ID: 0011_firstpass
Revises: 0010_desknames
"""
from alembic import op
import sqlalchemy as sa

import portal.db

revision = '0011_firstpass'
down_revision = "0010_desknames"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_password_until', portal.db.UtcDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('staff_users', schema=None) as batch_op:
        batch_op.drop_column('first_password_until')
