"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 16:04:51.028713
"""
from alembic import op
import sqlalchemy as sa

import portal.db


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('citizens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('iin', sa.String(length=12), nullable=False),
    sa.Column('surname', sa.String(length=100), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('patronymic', sa.String(length=100), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sa.String(length=6), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('locale', sa.String(length=2), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('created_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizens')),
    sa.UniqueConstraint('iin', name=op.f('uq_citizens_iin'))
    )
    op.create_table('districts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name_kk', sa.String(length=200), nullable=False),
    sa.Column('name_ru', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('provider_name_kk', sa.String(length=300), nullable=False),
    sa.Column('provider_name_ru', sa.String(length=300), nullable=False),
    sa.Column('provider_name_en', sa.String(length=300), nullable=False),
    sa.Column('provider_bin', sa.String(length=12), nullable=False),
    sa.Column('threshold_numerator', sa.Integer(), nullable=False),
    sa.Column('threshold_denominator', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_districts')),
    sa.UniqueConstraint('code', name=op.f('uq_districts_code'))
    )
    op.create_table('event_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_chain_head'))
    )
    op.create_table('signing_blobs',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('value', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_signing_blobs'))
    )
    op.create_table('district_grounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('natural_disaster', 'fire', 'socially_significant_disease', 'low_income', 'orphan', 'old_age_self_care', 'released_from_prison', name='groundcategory', native_enum=False, length=40), nullable=False),
    sa.Column('frequency', sa.String(length=20), nullable=False),
    sa.Column('amount_tiyn', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('needs_precinct_inspection', sa.Boolean(), nullable=True),
    sa.Column('needs_income', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_district_grounds_district_id_districts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_grounds')),
    sa.UniqueConstraint('district_id', 'category', 'frequency', name=op.f('uq_district_grounds_district_id'))
    )
    op.create_table('staff_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('login', sa.String(length=60), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('citizen', 'intake', 'precinct', 'specialist', 'commission', 'head', 'operator', 'admin', 'system', name='role', native_enum=False, length=40), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.Enum('provider', 'rural_akim', 'state_corp', 'portal', name='channel', native_enum=False, length=40), nullable=True),
    sa.Column('iin', sa.String(length=12), nullable=True),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_staff_users_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_users')),
    sa.UniqueConstraint('login', name=op.f('uq_staff_users_login'))
    )
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('provider', 'rural_akim', 'state_corp', 'portal', name='channel', native_enum=False, length=40), nullable=False),
    sa.Column('form', sa.String(length=4), nullable=False),
    sa.Column('ground', sa.Enum('natural_disaster', 'fire', 'socially_significant_disease', 'low_income', 'orphan', 'old_age_self_care', 'released_from_prison', name='groundcategory', native_enum=False, length=40), nullable=True),
    sa.Column('status', sa.Enum('draft', 'submitted', 'refused_acceptance', 'withdrawn', 'registered', 'at_precinct', 'inspection_refused', 'precinct_concluded', 'income_computed', 'at_special_commission', 'commission_concluded', 'preliminary_refusal', 'objection_received', 'hearing_held', 'granted', 'refused', 'notified', name='status', native_enum=False, length=40), nullable=False),
    sa.Column('representative_name', sa.String(length=200), nullable=True),
    sa.Column('representative_iin', sa.String(length=12), nullable=True),
    sa.Column('poa_number', sa.String(length=50), nullable=True),
    sa.Column('poa_date', sa.Date(), nullable=True),
    sa.Column('assistance_requested', sa.String(length=300), nullable=True),
    sa.Column('id_doc_type', sa.String(length=60), nullable=True),
    sa.Column('id_doc_series', sa.String(length=20), nullable=True),
    sa.Column('id_doc_number', sa.String(length=30), nullable=True),
    sa.Column('id_doc_issued_by', sa.String(length=200), nullable=True),
    sa.Column('id_doc_issued_on', sa.Date(), nullable=True),
    sa.Column('addr_region', sa.String(length=100), nullable=True),
    sa.Column('addr_city', sa.String(length=100), nullable=True),
    sa.Column('addr_village', sa.String(length=100), nullable=True),
    sa.Column('addr_street', sa.String(length=150), nullable=True),
    sa.Column('addr_house', sa.String(length=20), nullable=True),
    sa.Column('addr_flat', sa.String(length=20), nullable=True),
    sa.Column('bank_name', sa.String(length=150), nullable=True),
    sa.Column('bank_account', sa.String(length=34), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('submitted_at', portal.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('result_due_on', sa.Date(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['staff_users.id'], name=op.f('fk_applications_accepted_by_id_staff_users')),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_applications_citizen_id_citizens')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_applications_district_id_districts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('number', name=op.f('uq_applications_number'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_status'), ['status'], unique=False)

    op.create_table('commission_conclusions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=False),
    sa.Column('needs_assistance', sa.Boolean(), nullable=False),
    sa.Column('model_rules_ground', sa.Integer(), nullable=True),
    sa.Column('recommended_amount_tiyn', sa.Integer(), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_commission_conclusions_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_conclusions')),
    sa.UniqueConstraint('application_id', name=op.f('uq_commission_conclusions_application_id'))
    )
    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('personal_data', 'bank_information', name='consentkind', native_enum=False, length=40), nullable=False),
    sa.Column('given', sa.Boolean(), nullable=False),
    sa.Column('given_at', portal.db.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_consents_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents')),
    sa.UniqueConstraint('application_id', 'kind', name=op.f('uq_consents_application_id'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_application_id'), ['application_id'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('sheets', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('provided', sa.Boolean(), nullable=False),
    sa.Column('expired', sa.Boolean(), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_documents_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_application_id'), ['application_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('actor_kind', sa.String(length=10), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=40), nullable=True),
    sa.Column('to_status', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_events_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('hash', name=op.f('uq_events_hash')),
    sa.UniqueConstraint('seq', name=op.f('uq_events_seq'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_application_id'), ['application_id'], unique=False)

    op.create_table('family_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('iin', sa.String(length=12), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.String(length=40), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('occupation', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_family_members_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_members'))
    )
    with op.batch_alter_table('family_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_members_application_id'), ['application_id'], unique=False)

    op.create_table('gateway_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('query', sa.Integer(), nullable=False),
    sa.Column('subject_iin', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('source_signature', sa.Text(), nullable=True),
    sa.Column('requested_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_gateway_answers_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gateway_answers'))
    )
    with op.batch_alter_table('gateway_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gateway_answers_application_id'), ['application_id'], unique=False)

    op.create_table('hearing_protocols',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('held_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('made_by_id', sa.Integer(), nullable=True),
    sa.Column('read_at', portal.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('remarks_due_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_hearing_protocols_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['made_by_id'], ['staff_users.id'], name=op.f('fk_hearing_protocols_made_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearing_protocols')),
    sa.UniqueConstraint('application_id', name=op.f('uq_hearing_protocols_application_id'))
    )
    op.create_table('income_computations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('quarter_start', sa.Date(), nullable=False),
    sa.Column('quarter_end', sa.Date(), nullable=False),
    sa.Column('total_tiyn', sa.Integer(), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('per_capita_tiyn', sa.Integer(), nullable=False),
    sa.Column('threshold_tiyn', sa.Integer(), nullable=False),
    sa.Column('below_threshold', sa.Boolean(), nullable=False),
    sa.Column('computed_by_id', sa.Integer(), nullable=True),
    sa.Column('computed_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_income_computations_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['computed_by_id'], ['staff_users.id'], name=op.f('fk_income_computations_computed_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_income_computations')),
    sa.UniqueConstraint('application_id', name=op.f('uq_income_computations_application_id'))
    )
    op.create_table('income_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('member_name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('amount_tiyn', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_income_records_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_income_records'))
    )
    with op.batch_alter_table('income_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_income_records_application_id'), ['application_id'], unique=False)

    op.create_table('inspection_acts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('refused', sa.Boolean(), nullable=False),
    sa.Column('refused_by', sa.String(length=200), nullable=True),
    sa.Column('chair', sa.String(length=200), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('applicant_has_read', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_inspection_acts_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_acts')),
    sa.UniqueConstraint('application_id', name=op.f('uq_inspection_acts_application_id'))
    )
    op.create_table('objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('oral', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_objections_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objections'))
    )
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objections_application_id'), ['application_id'], unique=False)

    op.create_table('precinct_conclusions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=False),
    sa.Column('needs_assistance', sa.Boolean(), nullable=False),
    sa.Column('chair', sa.String(length=200), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('accepted_by', sa.String(length=200), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_precinct_conclusions_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_precinct_conclusions')),
    sa.UniqueConstraint('application_id', name=op.f('uq_precinct_conclusions_application_id'))
    )
    op.create_table('preliminary_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('refusal_ground', sa.String(length=40), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('notified_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('hearing_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('hearing_mode', sa.String(length=20), nullable=False),
    sa.Column('hearing_link', sa.String(length=500), nullable=True),
    sa.Column('objection_due_on', sa.Date(), nullable=False),
    sa.Column('earliest_decision_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_preliminary_decisions_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_preliminary_decisions')),
    sa.UniqueConstraint('application_id', name=op.f('uq_preliminary_decisions_application_id'))
    )
    op.create_table('receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('coupon', 'electronic_receipt', 'refusal_to_accept', name='receiptkind', native_enum=False, length=40), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('issued_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('issued_by_name', sa.String(length=200), nullable=False),
    sa.Column('result_due_on', sa.Date(), nullable=True),
    sa.Column('missing_documents', sa.JSON(), nullable=False),
    sa.Column('wait_seconds', sa.Integer(), nullable=True),
    sa.Column('service_seconds', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_receipts_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipts')),
    sa.UniqueConstraint('number', name=op.f('uq_receipts_number'))
    )
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipts_application_id'), ['application_id'], unique=False)

    op.create_table('remarks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_remarks_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remarks'))
    )
    with op.batch_alter_table('remarks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remarks_application_id'), ['application_id'], unique=False)

    op.create_table('signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('document_kind', sa.String(length=30), nullable=False),
    sa.Column('signer_iin', sa.String(length=12), nullable=False),
    sa.Column('signer_role', sa.String(length=20), nullable=False),
    sa.Column('certificate_serial', sa.String(length=64), nullable=False),
    sa.Column('document', sa.LargeBinary(), nullable=False),
    sa.Column('document_digest', sa.String(length=128), nullable=False),
    sa.Column('envelope', sa.Text(), nullable=False),
    sa.Column('signed_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('verification_code', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_signatures_application_id_applications'), ondelete='CASCADE'),
    sa.Column('challenge_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signatures')),
    sa.UniqueConstraint('challenge_id', name=op.f('uq_signatures_challenge_id')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_signatures_verification_code'))
    )
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signatures_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signatures_document_digest'), ['document_digest'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('amount_tiyn', sa.Integer(), nullable=True),
    sa.Column('frequency', sa.String(length=20), nullable=True),
    sa.Column('paid_from', sa.Date(), nullable=True),
    sa.Column('refusal_ground', sa.Text(), nullable=True),
    sa.Column('head_id', sa.Integer(), nullable=True),
    sa.Column('specialist_id', sa.Integer(), nullable=True),
    sa.Column('signature_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_decisions_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['head_id'], ['staff_users.id'], name=op.f('fk_decisions_head_id_staff_users')),
    sa.ForeignKeyConstraint(['signature_id'], ['signatures.id'], name=op.f('fk_decisions_signature_id_signatures')),
    sa.ForeignKeyConstraint(['specialist_id'], ['staff_users.id'], name=op.f('fk_decisions_specialist_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('application_id', name=op.f('uq_decisions_application_id')),
    sa.UniqueConstraint('number', name=op.f('uq_decisions_number'))
    )
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('form', sa.String(length=3), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('created_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', portal.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('signature_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_notifications_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signature_id'], ['signatures.id'], name=op.f('fk_notifications_signature_id_signatures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_application_id'), ['application_id'], unique=False)


    _make_events_append_only()


def _make_events_append_only() -> None:
    """The audit log can be added to but never changed or deleted (DESIGN principle 2)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'events are append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
            "FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{verb.lower()} BEFORE {verb} ON events "
                "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS events_no_change ON events")
        op.execute("DROP TRIGGER IF EXISTS events_no_truncate ON events")
        op.execute("DROP FUNCTION IF EXISTS events_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS events_no_update")
        op.execute("DROP TRIGGER IF EXISTS events_no_delete")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_application_id'))

    op.drop_table('notifications')
    op.drop_table('decisions')
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signatures_document_digest'))
        batch_op.drop_index(batch_op.f('ix_signatures_application_id'))

    op.drop_table('signatures')
    with op.batch_alter_table('remarks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remarks_application_id'))

    op.drop_table('remarks')
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipts_application_id'))

    op.drop_table('receipts')
    op.drop_table('preliminary_decisions')
    op.drop_table('precinct_conclusions')
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objections_application_id'))

    op.drop_table('objections')
    op.drop_table('inspection_acts')
    with op.batch_alter_table('income_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_income_records_application_id'))

    op.drop_table('income_records')
    op.drop_table('income_computations')
    op.drop_table('hearing_protocols')
    with op.batch_alter_table('gateway_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gateway_answers_application_id'))

    op.drop_table('gateway_answers')
    with op.batch_alter_table('family_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_members_application_id'))

    op.drop_table('family_members')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_application_id'))

    op.drop_table('events')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_application_id'))

    op.drop_table('documents')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_application_id'))

    op.drop_table('consents')
    op.drop_table('commission_conclusions')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_status'))
        batch_op.drop_index(batch_op.f('ix_applications_district_id'))
        batch_op.drop_index(batch_op.f('ix_applications_citizen_id'))

    op.drop_table('applications')
    op.drop_table('staff_users')
    op.drop_table('district_grounds')
    op.drop_table('signing_blobs')
    op.drop_table('event_chain_head')
    op.drop_table('districts')
    op.drop_table('citizens')
