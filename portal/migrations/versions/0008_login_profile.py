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
    # Back-channel logout finds a session by the provider's subject and sid.
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_subject_hash', sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('provider_session_id', sqlmodel.sql.sqltypes.AutoString(length=255),
                                      nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_loginsession_provider_subject_hash'), ['provider_subject_hash'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_loginsession_provider_session_id'), ['provider_session_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('loginsession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loginsession_provider_session_id'))
        batch_op.drop_index(batch_op.f('ix_loginsession_provider_subject_hash'))
        batch_op.drop_column('provider_session_id')
        batch_op.drop_column('provider_subject_hash')
