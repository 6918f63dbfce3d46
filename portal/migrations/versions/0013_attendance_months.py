"""the follow-up's kept attendance counts per unit and month, the triggers that mark them stale, an index for its feedback counts (issue 19)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 22:00:00

Written by hand: autogenerate knows nothing of triggers. Every write to a
table that the attendance counts read (attendance marks, absence notices,
group members, weekly times, changes to one day, a group's unit) adds a row
to `attendancemonthstale`: the unit and the days whose counts may have
changed. portal/followup/attendance_months.py reads it. The same statements
run on SQLite (a trigger per table and event) and on PostgreSQL (a function
per table).

On SQLite, a batch operation on one of these tables recreates it and drops
its triggers; a later migration that does one must create them again
(tests/unit/test_followup_attendance_months.py checks that they are all there).
"""

import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

STALE = 'INSERT INTO attendancemonthstale (unit_id, first_day, last_day) '
ALWAYS = "'0001-01-01'"  # the first day of "every day" (a group moved to another unit); a date on PostgreSQL


def _of_person(row: str, first: str, last: str) -> str:
    """The units whose groups the client is in on some day of first..last."""
    return (STALE + f'SELECT DISTINCT g.unit_id, {first}, {last} FROM groupmember m JOIN "group" g ON g.id = m.group_id '
            f'WHERE m.person_id = {row}.person_id AND m.starts_on <= {last} '
            f'AND (m.ends_on IS NULL OR m.ends_on >= {first})')


def _of_group(group_id: str, first: str, last: str, when: str = '') -> str:
    return STALE + f'SELECT g.unit_id, {first}, {last} FROM "group" g WHERE g.id = {group_id}' + (
        f' AND {when}' if when else '')


def _cancelled_day(row: str) -> str:
    """A change to one day matters only when it cancels the day."""
    return (STALE + f'SELECT g.unit_id, {row}.on_date, {row}.on_date FROM groupslot s JOIN "group" g ON g.id = s.group_id '
            f'WHERE s.id = {row}.slot_id AND {row}.cancelled')


def _earlier(a: str, b: str) -> str:
    return f'CASE WHEN {a} < {b} THEN {a} ELSE {b} END'


def _moved_bounds(first: str, last: str, same: str) -> list[str]:
    """A row of days first..last (last None: goes on) that keeps its group and
    owner: only the days between its old and new first day, and between its
    old and new last day, changed (None is later than any day)."""
    earlier_last = (f'CASE WHEN OLD.{last} IS NULL THEN NEW.{last} WHEN NEW.{last} IS NULL THEN OLD.{last} '
                    f'ELSE {_earlier(f"OLD.{last}", f"NEW.{last}")} END')
    later_last = (f'CASE WHEN OLD.{last} IS NULL OR NEW.{last} IS NULL THEN NULL '
                  f'WHEN OLD.{last} > NEW.{last} THEN OLD.{last} ELSE NEW.{last} END')
    return [
        _of_group('NEW.group_id', _earlier(f'OLD.{first}', f'NEW.{first}'),
                  f'CASE WHEN OLD.{first} > NEW.{first} THEN OLD.{first} ELSE NEW.{first} END',
                  f'{same} AND OLD.{first} <> NEW.{first}'),
        _of_group('NEW.group_id', earlier_last, later_last,
                  f'{same} AND ((OLD.{last} IS NULL) <> (NEW.{last} IS NULL) OR OLD.{last} <> NEW.{last})'),
    ]


def _span(first: str, last: str, same: str) -> dict[str, list[str]]:
    """Statements for a table of rows that each hold a group's days first..last."""
    whole = {row: _of_group(f'{row}.group_id', f'{row}.{first}', f'{row}.{last}') for row in ('NEW', 'OLD')}
    return {
        'INSERT': [whole['NEW']],
        'DELETE': [whole['OLD']],
        'UPDATE': [whole['OLD'] + f' AND NOT ({same})', whole['NEW'] + f' AND NOT ({same})',
                   *_moved_bounds(first, last, same)],
    }


# table: (columns whose update matters, {event: statements})
TRIGGERS: dict[str, tuple[tuple[str, ...], dict[str, list[str]]]] = {
    'attendancemark': (('person_id', 'on_date', 'present'), {
        'INSERT': [_of_person('NEW', 'NEW.on_date', 'NEW.on_date')],
        'DELETE': [_of_person('OLD', 'OLD.on_date', 'OLD.on_date')],
        'UPDATE': [_of_person('OLD', 'OLD.on_date', 'OLD.on_date'), _of_person('NEW', 'NEW.on_date', 'NEW.on_date')],
    }),
    'absencenotice': (('person_id', 'starts_on', 'ends_on', 'cancelled_at'), {
        'INSERT': [_of_person('NEW', 'NEW.starts_on', 'NEW.ends_on')],
        'DELETE': [_of_person('OLD', 'OLD.starts_on', 'OLD.ends_on')],
        'UPDATE': [_of_person('OLD', 'OLD.starts_on', 'OLD.ends_on'), _of_person('NEW', 'NEW.starts_on', 'NEW.ends_on')],
    }),
    'groupmember': (('group_id', 'person_id', 'starts_on', 'ends_on'), _span(
        'starts_on', 'ends_on', 'OLD.group_id = NEW.group_id AND OLD.person_id = NEW.person_id')),
    'groupslot': (('group_id', 'weekday', 'valid_from', 'valid_until'), _span(
        'valid_from', 'valid_until', 'OLD.group_id = NEW.group_id AND OLD.weekday = NEW.weekday')),
    'slotchange': (('slot_id', 'on_date', 'cancelled'), {
        'INSERT': [_cancelled_day('NEW')],
        'DELETE': [_cancelled_day('OLD')],
        'UPDATE': [_cancelled_day('OLD'), _cancelled_day('NEW')],
    }),
    'group': (('unit_id',), {
        'UPDATE': [STALE + f'SELECT {row}.unit_id, {ALWAYS}, CAST(NULL AS DATE) WHERE OLD.unit_id <> NEW.unit_id'
                   for row in ('OLD', 'NEW')],
    }),
}


def _sqlite_triggers(table: str, columns: tuple[str, ...], events: dict[str, list[str]]) -> list[str]:
    found = []
    for event, statements in events.items():
        what = f'UPDATE OF {", ".join(columns)}' if event == 'UPDATE' else event
        body = ''.join(f'{statement};\n' for statement in statements)
        found.append(f'CREATE TRIGGER {table}_attendance_stale_{event.lower()} AFTER {what} ON "{table}"\n'
                     f'BEGIN\n{body}END')
    return found


def _postgres_triggers(table: str, columns: tuple[str, ...], events: dict[str, list[str]]) -> list[str]:
    name = f'{table}_attendance_stale'
    branches = ''.join(f"{'IF' if n == 0 else 'ELSIF'} TG_OP = '{event}' THEN\n"
                       + ''.join(f'{statement.replace(ALWAYS, "DATE " + ALWAYS)};\n' for statement in statements)
                       for n, (event, statements) in enumerate(events.items()))
    what = ' OR '.join(f'UPDATE OF {", ".join(columns)}' if event == 'UPDATE' else event for event in events)
    return [
        f'CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n'
        f'BEGIN\n{branches}END IF;\nRETURN NULL;\nEND;\n$$',
        f'CREATE TRIGGER {name} AFTER {what} ON "{table}" FOR EACH ROW EXECUTE FUNCTION {name}()',
    ]


def upgrade() -> None:
    op.create_table('attendancemonth',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('counted_through', sa.Date(), nullable=False),
    sa.Column('present', sa.Integer(), nullable=False),
    sa.Column('not_present', sa.Integer(), nullable=False),
    sa.Column('not_marked', sa.Integer(), nullable=False),
    sa.Column('persons', sa.Integer(), nullable=False),
    sa.Column('person_ids', sa.Text(), nullable=True),
    sa.Column('holidays', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('unit_id', 'month')
    )
    op.create_table('attendancemonthstale',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('clientfeedback', schema=None) as batch_op:
        batch_op.create_index('ix_clientfeedback_unit_day_mood', ['unit_id', 'given_on', 'mood'], unique=False)
    dialect = op.get_bind().dialect.name
    for table, (columns, events) in TRIGGERS.items():
        make = _postgres_triggers if dialect == 'postgresql' else _sqlite_triggers
        for statement in make(table, columns, events):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, (_columns, events) in TRIGGERS.items():
        if dialect == 'postgresql':
            op.execute(f'DROP FUNCTION {table}_attendance_stale() CASCADE')
        else:
            for event in events:
                op.execute(f'DROP TRIGGER {table}_attendance_stale_{event.lower()}')
    op.drop_table('attendancemonthstale')
    op.drop_table('attendancemonth')
    with op.batch_alter_table('clientfeedback', schema=None) as batch_op:
        batch_op.drop_index('ix_clientfeedback_unit_day_mood')
