"""Notifications of decisions (R15.8–R15.10): the SMS that carries one, and who handed over a
printed one.

Revision ID: 0008_decide
Revises: 0008_verify

`notifications.sms_id` names the outbox message of an SMS notification (its outcome settles the
notification; a failed one falls back to print), `notifications.handed_by_id` the official who
handed a printed one over.
"""
from alembic import op
import sqlalchemy as sa

revision = '0008_decide'
down_revision = "0008_verify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sms_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('handed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notifications_sms_id_sms_messages'),
                                    'sms_messages', ['sms_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_notifications_handed_by_id_staff_users'),
                                    'staff_users', ['handed_by_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_notifications_sms_id'), ['sms_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_sms_id'))
        batch_op.drop_constraint(batch_op.f('fk_notifications_handed_by_id_staff_users'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_notifications_sms_id_sms_messages'),
                                 type_='foreignkey')
        batch_op.drop_column('handed_by_id')
        batch_op.drop_column('sms_id')
