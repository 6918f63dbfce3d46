"""The schedule as people see it: a client's days, a unit's day, and the
clients expected on a day (the one source issue 10 counts attendance from)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time

from typing import Any

from sqlalchemy import ColumnElement, Row, and_, bindparam, or_
from sqlalchemy import select as select_rows
from sqlmodel import Session, col

from portal.db import rows, table
from portal.models import AbsenceNotice, Group, GroupMember, GroupSlot, Person, SlotChange, Unit
from portal.schedule.calendar_days import days_between, public_holidays


@dataclass(frozen=True)
class Occurrence:
    """One slot of a group on one day, with that day's change applied."""

    slot_id: int
    group_id: int
    group_name: str
    unit_name: str
    day: date
    starts_at: time
    ends_at: time
    activity: str
    place: str
    guide_name: str
    changed: bool = False
    cancelled: bool = False
    note: str = ""  # what changes, in words


@dataclass(frozen=True)
class AbsenceMark:
    notice_id: int
    reason: str


@dataclass(frozen=True)
class Day:
    day: date
    holiday: str | None
    occurrences: list[Occurrence]
    absence: AbsenceMark | None

    @property
    def activities(self) -> list[Occurrence]:
        """What takes place: not on a holiday, not cancelled."""
        if self.holiday:
            return []
        return [occurrence for occurrence in self.occurrences if not occurrence.cancelled]


@dataclass(frozen=True)
class ExpectedClient:
    person_id: int
    name: str
    absence: AbsenceMark | None


@dataclass(frozen=True)
class GroupDay:
    occurrence: Occurrence
    expected: list[ExpectedClient] = field(default_factory=list)


# The one rule for anything that runs from a first day to a last day (None: it goes on):
# a client's time in a group and a group's weekly time. In Python for one day, in SQL for a range.

def in_effect(first_day: date, last_day: date | None, day: date) -> bool:
    return first_day <= day and (last_day is None or day <= last_day)


def in_effect_between(first_day: object, last_day: object, first: date, last: date) -> ColumnElement[bool]:
    """SQL: the row's days (columns first_day..last_day) meet the days first..last."""
    return and_(col(first_day) <= last, not_ended(last_day, first))


def not_ended(last_day: object, today: date) -> ColumnElement[bool]:
    """SQL: the row's last day (a column; None: it goes on) is today or later."""
    return or_(col(last_day).is_(None), col(last_day) >= today)


def slot_covers(slot: GroupSlot | Row[Any], day: date) -> bool:
    """A weekly time takes place on this day: its weekday, and from its first day to its last."""
    return slot.weekday == day.weekday() and in_effect(slot.valid_from, slot.valid_until, day)


def slots_between(first: date, last: date) -> ColumnElement[bool]:
    """SQL: the weekly times in effect on some day from first to last."""
    return in_effect_between(GroupSlot.valid_from, GroupSlot.valid_until, first, last)


def members_between(first: date, last: date) -> ColumnElement[bool]:
    """SQL: the clients' times in a group that meet the days first..last."""
    return in_effect_between(GroupMember.starts_on, GroupMember.ends_on, first, last)


_SLOT, _GROUP, _UNIT, _GUIDE, _CHANGE, _MEMBER = (
    table(GroupSlot), table(Group), table(Unit), table(Person).alias("guide"), table(SlotChange), table(GroupMember))
_FIRST, _LAST = bindparam("first"), bindparam("last")

# The reads of a schedule, built once (see db.rows). A slot row carries the
# weekly time's columns and the names shown with it.
_SLOTS = (
    select_rows(_SLOT, _GROUP.c.name.label("group_name"), _UNIT.c.name.label("unit_name"),
                _GUIDE.c.given_name.label("guide_given_name"), _GUIDE.c.family_name.label("guide_family_name"))
    .join(_GROUP, _GROUP.c.id == _SLOT.c.group_id)
    .join(_UNIT, _UNIT.c.id == _GROUP.c.unit_id)
    .join(_GUIDE, _GUIDE.c.id == _SLOT.c.guide_person_id, isouter=True)
    .where(_SLOT.c.group_id.in_(bindparam("group_ids", expanding=True)),
           in_effect_between(_SLOT.c.valid_from, _SLOT.c.valid_until, _FIRST, _LAST))  # type: ignore[arg-type]
    .order_by(_SLOT.c.starts_at, _GROUP.c.name, _SLOT.c.id)
)
_CHANGES = select_rows(_CHANGE).where(_CHANGE.c.slot_id.in_(bindparam("slot_ids", expanding=True)),
                                      _CHANGE.c.on_date >= _FIRST, _CHANGE.c.on_date <= _LAST)
_MEMBERSHIPS = select_rows(_MEMBER).where(
    _MEMBER.c.person_id == bindparam("person_id"),
    in_effect_between(_MEMBER.c.starts_on, _MEMBER.c.ends_on, _FIRST, _LAST))  # type: ignore[arg-type]
_MEMBERSHIPS_OF = select_rows(_MEMBER).where(
    _MEMBER.c.person_id.in_(bindparam("person_ids", expanding=True)),
    in_effect_between(_MEMBER.c.starts_on, _MEMBER.c.ends_on, _FIRST, _LAST))  # type: ignore[arg-type]


_PERSON, _NOTICE = table(Person), table(AbsenceNotice)
_GROUPS_OF_UNITS = select_rows(_GROUP.c.id).where(_GROUP.c.unit_id.in_(bindparam("unit_ids", expanding=True)))
_MEMBERS_OF_GROUPS = (
    select_rows(_MEMBER.c.group_id, _MEMBER.c.person_id, _PERSON.c.given_name, _PERSON.c.family_name)
    .join(_PERSON, _PERSON.c.id == _MEMBER.c.person_id)
    .where(_MEMBER.c.group_id.in_(bindparam("group_ids", expanding=True)),
           in_effect_between(_MEMBER.c.starts_on, _MEMBER.c.ends_on, _FIRST, _LAST))  # type: ignore[arg-type]
    .order_by(_PERSON.c.family_name, _PERSON.c.given_name)
)
_NOTICES_BETWEEN = select_rows(_NOTICE).where(
    _NOTICE.c.person_id.in_(bindparam("person_ids", expanding=True)), _NOTICE.c.cancelled_at.is_(None),
    _NOTICE.c.starts_on <= _LAST, _NOTICE.c.ends_on >= _FIRST)


def _slots(session: Session, group_ids: Iterable[int], first: date, last: date) -> list[Row[Any]]:
    ids = list(group_ids)
    if not ids:
        return []
    return rows(session, _SLOTS, group_ids=ids, first=first, last=last)


def _changes(session: Session, slot_ids: list[int], first: date, last: date) -> dict[tuple[int, date], Row[Any]]:
    if not slot_ids:
        return {}
    return {(change.slot_id, change.on_date): change
            for change in rows(session, _CHANGES, slot_ids=slot_ids, first=first, last=last)}


def _occurrence(slot: Row[Any], day: date, change: Row[Any] | None) -> Occurrence:
    guide = f"{slot.guide_given_name} {slot.guide_family_name}" if slot.guide_given_name is not None else ""
    base = Occurrence(
        slot.id, slot.group_id, slot.group_name, slot.unit_name, day, slot.starts_at, slot.ends_at,
        slot.activity, slot.place, guide,
    )
    if change is None:
        return base
    return Occurrence(
        base.slot_id, base.group_id, base.group_name, base.unit_name, day,
        change.starts_at or base.starts_at, change.ends_at or base.ends_at,
        change.activity or base.activity, change.place or base.place, base.guide_name,
        changed=True, cancelled=change.cancelled, note=change.note,
    )


def absences_between(session: Session, person_ids: Iterable[int], first: date, last: date) -> dict[tuple[int, date], AbsenceMark]:
    ids = list(person_ids)
    if not ids:
        return {}
    return absence_marks(rows(session, _NOTICES_BETWEEN, person_ids=ids, first=first, last=last), first, last)


def absence_marks(notices: Iterable[AbsenceNotice | Row[Any]], first: date, last: date) -> dict[tuple[int, date], AbsenceMark]:
    """Pure: each day from first to last that a notice (not cancelled) covers; where
    notices overlap, the later one (by id) is the day's."""
    marks: dict[tuple[int, date], AbsenceMark] = {}
    for notice in sorted(notices, key=lambda notice: notice.id or 0):
        if notice.cancelled_at is not None:
            continue
        for day in days_between(max(first, notice.starts_on), min(last, notice.ends_on)):
            marks[(notice.person_id, day)] = AbsenceMark(notice.id, notice.reason)  # type: ignore[arg-type]
    return marks


def client_days(session: Session, *, person_id: int, first: date, last: date,
                notices: Iterable[AbsenceNotice] | None = None) -> list[Day]:
    """Every day from first to last: holiday, the client's group times, their absence.

    `notices`: the client's notices when the page has already read every one
    that is not cancelled and ends on `first` or later."""
    members = rows(session, _MEMBERSHIPS, person_id=person_id, first=first, last=last)
    slots = _slots(session, {member.group_id for member in members}, first, last)
    changes = _changes(session, [slot.id for slot in slots], first, last)
    absences = absence_marks(notices, first, last) if notices is not None else absences_between(
        session, [person_id], first, last)
    return _days(person_id, first, last, members, slots, changes, public_holidays(first, last), absences)


def clients_days(session: Session, *, person_ids: Iterable[int], first: date, last: date) -> dict[int, list[Day]]:
    """`client_days` of many clients, each kind of row read once for them all
    (the caller keeps the list of ids to a few hundred)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    members_of: dict[int, list[Row[Any]]] = {person_id: [] for person_id in ids}
    for member in rows(session, _MEMBERSHIPS_OF, person_ids=ids, first=first, last=last):
        members_of[member.person_id].append(member)
    slots = _slots(session, {member.group_id for members in members_of.values() for member in members}, first, last)
    changes = _changes(session, [slot.id for slot in slots], first, last)
    holidays = public_holidays(first, last)
    absences = absences_between(session, ids, first, last)
    result = {}
    for person_id, members in members_of.items():
        groups = {member.group_id for member in members}
        result[person_id] = _days(person_id, first, last, members, [slot for slot in slots if slot.group_id in groups],
                                  changes, holidays, absences)
    return result


def _days(person_id: int, first: date, last: date, members: list[Row[Any]], slots: list[Row[Any]],
          changes: dict[tuple[int, date], Row[Any]], holidays: dict[date, str],
          absences: dict[tuple[int, date], AbsenceMark]) -> list[Day]:
    """Pure: one client's days from the rows read (their memberships, their groups' slots)."""
    days = []
    for day in days_between(first, last):
        groups_today = {member.group_id for member in members if in_effect(member.starts_on, member.ends_on, day)}
        occurrences = [_occurrence(slot, day, changes.get((slot.id, day)))
                       for slot in slots if slot_covers(slot, day) and slot.group_id in groups_today]
        days.append(Day(day, holidays.get(day), occurrences, absences.get((person_id, day))))
    return days


def unit_day(session: Session, *, unit_ids: Iterable[int], day: date) -> list[GroupDay]:
    """The groups of these units on one day, each with the clients expected in it."""
    if public_holidays(day, day):
        return []
    groups = [row.id for row in rows(session, _GROUPS_OF_UNITS, unit_ids=list(unit_ids))]
    slots = [slot for slot in _slots(session, groups, day, day) if slot_covers(slot, day)]
    changes = _changes(session, [slot.id for slot in slots], day, day)
    members = rows(session, _MEMBERS_OF_GROUPS, group_ids=[slot.group_id for slot in slots], first=day,
                   last=day) if slots else []
    absences = absences_between(session, {member.person_id for member in members}, day, day)
    result = []
    for slot in slots:
        occurrence = _occurrence(slot, day, changes.get((slot.id, day)))
        expected = [] if occurrence.cancelled else [
            ExpectedClient(member.person_id, f"{member.given_name} {member.family_name}",
                           absences.get((member.person_id, day)))
            for member in members if member.group_id == slot.group_id
        ]
        result.append(GroupDay(occurrence, expected))
    return result


def expected_clients(session: Session, *, unit_id: int, day: date) -> list[ExpectedClient]:
    """The clients expected in a unit on a day, once each, with any absence notice.

    Nobody is expected on a public holiday or in a cancelled slot.
    """
    seen: dict[int, ExpectedClient] = {}
    for group_day in unit_day(session, unit_ids=[unit_id], day=day):
        for client in group_day.expected:
            seen.setdefault(client.person_id, client)
    return sorted(seen.values(), key=lambda client: client.name)
