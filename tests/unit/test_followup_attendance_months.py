"""The follow-up's kept attendance counts (portal/followup/attendance_months.py)
always equal the full count (portal/followup/attendance.py) of the same
months: after any sequence of changes to marks, notices, weekly times, days
cancelled, group members and groups, as days pass, after a correction in a
closed month and after a weekly time ends."""

from __future__ import annotations

import pytest

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from portal.attendance import day_list
from portal.db import transaction
from portal.followup.attendance import AttendanceCounts, monthly_attendance
from portal.followup.attendance_months import monthly_attendance_kept
from portal.models import (
    AbsenceNotice,
    AttendanceMark,
    AttendanceMonth,
    ClientPeriod,
    Group,
    GroupMember,
    GroupSlot,
    Organisation,
    Person,
    SlotChange,
    Unit,
)
from portal.money.month_report import close_month
from portal.schedule import editing
from portal.schedule.calendar_days import days_between, today
from tests.support import factories

# January to April 2026: New Year's Day, Epiphany, Good Friday and Easter Monday are days without activity.
FIRST, LAST = date(2026, 1, 1), date(2026, 4, 30)
MONTHS = [date(2026, month, 1) for month in range(1, 5)]
DAYS = (LAST - FIRST).days + 1
STARTING_TODAY = date(2026, 3, 10)  # January and February are stored at the start
NAMES = itertools.count()  # the database is not emptied between examples: each builds units of its own


@dataclass
class World:
    units: list[int]
    recorder: int
    persons: list[int]
    groups: list[int]  # groups 0 and 1 in the first unit, group 2 in the second
    today: date = STARTING_TODAY
    notices: list[int] = field(default_factory=list)


def build_world(engine: Engine) -> World:
    """Two units; six clients in three groups (two of them in both units); a mark on two
    weekdays in three up to today, some on days nobody is expected; a notice."""
    name = next(NAMES)
    with transaction(engine) as session:
        organisation = Organisation(name=f"Seuranta {name}")
        session.add(organisation)
        session.flush()
        units = [Unit(organisation_id=organisation.id, name=f"Yksikkö {name}-{n}") for n in range(2)]  # type: ignore[arg-type]
        people = [Person(given_name=f"P{n}", family_name=str(name), identity_code_hash=f"kept-{name}-{n}",
                         identity_code_cipher="x") for n in range(7)]
        session.add_all([*units, *people])
        session.flush()
        groups = [Group(unit_id=units[n // 2].id, name=f"Ryhmä {n}") for n in range(3)]  # type: ignore[arg-type]
        session.add_all(groups)
        session.flush()
        for group, weekdays in zip(groups, [(0, 2), (1, 3, 4), (2, 3)], strict=True):
            session.add_all([GroupSlot(group_id=group.id, weekday=weekday, starts_at=time(9), ends_at=time(14),  # type: ignore[arg-type]
                                       activity="Työ", place="Sali", valid_from=FIRST) for weekday in weekdays])
        clients = [person.id for person in people[1:]]
        for client, (group, starts) in zip(clients * 2, [(0, 0), (0, 0), (0, 0), (0, 0), (1, 10), (1, 10),
                                                         (2, 30), (2, 0), (1, 10), (1, 10), (2, 0), (2, 0)]):
            session.add(GroupMember(group_id=groups[group].id, person_id=client,  # type: ignore[arg-type]
                                    starts_on=FIRST + timedelta(days=starts)))
        away = days_between(date(2026, 2, 2), date(2026, 2, 20))  # the second client's notice, days without a mark
        for number, client in enumerate(clients):
            for day in days_between(FIRST, STARTING_TODAY - timedelta(days=1)):
                if day.weekday() < 5 and (number + day.toordinal()) % 3 and not (number == 1 and day in away):
                    session.add(AttendanceMark(person_id=client, on_date=day, present=(number + day.day) % 5 != 0,  # type: ignore[arg-type]
                                               recorded_by_person_id=people[0].id))
        notice = AbsenceNotice(person_id=clients[1], starts_on=away[0], ends_on=away[-1],  # type: ignore[arg-type]
                               reason="ill", created_by_person_id=clients[1])
        session.add(notice)
        session.flush()
        return World([unit.id for unit in units], people[0].id, clients, [group.id for group in groups],  # type: ignore[misc]
                     notices=[notice.id])  # type: ignore[list-item]


def assert_kept_equals_full_count(engine: Engine, world: World) -> None:
    for unit_id in world.units:
        with transaction(engine) as session:
            kept = monthly_attendance_kept(session, unit_id=unit_id, months=MONTHS, today=world.today)
        with Session(engine) as session:
            full = monthly_attendance(session, unit_id=unit_id, first=FIRST, last=min(LAST, world.today))
        assert kept == full, (unit_id, world.today)


def _day(offset: int) -> date:
    return FIRST + timedelta(days=offset)


def _pick(session: Session, model, index: int, *where):  # type: ignore[no-untyped-def]
    found = session.exec(select(model).where(*where).order_by(model.id)).all()
    return found[index % len(found)] if found else None


def apply(session: Session, world: World, step: tuple) -> None:  # type: ignore[type-arg]
    """One change, as any writer might make it (also where the pages would refuse it, e.g. in the past)."""
    kind, *args = step
    of_world = (GroupSlot.group_id.in_(world.groups),)  # type: ignore[attr-defined]
    members_of_world = (GroupMember.group_id.in_(world.groups),)  # type: ignore[attr-defined]
    if kind in ("mark", "mark_near"):  # near: yesterday, today or the day before yesterday
        person, present = world.persons[args[0]], args[2]
        offset = _day(args[1]) if kind == "mark" else world.today - timedelta(days=args[1])
        mark = session.exec(select(AttendanceMark).where(AttendanceMark.person_id == person,
                                                         AttendanceMark.on_date == offset)).first()
        mark = mark or AttendanceMark(person_id=person, on_date=offset, present=present,
                                      recorded_by_person_id=world.recorder)
        mark.present = present
        session.add(mark)
    elif kind == "flip":  # a correction
        mark = _pick(session, AttendanceMark, args[0], AttendanceMark.person_id.in_(world.persons))  # type: ignore[attr-defined]
        if mark is not None:
            mark.present = not mark.present
            session.add(mark)
    elif kind == "unmark":
        mark = _pick(session, AttendanceMark, args[0], AttendanceMark.person_id.in_(world.persons))  # type: ignore[attr-defined]
        if mark is not None:
            session.delete(mark)
    elif kind == "notice":
        notice = AbsenceNotice(person_id=world.persons[args[0]], starts_on=_day(args[1]),
                               ends_on=_day(args[1] + args[2]), reason="other", created_by_person_id=world.recorder)
        session.add(notice)
        session.flush()
        world.notices.append(notice.id)  # type: ignore[arg-type]
    elif kind == "cancel_notice":
        notice = session.get(AbsenceNotice, world.notices[args[0] % len(world.notices)])
        notice.cancelled_at = None if notice.cancelled_at else datetime(2026, 1, 1, tzinfo=UTC)  # type: ignore[union-attr]
        session.add(notice)
    elif kind == "cancel_day":
        slot = _pick(session, GroupSlot, args[0], *of_world)
        if slot is not None:
            change = session.exec(select(SlotChange).where(SlotChange.slot_id == slot.id,
                                                           SlotChange.on_date == _day(args[1]))).first()
            change = change or SlotChange(slot_id=slot.id, on_date=_day(args[1]), created_by_person_id=world.recorder)  # type: ignore[arg-type]
            change.cancelled = not change.cancelled
            session.add(change)
    elif kind == "uncancel_day":
        change = _pick(session, SlotChange, args[0], SlotChange.slot_id.in_(  # type: ignore[attr-defined]
            select(GroupSlot.id).where(*of_world)))
        if change is not None:
            session.delete(change)
    elif kind in ("slot_until", "slot_from", "slot_weekday", "slot_delete"):
        slot = _pick(session, GroupSlot, args[0], *of_world)
        if slot is None:
            return
        if kind == "slot_until":
            slot.valid_until = None if args[1] is None else _day(args[1])
        elif kind == "slot_from":
            slot.valid_from = _day(args[1])
        elif kind == "slot_weekday":
            slot.weekday = args[1]
        else:
            for change in session.exec(select(SlotChange).where(SlotChange.slot_id == slot.id)).all():
                session.delete(change)
            session.flush()
            session.delete(slot)
            return
        session.add(slot)
    elif kind == "slot_add":
        session.add(GroupSlot(group_id=world.groups[args[0]], weekday=args[1], starts_at=time(9), ends_at=time(12),
                              activity="Uusi", place="Sali", valid_from=_day(args[2])))
    elif kind in ("member_until", "member_from", "member_group", "member_delete"):
        member = _pick(session, GroupMember, args[0], *members_of_world)
        if member is None:
            return
        if kind == "member_until":
            member.ends_on = None if args[1] is None else _day(args[1])
        elif kind == "member_from":
            member.starts_on = _day(args[1])
        elif kind == "member_group":
            member.group_id = world.groups[args[1]]
        else:
            session.delete(member)
            return
        session.add(member)
    elif kind == "join":
        session.add(GroupMember(group_id=world.groups[args[1]], person_id=world.persons[args[0]],
                                starts_on=_day(args[2])))
    elif kind == "group_unit":  # a group moves to the other unit
        group = session.get(Group, world.groups[args[0]])
        group.unit_id = world.units[1] if group.unit_id == world.units[0] else world.units[0]  # type: ignore[union-attr]
        session.add(group)
    elif kind == "days_pass":
        world.today += timedelta(days=args[0])


person, day, slot = st.integers(0, 5), st.integers(0, DAYS - 1), st.integers(0, 9)
group, member, weekday = st.integers(0, 2), st.integers(0, 15), st.integers(0, 6)
steps = st.lists(st.one_of(
    st.tuples(st.just("mark"), person, day, st.booleans()),
    st.tuples(st.just("mark_near"), person, st.integers(0, 2), st.booleans()),
    st.tuples(st.just("flip"), st.integers(0, 500)),
    st.tuples(st.just("flip"), st.integers(0, 500)),
    st.tuples(st.just("unmark"), st.integers(0, 500)),
    st.tuples(st.just("notice"), person, day, st.integers(0, 6)),
    st.tuples(st.just("cancel_notice"), st.integers(0, 5)),
    st.tuples(st.just("cancel_day"), slot, day),
    st.tuples(st.just("uncancel_day"), slot),
    st.tuples(st.just("slot_until"), slot, st.none() | day),
    st.tuples(st.just("slot_from"), slot, day),
    st.tuples(st.just("slot_weekday"), slot, weekday),
    st.tuples(st.just("slot_delete"), slot),
    st.tuples(st.just("slot_add"), group, weekday, day),
    st.tuples(st.just("member_until"), member, st.none() | day),
    st.tuples(st.just("member_from"), member, day),
    st.tuples(st.just("member_group"), member, group),
    st.tuples(st.just("member_delete"), member),
    st.tuples(st.just("join"), person, group, day),
    st.tuples(st.just("group_unit"), group),
    st.tuples(st.just("days_pass"), st.integers(1, 40)),
    st.tuples(st.just("days_pass"), st.integers(1, 2)),
), min_size=1, max_size=8)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=steps)
def test_kept_counts_equal_the_full_count_after_any_changes(engine: Engine, changes: list[tuple]) -> None:  # type: ignore[type-arg]
    world = build_world(engine)
    assert_kept_equals_full_count(engine, world)  # the ended months are stored now
    for change in changes:
        with transaction(engine) as session:
            apply(session, world, change)
        assert_kept_equals_full_count(engine, world)


def test_every_table_the_count_reads_has_its_trigger(engine: Engine) -> None:
    """A batch migration on SQLite recreates a table without its triggers: this notices."""
    tables = {"attendancemark", "absencenotice", "groupmember", "groupslot", "slotchange", "group"}
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            found = set(connection.execute(text(
                "SELECT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE '%attendance_stale'")).scalars())
        else:
            found = set(connection.execute(text(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%attendance_stale%'")).scalars())
    assert found == tables


def test_a_correction_in_a_closed_month_and_a_weekly_time_that_ends(engine: Engine) -> None:
    """Through the pages' own functions: a month is counted and stored, closed, corrected a month
    later; a weekly time ends ahead, and the months after it count without it once they are over."""
    world = build_world(engine)
    world.today = date(2026, 3, 16)
    with transaction(engine) as session:
        for client in world.persons:
            session.add(ClientPeriod(person_id=client, unit_id=world.units[0], service="work_activity",
                                     starts_on=FIRST, ends_on=LAST))
    assert_kept_equals_full_count(engine, world)
    february = date(2026, 2, 1)
    with transaction(engine) as session:
        before = session.get(AttendanceMonth, (world.units[0], february))
        assert before is not None
        assert not isinstance(close_month(session, unit_id=world.units[0], month=february, by_person_id=world.recorder,
                                          today=world.today), list)
    with transaction(engine) as session:  # every client of group 0 was away on Monday 2 February, as it turned out
        group = session.get(Group, world.groups[0])
        entries = [day_list.Entry(person, day_list.ABSENT, absence_reason="ill") for person in world.persons[:4]]
        saved = day_list.save(session, group=group, day=date(2026, 2, 2), entries=entries,  # type: ignore[arg-type]
                              correction_reason="Väärin merkitty", by_person_id=world.recorder, today=world.today)
        assert saved and all(isinstance(person, int) for person in saved)
    assert_kept_equals_full_count(engine, world)
    with transaction(engine) as session:
        after = session.get(AttendanceMonth, (world.units[0], february))
        assert after is not None and after.not_present > before.not_present
    with transaction(engine) as session:  # Fridays of group 1 end on 27 March
        group = session.get(Group, world.groups[1])
        friday = session.exec(select(GroupSlot).where(GroupSlot.group_id == world.groups[1],
                                                      GroupSlot.weekday == 4)).one()
        assert isinstance(editing.end_slot(session, group=group, slot_id=friday.id, ends_on=date(2026, 3, 27),  # type: ignore[arg-type]
                                           today=world.today), GroupSlot)
    for today in (date(2026, 3, 31), date(2026, 4, 1), date(2026, 5, 4)):
        world.today = today
        assert_kept_equals_full_count(engine, world)
    with transaction(engine) as session:
        april = monthly_attendance_kept(session, unit_id=world.units[0], months=MONTHS, today=world.today)
        march = session.get(AttendanceMonth, (world.units[0], date(2026, 3, 1)))
    assert march is not None and date(2026, 4, 1) in april


def test_a_month_counted_with_other_public_holidays_is_counted_again(engine: Engine) -> None:
    world = build_world(engine)
    assert_kept_equals_full_count(engine, world)
    with transaction(engine) as session:  # as if counted before Epiphany was a holiday, or wrongly
        session.execute(text("UPDATE attendancemonth SET present = present + 100, holidays = 1 WHERE unit_id = :unit"),
                        {"unit": world.units[0]})
    assert_kept_equals_full_count(engine, world)


@pytest.mark.usefixtures("activity_day")  # the imported days must reach into ended months: not on a month's last day
def test_an_import_and_its_corrections_reach_the_kept_counts(engine: Engine, app, demo_data) -> None:  # type: ignore[no-untyped-def]
    """The import of a client-record system writes marks and group members of past months."""
    from tests.support.import_files import jari_file, run

    tupa = factories.unit_id(engine, "Toimintakeskus Tupa")
    now = today()
    months = sorted({(now - timedelta(days=back)).replace(day=1) for back in range(0, 120, 10)})

    def agree() -> dict[date, AttendanceCounts]:
        with transaction(engine) as session:
            kept = monthly_attendance_kept(session, unit_id=tupa, months=months, today=now)
        with Session(engine) as session:
            assert kept == monthly_attendance(session, unit_id=tupa, first=months[0], last=now)
        return kept

    before = agree()  # the ended months are kept now
    statuses = ("present", "present", "absent") * 8
    assert run(engine, app, json.dumps(jari_file(statuses)).encode()).created
    imported = agree()
    assert run(engine, app, json.dumps(jari_file(statuses[1:] + statuses[:1])).encode()).changed  # corrections
    corrected = agree()
    ended = [month for month in months if month < now.replace(day=1)]
    assert any(before.get(month) != imported.get(month) for month in ended)
    assert any(imported.get(month) != corrected.get(month) for month in ended)
