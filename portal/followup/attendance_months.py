"""The follow-up's attendance counts, kept per unit and month so that the
page does not count every expected day of two years on each view.

What is kept: `AttendanceMonth`, a unit's counts (present, not present, not
yet marked, persons) of a month that had ended when it was counted. Only
ended months are stored: their expected days no longer depend on today. The
current month is counted on each read from its first day up to today (about
a twentieth of two years), and a later month has nothing expected yet.

How it stays true: the database, not the code, notices the changes. The
triggers of migration 0012 run on every write to the tables the count
reads, whoever writes (the day list, corrections in a closed month,
schedule editing, absence notices, imports, the demo loaders, a script
with plain SQL): attendance marks, absence notices, group members, weekly
times (their weekday and first and last day), changes to one day (a
cancelled day) and a group's unit. Each adds a row to `AttendanceMonthStale`
naming the unit and the days whose counts may have changed (for a client's
mark or notice, the units whose groups the client is in on those days).

Each read first takes the whole stale log out in one statement (DELETE …
RETURNING) and drops the stored months that meet its days, then counts the
months it needs and does not have (portal/followup/attendance.py, the same
full count the tests compare with) and stores them. Reads take their turn
(SQLite's writer lock, which the DELETE takes; a transaction-level advisory
lock on PostgreSQL), so one read never stores a month counted from data
older than what another read has already seen the log of. A write that
commits while a read counts leaves its row in the log for the next read.

A month is also counted again when the public holidays it was counted with
(portal/schedule/calendar_days.py; a holiday is a day without activity) are
not today's, e.g. after an update of the `holidays` library.
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, bindparam, insert, text
from sqlalchemy import select as select_rows
from sqlmodel import Session

from portal.db import table
from portal.followup.attendance import AttendanceCounts, attendance_of_days, monthly_attendance
from portal.models import AttendanceMonth, AttendanceMonthStale
from portal.schedule.calendar_days import days_between, public_holidays

# pg_advisory_xact_lock's key for "a read of the kept counts is under way" (any number no other lock uses).
READ_LOCK = 190_001

_MONTH, _STALE = table(AttendanceMonth), table(AttendanceMonthStale)
_TAKE_STALE = _STALE.delete().returning(_STALE.c.unit_id, _STALE.c.first_day, _STALE.c.last_day)
_STORED = select_rows(_MONTH).where(_MONTH.c.unit_id == bindparam("unit"),
                                    _MONTH.c.month.in_(bindparam("months", expanding=True)))
_DROP = _MONTH.delete().where(and_(_MONTH.c.unit_id == bindparam("unit"), _MONTH.c.month >= bindparam("first"),
                                   _MONTH.c.month <= bindparam("last")))


def month_end(month: date) -> date:
    return month.replace(day=monthrange(month.year, month.month)[1])


def holiday_days(month: date) -> int:
    """The month's public holidays as bits: bit n-1 for day n."""
    return sum(1 << (day.day - 1) for day in public_holidays(month, month_end(month)))


def monthly_attendance_kept(session: Session, *, unit_id: int, months: Iterable[date],
                            today: date) -> dict[date, AttendanceCounts]:
    """The counts of these months (first days), as the full count gives them: a month
    without an expected day up to today is left out."""
    this_month = today.replace(day=1)
    asked = sorted(set(months))
    apply_changes(session)
    found = _ended_months(session, unit_id=unit_id, months=[month for month in asked if month < this_month])
    if this_month in asked:
        found.update(monthly_attendance(session, unit_id=unit_id, first=this_month, last=today))
    return {month: counts for month, counts in found.items() if counts != AttendanceCounts()}


def apply_changes(session: Session) -> int:
    """Take the stale log out and drop the stored months it meets; how many rows it had."""
    session.flush()  # the triggers see what the session has not written yet
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": READ_LOCK})
    connection = session.connection()
    changed = connection.execute(_TAKE_STALE).all()
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for unit_id, first_day, last_day in changed:
        spans[unit_id].append((first_day.replace(day=1), last_day or date.max))
    drops = [{"unit": unit_id, "first": first, "last": last}
             for unit_id, unit_spans in spans.items() for first, last in _merged(unit_spans)]
    if drops:
        connection.execute(_DROP, drops)
    return len(changed)


def _merged(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _ended_months(session: Session, *, unit_id: int, months: list[date]) -> dict[date, AttendanceCounts]:
    if not months:
        return {}
    connection = session.connection()
    stored = {row.month: row for row in connection.execute(_STORED, {"unit": unit_id, "months": months})}
    holidays = {month: holiday_days(month) for month in months}
    found = {month: AttendanceCounts(row.present, row.not_present, row.not_marked, row.persons)
             for month, row in stored.items() if row.holidays == holidays[month]}
    missing = [month for month in months if month not in found]
    if not missing:
        return found
    outdated = [{"unit": unit_id, "first": month, "last": month} for month in missing if month in stored]
    if outdated:  # counted with other public holidays
        connection.execute(_DROP, outdated)
    counted = attendance_of_days(session, unit_id=unit_id,
                                 days=[day for month in missing for day in days_between(month, month_end(month))])
    for month in missing:
        found[month] = counted.get(month, AttendanceCounts())
    connection.execute(insert(_MONTH), [
        {"unit_id": unit_id, "month": month, "present": found[month].present, "not_present": found[month].not_present,
         "not_marked": found[month].not_marked, "persons": found[month].persons, "holidays": holidays[month]}
        for month in missing])
    return found
