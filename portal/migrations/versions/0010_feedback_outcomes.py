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
    pass  # reserved: filled in by the work on this issue (empty until then)


def downgrade() -> None:
    pass
