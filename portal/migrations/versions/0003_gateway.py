"""The e-government gateway: the simulated registers' population and the evidence of each call.

Revision ID: 0003_gateway
Revises: 0003_notify

New tables only, plus a nullable link from `gateway_answers` to the evidence it came from, so no
existing row changes. On SQLite `gateway_answers` is rebuilt (batch mode) with foreign keys off.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0003_gateway'
down_revision = '0003_notify'
branch_labels = None
depends_on = None

SEXES = ('male', 'female')
QUERIES = ('identity', 'residence', 'bank_details', 'real_estate', 'birth_records', 'marriage',
           'guardianship', 'ward_residence', 'dispensary', 'disability')
SOURCES = ('gbd_fl', 'paying_organisation', 'real_estate_cadastre', 'civil_registry',
           'education_database', 'dispensary_register', 'disability_database',
           'second_tier_banks')
OUTCOMES = ('found', 'no_data', 'mismatch', 'timeout', 'unavailable')
REQUESTERS = ('state_corp_employee', 'provider_employee', 'applicant')
RELATIONS = ('birth', 'marriage', 'guardianship')
RECORDS = ('real_estate', 'bank_account', 'disability', 'dispensary', 'release', 'probation',
           'fire', 'natural_disaster')
INCOME_KINDS = ('wages', 'pension', 'benefit', 'farm', 'other')


def _enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def _iin_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ['sim_people.iin'],
                                   name=op.f(f'fk_{table}_{column}_sim_people'))


def upgrade() -> None:
    op.create_table(
        'sim_people',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('iin', sa.String(length=12), nullable=False),
        sa.Column('surname', sa.String(length=100), nullable=False),
        sa.Column('given_name', sa.String(length=100), nullable=False),
        sa.Column('patronymic', sa.String(length=100), nullable=True),
        sa.Column('birth_date', sa.Date(), nullable=False),
        sa.Column('sex', _enum('sex', SEXES), nullable=False),
        sa.Column('died_on', sa.Date(), nullable=True),
        sa.Column('district_code', sa.String(length=20), nullable=False),
        sa.Column('household', sa.Integer(), nullable=False),
        sa.Column('region', sa.String(length=100), nullable=False),
        sa.Column('city', sa.String(length=100), nullable=False),
        sa.Column('street', sa.String(length=150), nullable=False),
        sa.Column('house', sa.String(length=20), nullable=False),
        sa.Column('flat', sa.String(length=20), nullable=True),
        sa.Column('registered_on', sa.Date(), nullable=False),
        sa.Column('scripted_outcome', _enum('scripted_outcome', OUTCOMES), nullable=True),
        sa.Column('scripted_source', _enum('scripted_source', SOURCES), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sim_people')),
        sa.UniqueConstraint('iin', name=op.f('uq_sim_people_iin')),
    )
    op.create_index(op.f('ix_sim_people_district_code'), 'sim_people', ['district_code'])
    op.create_index(op.f('ix_sim_people_household'), 'sim_people', ['household'])
    op.create_table(
        'sim_relations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', _enum('relation_kind', RELATIONS), nullable=False),
        sa.Column('first_iin', sa.String(length=12), nullable=False),
        sa.Column('second_iin', sa.String(length=12), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False),
        sa.Column('office', sa.String(length=200), nullable=False),
        sa.Column('registered_on', sa.Date(), nullable=False),
        sa.Column('ended_on', sa.Date(), nullable=True),
        _iin_fk('sim_relations', 'first_iin'),
        _iin_fk('sim_relations', 'second_iin'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sim_relations')),
    )
    op.create_index(op.f('ix_sim_relations_first_iin'), 'sim_relations', ['first_iin'])
    op.create_index(op.f('ix_sim_relations_second_iin'), 'sim_relations', ['second_iin'])
    op.create_table(
        'sim_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_iin', sa.String(length=12), nullable=False),
        sa.Column('kind', _enum('record_kind', RECORDS), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=True),
        sa.Column('address', sa.String(length=300), nullable=True),
        sa.Column('start_on', sa.Date(), nullable=False),
        sa.Column('end_on', sa.Date(), nullable=True),
        _iin_fk('sim_records', 'person_iin'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sim_records')),
    )
    op.create_index(op.f('ix_sim_records_person_iin'), 'sim_records', ['person_iin'])
    op.create_table(
        'sim_incomes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_iin', sa.String(length=12), nullable=False),
        sa.Column('quarter_start', sa.Date(), nullable=False),
        sa.Column('kind', _enum('income_kind', INCOME_KINDS), nullable=False),
        sa.Column('payer', sa.String(length=200), nullable=False),
        sa.Column('amount_tiyn', sa.Integer(), nullable=False),
        _iin_fk('sim_incomes', 'person_iin'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sim_incomes')),
    )
    op.create_index(op.f('ix_sim_incomes_person_iin'), 'sim_incomes', ['person_iin'])
    op.create_table(
        'gateway_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.String(length=64), nullable=False),
        sa.Column('query', _enum('gateway_query', QUERIES), nullable=False),
        sa.Column('source_system', _enum('source_system', SOURCES), nullable=False),
        sa.Column('subject_iin', sa.String(length=12), nullable=False),
        sa.Column('requester', _enum('requester', REQUESTERS), nullable=False),
        sa.Column('requester_staff_id', sa.Integer(), nullable=True),
        sa.Column('requester_citizen_id', sa.Integer(), nullable=True),
        sa.Column('application_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', portal.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('answered_at', portal.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column('outcome', _enum('gateway_outcome', OUTCOMES), nullable=True),
        sa.Column('document', sa.LargeBinary(), nullable=True),
        sa.Column('envelope', sa.Text(), nullable=True),
        sa.Column('signer_iin', sa.String(length=12), nullable=True),
        sa.Column('duration_ms', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_gateway_requests_application_id_applications'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['requester_citizen_id'], ['citizens.id'],
                                name=op.f('fk_gateway_requests_requester_citizen_id_citizens')),
        sa.ForeignKeyConstraint(['requester_staff_id'], ['staff_users.id'],
                                name=op.f('fk_gateway_requests_requester_staff_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_gateway_requests')),
        sa.UniqueConstraint('request_id', name=op.f('uq_gateway_requests_request_id')),
    )
    op.create_index(op.f('ix_gateway_requests_application_id'), 'gateway_requests',
                    ['application_id'])
    op.create_index(op.f('ix_gateway_requests_subject_iin'), 'gateway_requests', ['subject_iin'])
    with op.batch_alter_table('gateway_answers') as b:
        b.add_column(sa.Column('evidence_id', sa.Integer(), nullable=True))
        b.create_foreign_key(op.f('fk_gateway_answers_evidence_id_gateway_requests'),
                             'gateway_requests', ['evidence_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('gateway_answers') as b:
        b.drop_constraint(op.f('fk_gateway_answers_evidence_id_gateway_requests'),
                          type_='foreignkey')
        b.drop_column('evidence_id')
    op.drop_table('gateway_requests')
    op.drop_table('sim_incomes')
    op.drop_table('sim_records')
    op.drop_table('sim_relations')
    op.drop_table('sim_people')
