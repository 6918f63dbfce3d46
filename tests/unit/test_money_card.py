"""The start page's kept money card (portal/money/card.py) always agrees
with the month's statement (portal/money/statements.py): after any sequence
of changes to attendance marks and their corrections, rates, benefit status,
periods and month closings; and its triggers are all there."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from portal.db import transaction
from portal.models import MoneyMonthCard
from portal.money import card as money_card
from portal.money import statements
from portal.schedule.calendar_days import today
from tests.support.money_world import World, apply, build_world, steps


def assert_card_equals_statement(engine: Engine, world: World) -> None:
    for person_id in world.persons:
        with transaction(engine) as session:
            kept = money_card.this_month(session, person_id=person_id, today=today())
        with transaction(engine) as session:  # the kept one again, read as it is
            again = money_card.this_month(session, person_id=person_id, today=today())
        with Session(engine) as session:
            full = money_card.MonthCard.of(statements.this_month(session, person_id=person_id, today=today()))
        assert kept == full == again, person_id


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=steps)
def test_the_kept_card_agrees_with_the_statement_after_any_changes(engine: Engine, changes: list[tuple]) -> None:  # type: ignore[type-arg]
    world = build_world(engine)
    assert_card_equals_statement(engine, world)
    for change in changes:
        with transaction(engine) as session:
            apply(session, world, change)
        assert_card_equals_statement(engine, world)


def test_a_kept_card_is_read_without_the_statement(engine: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    world = build_world(engine)
    with transaction(engine) as session:
        apply(session, world, ("mark", 0, 35, True, None))
    with transaction(engine) as session:
        first = money_card.this_month(session, person_id=world.persons[0], today=today())
    monkeypatch.setattr(statements, "this_month", lambda *args, **kwargs: (_ for _ in ()).throw(AssertionError))
    with transaction(engine) as session:
        assert money_card.this_month(session, person_id=world.persons[0], today=today()) == first
        assert session.get(MoneyMonthCard, world.persons[0]) is not None


def test_every_table_the_card_reads_has_its_trigger(engine: Engine) -> None:
    """A batch migration on SQLite recreates a table without its triggers: this notices."""
    tables = {"attendancemark", "attendancecorrection", "clientperiod", "benefitstatus", "rate", "monthclosing", "unit"}
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            found = set(connection.execute(text(
                "SELECT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE '%money_version'")).scalars())
        else:
            found = set(connection.execute(text(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%money_version%'")).scalars())
    assert found == tables
