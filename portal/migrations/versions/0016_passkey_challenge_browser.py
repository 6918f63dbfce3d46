"""a passkey challenge belongs to the browser that asked for it (issue 20)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 12:00:00

The answer to a passkey challenge counts only from the browser the challenge
was given to: the row keeps a hash of that browser's CSRF cookie seed, so an
answer made for a challenge someone else was given is refused.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('passkeychallenge', schema=None) as batch_op:
        batch_op.add_column(sa.Column('browser_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('passkeychallenge', schema=None) as batch_op:
        batch_op.drop_column('browser_hash')
