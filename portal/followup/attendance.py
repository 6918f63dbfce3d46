"""Attendance of a unit per month, counted in the database from every
expected day: the full count. The follow-up page reads past months from the
counts kept by portal/followup/attendance_months.py, which uses this count
for a month it does not have and for the current month; tests compare the
two.

The expected days are those of portal.schedule.week.expected_clients, as
one set-based query: a client is expected on a day when a group of the unit
has a weekly time in effect on that weekday, the slot is not cancelled that day, the client
is a member of the group that day, and the day is not a public holiday.
A client in two groups (or two slots) on one day is one expected day.

What counts, for each expected day up to today:
- present: a mark that says present, also a day attended in part;
- not present: a mark that says absent, or no mark and an absence notice;
- not yet marked: no mark and no notice. These days are left out of the
  rate (staff may still mark them) and shown as their own count.
A mark on a day the client was not expected is not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, Integer, Subquery, and_, case, column, exists, func, values
from sqlmodel import Session, col, select

from portal.models import AbsenceNotice, AttendanceMark, Group, GroupMember, GroupSlot, SlotChange
from portal.schedule.calendar_days import days_between, public_holidays
from portal.schedule.week import in_effect_between


PRESENT, NOT_PRESENT, NOT_MARKED = 1, 2, 3


@dataclass(frozen=True)
class AttendanceCounts:
    present: int = 0  # days
    not_present: int = 0  # days
    not_marked: int = 0  # days, left out of the rate
    persons: int = 0  # clients whose present or not-present days are counted


def monthly_attendance(session: Session, *, unit_id: int, first: date, last: date) -> dict[date, AttendanceCounts]:
    """Counts per month (keyed by its first day) from `first` to `last`: one statement, grouped by month."""
    return attendance_of_days(session, unit_id=unit_id, days=days_between(first, last))


def attendance_of_days(session: Session, *, unit_id: int, days: Iterable[date]) -> dict[date, AttendanceCounts]:
    """Counts per month of these days (public holidays among them are left out); a month
    without an expected day is left out."""
    classified = _classified(unit_id, days)
    if classified is None:
        return {}
    rows = session.exec(
        select(classified.c.month,
               *(func.sum(case((classified.c.state == value, 1), else_=0)) for value in (PRESENT, NOT_PRESENT, NOT_MARKED)),
               func.count(func.distinct(case((classified.c.state != NOT_MARKED, classified.c.person_id), else_=None))))
        .group_by(classified.c.month)
    ).all()
    return {_as_date(month): AttendanceCounts(int(p or 0), int(n or 0), int(u or 0), int(persons or 0))
            for month, p, n, u, persons in rows}


def client_attendance_of_days(session: Session, *, unit_id: int,
                              days: Iterable[date]) -> dict[date, dict[int, AttendanceCounts]]:
    """The same count per month and client (`persons` is 1 when the client's present or
    not-present days are counted): for counts kept in parts, whose persons are a union."""
    classified = _classified(unit_id, days)
    if classified is None:
        return {}
    found: dict[date, dict[int, AttendanceCounts]] = {}
    for month, person_id, p, n, u in session.exec(
            select(classified.c.month, classified.c.person_id,
                   *(func.sum(case((classified.c.state == value, 1), else_=0))
                     for value in (PRESENT, NOT_PRESENT, NOT_MARKED)))
            .group_by(classified.c.month, classified.c.person_id)).all():
        found.setdefault(_as_date(month), {})[person_id] = AttendanceCounts(
            int(p or 0), int(n or 0), int(u or 0), int(bool(p or n)))
    return found


def _classified(unit_id: int, days: Iterable[date]) -> Subquery | None:
    """Each expected day of these days (person_id, month, state), or None when there is none to look for."""
    listed = list(days)
    if not listed:
        return None
    holidays = public_holidays(min(listed), max(listed))
    calendar = [(day, day.weekday(), day.replace(day=1)) for day in listed if day not in holidays]
    if not calendar:
        return None
    day_table = values(column("day", Date), column("weekday", Integer), column("month", Date), name="days").data(
        calendar).cte("days")
    cancelled = exists().where(SlotChange.slot_id == GroupSlot.id, SlotChange.on_date == day_table.c.day,
                               col(SlotChange.cancelled).is_(True))
    expected = (
        select(GroupMember.person_id.label("person_id"), day_table.c.day.label("day"),  # type: ignore[attr-defined]
               day_table.c.month.label("month"))
        .select_from(day_table)
        .join(GroupSlot, and_(col(GroupSlot.weekday) == day_table.c.weekday,
                              in_effect_between(GroupSlot.valid_from, GroupSlot.valid_until, day_table.c.day, day_table.c.day)))
        .join(Group, and_(col(Group.id) == col(GroupSlot.group_id), Group.unit_id == unit_id))
        .join(GroupMember, and_(col(GroupMember.group_id) == col(GroupSlot.group_id),
                                in_effect_between(GroupMember.starts_on, GroupMember.ends_on, day_table.c.day, day_table.c.day)))
        .where(~cancelled)
        .distinct()
        .subquery("expected")
    )
    noticed = exists().where(AbsenceNotice.person_id == expected.c.person_id, col(AbsenceNotice.cancelled_at).is_(None),
                             col(AbsenceNotice.starts_on) <= expected.c.day, col(AbsenceNotice.ends_on) >= expected.c.day)
    # Each expected day once: 1 present, 2 not present, 3 not yet marked (the notice is looked up only
    # for a day without a mark).
    state = case((col(AttendanceMark.id).is_(None), case((noticed, NOT_PRESENT), else_=NOT_MARKED)),
                 (col(AttendanceMark.present).is_(True), PRESENT), else_=NOT_PRESENT)
    return (
        select(expected.c.person_id, expected.c.month, state.label("state"))
        .select_from(expected)
        .join(AttendanceMark, and_(col(AttendanceMark.person_id) == expected.c.person_id,
                                   col(AttendanceMark.on_date) == expected.c.day), isouter=True)
        .subquery("classified")
    )


def _as_date(value: date | str) -> date:
    # SQLite hands a grouped VALUES column back as text.
    return value if isinstance(value, date) else date.fromisoformat(value)
