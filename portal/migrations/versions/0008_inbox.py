"""The cabinet's messages (R15.11) and their SMS purposes (R15.9); objections and remarks signed
with attachments (R15.3, R15.6).

Revision ID: 0008_inbox
Revises: 0007_api

New table `inbox_messages`; `sms_messages.purpose` also takes 'registered' and 'protocol_ready';
`documents` may hold an objection's or remarks' attachments (`statement`, `sealed_at`);
`objections` and `remarks` name their signature and attachments' document.
"""
from alembic import op
import sqlalchemy as sa

import portal.db

revision = '0008_inbox'
down_revision = "0007_api"
branch_labels = None
depends_on = None

_OLD_PURPOSES = ('registration_code', 'sign_in_code', 'password_reset', 'new_device',
                 'notification_f6', 'notification_f7', 'preliminary_notice', 'submission',
                 'signing_code')
_NEW_PURPOSES = (*_OLD_PURPOSES, 'registered', 'protocol_ready')
_KINDS = ('registered', 'preliminary_refusal', 'protocol_ready', 'decision')


def _purpose_check(values: tuple[str, ...]) -> None:
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sms_messages_sms_purpose'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_sms_messages_sms_purpose'),
            sa.column('purpose').in_(values))


def upgrade() -> None:
    _purpose_check(_NEW_PURPOSES)
    op.create_table(
        'inbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('citizen_id', sa.Integer(), nullable=False),
        sa.Column('application_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum(*_KINDS, name='inbox_kind', native_enum=False,
                                  create_constraint=True, length=40), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('created_at', portal.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('read_at', portal.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column('sms_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_inbox_messages_application_id_applications'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'],
                                name=op.f('fk_inbox_messages_citizen_id_citizens'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sms_id'], ['sms_messages.id'],
                                name=op.f('fk_inbox_messages_sms_id_sms_messages'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_messages')),
    )
    op.create_index(op.f('ix_inbox_messages_application_id'), 'inbox_messages',
                    ['application_id'], unique=False)
    op.create_index(op.f('ix_inbox_messages_created_at'), 'inbox_messages', ['created_at'],
                    unique=False)
    op.create_index('ix_inbox_messages_citizen_unread', 'inbox_messages',
                    ['citizen_id', 'read_at'], unique=False)
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statement', sa.Enum(
            'objection', 'remarks', name='document_statement', native_enum=False,
            create_constraint=True, length=40), nullable=True))
        batch_op.add_column(sa.Column('sealed_at', portal.db.UtcDateTime(timezone=True),
                                      nullable=True))
    for table in ('objections', 'remarks'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('signature_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('document_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_signature_id_signatures'),
                                        'signatures', ['signature_id'], ['id'])
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_document_id_documents'),
                                        'documents', ['document_id'], ['id'],
                                        ondelete='SET NULL')


def downgrade() -> None:
    for table in ('remarks', 'objections'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_document_id_documents'),
                                     type_='foreignkey')
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_signature_id_signatures'),
                                     type_='foreignkey')
            batch_op.drop_column('document_id')
            batch_op.drop_column('signature_id')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_documents_document_statement'), type_='check')
        batch_op.drop_column('sealed_at')
        batch_op.drop_column('statement')
    op.drop_index('ix_inbox_messages_citizen_unread', table_name='inbox_messages')
    op.drop_index(op.f('ix_inbox_messages_created_at'), table_name='inbox_messages')
    op.drop_index(op.f('ix_inbox_messages_application_id'), table_name='inbox_messages')
    op.drop_table('inbox_messages')
    op.execute(sa.text("DELETE FROM sms_messages WHERE purpose IN ('registered', "
                       "'protocol_ready')"))
    _purpose_check(_OLD_PURPOSES)
