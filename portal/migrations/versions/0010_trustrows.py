"""Two more ways a session ends: an administrator ended it (one staff member, or every staff
member of a district), or the operator ended them (`flask sessions end-citizen`, `end-all`).

Revision ID: 0010_trustrows
Revises: 0009_dashday
"""
from alembic import op
import sqlalchemy as sa

revision = '0010_trustrows'
down_revision = "0009_dashday"
branch_labels = None
depends_on = None

_OLD_ENDS = ('sign_out', 'sign_out_everywhere', 'idle', 'too_old', 'password_reset',
             'factor_reset', 'deactivated', 'password_changed', 'ended_by_person',
             'password_tries')
_NEW_ENDS = (*_OLD_ENDS, 'ended_by_admin', 'ended_by_operator')


def _end_check(values: tuple[str, ...]) -> None:
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_web_sessions_session_end'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_web_sessions_session_end'),
            sa.column('ended_reason').in_(values))


def upgrade() -> None:
    _end_check(_NEW_ENDS)


def downgrade() -> None:
    op.execute(sa.text("UPDATE web_sessions SET ended_reason = 'deactivated' "
                       "WHERE ended_reason IN ('ended_by_admin', 'ended_by_operator')"))
    _end_check(_OLD_ENDS)
