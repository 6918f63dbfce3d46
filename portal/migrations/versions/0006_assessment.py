"""self-assessment (issue 8)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 13:20:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('occasion', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('content_id', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('content_version', sa.Integer(), nullable=False),
    sa.Column('content_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('open_for_person_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('started_by_person_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sent_by_person_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('reviewed_by_person_id', sa.Integer(), nullable=True),
    sa.Column('staff_comment', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['reviewed_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['sent_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['started_by_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('open_for_person_id')
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_status'), ['status'], unique=False)

    op.create_table('assessmentanswer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('skipped', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('entered_by_person_id', sa.Integer(), nullable=False),
    sa.Column('entered_as', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ),
    sa.ForeignKeyConstraint(['entered_by_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assessment_id', 'question_id')
    )
    with op.batch_alter_table('assessmentanswer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessmentanswer_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('assessmentrequest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_person_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['requested_by_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('assessmentrequest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessmentrequest_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('assessmentrequest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessmentrequest_person_id'))

    op.drop_table('assessmentrequest')
    with op.batch_alter_table('assessmentanswer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessmentanswer_assessment_id'))

    op.drop_table('assessmentanswer')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_status'))
        batch_op.drop_index(batch_op.f('ix_assessment_person_id'))

    op.drop_table('assessment')
