"""a client's periods in one unit, by index: a group page's offer of the unit's clients read every earlier period of the unit for each client it offered (issue 21)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 16:00:00
"""

from alembic import op


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_clientperiod_person_unit', 'clientperiod', ['person_id', 'unit_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_clientperiod_person_unit', table_name='clientperiod')
