"""organisation, people and feedback

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 23:15:08.027189
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accessibilityfeedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('page', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('accessibilityfeedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accessibilityfeedback_received_at'), ['received_at'], unique=False)

    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('given_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('family_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('identity_code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('identity_code_cipher', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_identity_code_hash'), ['identity_code_hash'], unique=True)

    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('clientperiod',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('clientperiod', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clientperiod_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_clientperiod_unit_id'), ['unit_id'], unique=False)

    op.create_table('staffmembership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staffmembership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staffmembership_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staffmembership_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staffmembership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staffmembership_unit_id'))
        batch_op.drop_index(batch_op.f('ix_staffmembership_person_id'))

    op.drop_table('staffmembership')
    with op.batch_alter_table('clientperiod', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clientperiod_unit_id'))
        batch_op.drop_index(batch_op.f('ix_clientperiod_person_id'))

    op.drop_table('clientperiod')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_organisation_id'))

    op.drop_table('unit')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_identity_code_hash'))

    op.drop_table('person')
    op.drop_table('organisation')
    with op.batch_alter_table('accessibilityfeedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accessibilityfeedback_received_at'))

    op.drop_table('accessibilityfeedback')
