"""The day list of one group: who is expected (from the schedule), their
absence notices and marks, saved for the whole group at once.

A mark that changes is corrected, never overwritten silently: the values
before, the new values and the reason go into AttendanceCorrection beside it.
All rows are checked before anything is stored (all or nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import update
from sqlmodel import Session, col, select

from portal.models import (
    AbsenceReason,
    AttendanceCorrection,
    AttendanceMark,
    ClientPeriod,
    Group,
    MonthClosing,
    Person,
    Service,
)
from portal.money.earnings import MAX_REHABILITATIVE_DAYS_A_WEEK
from portal.plans.rules import Problem
from portal.schedule import week

PRESENT, ABSENT, PART = "present", "absent", "part"
MIN_HOURS, MAX_HOURS = Decimal("0.5"), Decimal("12")
REASONS = frozenset(reason.value for reason in AbsenceReason)


@dataclass(frozen=True)
class CorrectionView:
    was: str  # "", present, part or absent ("" when there was no mark)
    now: str
    reason: str


@dataclass(frozen=True)
class Row:
    person_id: int
    name: str
    absence: week.AbsenceMark | None
    status: str  # "", present, absent or part
    hours: Decimal | None
    absence_reason: str
    corrections: tuple[CorrectionView, ...] = ()  # the day's history, oldest first, beside the current mark


@dataclass(frozen=True)
class DayList:
    group_id: int
    group_name: str
    day: date
    activity: str  # "" when the group has no time that day
    rows: list[Row]
    closed: bool = False  # the month is paid and locked: changes are carried into the next month


@dataclass(frozen=True)
class Entry:
    person_id: int
    status: str
    hours: Decimal | None = None
    absence_reason: str = ""


def _status(present: bool, hours: Decimal | None) -> str:
    if not present:
        return ABSENT
    return PART if hours is not None else PRESENT


def status_of(mark: AttendanceMark | None) -> str:
    return "" if mark is None else _status(mark.present, mark.hours)


def _expected(session: Session, group: Group, day: date) -> tuple[str, dict[int, week.ExpectedClient]]:
    activity, expected = "", {}
    for group_day in week.unit_day(session, unit_ids=[group.unit_id], day=day):
        if group_day.occurrence.group_id != group.id:
            continue
        activity = activity or group_day.occurrence.activity
        for client in group_day.expected:
            expected.setdefault(client.person_id, client)
    return activity, expected


def _marks(session: Session, person_ids: list[int], day: date) -> dict[int, AttendanceMark]:
    if not person_ids:
        return {}
    rows = session.exec(select(AttendanceMark).where(col(AttendanceMark.person_id).in_(person_ids),
                                                     AttendanceMark.on_date == day)).all()
    return {mark.person_id: mark for mark in rows}


def day_list(session: Session, *, group: Group, day: date) -> DayList:
    activity, expected = _expected(session, group, day)
    marks = _marks(session, list(expected), day)
    history: dict[int, list[CorrectionView]] = {}
    if marks:
        for correction in session.exec(select(AttendanceCorrection).where(
                col(AttendanceCorrection.mark_id).in_([mark.id for mark in marks.values()]))
                .order_by(AttendanceCorrection.recorded_at, AttendanceCorrection.id)).all():
            was = "" if correction.was_absence_reason == "unmarked" else _status(
                correction.was_present, correction.was_hours)
            history.setdefault(correction.mark_id, []).append(
                CorrectionView(was, _status(correction.present, correction.hours), correction.reason))
    rows = []
    for person_id, client in sorted(expected.items(), key=lambda item: item[1].name):
        mark = marks.get(person_id)
        rows.append(Row(person_id, client.name, client.absence, status_of(mark), mark.hours if mark else None,
                        mark.absence_reason if mark else "",
                        tuple(history.get(mark.id, [])) if mark else ()))  # type: ignore[arg-type]
    return DayList(group.id, group.name, day, activity, rows, _closed(session, group.unit_id, day))  # type: ignore[arg-type]


def _service_on(session: Session, person_ids: list[int], day: date) -> dict[int, str]:
    return {period.person_id: period.service for period in session.exec(
        select(ClientPeriod).where(col(ClientPeriod.person_id).in_(person_ids), col(ClientPeriod.starts_on) <= day,
                                   col(ClientPeriod.ends_on) >= day))}


def _present_days_in_week(session: Session, person_ids: list[int], day: date) -> dict[int, int]:
    monday = day - timedelta(days=day.weekday())
    counts: dict[int, int] = {}
    for person_id in session.exec(
        select(AttendanceMark.person_id).where(col(AttendanceMark.person_id).in_(person_ids),
                                               col(AttendanceMark.on_date) >= monday,
                                               col(AttendanceMark.on_date) <= monday + timedelta(days=6),
                                               AttendanceMark.on_date != day, col(AttendanceMark.present).is_(True))
    ).all():
        counts[person_id] = counts.get(person_id, 0) + 1
    return counts


def problems(session: Session, *, group: Group, day: date, entries: list[Entry], correction_reason: str,
             today: date) -> list[tuple[int, Problem]]:
    """Every broken rule, each with the row it belongs to (-1: the whole form)."""
    if day > today:
        return [(-1, Problem("day", "attendance_future"))]
    _activity, expected = _expected(session, group, day)
    seen: set[int] = set()
    found: list[tuple[int, Problem]] = []
    for index, entry in enumerate(entries):
        if entry.person_id in seen:
            found.append((index, Problem("status", "attendance_duplicate")))
        elif entry.person_id not in expected:
            found.append((index, Problem("status", "attendance_not_expected")))
        seen.add(entry.person_id)
    if found:
        return found
    ids = [entry.person_id for entry in entries if entry.status]
    services = _service_on(session, ids, day)
    in_week = _present_days_in_week(session, ids, day)
    marks = _marks(session, ids, day)
    changes = False
    for index, entry in enumerate(entries):
        if not entry.status:
            continue
        if entry.status not in (PRESENT, ABSENT, PART):
            found.append((index, Problem("status", "attendance_choose")))
            continue
        if entry.person_id not in services:
            found.append((index, Problem("status", "attendance_outside_period")))
            continue
        if entry.status == PART and (entry.hours is None or not MIN_HOURS <= entry.hours <= MAX_HOURS):
            found.append((index, Problem("hours", "attendance_hours", (("max", int(MAX_HOURS)),))))
        if entry.status == ABSENT and entry.absence_reason not in REASONS:
            found.append((index, Problem("absence_reason", "attendance_reason")))
        if (entry.status != ABSENT and services[entry.person_id] == Service.REHABILITATIVE_WORK.value
                and in_week.get(entry.person_id, 0) >= MAX_REHABILITATIVE_DAYS_A_WEEK):
            found.append((index, Problem("status", "attendance_week_limit",
                                         (("days", MAX_REHABILITATIVE_DAYS_A_WEEK),))))
        mark = marks.get(entry.person_id)
        if mark is not None and _differs(mark, entry):
            changes = True
    if not correction_reason.strip():
        # A closed month is paid already: anything new in it is a correction, carried into the next month.
        if any(entry.status for entry in entries) and _closed(session, group.unit_id, day) and any(
                entry.person_id not in marks or _differs(marks[entry.person_id], entry)
                for entry in entries if entry.status):
            found.append((-1, Problem("correction_reason", "correction_reason_closed")))
        elif changes:
            found.append((-1, Problem("correction_reason", "correction_reason")))
    return found


def _closed(session: Session, unit_id: int, day: date) -> bool:
    return session.exec(select(MonthClosing.id).where(MonthClosing.unit_id == unit_id,
                                                      MonthClosing.month == day.replace(day=1))).first() is not None


def _values(entry: Entry) -> tuple[bool, Decimal | None, str]:
    present = entry.status != ABSENT
    return present, entry.hours if entry.status == PART else None, entry.absence_reason if not present else ""


def _differs(mark: AttendanceMark, entry: Entry) -> bool:
    present, hours, reason = _values(entry)
    return (mark.present, mark.hours, mark.absence_reason) != (present, hours, reason)


def save(session: Session, *, group: Group, day: date, entries: list[Entry], correction_reason: str,
         by_person_id: int, today: date) -> list[tuple[int, Problem]] | list[int]:
    """Store the group's day; the ids of the clients whose day changed, or the problems."""
    # One save of a group's day at a time: a no-op write takes the group's row lock on
    # PostgreSQL (and the write lock on SQLite) before the marks are read.
    session.execute(update(Group).where(col(Group.id) == group.id).values(id=Group.id))
    found = problems(session, group=group, day=day, entries=entries, correction_reason=correction_reason, today=today)
    if found:
        return found
    marks = _marks(session, [entry.person_id for entry in entries], day)
    closed = _closed(session, group.unit_id, day)
    changed = []
    for entry in entries:
        if not entry.status:
            continue
        present, hours, reason = _values(entry)
        mark = marks.get(entry.person_id)
        if mark is None:
            mark = AttendanceMark(person_id=entry.person_id, on_date=day, present=present, hours=hours,
                                  absence_reason=reason, recorded_by_person_id=by_person_id)
            session.add(mark)
            if closed:  # the reason for a late mark in a paid month is kept too
                session.flush()
                session.add(AttendanceCorrection(
                    mark_id=mark.id, person_id=entry.person_id, on_date=day, was_present=False,  # type: ignore[arg-type]
                    was_absence_reason="unmarked", present=present, hours=hours, absence_reason=reason,
                    reason=correction_reason.strip()[:200], recorded_by_person_id=by_person_id))
        elif _differs(mark, entry):
            session.add(AttendanceCorrection(
                mark_id=mark.id, person_id=entry.person_id, on_date=day, was_present=mark.present,  # type: ignore[arg-type]
                was_hours=mark.hours, was_absence_reason=mark.absence_reason, present=present, hours=hours,
                absence_reason=reason, reason=correction_reason.strip()[:200], recorded_by_person_id=by_person_id))
            mark.present, mark.hours, mark.absence_reason = present, hours, reason
            session.add(mark)
        else:
            continue
        changed.append(entry.person_id)
    session.flush()
    return changed


def names(session: Session, person_ids: list[int]) -> dict[int, str]:
    return {person.id: f"{person.given_name} {person.family_name}"  # type: ignore[misc]
            for person in session.exec(select(Person).where(col(Person.id).in_(person_ids)))}
