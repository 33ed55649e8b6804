"""A desk's name in the three languages of the portal: `desks.name` becomes `name_kk`, and
`name_ru`, `name_en` are added. A desk entered before this migration had one name, typed in
whatever language its administrator used; it becomes the Kazakh name and fills the other two
too, so every page keeps showing what it showed until someone enters the translations
(`flask demo load` does for the demo districts' desks). A desk migration 0002 made for the
staff who sat at a channel is named by the channel's code (`state_corp`): it gets the channel's
name in each language, as the portal's catalogues say it. Going down keeps the Kazakh name.

Revision ID: 0010_desknames
Revises: 0009_dashday
"""
from alembic import op
import sqlalchemy as sa

revision = '0010_desknames'
down_revision = "0010_trustrows"
branch_labels = None
depends_on = None

NAME = sa.String(length=200)

# The channel's name in kk, ru and en (portal/web/labels.py, CHANNEL_LABELS and DESK_LABELS,
# as translated), for the desks 0002 named by a channel code.
CHANNELS = {
    'provider': ('Көрсетілетін қызметті беруші (бөлім)', 'Услугодатель (отдел)',
                 'Department desk'),
    'rural_akim': ('Кент, ауыл, ауылдық округ әкімінің аппараты',
                   'Аппарат акима поселка, села, сельского округа', "Rural akim's office"),
    'state_corp': ('Мемлекеттік корпорация бөлімшесі', 'Отделение Госкорпорации',
                   'State Corporation office'),
}


def upgrade() -> None:
    with op.batch_alter_table('desks', schema=None) as batch_op:
        batch_op.alter_column('name', new_column_name='name_kk', existing_type=NAME,
                              existing_nullable=False)
        batch_op.add_column(sa.Column('name_ru', NAME, nullable=True))
        batch_op.add_column(sa.Column('name_en', NAME, nullable=True))
    op.execute("UPDATE desks SET name_ru = name_kk, name_en = name_kk")
    for code, (kk, ru, en) in CHANNELS.items():
        op.get_bind().execute(sa.text(
            "UPDATE desks SET name_kk = :kk, name_ru = :ru, name_en = :en"
            " WHERE name_kk = :code AND channel = :code"),
            {"kk": kk, "ru": ru, "en": en, "code": code})
    with op.batch_alter_table('desks', schema=None) as batch_op:
        batch_op.alter_column('name_ru', existing_type=NAME, nullable=False)
        batch_op.alter_column('name_en', existing_type=NAME, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('desks', schema=None) as batch_op:
        batch_op.drop_column('name_en')
        batch_op.drop_column('name_ru')
        batch_op.alter_column('name_kk', new_column_name='name', existing_type=NAME,
                              existing_nullable=False)
