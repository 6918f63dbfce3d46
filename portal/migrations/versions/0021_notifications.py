"""notifications: contact points, choices per category and the outbox; the
accessibility answers' old outbox moves into it (issue 22)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 04:45:44

Self-contained: it reads and writes only its own tables and `outboxmessage`,
so when migration 0020 (messages) lands before it, only `down_revision`
changes. The old `outboxmessage` rows become `accessibility_answer`
notifications by e-mail (key `outboxmessage:<id>`), queued to be sent for
real unless already marked sent; the table is dropped.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contactpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('pending_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('code_expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('code_failed_tries', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id', 'channel')
    )
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('client_person_id', sa.Integer(), nullable=True),
    sa.Column('object_id', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=8000), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('next_try_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('lease_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('provider_ref', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('stop_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['client_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_due', ['state', 'next_try_at'], unique=False)
        batch_op.create_index('ix_notification_person', ['person_id', 'id'], unique=False)

    op.create_table('notificationpreference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('client_person_id', sa.Integer(), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('person_id', 'client_person_id', 'category')
    )
    with op.batch_alter_table('notificationpreference', schema=None) as batch_op:
        batch_op.create_index('ix_notificationpreference_category', ['category', 'enabled'], unique=False)
        batch_op.create_index('ix_notificationpreference_client', ['client_person_id', 'category', 'enabled'], unique=False)

    # The answers to accessibility feedback waiting in the old outbox join the
    # new one, to be sent for real; those marked sent stay sent.
    op.execute(
        "INSERT INTO notification (key, category, channel, person_id, client_person_id, object_id, to_address,"
        " language, subject, body, state, attempts, created_at, next_try_at, outcome, provider_ref, sent_at)"
        " SELECT 'outboxmessage:' || id, 'accessibility_answer', 'email', NULL, NULL, '', to_address, 'fi',"
        " subject, body, CASE WHEN sent_at IS NULL THEN 'queued' ELSE 'sent' END, 0, created_at, created_at,"
        " CASE WHEN sent_at IS NULL THEN '' ELSE 'sent' END, '', sent_at FROM outboxmessage"
    )
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outboxmessage_created_at'))

    op.drop_table('outboxmessage')


def downgrade() -> None:
    op.create_table('outboxmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=8000), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outboxmessage_created_at'), ['created_at'], unique=False)

    # Back to the old outbox: the answers to accessibility feedback only.
    op.execute(
        "INSERT INTO outboxmessage (created_at, to_address, subject, body, sent_at)"
        " SELECT created_at, to_address, subject, body, sent_at FROM notification"
        " WHERE category = 'accessibility_answer' ORDER BY id"
    )
    with op.batch_alter_table('notificationpreference', schema=None) as batch_op:
        batch_op.drop_index('ix_notificationpreference_client')
        batch_op.drop_index('ix_notificationpreference_category')

    op.drop_table('notificationpreference')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_person')
        batch_op.drop_index('ix_notification_due')

    op.drop_table('notification')
    op.drop_table('contactpoint')
