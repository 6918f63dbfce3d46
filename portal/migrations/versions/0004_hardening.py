"""hardening (issue 6)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 13:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Mandates keep the name the granter typed; it is checked at the agent's login.
    with op.batch_alter_table('mandate') as batch:
        batch.add_column(sa.Column('agent_given_name', sqlmodel.sql.sqltypes.AutoString(length=100),
                                   nullable=False, server_default=''))
        batch.add_column(sa.Column('agent_family_name', sqlmodel.sql.sqltypes.AutoString(length=100),
                                   nullable=False, server_default=''))
        batch.add_column(sa.Column('name_check_pending', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('mandate') as batch:
        batch.drop_column('name_check_pending')
        batch.drop_column('agent_family_name')
        batch.drop_column('agent_given_name')
