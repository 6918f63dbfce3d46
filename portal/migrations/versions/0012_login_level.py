"""a login session records its level: strong (bank credentials) or easy

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 10:00:00

Every session before this was an OpenID Connect login through Suomi.fi, so
existing rows are 'strong'.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False,
                                      server_default='strong'))
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.alter_column('level', existing_type=sqlmodel.sql.sqltypes.AutoString(length=10),
                              server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.drop_column('level')
