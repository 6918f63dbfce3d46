"""the test identity provider keeps its codes, tokens and sign-ins in the database (issue 21)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-10 10:00:00

With `portal serve --workers 2` a code made by one worker was unknown to the
other, and logins failed when /test-idp/token reached it.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'testidpentry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('client_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('nonce', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('code_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('details', sqlmodel.sql.sqltypes.AutoString(length=8000), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.Column('used', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'key', name='uq_testidpentry_kind_key'),
    )
    with op.batch_alter_table('testidpentry', schema=None) as batch_op:
        batch_op.create_index('ix_testidpentry_kind_subject', ['kind', 'subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_testidpentry_nonce'), ['nonce'], unique=False)
        batch_op.create_index(batch_op.f('ix_testidpentry_code_key'), ['code_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_testidpentry_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_table('testidpentry')
