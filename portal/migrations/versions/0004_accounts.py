"""Accounts: server-side sessions, one-time codes, staff second factors, confirmed citizens.

Revision ID: 0004_accounts
Revises: 0003_gateway
"""
from alembic import op
import sqlalchemy as sa

import portal.db

revision = '0004_accounts'
down_revision = '0003_gateway'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('web_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('subject_kind', sa.Enum('citizen', 'staff', name='subject_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.Enum('password_sms', 'eds', 'password_totp', 'recovery_code', name='sign_in_method', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('device_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', portal.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('ended_reason', sa.Enum('sign_out', 'sign_out_everywhere', 'idle', 'too_old', 'password_reset', 'factor_reset', 'deactivated', name='session_end', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions'))
    )
    op.create_index(op.f('ix_web_sessions_subject_id'), 'web_sessions', ['subject_id'], unique=False)
    op.create_table('one_time_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('register', 'sign_in', 'reset', name='code_purpose', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('code_hmac', sa.String(length=64), nullable=False),
    sa.Column('issued_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('used_at', portal.db.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_one_time_codes_citizen_id_citizens'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_one_time_codes'))
    )
    op.create_index(op.f('ix_one_time_codes_citizen_id'), 'one_time_codes', ['citizen_id'], unique=False)
    op.create_index(op.f('ix_one_time_codes_phone'), 'one_time_codes', ['phone'], unique=False)
    op.create_table('staff_factors',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('secret_encrypted', sa.Text(), nullable=False),
    sa.Column('enrolled_at', portal.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_step', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_staff_factors_staff_id_staff_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', name=op.f('pk_staff_factors'))
    )
    op.create_table('staff_recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=200), nullable=False),
    sa.Column('used_at', portal.db.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_staff_recovery_codes_staff_id_staff_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_recovery_codes'))
    )
    op.create_index(op.f('ix_staff_recovery_codes_staff_id'), 'staff_recovery_codes', ['staff_id'], unique=False)
    op.add_column('citizens', sa.Column('confirmed_at', portal.db.UtcDateTime(timezone=True), nullable=True))
    op.add_column('citizens', sa.Column('password_changed_at', portal.db.UtcDateTime(timezone=True), nullable=True))
    # Accounts made before codes existed keep working.
    op.execute("UPDATE citizens SET confirmed_at = created_at WHERE password_hash IS NOT NULL")

def downgrade() -> None:
    with op.batch_alter_table('citizens') as b:
        b.drop_column('password_changed_at')
        b.drop_column('confirmed_at')
    op.drop_index(op.f('ix_staff_recovery_codes_staff_id'), table_name='staff_recovery_codes')
    op.drop_table('staff_recovery_codes')
    op.drop_table('staff_factors')
    op.drop_index(op.f('ix_one_time_codes_phone'), table_name='one_time_codes')
    op.drop_index(op.f('ix_one_time_codes_citizen_id'), table_name='one_time_codes')
    op.drop_table('one_time_codes')
    op.drop_index(op.f('ix_web_sessions_subject_id'), table_name='web_sessions')
    op.drop_table('web_sessions')
