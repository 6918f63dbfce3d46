"""a login session remembers its previous id for a moment (issue 19)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 22:00:00

Choosing whose matters to handle gives the session a new id. A double click
posts the choice twice with the old id; the second post finds the session by
previous_token_hash while rotated_at is recent, and gets the same answer.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('rotated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_loginsession_previous_token_hash'), ['previous_token_hash'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loginsession_previous_token_hash'))
        batch_op.drop_column('rotated_at')
        batch_op.drop_column('previous_token_hash')
