"""the staff self-assessment queue kept in the database, and the triggers that mark a client's entries out of date (issue 21)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 01:00:00

Written by hand: autogenerate knows nothing of triggers. Every write to what
a client's place in the queue is made from (their service periods, their
assessments, staff requests to them) adds the client to
`assessmentqueuestale`; portal/assessment/queue.py reads it. The same
statements run on SQLite (a trigger per table and event) and on PostgreSQL
(a function per table). Every client with a period starts out of date, so
the first read makes the entries of the data already there.

On SQLite, a batch operation on one of these tables recreates it and drops
its triggers; a later migration that does one must create them again
(tests/unit/test_assessment_queue.py checks that they are all there).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

STALE = 'INSERT INTO assessmentqueuestale (person_id) '


def _person(columns: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """A table whose rows belong to one client (person_id): any write marks the client; a row moved to another client marks both."""
    return columns, {
        'INSERT': [STALE + 'VALUES (NEW.person_id)'],
        'DELETE': [STALE + 'VALUES (OLD.person_id)'],
        'UPDATE': [STALE + 'VALUES (OLD.person_id)', STALE + 'SELECT NEW.person_id WHERE NEW.person_id <> OLD.person_id'],
    }


# table: (columns whose update matters, {event: statements})
TRIGGERS: dict[str, tuple[tuple[str, ...], dict[str, list[str]]]] = {
    'clientperiod': _person(('person_id', 'unit_id', 'service', 'starts_on', 'ends_on', 'sort_name')),
    'assessment': _person(('person_id', 'occasion', 'due_on', 'status', 'sent_at')),
    'assessmentrequest': _person(('person_id', 'due_on', 'assessment_id')),
}


def _sqlite_triggers(table: str, columns: tuple[str, ...], events: dict[str, list[str]]) -> list[str]:
    found = []
    for event, statements in events.items():
        what = f'UPDATE OF {", ".join(columns)}' if event == 'UPDATE' else event
        body = ''.join(f'{statement};\n' for statement in statements)
        found.append(f'CREATE TRIGGER {table}_queue_stale_{event.lower()} AFTER {what} ON "{table}"\n'
                     f'BEGIN\n{body}END')
    return found


def _postgres_triggers(table: str, columns: tuple[str, ...], events: dict[str, list[str]]) -> list[str]:
    name = f'{table}_queue_stale'
    branches = ''.join(f"{'IF' if n == 0 else 'ELSIF'} TG_OP = '{event}' THEN\n"
                       + ''.join(f'{statement};\n' for statement in statements)
                       for n, (event, statements) in enumerate(events.items()))
    what = ' OR '.join(f'UPDATE OF {", ".join(columns)}' if event == 'UPDATE' else event for event in events)
    return [
        f'CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n'
        f'BEGIN\n{branches}END IF;\nRETURN NULL;\nEND;\n$$',
        f'CREATE TRIGGER {name} AFTER {what} ON "{table}" FOR EACH ROW EXECUTE FUNCTION {name}()',
    ]


def upgrade() -> None:
    op.create_table('assessmentqueuerules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('assessmentqueuestale',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('assessmentqueue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('section', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('sort_name', sqlmodel.sql.sqltypes.AutoString(length=201), nullable=False),
    sa.Column('day', sa.Date(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'person_id', 'assessment_id')
    )
    with op.batch_alter_table('assessmentqueue', schema=None) as batch_op:
        batch_op.create_index('ix_assessmentqueue_from', ['unit_id', 'valid_from'], unique=False)
        batch_op.create_index('ix_assessmentqueue_person', ['person_id'], unique=False)
        batch_op.create_index('ix_assessmentqueue_section', ['unit_id', 'section', 'sort_name', 'id'], unique=False)
        batch_op.create_index('ix_assessmentqueue_until', ['unit_id', 'valid_until'], unique=False)
    op.execute('INSERT INTO assessmentqueuestale (person_id) SELECT DISTINCT person_id FROM clientperiod')
    dialect = op.get_bind().dialect.name
    for table, (columns, events) in TRIGGERS.items():
        make = _postgres_triggers if dialect == 'postgresql' else _sqlite_triggers
        for statement in make(table, columns, events):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, (_columns, events) in TRIGGERS.items():
        if dialect == 'postgresql':
            op.execute(f'DROP FUNCTION {table}_queue_stale() CASCADE')
        else:
            for event in events:
                op.execute(f'DROP TRIGGER {table}_queue_stale_{event.lower()}')
    with op.batch_alter_table('assessmentqueue', schema=None) as batch_op:
        batch_op.drop_index('ix_assessmentqueue_until')
        batch_op.drop_index('ix_assessmentqueue_section')
        batch_op.drop_index('ix_assessmentqueue_person')
        batch_op.drop_index('ix_assessmentqueue_from')
    op.drop_table('assessmentqueue')
    op.drop_table('assessmentqueuestale')
    op.drop_table('assessmentqueuerules')
