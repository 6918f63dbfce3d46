"""messages between a client and the unit: threads, messages, read states and bulletins (issue 22)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 04:44:05.372125

Plain tables and indexes: the same DDL on SQLite and PostgreSQL. The indexes
are the keyset queries' (portal/messages/threads.py): the unit inbox on
(unit, status, unread by staff, newest message) and a client's threads on
(client, newest message); a thread's messages on (thread, id); a unit's
bulletins on (unit, last day shown). A double submit of a message is refused
by the unique (author, idempotency key).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('messagethread',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('started_by_person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_message_id', sa.Integer(), nullable=False),
    sa.Column('last_staff_message_id', sa.Integer(), nullable=False),
    sa.Column('last_message_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('unread_by_staff', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('done_by_person_id', sa.Integer(), nullable=True),
    sa.Column('assigned_to_person_id', sa.Integer(), nullable=True),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('sensitive_marked_by_person_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_to_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['client_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['done_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['sensitive_marked_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['started_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('messagethread', schema=None) as batch_op:
        batch_op.create_index('ix_messagethread_client', ['client_person_id', 'last_message_id'], unique=False)
        batch_op.create_index('ix_messagethread_inbox', ['unit_id', 'status', 'unread_by_staff', 'last_message_id'], unique=False)

    op.create_table('bulletin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('author_person_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('shown_from', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('removed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('removed_by_person_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], ),
    sa.ForeignKeyConstraint(['removed_by_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.create_index('ix_bulletin_unit_expires', ['unit_id', 'expires_on'], unique=False)

    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author_person_id', sa.Integer(), nullable=False),
    sa.Column('on_behalf_of_person_id', sa.Integer(), nullable=True),
    sa.Column('from_staff', sa.Boolean(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['author_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['on_behalf_of_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['thread_id'], ['messagethread.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('author_person_id', 'idempotency_key')
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index('ix_message_thread', ['thread_id', 'id'], unique=False)

    op.create_table('messagereadstate',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('last_read_message_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['thread_id'], ['messagethread.id'], ),
    sa.PrimaryKeyConstraint('person_id', 'thread_id')
    )


def downgrade() -> None:
    op.drop_table('messagereadstate')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index('ix_message_thread')

    op.drop_table('message')
    with op.batch_alter_table('bulletin', schema=None) as batch_op:
        batch_op.drop_index('ix_bulletin_unit_expires')

    op.drop_table('bulletin')
    with op.batch_alter_table('messagethread', schema=None) as batch_op:
        batch_op.drop_index('ix_messagethread_inbox')
        batch_op.drop_index('ix_messagethread_client')

    op.drop_table('messagethread')
