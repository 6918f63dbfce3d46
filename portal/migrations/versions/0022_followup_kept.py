"""the follow-up's clients and self-assessments on time kept in the database, and the triggers that mark what changed (issue 21)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 12:30:00

Written by hand: autogenerate knows nothing of triggers. Every write to what
the follow-up's client counts and occasions are made from (service periods,
assessments, staff requests) adds the client to `followupstale`; a write to
a service period also adds the unit and days the period covered before and
after it. portal/followup/assessment_months.py reads it. The same statements
run on SQLite (a trigger per table and event) and on PostgreSQL (a function
per table). Every client with a period starts out of date, so the first read
makes the occasions of the data already there.

Self-contained: it reads and writes only its own tables and adds triggers of
its own (names `*_followup_stale*`) beside those of migration 0018. On
SQLite, a batch operation on one of these tables recreates it and drops its
triggers; a later migration that does one must create them again
(tests/unit/test_followup_assessment_months.py checks that they are all there).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

STALE = 'INSERT INTO followupstale (person_id, unit_id, first_day, last_day) '


def _person(columns: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """A table whose rows belong to one client: any write marks the client; a row moved to another client marks both."""
    return columns, {
        'INSERT': [STALE + 'VALUES (NEW.person_id, NULL, NULL, NULL)'],
        'DELETE': [STALE + 'VALUES (OLD.person_id, NULL, NULL, NULL)'],
        'UPDATE': [STALE + 'VALUES (OLD.person_id, NULL, NULL, NULL)',
                   STALE + 'SELECT NEW.person_id, NULL, NULL, NULL WHERE NEW.person_id <> OLD.person_id'],
    }


def _period(columns: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """A service period: its client, and the unit and days it covered, before and after the write."""
    return columns, {
        'INSERT': [STALE + 'VALUES (NEW.person_id, NEW.unit_id, NEW.starts_on, NEW.ends_on)'],
        'DELETE': [STALE + 'VALUES (OLD.person_id, OLD.unit_id, OLD.starts_on, OLD.ends_on)'],
        'UPDATE': [STALE + 'VALUES (OLD.person_id, OLD.unit_id, OLD.starts_on, OLD.ends_on)',
                   STALE + 'VALUES (NEW.person_id, NEW.unit_id, NEW.starts_on, NEW.ends_on)'],
    }


# table: (columns whose update matters, {event: statements})
TRIGGERS: dict[str, tuple[tuple[str, ...], dict[str, list[str]]]] = {
    'clientperiod': _period(('person_id', 'unit_id', 'service', 'starts_on', 'ends_on')),
    'assessment': _person(('person_id', 'occasion', 'due_on', 'status', 'sent_at')),
    'assessmentrequest': _person(('person_id', 'due_on')),
}


def _sqlite_triggers(table: str, columns: tuple[str, ...], events: dict[str, list[str]]) -> list[str]:
    found = []
    for event, statements in events.items():
        what = f'UPDATE OF {", ".join(columns)}' if event == 'UPDATE' else event
        body = ''.join(f'{statement};\n' for statement in statements)
        found.append(f'CREATE TRIGGER {table}_followup_stale_{event.lower()} AFTER {what} ON "{table}"\n'
                     f'BEGIN\n{body}END')
    return found


def _postgres_triggers(table: str, columns: tuple[str, ...], events: dict[str, list[str]]) -> list[str]:
    name = f'{table}_followup_stale'
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
    op.create_table('followuprules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('followupstale',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('first_day', sa.Date(), nullable=True),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('followupmonth',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('clients', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=True),
    sa.Column('late', sa.Integer(), nullable=True),
    sa.Column('persons', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('unit_id', 'month')
    )
    op.create_table('followupoccasion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('occasion', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('on_time', sa.Boolean(), nullable=False),
    sa.Column('counted_from', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'person_id', 'occasion', 'due_on')
    )
    with op.batch_alter_table('followupoccasion', schema=None) as batch_op:
        batch_op.create_index('ix_followupoccasion_month', ['unit_id', 'month', 'counted_from', 'on_time', 'person_id'],
                              unique=False)
        batch_op.create_index('ix_followupoccasion_person', ['person_id'], unique=False)
    op.execute('INSERT INTO followupstale (person_id) SELECT DISTINCT person_id FROM clientperiod')
    dialect = op.get_bind().dialect.name
    for table, (columns, events) in TRIGGERS.items():
        make = _postgres_triggers if dialect == 'postgresql' else _sqlite_triggers
        for statement in make(table, columns, events):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, (_columns, events) in TRIGGERS.items():
        if dialect == 'postgresql':
            op.execute(f'DROP FUNCTION {table}_followup_stale() CASCADE')
        else:
            for event in events:
                op.execute(f'DROP TRIGGER {table}_followup_stale_{event.lower()}')
    with op.batch_alter_table('followupoccasion', schema=None) as batch_op:
        batch_op.drop_index('ix_followupoccasion_person')
        batch_op.drop_index('ix_followupoccasion_month')
    op.drop_table('followupoccasion')
    op.drop_table('followupmonth')
    op.drop_table('followupstale')
    op.drop_table('followuprules')
