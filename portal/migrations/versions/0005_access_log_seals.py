"""access log seals and indexes (issue 7)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 13:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the work on this issue (empty until then)


def downgrade() -> None:
    pass
