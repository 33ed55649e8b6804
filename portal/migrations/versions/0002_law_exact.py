"""The law, exact: desks, typed forms F1-2/F2-1/F3/F4/F5/F6/F7, L10.2, CHECK on every enum.

Revision ID: 0002_law
Revises: 0002_platform

Existing rows are carried over: gateway query numbers become names, staff desks become rows of
`desks`, a preliminary decision's `notified_at` becomes both its issue and delivery time, old
hearing modes map onto the three of R15.2, notifications find their decision. On SQLite the
tables are rebuilt (batch mode) with foreign keys off; `portal.migrate` turns them off and checks
the keys afterwards.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from alembic import op

import portal.db

revision = '0002_law'
down_revision = '0002_platform'
branch_labels = None
depends_on = None

CHANNELS = ('provider', 'rural_akim', 'state_corp', 'portal')
GROUNDS = ('natural_disaster', 'fire', 'socially_significant_disease', 'low_income', 'orphan',
           'old_age_self_care', 'released_from_prison')
STATUSES = ('draft', 'submitted', 'refused_acceptance', 'withdrawn', 'registered', 'at_precinct',
            'inspection_refused', 'precinct_concluded', 'income_computed',
            'at_special_commission', 'commission_concluded', 'preliminary_refusal',
            'objection_received', 'hearing_held', 'granted', 'refused', 'notified')
ROLES = ('citizen', 'intake', 'precinct', 'specialist', 'commission', 'head', 'operator', 'admin',
         'system')
QUERIES = ('identity', 'residence', 'bank_details', 'real_estate', 'birth_records', 'marriage',
           'guardianship', 'ward_residence', 'dispensary', 'disability')
SOURCES = ('gbd_fl', 'paying_organisation', 'real_estate_cadastre', 'civil_registry',
           'education_database', 'dispensary_register', 'disability_database',
           'second_tier_banks')
QUERY_SOURCE = ('gbd_fl', 'gbd_fl', 'paying_organisation', 'real_estate_cadastre',
                'civil_registry', 'civil_registry', 'education_database', 'gbd_fl',
                'dispensary_register', 'disability_database')
OUTCOMES = ('found', 'no_data', 'mismatch', 'timeout', 'unavailable')
REQUESTERS = ('state_corp_employee', 'provider_employee', 'applicant')
FREQUENCIES = ('one_off', 'monthly', 'quarterly', 'yearly')
NOTIFY_CHANNELS = ('sms', 'cabinet', 'print')
NOTIFY_STATUSES = ('pending', 'sent', 'failed', 'handed')
DOC_KINDS = ('identity', 'income', 'ground_proof', 'power_of_attorney', 'other')
CONSENTS = ('personal_data', 'bank_information', 'report_changes', 'separate_account')
RECEIPTS = ('coupon', 'electronic_receipt', 'refusal_to_accept')
RELATIONS = ('spouse', 'child', 'parent', 'ward', 'sibling', 'other')
INCOME_KINDS = ('wages', 'pension', 'benefit', 'farm', 'other')
HEARING_MODES = ('video_or_communication', 'information_systems', 'other_means')
REFUSAL_GROUNDS = ('negative_approval_answer', 'negative_conclusion', 'no_personal_data_consent')
CAPACITIES = ('self', 'family', 'legal_representative', 'attorney')
AKIMAT_LEVELS = ('republican_city', 'capital', 'district', 'regional_city')
ACCEPTORS = ('rural_akim', 'department')
HOUSING = ('dormitory', 'rented', 'privatised', 'service', 'cooperative', 'private_house',
           'other')
CATEGORIES = ('war_veteran', 'equated_veteran', 'combat_veteran', 'pensioner', 'over_80',
              'socially_significant_disease', 'disability', 'child_with_disability', 'other')


def _in(column: str, values: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _enum(name: str, values: tuple[str, ...], length: int = 40) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


def _str(length: int = 40) -> sa.String:
    return sa.String(length=length)


def upgrade() -> None:
    op.add_column('districts', sa.Column('akimat_level', _str(), nullable=False,
                                         server_default='district'))
    op.create_table(
        'desks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('district_id', sa.Integer(), nullable=False),
        sa.Column('channel', _enum('channel', CHANNELS), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('duty_branch', sa.Boolean(), nullable=False),
        sa.CheckConstraint("NOT duty_branch OR channel = 'state_corp'",
                           name=op.f('ck_desks_duty_is_state_corp')),
        sa.CheckConstraint("channel <> 'portal'", name=op.f('ck_desks_not_portal')),
        sa.ForeignKeyConstraint(['district_id'], ['districts.id'],
                                name=op.f('fk_desks_district_id_districts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_desks')),
    )
    op.create_table(
        'holiday_awards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('district_id', sa.Integer(), nullable=False),
        sa.Column('citizen_id', sa.Integer(), nullable=False),
        sa.Column('occasion', sa.String(length=200), nullable=False),
        sa.Column('occasion_on', sa.Date(), nullable=False),
        sa.Column('assistance_type', sa.String(length=300), nullable=False),
        sa.Column('decision_number', sa.String(length=30), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('amount_tiyn', sa.Integer(), nullable=False),
        sa.Column('head_id', sa.Integer(), nullable=True),
        sa.Column('decision_signature_id', sa.Integer(), nullable=True),
        sa.Column('notification_channel', _enum('notification_channel', NOTIFY_CHANNELS),
                  nullable=False),
        sa.Column('notification_status', _enum('notification_status', NOTIFY_STATUSES),
                  nullable=False),
        sa.Column('notified_at', portal.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column('created_at', portal.db.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('amount_tiyn > 0', name=op.f('ck_holiday_awards_amount_positive')),
        sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'],
                                name=op.f('fk_holiday_awards_citizen_id_citizens')),
        sa.ForeignKeyConstraint(['decision_signature_id'], ['signatures.id'],
                                name=op.f('fk_holiday_awards_decision_signature_id_signatures')),
        sa.ForeignKeyConstraint(['district_id'], ['districts.id'],
                                name=op.f('fk_holiday_awards_district_id_districts')),
        sa.ForeignKeyConstraint(['head_id'], ['staff_users.id'],
                                name=op.f('fk_holiday_awards_head_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday_awards')),
        sa.UniqueConstraint('decision_number', name=op.f('uq_holiday_awards_decision_number')),
    )
    op.create_index(op.f('ix_holiday_awards_citizen_id'), 'holiday_awards', ['citizen_id'])
    op.create_index(op.f('ix_holiday_awards_district_id'), 'holiday_awards', ['district_id'])
    for table, extra in (
        ('inspection_categories', [
            sa.Column('category', _enum('category_present', CATEGORIES), nullable=False),
            sa.UniqueConstraint('act_id', 'category',
                                name=op.f('uq_inspection_categories_act_id'))]),
        ('inspection_incomes', [
            sa.Column('member_name', sa.String(length=200), nullable=False),
            sa.Column('income_kind', sa.String(length=100), nullable=False),
            sa.Column('quarter_tiyn', sa.Integer(), nullable=False),
            sa.Column('farm', sa.String(length=300), nullable=False),
            sa.CheckConstraint('quarter_tiyn >= 0',
                               name=op.f('ck_inspection_incomes_quarter_not_negative'))]),
        ('inspection_support', [
            sa.Column('kind', _enum('support_kind', ('prior_assistance', 'other_income')),
                      nullable=False),
            sa.Column('form', sa.String(length=200), nullable=False),
            sa.Column('amount_tiyn', sa.Integer(), nullable=False),
            sa.Column('source', sa.String(length=200), nullable=False),
            sa.CheckConstraint('amount_tiyn >= 0',
                               name=op.f('ck_inspection_support_amount_not_negative'))]),
    ):
        op.create_table(
            table,
            sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('act_id', sa.Integer(), nullable=False),
            *extra,
            sa.ForeignKeyConstraint(['act_id'], ['inspection_acts.id'],
                                    name=op.f(f'fk_{table}_act_id_inspection_acts'),
                                    ondelete='CASCADE'),
            sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
        )
        op.create_index(op.f(f'ix_{table}_act_id'), table, ['act_id'])

    _carry_staff_desks()
    _carry_gateway_queries()
    _carry_preliminary_decisions()

    with op.batch_alter_table('districts') as b:
        b.create_check_constraint('akimat_level', _in('akimat_level', AKIMAT_LEVELS))
    with op.batch_alter_table('district_grounds') as b:
        b.add_column(sa.Column('needs_special_commission', sa.Boolean(), nullable=True))
        b.alter_column('frequency', existing_type=sa.VARCHAR(length=20), type_=_str(),
                       existing_nullable=False)
        b.create_check_constraint('frequency', _in('frequency', FREQUENCIES))
        b.create_check_constraint('ground_category', _in('category', GROUNDS))
        b.create_check_constraint('amount_not_negative', 'amount_tiyn >= 0')
    with op.batch_alter_table('citizens') as b:
        b.alter_column('sex', existing_type=sa.VARCHAR(length=6), type_=_str(),
                       existing_nullable=False)
        b.create_check_constraint('sex', _in('sex', ('male', 'female')))
        b.create_check_constraint('locale', "locale IN ('kk', 'ru', 'en')")
    with op.batch_alter_table('staff_users') as b:
        b.create_foreign_key(op.f('fk_staff_users_desk_id_desks'), 'desks', ['desk_id'], ['id'])
        b.drop_column('channel')
        b.create_check_constraint('role', _in('role', ROLES))
    with op.batch_alter_table('applications') as b:
        b.add_column(sa.Column('capacity', _str(), nullable=False, server_default='self'))
        b.add_column(sa.Column('desk_id', sa.Integer(), nullable=True))
        b.add_column(sa.Column('arrived_at', portal.db.UtcDateTime(timezone=True)))
        b.add_column(sa.Column('term_started_on', sa.Date()))
        b.add_column(sa.Column('sent_to_precinct_on', sa.Date()))
        b.add_column(sa.Column('documents_received_on', sa.Date()))
        b.add_column(sa.Column('submitted_to_commission_on', sa.Date()))
        b.add_column(sa.Column('result_issued_at', portal.db.UtcDateTime(timezone=True)))
        b.create_foreign_key(op.f('fk_applications_desk_id_desks'), 'desks', ['desk_id'], ['id'])
        b.create_check_constraint('channel', _in('channel', CHANNELS))
        b.create_check_constraint('application_form', "form IN ('F1', 'F1-1')")
        b.create_check_constraint('ground_category', _in('ground', GROUNDS))
        b.create_check_constraint('status', _in('status', STATUSES))
        b.create_check_constraint('applicant_capacity', _in('capacity', CAPACITIES))
        b.create_check_constraint('form_matches_channel',
                                  "(channel = 'portal') = (form = 'F1-1')")
        b.create_check_constraint(
            'attorney_has_poa',
            "capacity <> 'attorney' OR (poa_number IS NOT NULL AND poa_date IS NOT NULL "
            "AND representative_iin IS NOT NULL)")
    with op.batch_alter_table('family_members') as b:
        b.alter_column('relation', existing_type=sa.VARCHAR(length=40), type_=_str(),
                       existing_nullable=False)
        b.create_check_constraint('relation', _in('relation', RELATIONS))
    with op.batch_alter_table('income_records') as b:
        b.alter_column('kind', existing_type=sa.VARCHAR(length=60), type_=_str(),
                       existing_nullable=False)
        b.create_check_constraint('income_kind', _in('kind', INCOME_KINDS))
    with op.batch_alter_table('documents') as b:
        b.add_column(sa.Column('proves', _str(), nullable=True))
        b.add_column(sa.Column('number', sa.String(length=60), nullable=True))
        b.add_column(sa.Column('issued_on', sa.Date(), nullable=True))
        b.add_column(sa.Column('valid_until', sa.Date(), nullable=True))
        b.alter_column('kind', existing_type=sa.VARCHAR(length=60), type_=_str(),
                       existing_nullable=False)
        b.drop_column('expired')
        b.create_check_constraint('document_kind', _in('kind', DOC_KINDS))
        b.create_check_constraint('proves_ground', _in('proves', GROUNDS))
        b.create_check_constraint('proves_only_ground', "kind = 'ground_proof' OR proves IS NULL")
        b.create_check_constraint('sheets_positive', 'sheets >= 1')
    with op.batch_alter_table('gateway_answers') as b:
        b.alter_column('source_system', existing_type=_str(), nullable=False)
        b.alter_column('requester', existing_type=_str(), nullable=False)
        b.alter_column('query', existing_type=_str(), nullable=False)
        b.alter_column('outcome', existing_type=sa.VARCHAR(length=20), type_=_str(),
                       existing_nullable=False)
        b.drop_column('query_number')
        b.create_foreign_key(op.f('fk_gateway_answers_requested_by_staff_id_staff_users'),
                             'staff_users', ['requested_by_staff_id'], ['id'])
        b.create_check_constraint('gateway_query', _in('query', QUERIES))
        b.create_check_constraint('source_system', _in('source_system', SOURCES))
        b.create_check_constraint('gateway_outcome', _in('outcome', OUTCOMES))
        b.create_check_constraint('requester', _in('requester', REQUESTERS))
    with op.batch_alter_table('consents') as b:
        b.add_column(sa.Column('wording_version', sa.String(length=40), nullable=False,
                               server_default='unknown'))
        b.add_column(sa.Column('wording_locale', sa.String(length=2), nullable=False,
                               server_default='kk'))
        b.add_column(sa.Column('wording_sha256', sa.String(length=64), nullable=False,
                               server_default=''))
        b.create_check_constraint('consent_kind', _in('kind', CONSENTS))
    with op.batch_alter_table('receipts') as b:
        b.add_column(sa.Column('application_date', sa.Date(), nullable=True))
        b.add_column(sa.Column('incomplete', sa.Boolean(), nullable=False,
                               server_default=sa.false()))
        b.add_column(sa.Column('expired', sa.Boolean(), nullable=False,
                               server_default=sa.false()))
        b.create_check_constraint('receipt_kind', _in('kind', RECEIPTS))
        b.create_check_constraint(
            'refusal_has_reason',
            "kind <> 'refusal_to_accept' OR ((incomplete OR expired) "
            "AND application_date IS NOT NULL)")
    with op.batch_alter_table('inspection_acts') as b:
        for name in ('able_bodied', 'registered_unemployed', 'children', 'fee_paying_students',
                     'yearly_fee_tiyn', 'housing_costs_tiyn'):
            b.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default='0'))
        b.add_column(sa.Column('other_category', sa.String(length=300), nullable=False,
                               server_default=''))
        b.add_column(sa.Column('housing', _str(), nullable=True))
        b.add_column(sa.Column('housing_other', sa.String(length=200), nullable=False,
                               server_default=''))
        for name in ('car', 'other_housing', 'school_supplies', 'sanitary_state'):
            b.add_column(sa.Column(name, sa.String(length=300), nullable=False,
                                   server_default=''))
        b.drop_column('data')
        b.create_check_constraint('housing_type', _in('housing', HOUSING))
        b.create_check_constraint(
            'counts_not_negative',
            "able_bodied >= 0 AND registered_unemployed >= 0 AND children >= 0 "
            "AND fee_paying_students >= 0 AND yearly_fee_tiyn >= 0 AND housing_costs_tiyn >= 0")
        b.create_check_constraint('students_within_children', 'fee_paying_students <= children')
        b.create_check_constraint('refusal_names_who', 'NOT refused OR refused_by IS NOT NULL')
    with op.batch_alter_table('precinct_conclusions') as b:
        b.add_column(sa.Column('applicant_name', sa.String(length=300), nullable=False,
                               server_default=''))
        b.add_column(sa.Column('copies', sa.Integer(), nullable=True))
        b.add_column(sa.Column('accepted_by_name', sa.String(length=200), nullable=True))
        b.add_column(sa.Column('accepted_by_position', sa.String(length=200), nullable=True))
        b.add_column(sa.Column('accepted_by_kind', _str(), nullable=True))
        b.add_column(sa.Column('accepted_by_id', sa.Integer(), nullable=True))
        b.add_column(sa.Column('accepted_signature_id', sa.Integer(), nullable=True))
        b.create_foreign_key(op.f('fk_precinct_conclusions_accepted_by_id_staff_users'),
                             'staff_users', ['accepted_by_id'], ['id'])
        b.create_foreign_key(op.f('fk_precinct_conclusions_accepted_signature_id_signatures'),
                             'signatures', ['accepted_signature_id'], ['id'])
        b.drop_column('accepted_by')
        b.create_check_constraint('document_acceptor', _in('accepted_by_kind', ACCEPTORS))
        b.create_check_constraint('copies_positive', 'copies IS NULL OR copies >= 1')
        b.create_check_constraint(
            'acceptance_complete',
            "accepted_on IS NULL OR (accepted_by_name IS NOT NULL AND accepted_by_position IS "
            "NOT NULL AND accepted_by_kind IS NOT NULL AND copies IS NOT NULL)")
    with op.batch_alter_table('hearing_protocols') as b:
        b.add_column(sa.Column('preliminary_decision_id', sa.Integer(), nullable=True))
        b.drop_constraint(op.f('uq_hearing_protocols_application_id'), type_='unique')
        b.create_index(op.f('ix_hearing_protocols_application_id'), ['application_id'],
                       unique=False)
        b.create_unique_constraint(op.f('uq_hearing_protocols_preliminary_decision_id'),
                                   ['preliminary_decision_id'])
        b.create_foreign_key(
            op.f('fk_hearing_protocols_preliminary_decision_id_preliminary_decisions'),
            'preliminary_decisions', ['preliminary_decision_id'], ['id'], ondelete='CASCADE')
    op.get_bind().execute(sa.text(
        "UPDATE hearing_protocols SET preliminary_decision_id = (SELECT p.id FROM "
        "preliminary_decisions p WHERE p.application_id = hearing_protocols.application_id)"))
    with op.batch_alter_table('commission_conclusions') as b:
        b.create_check_constraint(
            'f5_grounds', 'model_rules_ground IS NULL OR model_rules_ground IN (1, 2, 4)')
    with op.batch_alter_table('preliminary_decisions') as b:
        b.add_column(sa.Column('lapsed_at', portal.db.UtcDateTime(timezone=True), nullable=True))
        b.drop_constraint(op.f('uq_preliminary_decisions_application_id'), type_='unique')
        b.create_index(op.f('ix_preliminary_decisions_application_id'), ['application_id'],
                       unique=False)
        b.alter_column('issued_at', existing_type=portal.db.UtcDateTime(timezone=True),
                       nullable=False)
        b.alter_column('objection_due_on', existing_type=sa.DATE(), nullable=True)
        b.alter_column('earliest_decision_on', existing_type=sa.DATE(), nullable=True)
        b.drop_column('notified_at')
        b.create_check_constraint('refusal_ground', _in('refusal_ground', REFUSAL_GROUNDS))
        b.create_check_constraint('hearing_mode', _in('hearing_mode', HEARING_MODES))
        b.create_check_constraint('notification_channel', _in('delivered_via', NOTIFY_CHANNELS))
        b.create_check_constraint('link_is_https',
                                  "hearing_link IS NULL OR hearing_link LIKE 'https://%'")
        b.create_check_constraint('delivery_complete',
                                  '(delivered_at IS NULL) = (delivered_via IS NULL)')
    with op.batch_alter_table('decisions') as b:
        b.add_column(sa.Column('ground_document_id', sa.Integer(), nullable=True))
        b.alter_column('frequency', existing_type=sa.VARCHAR(length=20), type_=_str(),
                       existing_nullable=True)
        b.create_unique_constraint('uq_decisions_id_granted', ['id', 'granted'])
        b.create_foreign_key(op.f('fk_decisions_ground_document_id_documents'), 'documents',
                             ['ground_document_id'], ['id'])
        b.create_check_constraint('frequency', _in('frequency', FREQUENCIES))
        b.create_check_constraint(
            'grant_has_amount',
            "NOT granted OR (amount_tiyn IS NOT NULL AND amount_tiyn > 0 AND frequency IS NOT "
            "NULL)")
        b.create_check_constraint('refusal_has_ground', 'granted OR refusal_ground IS NOT NULL')
    _carry_notifications()
    with op.batch_alter_table('notifications') as b:
        b.alter_column('decision_id', existing_type=sa.Integer(), nullable=False)
        b.alter_column('decision_granted', existing_type=sa.Boolean(), nullable=False)
        b.alter_column('form', existing_type=sa.VARCHAR(length=3), type_=_str(3),
                       existing_nullable=False)
        b.alter_column('channel', existing_type=sa.VARCHAR(length=10), type_=_str(),
                       existing_nullable=False)
        b.alter_column('status', existing_type=sa.VARCHAR(length=12), type_=_str(),
                       existing_nullable=False)
        b.create_index(op.f('ix_notifications_decision_id'), ['decision_id'], unique=False)
        b.create_foreign_key('fk_notifications_decision_granted', 'decisions',
                             ['decision_id', 'decision_granted'], ['id', 'granted'],
                             ondelete='CASCADE')
        b.create_check_constraint('notification_form', "form IN ('F6', 'F7')")
        b.create_check_constraint('notification_channel', _in('channel', NOTIFY_CHANNELS))
        b.create_check_constraint('notification_status', _in('status', NOTIFY_STATUSES))
        b.create_check_constraint('form_matches_decision', "(form = 'F6') = decision_granted")


def _carry_staff_desks() -> None:
    """Every (district, channel) that intake staff sat at becomes a desk."""
    op.add_column('staff_users', sa.Column('desk_id', sa.Integer(), nullable=True))
    conn = op.get_bind()
    pairs = conn.execute(sa.text(
        "SELECT DISTINCT district_id, channel FROM staff_users "
        "WHERE channel IS NOT NULL AND district_id IS NOT NULL")).all()
    for district_id, channel in pairs:
        conn.execute(sa.text(
            "INSERT INTO desks (district_id, channel, name, duty_branch) "
            "VALUES (:d, :c, :c, :duty)"), {"d": district_id, "c": channel, "duty": False})
        desk_id = conn.execute(sa.text(
            "SELECT max(id) FROM desks WHERE district_id = :d AND channel = :c"),
            {"d": district_id, "c": channel}).scalar_one()
        conn.execute(sa.text(
            "UPDATE staff_users SET desk_id = :k WHERE district_id = :d AND channel = :c"),
            {"k": desk_id, "d": district_id, "c": channel})


def _carry_gateway_queries() -> None:
    """Query numbers 1..9 of F1-2 become names; the source follows from the query."""
    with op.batch_alter_table('gateway_answers') as b:
        b.alter_column('query', new_column_name='query_number', existing_type=sa.Integer())
    for name in ('query', 'source_system', 'requester'):
        op.add_column('gateway_answers', sa.Column(name, _str(), nullable=True))
    op.add_column('gateway_answers', sa.Column('requested_by_staff_id', sa.Integer()))
    op.add_column('gateway_answers', sa.Column('requester_signature', sa.Text()))
    conn = op.get_bind()
    for number, (query, source) in enumerate(zip(QUERIES, QUERY_SOURCE, strict=True), start=1):
        conn.execute(sa.text(
            "UPDATE gateway_answers SET query = :q, source_system = :s WHERE query_number = :n"),
            {"q": query, "s": source, "n": number})
    # Before this revision only portal applicants asked (R6.3); desks had no gateway yet.
    conn.execute(sa.text("UPDATE gateway_answers SET requester = 'applicant'"))
    conn.execute(sa.text(
        "UPDATE gateway_answers SET outcome = 'unavailable' WHERE outcome = 'error'"))


def _carry_preliminary_decisions() -> None:
    with op.batch_alter_table('preliminary_decisions') as b:
        b.alter_column('hearing_mode', existing_type=sa.VARCHAR(length=20), type_=_str(),
                       existing_nullable=False)
    op.add_column('preliminary_decisions',
                  sa.Column('issued_at', portal.db.UtcDateTime(timezone=True), nullable=True))
    op.add_column('preliminary_decisions',
                  sa.Column('delivered_at', portal.db.UtcDateTime(timezone=True)))
    op.add_column('preliminary_decisions', sa.Column('delivered_via', _str(), nullable=True))
    conn = op.get_bind()
    conn.execute(sa.text(
        "UPDATE preliminary_decisions SET issued_at = notified_at, delivered_at = notified_at, "
        "delivered_via = CASE WHEN (SELECT channel FROM applications a "
        "WHERE a.id = preliminary_decisions.application_id) = 'portal' "
        "THEN 'cabinet' ELSE 'print' END"))
    for old, new in (('video', 'video_or_communication'), ('phone', 'video_or_communication'),
                     ('online', 'information_systems'), ('in_person', 'other_means')):
        conn.execute(sa.text(
            "UPDATE preliminary_decisions SET hearing_mode = :new WHERE hearing_mode = :old"),
            {"new": new, "old": old})
    conn.execute(sa.text(
        "UPDATE preliminary_decisions SET refusal_ground = 'no_personal_data_consent' "
        "WHERE refusal_ground = 'no_consent'"))


def _carry_notifications() -> None:
    op.add_column('notifications', sa.Column('decision_id', sa.Integer(), nullable=True))
    op.add_column('notifications', sa.Column('decision_granted', sa.Boolean(), nullable=True))
    for name, length in (('assistance_type', 300), ('responsible_name', 200),
                         ('responsible_position', 200)):
        op.add_column('notifications', sa.Column(name, sa.String(length=length),
                                                 nullable=False, server_default=''))
    conn = op.get_bind()
    conn.execute(sa.text(
        "UPDATE notifications SET "
        "decision_id = (SELECT d.id FROM decisions d "
        "WHERE d.application_id = notifications.application_id), "
        "decision_granted = (SELECT d.granted FROM decisions d "
        "WHERE d.application_id = notifications.application_id)"))
    orphans = conn.execute(sa.text(
        "SELECT count(*) FROM notifications WHERE decision_id IS NULL")).scalar_one()
    if orphans:
        raise RuntimeError(f"{orphans} notification(s) have no decision; fix them before 0002")


def downgrade() -> None:
    with op.batch_alter_table('notifications') as b:
        for name in ('notification_form', 'notification_channel', 'notification_status',
                     'form_matches_decision'):
            b.drop_constraint(op.f(f'ck_notifications_{name}'), type_='check')
        b.drop_constraint(op.f('fk_notifications_decision_granted'), type_='foreignkey')
        b.drop_index(op.f('ix_notifications_decision_id'))
        for name in ('decision_id', 'decision_granted', 'assistance_type', 'responsible_name',
                     'responsible_position'):
            b.drop_column(name)
    with op.batch_alter_table('decisions') as b:
        for name in ('frequency', 'grant_has_amount', 'refusal_has_ground'):
            b.drop_constraint(op.f(f'ck_decisions_{name}'), type_='check')
        b.drop_constraint(op.f('fk_decisions_ground_document_id_documents'), type_='foreignkey')
        b.drop_constraint(op.f('uq_decisions_id_granted'), type_='unique')
        b.drop_column('ground_document_id')
    with op.batch_alter_table('preliminary_decisions') as b:
        for name in ('refusal_ground', 'hearing_mode', 'notification_channel', 'link_is_https',
                     'delivery_complete'):
            b.drop_constraint(op.f(f'ck_preliminary_decisions_{name}'), type_='check')
        b.add_column(sa.Column('notified_at', portal.db.UtcDateTime(timezone=True),
                               nullable=True))
    conn = op.get_bind()
    conn.execute(sa.text(
        "UPDATE preliminary_decisions SET notified_at = COALESCE(delivered_at, issued_at)"))
    conn.execute(sa.text(
        "UPDATE preliminary_decisions SET objection_due_on = COALESCE(objection_due_on, "
        "notified_at), earliest_decision_on = COALESCE(earliest_decision_on, notified_at)"))
    with op.batch_alter_table('preliminary_decisions') as b:
        b.alter_column('notified_at', existing_type=portal.db.UtcDateTime(timezone=True),
                       nullable=False)
        b.alter_column('objection_due_on', existing_type=sa.DATE(), nullable=False)
        b.alter_column('earliest_decision_on', existing_type=sa.DATE(), nullable=False)
        for name in ('issued_at', 'delivered_at', 'delivered_via', 'lapsed_at'):
            b.drop_column(name)
        b.drop_index(op.f('ix_preliminary_decisions_application_id'))
        b.create_unique_constraint(op.f('uq_preliminary_decisions_application_id'),
                                   ['application_id'])
    with op.batch_alter_table('hearing_protocols') as b:
        b.drop_constraint(
            op.f('fk_hearing_protocols_preliminary_decision_id_preliminary_decisions'),
            type_='foreignkey')
        b.drop_constraint(op.f('uq_hearing_protocols_preliminary_decision_id'), type_='unique')
        b.drop_index(op.f('ix_hearing_protocols_application_id'))
        b.drop_column('preliminary_decision_id')
        b.create_unique_constraint(op.f('uq_hearing_protocols_application_id'),
                                   ['application_id'])
    with op.batch_alter_table('commission_conclusions') as b:
        b.drop_constraint(op.f('ck_commission_conclusions_f5_grounds'), type_='check')
    with op.batch_alter_table('precinct_conclusions') as b:
        for name in ('document_acceptor', 'copies_positive', 'acceptance_complete'):
            b.drop_constraint(op.f(f'ck_precinct_conclusions_{name}'), type_='check')
        b.drop_constraint(op.f('fk_precinct_conclusions_accepted_by_id_staff_users'),
                          type_='foreignkey')
        b.drop_constraint(op.f('fk_precinct_conclusions_accepted_signature_id_signatures'),
                          type_='foreignkey')
        b.add_column(sa.Column('accepted_by', sa.String(length=200), nullable=True))
        for name in ('applicant_name', 'copies', 'accepted_by_name', 'accepted_by_position',
                     'accepted_by_kind', 'accepted_by_id', 'accepted_signature_id'):
            b.drop_column(name)
    with op.batch_alter_table('inspection_acts') as b:
        for name in ('housing_type', 'counts_not_negative', 'students_within_children',
                     'refusal_names_who'):
            b.drop_constraint(op.f(f'ck_inspection_acts_{name}'), type_='check')
        b.add_column(sa.Column('data', sa.JSON(), nullable=False, server_default='{}'))
        for name in ('able_bodied', 'registered_unemployed', 'children', 'fee_paying_students',
                     'yearly_fee_tiyn', 'housing_costs_tiyn', 'other_category', 'housing',
                     'housing_other', 'car', 'other_housing', 'school_supplies',
                     'sanitary_state'):
            b.drop_column(name)
    with op.batch_alter_table('receipts') as b:
        b.drop_constraint(op.f('ck_receipts_receipt_kind'), type_='check')
        b.drop_constraint(op.f('ck_receipts_refusal_has_reason'), type_='check')
        for name in ('application_date', 'incomplete', 'expired'):
            b.drop_column(name)
    with op.batch_alter_table('consents') as b:
        b.drop_constraint(op.f('ck_consents_consent_kind'), type_='check')
        for name in ('wording_version', 'wording_locale', 'wording_sha256'):
            b.drop_column(name)
    with op.batch_alter_table('gateway_answers') as b:
        for name in ('gateway_query', 'source_system', 'gateway_outcome', 'requester'):
            b.drop_constraint(op.f(f'ck_gateway_answers_{name}'), type_='check')
        b.drop_constraint(op.f('fk_gateway_answers_requested_by_staff_id_staff_users'),
                          type_='foreignkey')
        b.add_column(sa.Column('query_number', sa.Integer(), nullable=True))
    for number, query in enumerate(QUERIES[:9], start=1):
        conn.execute(sa.text(
            "UPDATE gateway_answers SET query_number = :n WHERE query = :q"),
            {"n": number, "q": query})
    conn.execute(sa.text("DELETE FROM gateway_answers WHERE query_number IS NULL"))
    with op.batch_alter_table('gateway_answers') as b:
        for name in ('query', 'source_system', 'requester', 'requested_by_staff_id',
                     'requester_signature'):
            b.drop_column(name)
        b.alter_column('query_number', new_column_name='query', existing_type=sa.Integer(),
                       nullable=False)
    with op.batch_alter_table('documents') as b:
        for name in ('document_kind', 'proves_ground', 'proves_only_ground', 'sheets_positive'):
            b.drop_constraint(op.f(f'ck_documents_{name}'), type_='check')
        b.add_column(sa.Column('expired', sa.Boolean(), nullable=False,
                               server_default=sa.false()))
        for name in ('proves', 'number', 'issued_on', 'valid_until'):
            b.drop_column(name)
    with op.batch_alter_table('income_records') as b:
        b.drop_constraint(op.f('ck_income_records_income_kind'), type_='check')
    with op.batch_alter_table('family_members') as b:
        b.drop_constraint(op.f('ck_family_members_relation'), type_='check')
    with op.batch_alter_table('applications') as b:
        for name in ('channel', 'application_form', 'ground_category', 'status',
                     'applicant_capacity', 'form_matches_channel', 'attorney_has_poa'):
            b.drop_constraint(op.f(f'ck_applications_{name}'), type_='check')
        b.drop_constraint(op.f('fk_applications_desk_id_desks'), type_='foreignkey')
        for name in ('capacity', 'desk_id', 'arrived_at', 'term_started_on',
                     'sent_to_precinct_on', 'documents_received_on',
                     'submitted_to_commission_on', 'result_issued_at'):
            b.drop_column(name)
    with op.batch_alter_table('staff_users') as b:
        b.drop_constraint(op.f('ck_staff_users_role'), type_='check')
        b.add_column(sa.Column('channel', sa.String(length=40), nullable=True))
    conn.execute(sa.text(
        "UPDATE staff_users SET channel = (SELECT k.channel FROM desks k "
        "WHERE k.id = staff_users.desk_id)"))
    with op.batch_alter_table('staff_users') as b:
        b.drop_constraint(op.f('fk_staff_users_desk_id_desks'), type_='foreignkey')
        b.drop_column('desk_id')
    with op.batch_alter_table('citizens') as b:
        b.drop_constraint(op.f('ck_citizens_sex'), type_='check')
        b.drop_constraint(op.f('ck_citizens_locale'), type_='check')
    with op.batch_alter_table('district_grounds') as b:
        for name in ('frequency', 'ground_category', 'amount_not_negative'):
            b.drop_constraint(op.f(f'ck_district_grounds_{name}'), type_='check')
        b.drop_column('needs_special_commission')
    with op.batch_alter_table('districts') as b:
        b.drop_constraint(op.f('ck_districts_akimat_level'), type_='check')
        b.drop_column('akimat_level')
    for table in ('inspection_support', 'inspection_incomes', 'inspection_categories'):
        op.drop_index(op.f(f'ix_{table}_act_id'), table_name=table)
        op.drop_table(table)
    op.drop_index(op.f('ix_holiday_awards_district_id'), table_name='holiday_awards')
    op.drop_index(op.f('ix_holiday_awards_citizen_id'), table_name='holiday_awards')
    op.drop_table('holiday_awards')
    op.drop_table('desks')
