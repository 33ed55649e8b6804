"""The person's own sessions: a coarse device name for their list, and two new ways a session ends
(the person changed the password; ended it from the list; too many wrong current
passwords).

Revision ID: 0009_sessions
Revises: 0008_decide
"""
from alembic import op
import sqlalchemy as sa

revision = '0009_sessions'
down_revision = "0008_decide"
branch_labels = None
depends_on = None

_OLD_ENDS = ('sign_out', 'sign_out_everywhere', 'idle', 'too_old', 'password_reset',
             'factor_reset', 'deactivated')
_NEW_ENDS = (*_OLD_ENDS, 'password_changed', 'ended_by_person', 'password_tries')


def _end_check(values: tuple[str, ...]) -> None:
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_web_sessions_session_end'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_web_sessions_session_end'),
            sa.column('ended_reason').in_(values))


def upgrade() -> None:
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device', sa.String(length=40), nullable=True))
    _end_check(_NEW_ENDS)


def downgrade() -> None:
    op.execute(sa.text("UPDATE web_sessions SET ended_reason = 'sign_out' "
                       "WHERE ended_reason IN ('password_changed', 'ended_by_person', "
                       "'password_tries')"))
    _end_check(_OLD_ENDS)
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_column('device')
