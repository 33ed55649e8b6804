"""Verification for anyone (#12): a short public code on every signature (existing ones get one)
and the digests of the PDFs the portal issued.

Revision ID: 0008_verify
Revises: 0008_dashboard
"""
import secrets

from alembic import op
import sqlalchemy as sa

import portal.db

revision = '0008_verify'
down_revision = "0008_dashboard"
branch_labels = None
depends_on = None

# Frozen copy of portal.domain.verification at the time of this migration.
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def upgrade() -> None:
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_code', sa.String(length=12), nullable=True))
    connection = op.get_bind()
    signatures = sa.table('signatures', sa.column('id', sa.Integer),
                          sa.column('short_code', sa.String))
    ids = connection.execute(sa.select(signatures.c.id)).scalars().all()
    given: set[str] = set()
    for signature_id in ids:
        code = _code()
        while code in given:
            code = _code()
        given.add(code)
        connection.execute(signatures.update().where(signatures.c.id == signature_id)
                           .values(short_code=code))
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.alter_column('short_code', existing_type=sa.String(length=12), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_signatures_short_code'), ['short_code'])
        # An uploaded signature file is matched by its certificate serial and signing time.
        batch_op.create_index(batch_op.f('ix_signatures_certificate_serial'), ['certificate_serial'], unique=False)

    op.create_table('issued_pdfs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signature_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['signature_id'], ['signatures.id'], name=op.f('fk_issued_pdfs_signature_id_signatures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_pdfs')),
    sa.UniqueConstraint('signature_id', 'sha256', name=op.f('uq_issued_pdfs_signature_id'))
    )
    op.create_index(op.f('ix_issued_pdfs_sha256'), 'issued_pdfs', ['sha256'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_issued_pdfs_sha256'), table_name='issued_pdfs')
    op.drop_table('issued_pdfs')
    with op.batch_alter_table('signatures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signatures_certificate_serial'))
        batch_op.drop_constraint(batch_op.f('uq_signatures_short_code'), type_='unique')
        batch_op.drop_column('short_code')
