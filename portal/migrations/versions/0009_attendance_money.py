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
    with op.batch_alter_table('attendancemark', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hours', sa.Numeric(4, 2), nullable=True))
        batch_op.add_column(sa.Column('absence_reason', sqlmodel.sql.sqltypes.AutoString(length=20),
                                      nullable=False, server_default=''))

    op.create_table('rate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('service', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('amount', sa.Numeric(8, 2), nullable=False),
    sa.Column('part_day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('full_day_hours', sa.Numeric(4, 2), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.CheckConstraint('amount >= 0 AND amount <= 200', name='rate_amount_sane'),
    sa.CheckConstraint('valid_until IS NULL OR valid_until >= valid_from', name='rate_dates_in_order'),
    )
    with op.batch_alter_table('rate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_organisation_id'), ['organisation_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        # Two rates of one organisation, service and kind never cover the same day.
        op.execute('CREATE EXTENSION IF NOT EXISTS btree_gist')
        op.execute(
            "ALTER TABLE rate ADD CONSTRAINT rate_no_overlap EXCLUDE USING gist "
            "(organisation_id WITH =, service WITH =, kind WITH =, "
            "daterange(valid_from, valid_until, '[]') WITH &&)"
        )

    op.create_table('benefitstatus',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('benefit', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_person_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('benefitstatus', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benefitstatus_person_id'), ['person_id'], unique=False)

    op.create_table('attendancecorrection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mark_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('was_present', sa.Boolean(), nullable=False),
    sa.Column('was_hours', sa.Numeric(4, 2), nullable=True),
    sa.Column('was_absence_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('hours', sa.Numeric(4, 2), nullable=True),
    sa.Column('absence_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('recorded_by_person_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['mark_id'], ['attendancemark.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('attendancecorrection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendancecorrection_mark_id'), ['mark_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendancecorrection_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendancecorrection_recorded_at'), ['recorded_at'], unique=False)

    op.create_table('monthclosing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('closed_by_person_id', sa.Integer(), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['closed_by_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'month'),
    )
    with op.batch_alter_table('monthclosing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monthclosing_unit_id'), ['unit_id'], unique=False)

    op.create_table('importedrecord',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('source_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source', 'kind', 'source_id'),
    )


def downgrade() -> None:
    op.drop_table('importedrecord')
    with op.batch_alter_table('monthclosing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monthclosing_unit_id'))
    op.drop_table('monthclosing')
    with op.batch_alter_table('attendancecorrection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendancecorrection_recorded_at'))
        batch_op.drop_index(batch_op.f('ix_attendancecorrection_person_id'))
        batch_op.drop_index(batch_op.f('ix_attendancecorrection_mark_id'))
    op.drop_table('attendancecorrection')
    with op.batch_alter_table('benefitstatus', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benefitstatus_person_id'))
    op.drop_table('benefitstatus')
    with op.batch_alter_table('rate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_organisation_id'))
    op.drop_table('rate')
    with op.batch_alter_table('attendancemark', schema=None) as batch_op:
        batch_op.drop_column('absence_reason')
        batch_op.drop_column('hours')
