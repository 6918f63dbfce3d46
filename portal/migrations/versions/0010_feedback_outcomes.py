"""client feedback, accessibility feedback answers, period outcomes (issue 11)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 14:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outboxmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=8000), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outboxmessage_created_at'), ['created_at'], unique=False)

    op.create_table('clientfeedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('given_by_person_id', sa.Integer(), nullable=True),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('given_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('mood', sa.Integer(), nullable=False),
    sa.Column('about', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('answered_by_person_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['given_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('clientfeedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clientfeedback_given_on'), ['given_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_clientfeedback_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clientfeedback_unit_id'), ['unit_id'], unique=False)

    op.create_table('periodoutcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=False),
    sa.Column('ending', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('next_step', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('recorded_by_person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['clientperiod.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('periodoutcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_periodoutcome_period_id'), ['period_id'], unique=True)

    with op.batch_alter_table('accessibilityfeedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('answered_by_person_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_accessibilityfeedback_answered_by_person_id', 'person', ['answered_by_person_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('accessibilityfeedback', schema=None) as batch_op:
        batch_op.drop_constraint('fk_accessibilityfeedback_answered_by_person_id', type_='foreignkey')
        batch_op.drop_column('answered_by_person_id')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('answer')

    with op.batch_alter_table('periodoutcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_periodoutcome_period_id'))

    op.drop_table('periodoutcome')
    with op.batch_alter_table('clientfeedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clientfeedback_unit_id'))
        batch_op.drop_index(batch_op.f('ix_clientfeedback_person_id'))
        batch_op.drop_index(batch_op.f('ix_clientfeedback_given_on'))

    op.drop_table('clientfeedback')
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outboxmessage_created_at'))

    op.drop_table('outboxmessage')
