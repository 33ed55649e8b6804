"""The portal application F1-1: the applicant as confirmed, draft sections, one draft per ground,
submission key and version (idempotent, race-safe submission), register provenance.

Revision ID: 0005_apply
Revises: 0004_accounts
"""
from alembic import op
import sqlalchemy as sa

import portal.db  # noqa: F401  (column types)


revision = '0005_apply'
down_revision = '0004_accounts'
branch_labels = None
depends_on = None


_OLD_PURPOSES = ('registration_code', 'sign_in_code', 'password_reset', 'new_device',
                 'notification_f6', 'notification_f7', 'preliminary_notice')
_NEW_PURPOSES = (*_OLD_PURPOSES, 'submission', 'signing_code')


def _purpose_check(values: tuple[str, ...]) -> None:
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_sms_messages_sms_purpose'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_sms_messages_sms_purpose'),
            sa.column('purpose').in_(values))


def upgrade() -> None:
    _purpose_check(_NEW_PURPOSES)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_ground_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('applicant_iin', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('applicant_surname', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('applicant_given_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('applicant_patronymic', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('applicant_birth_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('applicant_sex', sa.Enum('male', 'female', name='applicant_sex', native_enum=False, create_constraint=True, length=40), nullable=True))
        batch_op.add_column(sa.Column('address_from_register', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('address_correction_reason', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('bank_from_register', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('sections', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.create_index('uq_applications_one_draft_per_ground', ['citizen_id', 'ground'], unique=True, sqlite_where=sa.text("status = 'draft' AND ground IS NOT NULL"), postgresql_where=sa.text("status = 'draft' AND ground IS NOT NULL"))
        batch_op.create_unique_constraint(batch_op.f('uq_applications_submission_key'), ['submission_key'])
        batch_op.create_foreign_key(batch_op.f('fk_applications_district_ground_id_district_grounds'), 'district_grounds', ['district_ground_id'], ['id'])

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_iin', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('because', sa.Enum('identity', 'residence', 'bank_details', 'real_estate', 'birth_records', 'marriage', 'guardianship', 'ward_residence', 'dispensary', 'disability', name='document_because', native_enum=False, create_constraint=True, length=40), nullable=True))

    with op.batch_alter_table('family_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_register', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('income_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_iin', sa.String(length=12), nullable=True))



def downgrade() -> None:
    op.execute("DELETE FROM sms_messages WHERE purpose IN ('submission', 'signing_code')")
    _purpose_check(_OLD_PURPOSES)
    with op.batch_alter_table('income_records', schema=None) as batch_op:
        batch_op.drop_column('member_iin')

    with op.batch_alter_table('family_members', schema=None) as batch_op:
        batch_op.drop_column('from_register')

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_documents_document_because'), type_='check')
        batch_op.drop_column('because')
        batch_op.drop_column('subject_iin')

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_applications_district_ground_id_district_grounds'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_applications_submission_key'), type_='unique')
        batch_op.drop_index('uq_applications_one_draft_per_ground', sqlite_where=sa.text("status = 'draft' AND ground IS NOT NULL"), postgresql_where=sa.text("status = 'draft' AND ground IS NOT NULL"))
        batch_op.drop_column('version')
        batch_op.drop_column('submission_key')
        batch_op.drop_column('sections')
        batch_op.drop_column('bank_from_register')
        batch_op.drop_column('address_correction_reason')
        batch_op.drop_column('address_from_register')
        batch_op.drop_constraint(op.f('ck_applications_applicant_sex'), type_='check')
        batch_op.drop_column('applicant_sex')
        batch_op.drop_column('applicant_birth_date')
        batch_op.drop_column('applicant_patronymic')
        batch_op.drop_column('applicant_given_name')
        batch_op.drop_column('applicant_surname')
        batch_op.drop_column('applicant_iin')
        batch_op.drop_column('district_ground_id')

