"""The schedule as people see it: a client's days, a unit's day, and the
clients expected on a day (the one source issue 10 counts attendance from)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

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


def slot_covers(slot: GroupSlot, day: date) -> bool:
    """A weekly time takes place on this day: its weekday, and from its first day to its last."""
    return slot.weekday == day.weekday() and in_effect(slot.valid_from, slot.valid_until, day)


def slots_between(first: date, last: date) -> ColumnElement[bool]:
    """SQL: the weekly times in effect on some day from first to last."""
    return in_effect_between(GroupSlot.valid_from, GroupSlot.valid_until, first, last)


def members_between(first: date, last: date) -> ColumnElement[bool]:
    """SQL: the clients' times in a group that meet the days first..last."""
    return in_effect_between(GroupMember.starts_on, GroupMember.ends_on, first, last)


def _slots(session: Session, group_ids: Iterable[int], first: date,
           last: date) -> list[tuple[GroupSlot, Group, Unit, Person | None]]:
    ids = list(group_ids)
    if not ids:
        return []
    return list(session.exec(
        select(GroupSlot, Group, Unit, Person)
        .join(Group, col(Group.id) == col(GroupSlot.group_id))
        .join(Unit, col(Unit.id) == col(Group.unit_id))
        .join(Person, col(Person.id) == col(GroupSlot.guide_person_id), isouter=True)
        .where(col(GroupSlot.group_id).in_(ids), slots_between(first, last))
        .order_by(GroupSlot.starts_at, Group.name)
    ).all())


def _changes(session: Session, slot_ids: list[int], first: date, last: date) -> dict[tuple[int, date], SlotChange]:
    if not slot_ids:
        return {}
    rows = session.exec(
        select(SlotChange).where(col(SlotChange.slot_id).in_(slot_ids), col(SlotChange.on_date) >= first,
                                 col(SlotChange.on_date) <= last)
    ).all()
    return {(change.slot_id, change.on_date): change for change in rows}


def _occurrence(slot: GroupSlot, group: Group, unit: Unit, guide: Person | None, day: date,
                change: SlotChange | None) -> Occurrence:
    base = Occurrence(
        slot.id, group.id, group.name, unit.name, day, slot.starts_at, slot.ends_at,  # type: ignore[arg-type]
        slot.activity, slot.place, f"{guide.given_name} {guide.family_name}" if guide else "",
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
    return absence_marks(session.exec(
        select(AbsenceNotice).where(col(AbsenceNotice.person_id).in_(ids), col(AbsenceNotice.cancelled_at).is_(None),
                                    col(AbsenceNotice.starts_on) <= last, col(AbsenceNotice.ends_on) >= first)
    ).all(), first, last)


def absence_marks(notices: Iterable[AbsenceNotice], first: date, last: date) -> dict[tuple[int, date], AbsenceMark]:
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
    members = session.exec(
        select(GroupMember).where(GroupMember.person_id == person_id, members_between(first, last))
    ).all()
    slots = _slots(session, {member.group_id for member in members}, first, last)
    changes = _changes(session, [slot.id for slot, *_ in slots], first, last)  # type: ignore[misc]
    holidays = public_holidays(first, last)
    absences = absence_marks(notices, first, last) if notices is not None else absences_between(
        session, [person_id], first, last)
    days = []
    for day in days_between(first, last):
        groups_today = {member.group_id for member in members if in_effect(member.starts_on, member.ends_on, day)}
        occurrences = [
            _occurrence(slot, group, unit, guide, day, changes.get((slot.id, day)))  # type: ignore[arg-type]
            for slot, group, unit, guide in slots
            if slot_covers(slot, day) and slot.group_id in groups_today
        ]
        days.append(Day(day, holidays.get(day), occurrences, absences.get((person_id, day))))
    return days


def unit_day(session: Session, *, unit_ids: Iterable[int], day: date) -> list[GroupDay]:
    """The groups of these units on one day, each with the clients expected in it."""
    if public_holidays(day, day):
        return []
    groups = session.exec(select(Group.id).where(col(Group.unit_id).in_(list(unit_ids)))).all()
    slots = [row for row in _slots(session, groups, day, day) if slot_covers(row[0], day)]
    changes = _changes(session, [slot.id for slot, *_ in slots], day, day)  # type: ignore[misc]
    members = session.exec(
        select(GroupMember, Person).join(Person, col(Person.id) == col(GroupMember.person_id))
        .where(col(GroupMember.group_id).in_([slot.group_id for slot, *_ in slots]), members_between(day, day))
        .order_by(Person.family_name, Person.given_name)
    ).all() if slots else []
    absences = absences_between(session, {member.person_id for member, _ in members}, day, day)
    result = []
    for slot, group, unit, guide in slots:
        occurrence = _occurrence(slot, group, unit, guide, day, changes.get((slot.id, day)))  # type: ignore[arg-type]
        expected = [] if occurrence.cancelled else [
            ExpectedClient(person.id, f"{person.given_name} {person.family_name}",  # type: ignore[arg-type]
                           absences.get((person.id, day)))  # type: ignore[arg-type]
            for member, person in members if member.group_id == slot.group_id
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
