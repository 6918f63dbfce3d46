"""login profile (issue 12)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 13:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the work on this issue (empty until then)


def downgrade() -> None:
    pass
