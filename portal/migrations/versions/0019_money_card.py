"""the start page's money card kept per client, and the version counters that triggers raise when what it is made of changes (issue 21)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 01:30:00

Written by hand: autogenerate knows nothing of triggers. A write to a
client's attendance marks, attendance corrections, periods or benefit status
raises the client's counter in `moneyversion`; a write to rates, month
closings or a unit's organisation raises the counter of everyone (person_id
0). A kept card (`moneymonthcard`) is used only while both counters are what
it was made with (portal/money/card.py). The same statements run on SQLite
(a trigger per table and event) and on PostgreSQL (a function per table).

On SQLite, a batch operation on one of these tables recreates it and drops
its triggers; a later migration that does one must create them again
(tests/unit/test_money_card.py checks that they are all there).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def _raise(person: str, when: str = 'true') -> str:
    # INSERT … SELECT with a WHERE: SQLite reads the ON CONFLICT of an upsert right only after one.
    return (f'INSERT INTO moneyversion (person_id, version) SELECT {person}, 1 WHERE {when} '
            'ON CONFLICT (person_id) DO UPDATE SET version = moneyversion.version + 1')


def _person(columns: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """A table whose rows belong to one client (person_id)."""
    return columns, {
        'INSERT': [_raise('NEW.person_id')],
        'DELETE': [_raise('OLD.person_id')],
        'UPDATE': [_raise('OLD.person_id'), _raise('NEW.person_id', 'NEW.person_id <> OLD.person_id')],
    }


EVERYONE = 'UPDATE moneyversion SET version = version + 1 WHERE person_id = 0'


def _everyone(columns: tuple[str, ...], *, insert_delete: bool = True) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    events = {'INSERT': [EVERYONE], 'DELETE': [EVERYONE]} if insert_delete else {}
    return columns, {**events, 'UPDATE': [EVERYONE]}


# table: (columns whose update matters, {event: statements})
TRIGGERS: dict[str, tuple[tuple[str, ...], dict[str, list[str]]]] = {
    'attendancemark': _person(('person_id', 'on_date', 'present', 'hours', 'recorded_at')),
    'attendancecorrection': _person(('person_id', 'mark_id', 'on_date', 'was_present', 'was_hours', 'present',
                                     'hours', 'recorded_at')),
    'clientperiod': _person(('person_id', 'unit_id', 'service', 'starts_on', 'ends_on')),
    'benefitstatus': _person(('person_id', 'benefit', 'starts_on', 'ends_on')),
    'rate': _everyone(('organisation_id', 'service', 'kind', 'amount', 'part_day', 'full_day_hours', 'valid_from',
                       'valid_until')),
    'monthclosing': _everyone(('unit_id', 'month', 'closed_at')),
    'unit': _everyone(('organisation_id',), insert_delete=False),
}


def _sqlite_triggers(table: str, columns: tuple[str, ...], events: dict[str, list[str]]) -> list[str]:
    found = []
    for event, statements in events.items():
        what = f'UPDATE OF {", ".join(columns)}' if event == 'UPDATE' else event
        body = ''.join(f'{statement};\n' for statement in statements)
        found.append(f'CREATE TRIGGER {table}_money_version_{event.lower()} AFTER {what} ON "{table}"\n'
                     f'BEGIN\n{body}END')
    return found


def _postgres_triggers(table: str, columns: tuple[str, ...], events: dict[str, list[str]]) -> list[str]:
    name = f'{table}_money_version'
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
    op.create_table('moneyversion',
    sa.Column('person_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('person_id')
    )
    op.create_table('moneymonthcard',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('attended_days', sa.Integer(), nullable=False),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('kinds', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('services', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('person_version', sa.Integer(), nullable=False),
    sa.Column('global_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('person_id')
    )
    op.execute('INSERT INTO moneyversion (person_id, version) VALUES (0, 0)')
    dialect = op.get_bind().dialect.name
    for table, (columns, events) in TRIGGERS.items():
        make = _postgres_triggers if dialect == 'postgresql' else _sqlite_triggers
        for statement in make(table, columns, events):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, (_columns, events) in TRIGGERS.items():
        if dialect == 'postgresql':
            op.execute(f'DROP FUNCTION {table}_money_version() CASCADE')
        else:
            for event in events:
                op.execute(f'DROP TRIGGER {table}_money_version_{event.lower()}')
    op.drop_table('moneymonthcard')
    op.drop_table('moneyversion')
