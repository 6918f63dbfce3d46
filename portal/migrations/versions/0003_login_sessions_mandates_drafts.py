"""login sessions, mandates, drafts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 23:28:50.127568
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('loginattempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('nonce', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('code_verifier', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('audience', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('return_to', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('loginattempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loginattempt_state_hash'), ['state_hash'], unique=True)

    op.create_table('formdraft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('data_cipher', sqlmodel.sql.sqltypes.AutoString(length=200000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('formdraft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_formdraft_person_id'), ['person_id'], unique=False)

    op.create_table('loginsession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('audience', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('acting_for_person_id', sa.Integer(), nullable=True),
    sa.Column('kiosk', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('id_token_cipher', sqlmodel.sql.sqltypes.AutoString(length=8000), nullable=False),
    sa.ForeignKeyConstraint(['acting_for_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loginsession_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loginsession_token_hash'), ['token_hash'], unique=True)

    op.create_table('mandate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('principal_person_id', sa.Integer(), nullable=False),
    sa.Column('agent_person_id', sa.Integer(), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('public_guardian', sa.Boolean(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_by_person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agent_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['created_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['principal_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mandate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mandate_agent_person_id'), ['agent_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mandate_principal_person_id'), ['principal_person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('mandate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mandate_principal_person_id'))
        batch_op.drop_index(batch_op.f('ix_mandate_agent_person_id'))

    op.drop_table('mandate')
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loginsession_token_hash'))
        batch_op.drop_index(batch_op.f('ix_loginsession_person_id'))

    op.drop_table('loginsession')
    with op.batch_alter_table('formdraft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_formdraft_person_id'))

    op.drop_table('formdraft')
    with op.batch_alter_table('loginattempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loginattempt_state_hash'))

    op.drop_table('loginattempt')
