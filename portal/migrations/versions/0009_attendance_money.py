"""attendance, rates and money (issue 10)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 14:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the work on this issue (empty until then)


def downgrade() -> None:
    pass
