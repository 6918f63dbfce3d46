"""a group's weekly time has a first day and an optional last day (issue 9's gap)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 17:00:00

The day a weekly time began was never stored, so existing rows get 2000-01-01
(GroupSlot.VALID_SINCE_ALWAYS): "valid since before anyone's history", which
keeps every past day as it was. valid_until stays empty: the time goes on.
"""

import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('groupslot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=False, server_default='2000-01-01'))
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))
    with op.batch_alter_table('groupslot', schema=None) as batch_op:
        batch_op.alter_column('valid_from', existing_type=sa.Date(), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('groupslot', schema=None) as batch_op:
        batch_op.drop_column('valid_until')
        batch_op.drop_column('valid_from')
