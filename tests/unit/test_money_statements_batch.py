"""Many clients' statements read at once (portal/money/statements_batch.py,
the month report's) are equal to each client's own month_statement: after any
sequence of changes to marks and corrections (in open and closed months),
closings, rates, benefit status, periods that start or end mid-month, and the
schedule (cancelled days, absences, memberships that end), with more clients
than one chunk; and every read of them uses an index."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import time, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from portal.db import transaction
from portal.models import (AbsenceNotice, ClientPeriod, Group, GroupMember, GroupSlot, Organisation, Person, Rate,
                           SlotChange, Unit)
from portal.money import statements, statements_batch
from portal.schedule.calendar_days import today
from tests.support.money_world import KINDS, SERVICES, World, apply, on_day, this_month
from tests.support.money_world import steps as card_steps
from tests.support.query_plans import captured_selects, full_scans

NAMES = itertools.count()
CLIENTS = 5  # and the staff member, who has no period: more than a chunk of 2
MONTHS = [(this_month() - timedelta(days=1)).replace(day=1) - timedelta(days=1), on_day(0), this_month()]


@dataclass
class Schedule:
    groups: list[int]  # a group a unit, with a time every weekday


def build(engine: Engine) -> tuple[World, Schedule]:
    name = next(NAMES)
    with transaction(engine) as session:
        organisation = Organisation(name=f"Erä {name}")
        session.add(organisation)
        session.flush()
        units = [Unit(organisation_id=organisation.id, name=f"Erä {name}-{n}") for n in range(2)]  # type: ignore[arg-type]
        people = [Person(given_name=f"P{n}", family_name=f"Erä{name}", identity_code_hash=f"batch-{name}-{n}",
                         identity_code_cipher="x") for n in range(CLIENTS + 1)]
        session.add_all([*units, *people])
        session.flush()
        for service, kinds in KINDS.items():
            session.add_all([Rate(organisation_id=organisation.id, service=service, kind=kind, amount=Decimal("9.00"),  # type: ignore[arg-type]
                                  part_day="share", valid_from=on_day(0) - timedelta(days=400)) for kind in kinds])
        groups = [Group(unit_id=unit.id, name=f"Ryhmä {n}") for n, unit in enumerate(units)]  # type: ignore[arg-type]
        session.add_all(groups)
        session.flush()
        session.add_all([GroupSlot(group_id=group.id, weekday=weekday, starts_at=time(9), ends_at=time(12),  # type: ignore[arg-type]
                                   activity="Työ", place="Sali", valid_from=on_day(0) - timedelta(days=100))
                         for group in groups for weekday in range(5)])
        clients = people[1:]
        for n, person in enumerate(clients):  # the periods: whole months, one from mid-last-month, one to mid-this
            unit = units[n % 2]
            starts = on_day(14) if n == 2 else on_day(0) - timedelta(days=100)
            ends = on_day(40) if n == 3 else on_day(0) + timedelta(days=200)
            session.add(ClientPeriod(person_id=person.id, unit_id=unit.id, service=SERVICES[(n % 2) * 2],  # type: ignore[arg-type]
                                     starts_on=starts, ends_on=ends))
            session.add(GroupMember(group_id=groups[n % 2].id, person_id=person.id, starts_on=starts,  # type: ignore[arg-type]
                                    ends_on=on_day(45) if n == 1 else None))
        session.add(ClientPeriod(person_id=clients[4].id, unit_id=units[1].id, service=SERVICES[3],  # type: ignore[arg-type]
                                 starts_on=on_day(0) - timedelta(days=100), ends_on=on_day(0) + timedelta(days=200)))
        world = World(organisation.id, [unit.id for unit in units], [p.id for p in clients], people[0].id)  # type: ignore[arg-type,misc]
        return world, Schedule([group.id for group in groups])  # type: ignore[misc]


def apply_more(session: Session, world: World, schedule: Schedule, step: tuple) -> None:  # type: ignore[type-arg]
    """The card test's changes, and the schedule's: a cancelled day, an absence, a period's end."""
    kind, *args = step
    if kind == "cancel":
        group, offset = args
        day = on_day(offset)
        slot = session.exec(select(GroupSlot).where(GroupSlot.group_id == schedule.groups[group],
                                                    GroupSlot.weekday == day.weekday())).first()
        if slot is not None and session.exec(select(SlotChange).where(SlotChange.slot_id == slot.id,
                                                                      SlotChange.on_date == day)).first() is None:
            session.add(SlotChange(slot_id=slot.id, on_date=day, cancelled=True, created_by_person_id=world.staff))  # type: ignore[arg-type]
    elif kind == "absence":
        person, offset, length = args
        session.add(AbsenceNotice(person_id=world.persons[person], starts_on=on_day(offset),
                                  ends_on=on_day(offset + length), reason="ill", created_by_person_id=world.staff))
    elif kind == "end":
        periods = session.exec(select(ClientPeriod).where(col(ClientPeriod.person_id).in_(world.persons))
                               .order_by(ClientPeriod.id)).all()
        period = periods[args[0] % len(periods)]
        period.ends_on = max(period.starts_on, on_day(args[1]))
        session.add(period)
    else:
        apply(session, world, step)


person = st.integers(0, CLIENTS - 1)
offset = st.integers(0, 59)
steps = st.lists(st.one_of(
    card_steps.map(lambda found: found[0]),  # any one change of the card test (its clients are ours too)
    st.tuples(st.just("mark"), person, offset, st.booleans(),
              st.none() | st.sampled_from([Decimal("2"), Decimal("3.5"), Decimal("6")])),
    st.tuples(st.just("close"), st.integers(0, 1), st.booleans()),
    st.tuples(st.just("cancel"), st.integers(0, 1), offset),
    st.tuples(st.just("absence"), person, offset, st.integers(0, 4)),
    st.tuples(st.just("end"), st.integers(0, 10), st.integers(0, 59)),
), min_size=1, max_size=15)


def assert_batched_equals_each(engine: Engine, world: World) -> None:
    everyone = [*world.persons, world.staff]
    with Session(engine) as session:
        for month in MONTHS:
            first, last = statements.month_bounds(month)
            batched = statements_batch.statements_for(session, everyone, first=first, last=last, today=today())
            each = {person_id: statements.month_statement(session, person_id=person_id, month=month, today=today())
                    for person_id in everyone}
            assert batched == each, month


@pytest.fixture
def small_chunks(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(statements_batch, "CHUNK", 2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=steps)
def test_batched_statements_equal_each_clients_statement_after_any_changes(engine: Engine, small_chunks,  # type: ignore[no-untyped-def]
                                                                           changes: list[tuple]) -> None:  # type: ignore[type-arg]
    world, schedule = build(engine)
    assert_batched_equals_each(engine, world)
    for change in changes:
        with transaction(engine) as session:
            apply_more(session, world, schedule, change)
    assert_batched_equals_each(engine, world)


def test_a_closed_month_corrected_later_is_carried_the_same(engine: Engine, small_chunks) -> None:  # type: ignore[no-untyped-def]
    """Not left to chance: marks, a closing, corrections of the closed month, rate and benefit changes mid-month."""
    world, schedule = build(engine)
    changes = [("mark", n % CLIENTS, day, True, None) for n, day in enumerate(range(0, 58, 3))] + [
        ("mark", 1, 5, True, Decimal("3.5")), ("benefit", 2, 20, "unemployment_benefit"),
        ("rate", 0, 15, Decimal("12.50")), ("close", 0, False), ("close", 1, False),
        ("mark", 0, 3, False, None), ("mark", 2, 27, True, Decimal("2")), ("mark", 4, 12, True, None),
        ("cancel", 0, 35), ("cancel", 1, 40), ("absence", 3, 33, 3), ("end", 1, 38)]
    for change in changes:
        with transaction(engine) as session:
            apply_more(session, world, schedule, change)
    with Session(engine) as session:
        carried = statements_batch.statements_for(session, world.persons, first=this_month(),
                                                  last=statements.month_bounds(this_month())[1], today=today())
    assert any(statement.corrections for statement in carried.values())
    assert_batched_equals_each(engine, world)


def test_a_chunk_reads_each_kind_of_row_once_with_an_index(engine: Engine, small_chunks) -> None:  # type: ignore[no-untyped-def]
    world, schedule = build(engine)
    for change in [("mark", 0, 35, True, None), ("close", 0, False), ("mark", 0, 5, True, None),
                   ("cancel", 0, 36), ("absence", 1, 33, 2), ("benefit", 2, 20, "social_assistance")]:
        with transaction(engine) as session:
            apply_more(session, world, schedule, change)
    first, last = statements.month_bounds(this_month())
    everyone = [*world.persons, world.staff]
    reads = captured_selects(engine, lambda session: statements_batch.statements_for(
        session, everyone, first=first, last=last, today=today()))
    chunks = -(-len(everyone) // statements_batch.CHUNK)
    assert len(reads) <= 12 * chunks  # not a read a client: periods, touched, closings, marks, corrections,
    # benefits, rates; memberships, slots, changes, notices
    tables = ("attendancemark", "attendancecorrection", "benefitstatus", "clientperiod", "monthclosing", "rate",
              "groupmember", "groupslot", "slotchange", "absencenotice")
    assert full_scans(engine, reads, tables) == []
