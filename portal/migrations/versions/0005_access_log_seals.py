"""access log seals and indexes (issue 7)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 13:20:00

Written by hand. The access log loses its single head row and plain hash
chain; every event gets a keyed MAC instead (events already there get theirs
now, with PORTAL_ACCESS_LOG_KEY), list reads name their clients in
accesseventsubject, and sealer batches chain in accesslogseal. Indexes for
the keyset-paginated lists: the staff client list (clientperiod.sort_name),
"who has processed my data" (a partial index) and mandates.
"""

import secrets

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ('accessevent', 'accesseventsubject', 'accesslogseal')


def _postgres_triggers(table: str) -> list[str]:
    return [
        f"""
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION accessevent_append_only()
        """
    ]


def _sqlite_triggers(table: str) -> list[str]:
    return [
        f"""
        CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
        BEGIN
            SELECT RAISE(ABORT, 'access log is append-only');
        END
        """
        for verb in ('UPDATE', 'DELETE')
    ]


def _drop_event_triggers(dialect: str) -> None:
    if dialect == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS accessevent_append_only ON accessevent')
    else:
        op.execute('DROP TRIGGER IF EXISTS accessevent_no_update')
        op.execute('DROP TRIGGER IF EXISTS accessevent_no_delete')


def _create_triggers(dialect: str, tables) -> None:  # type: ignore[no-untyped-def]
    for table in tables:
        for statement in _postgres_triggers(table) if dialect == 'postgresql' else _sqlite_triggers(table):
            op.execute(statement)


def _mac_existing_events(connection) -> None:  # type: ignore[no-untyped-def]
    """Give events written before this revision a uid and a MAC, keyed now."""
    from portal.access_log.events import event_mac
    from portal.access_log.keys import LogKeys
    from portal.settings import Settings

    key = LogKeys.from_secret(Settings.from_environment().access_log_key).event
    event = sa.table('accessevent', *(sa.column(name) for name in (
        'id', 'uid', 'occurred_at', 'actor_person_id', 'actor_role', 'on_behalf_of_person_id', 'subject_person_id',
        'action', 'object_type', 'object_id', 'request_id', 'ip_address', 'subject_count', 'mac')))
    rows = connection.execute(sa.select(event).order_by(event.c.id)).mappings().all()
    for row in rows:
        fields = {**row, 'uid': secrets.token_hex(16), 'subject_count': 0}
        if isinstance(fields['occurred_at'], str):  # SQLite through a lightweight table
            from datetime import datetime
            fields['occurred_at'] = datetime.fromisoformat(fields['occurred_at'])
        connection.execute(
            event.update().where(event.c.id == row['id']).values(uid=fields['uid'], mac=event_mac(fields, key=key))
        )


def upgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    _drop_event_triggers(dialect)

    with op.batch_alter_table('accessevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uid', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('subject_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('mac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    _mac_existing_events(connection)
    with op.batch_alter_table('accessevent', schema=None) as batch_op:
        batch_op.alter_column('uid', existing_type=sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False)
        batch_op.alter_column('mac', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch_op.alter_column('subject_count', existing_type=sa.Integer(), server_default=None)
        batch_op.drop_index('ix_accessevent_subject_person_id')
        batch_op.drop_column('previous_hash')
        batch_op.drop_column('row_hash')
        batch_op.create_unique_constraint(batch_op.f('uq_accessevent_uid'), ['uid'])
    op.create_index(
        'ix_accessevent_processed_by_others', 'accessevent', ['subject_person_id', 'id'], unique=False,
        postgresql_where=sa.text(
            "action IN ('read', 'change', 'print') AND actor_person_id IS DISTINCT FROM subject_person_id"),
        sqlite_where=sa.text("action IN ('read', 'change', 'print') AND actor_person_id IS NOT subject_person_id"),
    )
    op.drop_table('accessloghead')

    op.create_table('accesseventsubject',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['accessevent.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('person_id', 'event_id')
    )
    op.create_index(op.f('ix_accesseventsubject_event_id'), 'accesseventsubject', ['event_id'], unique=False)
    op.create_table('accesslogseal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sealed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('first_event_id', sa.Integer(), nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=False),
    sa.Column('event_count', sa.Integer(), nullable=False),
    sa.Column('events_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('previous_mac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('mac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('last_event_id'),
    sa.UniqueConstraint('mac'),
    sa.UniqueConstraint('previous_mac')
    )
    _create_triggers(dialect, APPEND_ONLY_TABLES)

    with op.batch_alter_table('clientperiod', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_name', sqlmodel.sql.sqltypes.AutoString(length=201), nullable=False,
                                      server_default=''))
    op.execute(
        "UPDATE clientperiod SET sort_name = lower((SELECT family_name || ' ' || given_name FROM person"
        " WHERE person.id = clientperiod.person_id))"
    )
    with op.batch_alter_table('clientperiod', schema=None) as batch_op:
        batch_op.alter_column('sort_name', existing_type=sqlmodel.sql.sqltypes.AutoString(length=201),
                              server_default=None)
        batch_op.create_index('ix_clientperiod_unit_sort_name', ['unit_id', 'sort_name', 'id'], unique=False)

    with op.batch_alter_table('mandate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mandate_principal_person_id'))
        batch_op.drop_index(batch_op.f('ix_mandate_agent_person_id'))
        batch_op.create_index('ix_mandate_principal_id', ['principal_person_id', 'id'], unique=False)
        batch_op.create_index('ix_mandate_agent_principal', ['agent_person_id', 'principal_person_id'], unique=False)


def downgrade() -> None:
    # The keyed MACs and seals cannot become a plain hash chain again: the
    # downgrade brings the old schema back with a fresh chain start, so
    # verify the log before going down.
    connection = op.get_bind()
    dialect = connection.dialect.name
    with op.batch_alter_table('mandate', schema=None) as batch_op:
        batch_op.drop_index('ix_mandate_agent_principal')
        batch_op.drop_index('ix_mandate_principal_id')
        batch_op.create_index(batch_op.f('ix_mandate_agent_person_id'), ['agent_person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mandate_principal_person_id'), ['principal_person_id'], unique=False)
    with op.batch_alter_table('clientperiod', schema=None) as batch_op:
        batch_op.drop_index('ix_clientperiod_unit_sort_name')
        batch_op.drop_column('sort_name')

    for table in APPEND_ONLY_TABLES:
        if dialect == 'postgresql':
            op.execute(f'DROP TRIGGER IF EXISTS {table}_append_only ON {table}')
        else:
            op.execute(f'DROP TRIGGER IF EXISTS {table}_no_update')
            op.execute(f'DROP TRIGGER IF EXISTS {table}_no_delete')
    op.drop_table('accesslogseal')
    op.drop_index(op.f('ix_accesseventsubject_event_id'), table_name='accesseventsubject')
    op.drop_table('accesseventsubject')
    head = op.create_table('accessloghead',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=True),
    sa.Column('last_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.bulk_insert(head, [{'id': 1, 'last_event_id': None, 'last_hash': '0' * 64}])
    op.drop_index('ix_accessevent_processed_by_others', table_name='accessevent')
    with op.batch_alter_table('accessevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                                      server_default='0' * 64))
        batch_op.add_column(sa.Column('row_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_accessevent_uid'), type_='unique')
        batch_op.drop_column('mac')
        batch_op.drop_column('subject_count')
        batch_op.drop_column('uid')
        batch_op.create_index(batch_op.f('ix_accessevent_subject_person_id'), ['subject_person_id'], unique=False)
    op.execute("UPDATE accessevent SET row_hash = printf('%064d', id)" if dialect == 'sqlite'
               else "UPDATE accessevent SET row_hash = lpad(id::text, 64, '0')")
    with op.batch_alter_table('accessevent', schema=None) as batch_op:
        batch_op.alter_column('row_hash', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch_op.create_unique_constraint('accessevent_row_hash_key', ['row_hash'])
    if dialect == 'postgresql':
        op.execute("""
            CREATE TRIGGER accessevent_append_only BEFORE UPDATE OR DELETE ON accessevent
            FOR EACH ROW EXECUTE FUNCTION accessevent_append_only()
        """)
    else:
        for statement in _sqlite_triggers('accessevent'):
            op.execute(statement)
