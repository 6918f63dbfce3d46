"""The follow-up's attendance counts, kept per unit and month so that the
page does not count every expected day of two years on each view.

What is kept: `AttendanceMonth`, a unit's counts of one month (present, not
present, not yet marked, persons) from its first day to `counted_through`:
the month's last day once the month is over, and yesterday while it goes
on. Only today is counted on each read: its marks change all day, and the
days after it are not expected yet. A kept part of the current month carries
the ids of the clients it counted, so that the next days' clients can be
added to the month's persons; a read on a later day counts only the days in
between and keeps the longer part.

How it stays true: the database, not the code, notices the changes. The
triggers of migration 0013 run on every write to the tables the count reads,
whoever writes (the day list, corrections in a closed month, schedule
editing, absence notices, imports, the demo loaders, a script with plain
SQL): attendance marks, absence notices, group members, weekly times (their
weekday and first and last day), changes to one day (a cancelled day) and a
group's unit. Each adds a row to `AttendanceMonthStale` naming the unit and
the days whose counts may have changed (for a client's mark or notice, the
units whose groups the client is in on those days).

Each read first takes the whole stale log out in one statement (DELETE …
RETURNING) and drops the kept counts that include any of its days, then
counts what it needs and does not have with the full count
(portal/followup/attendance.py, which the tests compare this with) and keeps
it. Reads take their turn (SQLite's writer lock, which that DELETE takes; a
transaction-level advisory lock on PostgreSQL), so no read keeps counts made
from data older than a stale row another read has already taken out. A
write that commits while a read counts leaves its row for the next read.
Writers never wait for readers.

A month is also counted again when the public holidays it was counted with
(portal/schedule/calendar_days.py: a holiday is a day without activity) are
not the ones known now, e.g. after an update of the `holidays` library.
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Row, and_, bindparam, insert, text
from sqlalchemy import select as select_rows
from sqlmodel import Session

from portal.db import table
from portal.followup.attendance import AttendanceCounts, attendance_of_days, client_attendance_of_days
from portal.models import AttendanceMonth, AttendanceMonthStale
from portal.schedule.calendar_days import days_between, public_holidays

# pg_advisory_xact_lock's key for "a read of the kept counts is under way" (any number no other lock uses).
READ_LOCK = 190_001
DAY = timedelta(days=1)

_MONTH, _STALE = table(AttendanceMonth), table(AttendanceMonthStale)
_TAKE_STALE = _STALE.delete().returning(_STALE.c.unit_id, _STALE.c.first_day, _STALE.c.last_day)
_DROP_MEETING = _MONTH.delete().where(and_(_MONTH.c.unit_id == bindparam("unit"), _MONTH.c.month <= bindparam("last"),
                                           _MONTH.c.counted_through >= bindparam("first")))
_STORED = select_rows(_MONTH).where(_MONTH.c.unit_id == bindparam("unit"),
                                    _MONTH.c.month.in_(bindparam("months", expanding=True)))
_FORGET = _MONTH.delete().where(and_(_MONTH.c.unit_id == bindparam("unit"), _MONTH.c.month == bindparam("at")))


def month_end(month: date) -> date:
    return month.replace(day=monthrange(month.year, month.month)[1])


def holiday_days(month: date) -> int:
    """The month's public holidays as bits: bit n-1 for day n."""
    return sum(1 << (day.day - 1) for day in public_holidays(month, month_end(month)))


@dataclass(frozen=True)
class Part:
    """A month's counts from its first day to `through`; `clients` is None once the month is whole."""

    month: date
    through: date
    present: int = 0
    not_present: int = 0
    not_marked: int = 0
    persons: int = 0
    clients: frozenset[int] | None = frozenset()

    @classmethod
    def of(cls, row: Row[Any]) -> Part:
        clients = None if row.person_ids is None else frozenset(
            int(number) for number in row.person_ids.split(",") if number)
        return cls(row.month, row.counted_through, row.present, row.not_present, row.not_marked, row.persons, clients)

    def plus(self, days: Mapping[int, AttendanceCounts], through: date) -> Part:
        """With the counts of the days after `self.through` up to `through`, per client."""
        assert self.clients is not None  # a whole month is not added to
        clients = self.clients | {person for person, counts in days.items() if counts.persons}
        return Part(self.month, through, self.present + sum(counts.present for counts in days.values()),
                    self.not_present + sum(counts.not_present for counts in days.values()),
                    self.not_marked + sum(counts.not_marked for counts in days.values()), len(clients),
                    None if through == month_end(self.month) else frozenset(clients))

    def counts(self) -> AttendanceCounts:
        return AttendanceCounts(self.present, self.not_present, self.not_marked, self.persons)

    def row(self, unit_id: int) -> dict[str, object]:
        return {"unit_id": unit_id, "month": self.month, "counted_through": self.through, "present": self.present,
                "not_present": self.not_present, "not_marked": self.not_marked, "persons": self.persons,
                "person_ids": None if self.clients is None else ",".join(map(str, sorted(self.clients))),
                "holidays": holiday_days(self.month)}


def monthly_attendance_kept(session: Session, *, unit_id: int, months: Iterable[date],
                            today: date) -> dict[date, AttendanceCounts]:
    """The counts of these months (first days), as the full count gives them: a month
    without an expected day up to today is left out."""
    this_month = today.replace(day=1)
    asked = sorted({month for month in months if month <= this_month})
    if not asked:
        return {}
    apply_changes(session)
    parts = _kept_parts(session, unit_id=unit_id, months=asked, through=today - DAY)
    found = {month: part.counts() for month, part in parts.items()}
    if this_month in asked:  # today's own marks change all day: counted on each read, never kept
        today_counts = client_attendance_of_days(session, unit_id=unit_id, days=[today]).get(this_month, {})
        found[this_month] = parts.get(this_month, Part(this_month, this_month - DAY)).plus(today_counts, today).counts()
    return {month: counts for month, counts in found.items() if counts != AttendanceCounts()}


def apply_changes(session: Session) -> int:
    """Take the stale log out and drop the kept counts that include its days; how many rows it had."""
    session.flush()  # the triggers see what the session has not written yet
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": READ_LOCK})
    connection = session.connection()
    changed = connection.execute(_TAKE_STALE).all()
    spans: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for unit_id, first_day, last_day in changed:
        spans[unit_id].append((first_day, last_day or date.max))
    drops = [{"unit": unit_id, "first": first, "last": last}
             for unit_id, unit_spans in spans.items() for first, last in _merged(unit_spans)]
    if drops:
        connection.execute(_DROP_MEETING, drops)
    return len(changed)


def _merged(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Overlapping and adjacent spans of days as one (a mark a day becomes a span a month)."""
    merged: list[tuple[date, date]] = []
    for first, last in sorted(spans):
        if merged and (first - merged[-1][1]).days <= 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _kept_parts(session: Session, *, unit_id: int, months: list[date], through: date) -> dict[date, Part]:
    """Each month's counts up to its last day or `through` (yesterday), whichever comes first:
    kept ones as they are, a kept part of the current month carried on to `through`, the
    rest counted; what was counted is kept."""
    connection = session.connection()
    stored = {row.month: row for row in connection.execute(_STORED, {"unit": unit_id, "months": months})}
    found: dict[date, Part] = {}
    to_count: dict[date, Part] = {}  # what is kept so far (or nothing), to count on from
    for month in months:
        last = min(month_end(month), through)
        if last < month:
            continue  # the first day of the month: nothing to keep yet
        row = stored.get(month)
        kept = Part.of(row) if row is not None and row.holidays == holiday_days(month) else None
        if kept is not None and kept.through == last:
            found[month] = kept
        elif kept is not None and kept.through < last and kept.clients is not None:
            to_count[month] = kept
        else:  # none, counted with other public holidays, or ahead of today (a clock moved back)
            to_count[month] = Part(month, month - DAY)
    if not to_count:
        return found
    # A month counted whole needs only its totals; a part to carry on needs its clients.
    whole = [month for month, kept in to_count.items() if kept.through < month and month_end(month) <= through]
    counted = attendance_of_days(session, unit_id=unit_id,
                                 days=[day for month in whole for day in days_between(month, month_end(month))])
    for month in whole:
        counts = counted.get(month, AttendanceCounts())
        found[month] = Part(month, month_end(month), counts.present, counts.not_present, counts.not_marked,
                            counts.persons, None)
    rest = {month: kept for month, kept in to_count.items() if month not in whole}
    by_client = client_attendance_of_days(session, unit_id=unit_id, days=[
        day for month, kept in rest.items() for day in days_between(kept.through + DAY, min(month_end(month), through))])
    for month, kept in rest.items():
        found[month] = kept.plus(by_client.get(month, {}), min(month_end(month), through))
    forget = [{"unit": unit_id, "at": month} for month in to_count if month in stored]
    if forget:
        connection.execute(_FORGET, forget)
    connection.execute(insert(_MONTH), [found[month].row(unit_id) for month in to_count])
    return found
