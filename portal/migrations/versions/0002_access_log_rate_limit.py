"""access log and rate limits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 09:00:00

Written by hand: autogenerate knows nothing of the head row or the triggers.
On SQLite, a batch operation on `accessevent` recreates the table and drops
its triggers; a later migration that does one must create them again.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

GENESIS_HASH = '0' * 64

POSTGRES_TRIGGERS = [
    """
    CREATE FUNCTION accessevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'access log is append-only';
    END;
    $$
    """,
    """
    CREATE TRIGGER accessevent_append_only BEFORE UPDATE OR DELETE ON accessevent
    FOR EACH ROW EXECUTE FUNCTION accessevent_append_only()
    """,
]
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER accessevent_no_{verb.lower()} BEFORE {verb} ON accessevent
    BEGIN
        SELECT RAISE(ABORT, 'access log is append-only');
    END
    """
    for verb in ('UPDATE', 'DELETE')
]


def upgrade() -> None:
    op.create_table('accessevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor_person_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('on_behalf_of_person_id', sa.Integer(), nullable=True),
    sa.Column('subject_person_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('object_type', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('object_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('ip_address', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=False),
    sa.Column('previous_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('row_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['on_behalf_of_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['subject_person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('row_hash')
    )
    with op.batch_alter_table('accessevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accessevent_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_accessevent_subject_person_id'), ['subject_person_id'], unique=False)

    head = op.create_table('accessloghead',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=True),
    sa.Column('last_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(head, [{'id': 1, 'last_event_id': None, 'last_hash': GENESIS_HASH}])

    op.create_table('ratelimithit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('window_start', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash', 'window_start', name='uq_ratelimithit_key_window')
    )
    with op.batch_alter_table('ratelimithit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratelimithit_window_start'), ['window_start'], unique=False)

    # Append-only: the database itself refuses to change or remove an event.
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_TRIGGERS if dialect == 'postgresql' else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER accessevent_append_only ON accessevent')
        op.execute('DROP FUNCTION accessevent_append_only()')
    else:
        op.execute('DROP TRIGGER accessevent_no_update')
        op.execute('DROP TRIGGER accessevent_no_delete')

    with op.batch_alter_table('ratelimithit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratelimithit_window_start'))

    op.drop_table('ratelimithit')
    op.drop_table('accessloghead')
    with op.batch_alter_table('accessevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accessevent_subject_person_id'))
        batch_op.drop_index(batch_op.f('ix_accessevent_occurred_at'))

    op.drop_table('accessevent')
