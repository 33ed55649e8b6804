"""SMS outbox and the simulated mobile citizens database (R15.9).

Revision ID: 0003_notify
Revises: 0002_law

Two new tables, nothing carried over: `sms_messages` (every text message with its purpose,
status, attempts and times) and `mobile_registrations` (which number is registered to which IIN).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0003_notify'
down_revision = '0002_law'
branch_labels = None
depends_on = None

PURPOSES = ('registration_code', 'sign_in_code', 'password_reset', 'new_device', 'notification_f6', 'notification_f7',
            'preliminary_notice')
STATUSES = ('queued', 'sent', 'failed')


def _enum(name: str, values: tuple[str, ...], length: int = 40) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


def upgrade() -> None:
    op.create_table(
        'sms_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=12), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('purpose', _enum('sms_purpose', PURPOSES), nullable=False),
        sa.Column('status', _enum('sms_status', STATUSES), nullable=False),
        sa.Column('backend', sa.String(length=40), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('provider_ref', sa.String(length=100), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.Column('created_at', portal.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('last_attempt_at', portal.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column('next_attempt_at', portal.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column('sent_at', portal.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column('failed_at', portal.db.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_messages')),
    )
    op.create_index(op.f('ix_sms_messages_created_at'), 'sms_messages', ['created_at'])
    op.create_index('ix_sms_messages_status_next_attempt_at', 'sms_messages',
                    ['status', 'next_attempt_at'])
    op.create_table(
        'mobile_registrations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('iin', sa.String(length=12), nullable=False),
        sa.Column('phone', sa.String(length=12), nullable=False),
        sa.Column('registered_at', portal.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mobile_registrations')),
        sa.UniqueConstraint('iin', name=op.f('uq_mobile_registrations_iin')),
        sa.UniqueConstraint('phone', name=op.f('uq_mobile_registrations_phone')),
    )


def downgrade() -> None:
    op.drop_table('mobile_registrations')
    op.drop_index('ix_sms_messages_status_next_attempt_at', table_name='sms_messages')
    op.drop_index(op.f('ix_sms_messages_created_at'), table_name='sms_messages')
    op.drop_table('sms_messages')
