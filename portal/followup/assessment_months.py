"""The follow-up's clients per month and self-assessments on time, kept in
the database so that a view does not work out every client's occasions.

Counting them on each view read every period and sent assessment of the
unit and worked out each period's occasions in Python: 1.6 ms of a view for
a unit of 100 clients, 33 ms for 2,500. The full count stays in
portal/followup/assessments.py (`monthly_on_time`) and figures.py
(`_active_clients`); the tests compare the two.

What is kept:
- `FollowupOccasion`: each client's occasions in each unit of their periods,
  as monthly_on_time sees them (due.occasions of each period with the staff
  requests that fall within it; one per client, occasion and due date), with
  whether it was done on time and the day from which it counts: its due date
  when done on time, the day after its grace days otherwise. These hold on
  every day, so on any day a month's figure is a sum over the month's rows
  that count by then (the index (unit, month, counted_from, ...)).
- `FollowupMonth`: per unit and month, the clients with a period in the unit
  on some day of the month, and once every occasion of the month counts (the
  month and its grace days are over) the month's on time, late and persons.
  A month still going on is summed from its occasions on each view.

How it stays true: the triggers of migration 0022 add a client to
`FollowupStale` on every write to their service periods, assessments or
staff requests, whoever writes; a write to a period also adds the unit and
days it covered before and after. Each view first takes the log out (DELETE
… RETURNING), makes the occasions of those clients again and drops the kept
months they met (the months of their occasions before and after, and of the
periods' days), then reads. Views take turns while they change anything
(SQLite's writer lock; a transaction-level advisory lock on PostgreSQL) and
read without a lock when there is nothing to change. The due-date rules and
the grace days the occasions were made with are kept as a fingerprint: other
rules make every client's occasions again.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, func, insert, select, update
from sqlmodel import Session

from portal.assessment import due
from portal.db import table
from portal.kept_rules import KeptRules, advisory_lock
from portal.followup.assessments import GRACE_DAYS, OnTimeCounts
from portal.models import (Assessment, AssessmentRequest, AssessmentStatus, ClientPeriod, FollowupMonth,
                           FollowupOccasion, FollowupRules, FollowupStale)
from portal.schedule.calendar_days import HELSINKI

# pg_advisory_xact_lock's key for "kept follow-up figures are being changed" (any number no other lock uses).
WRITE_LOCK = 190_003
CHUNK = 500  # clients per read when many are made again at once
DAY = timedelta(days=1)
GRACE = timedelta(days=GRACE_DAYS)

_OCCASION, _MONTH, _STALE, _RULES = table(FollowupOccasion), table(FollowupMonth), table(FollowupStale), table(FollowupRules)
_PERIOD, _ASSESSMENT, _REQUEST = table(ClientPeriod), table(Assessment), table(AssessmentRequest)
_PERSONS = bindparam("person_ids", expanding=True)
_MONTHS = bindparam("months", expanding=True)

_ANY_STALE = select(_STALE.c.id).limit(1)
_TAKE_STALE = _STALE.delete().returning(_STALE.c.person_id, _STALE.c.unit_id, _STALE.c.first_day, _STALE.c.last_day)
_PERIODS_OF = select(_PERIOD.c.person_id, _PERIOD.c.unit_id, _PERIOD.c.service, _PERIOD.c.starts_on,
                     _PERIOD.c.ends_on).where(_PERIOD.c.person_id.in_(_PERSONS))
_SENT_OF = select(_ASSESSMENT.c.person_id, _ASSESSMENT.c.occasion, _ASSESSMENT.c.due_on, _ASSESSMENT.c.sent_at).where(
    _ASSESSMENT.c.person_id.in_(_PERSONS), _ASSESSMENT.c.status != AssessmentStatus.DRAFT.value,
    _ASSESSMENT.c.sent_at.is_not(None), _ASSESSMENT.c.due_on.is_not(None))
_REQUESTS_OF = select(_REQUEST.c.person_id, _REQUEST.c.due_on).where(_REQUEST.c.person_id.in_(_PERSONS))
_FORGET = _OCCASION.delete().where(_OCCASION.c.person_id.in_(_PERSONS)).returning(_OCCASION.c.unit_id,
                                                                                    _OCCASION.c.month)
_DROP_MONTH = _MONTH.delete().where(and_(_MONTH.c.unit_id == bindparam("unit"), _MONTH.c.month == bindparam("at")))
_ALL_CLIENTS = select(_PERIOD.c.person_id).distinct()

_STORED = select(_MONTH).where(_MONTH.c.unit_id == bindparam("unit"), _MONTH.c.month.in_(_MONTHS))
# A month's occasions that count by today: on time, late, and the clients they are about.
_COUNTED = (
    select(_OCCASION.c.month, func.sum(case((_OCCASION.c.on_time, 1), else_=0)),
           func.sum(case((_OCCASION.c.on_time, 0), else_=1)), func.count(func.distinct(_OCCASION.c.person_id)))
    .where(_OCCASION.c.unit_id == bindparam("unit"), _OCCASION.c.month.in_(_MONTHS),
           _OCCASION.c.counted_from <= bindparam("today"))
    .group_by(_OCCASION.c.month)
)
# Clients with a period in the unit on some day of the month (counted when the month's row is made).
_CLIENTS = select(func.count(func.distinct(_PERIOD.c.person_id))).where(
    _PERIOD.c.unit_id == bindparam("unit"), _PERIOD.c.starts_on <= bindparam("last"),
    _PERIOD.c.ends_on >= bindparam("first"))
_KEEP_ON_TIME = update(_MONTH).where(and_(_MONTH.c.unit_id == bindparam("unit"), _MONTH.c.month == bindparam("at"))
                                     ).values(on_time=bindparam("on_time_count"), late=bindparam("late_count"),
                                              persons=bindparam("persons_count"))


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return following - DAY


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months that `first`..`last` meet."""
    months, month = [], month_of(first)
    while month <= last:
        months.append(month)
        month = month_end(month) + DAY
    return months


def closed(month: date, today: date) -> bool:
    """Every occasion of the month counts by today (its grace days are over), and stays so."""
    return month_end(month) + GRACE < today


# --- What a client's occasions are: a pure function of their rows ------------------------------


@dataclass(frozen=True)
class Occasion:
    unit_id: int
    person_id: int
    occasion: str
    due_on: date
    month: date
    on_time: bool
    counted_from: date


def _sent_on(sent_at: datetime) -> date:
    """The Finnish day it was sent (stored in UTC; SQLite gives it back without a zone)."""
    return (sent_at if sent_at.tzinfo else sent_at.replace(tzinfo=UTC)).astimezone(HELSINKI).date()


def occasions_of(*, person_id: int, periods: Sequence[Any], sent: Sequence[Any], requested: Sequence[date],
                 rules: due.Schedule | None = None) -> list[Occasion]:
    """One client's occasions in each unit of their periods, as
    portal.followup.assessments.monthly_on_time counts them."""
    done: dict[tuple[str, date], date] = {}
    for row in sent:
        key, day = (row.occasion, row.due_on), _sent_on(row.sent_at)
        done[key] = min(day, done.get(key, day))
    found: dict[tuple[int, str, date], Occasion] = {}
    for period in periods:
        in_period = [day for day in requested if period.starts_on <= day <= period.ends_on]
        for item in due.occasions(starts_on=period.starts_on, ends_on=period.ends_on, service=period.service,
                                  requested=in_period, rules=rules):
            key = (period.unit_id, item.occasion.value, item.due_on)
            if key in found:
                continue
            sent_on = done.get((item.occasion.value, item.due_on))
            on_time = sent_on is not None and sent_on <= item.due_on + GRACE
            found[key] = Occasion(period.unit_id, person_id, item.occasion.value, item.due_on, month_of(item.due_on),
                                  on_time, item.due_on if on_time else item.due_on + GRACE + DAY)
    return list(found.values())


# --- Keeping them current -----------------------------------------------------------------------


def rules_fingerprint() -> str:
    return hashlib.sha256(json.dumps([asdict(due.schedule()), GRACE_DAYS], sort_keys=True).encode()).hexdigest()


_KEPT_RULES = KeptRules(rules=_RULES, stale=_STALE, all_clients=_ALL_CLIENTS, lock_key=WRITE_LOCK)


def keep_current(session: Session) -> int:
    """Make again what changed since the last view; how many log rows there were."""
    session.flush()  # the triggers see what the session has not written yet
    _KEPT_RULES.check(session, rules_fingerprint())
    if session.connection().execute(_ANY_STALE).first() is None:
        return 0
    return _take_turn(session)


def _take_turn(session: Session) -> int:
    """Views change the kept rows one at a time: on PostgreSQL an advisory lock, on SQLite
    the writer lock that taking the log out (a write, even of nothing) takes. Then the
    log's changes are applied; how many rows it had."""
    advisory_lock(session, WRITE_LOCK)
    connection = session.connection()
    changed = connection.execute(_TAKE_STALE).all()
    dropped: set[tuple[int, date]] = set()
    for _person_id, unit_id, first_day, last_day in changed:
        if unit_id is not None and first_day is not None and last_day is not None:
            dropped |= {(unit_id, month) for month in months_between(first_day, last_day)}
    if changed:
        dropped |= remake(session, person_ids={row[0] for row in changed})
    if dropped:
        connection.execute(_DROP_MONTH, [{"unit": unit_id, "at": month} for unit_id, month in sorted(dropped)])
    return len(changed)


def remake(session: Session, *, person_ids: Iterable[int]) -> set[tuple[int, date]]:
    """Make these clients' occasions again from their rows; the units and months they were and are in."""
    connection = session.connection()
    ordered = sorted(set(person_ids))
    touched: set[tuple[int, date]] = set()
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        periods: dict[int, list[Any]] = defaultdict(list)
        sent: dict[int, list[Any]] = defaultdict(list)
        requested: dict[int, list[date]] = defaultdict(list)
        for row in connection.execute(_PERIODS_OF, {"person_ids": chunk}):
            periods[row.person_id].append(row)
        for row in connection.execute(_SENT_OF, {"person_ids": chunk}):
            sent[row.person_id].append(row)
        for row in connection.execute(_REQUESTS_OF, {"person_ids": chunk}):
            requested[row.person_id].append(row.due_on)
        made = [asdict(occasion) for person_id in chunk for occasion in occasions_of(
            person_id=person_id, periods=periods[person_id], sent=sent[person_id], requested=requested[person_id])]
        touched |= {(row.unit_id, row.month) for row in connection.execute(_FORGET, {"person_ids": chunk})}
        if made:
            connection.execute(insert(_OCCASION), made)
        touched |= {(row["unit_id"], row["month"]) for row in made}
    return touched


# --- Reading a unit's months --------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    clients: int  # with a period in the unit on some day of the month
    on_time: OnTimeCounts | None  # None: no occasion of the month counts yet


def unit_months(session: Session, *, unit_id: int, months: Sequence[date], today: date) -> dict[date, MonthFigures]:
    """The figures of these months (first days) as the full count gives them today."""
    keep_current(session)
    asked = sorted(set(months))
    if not asked:
        return {}
    connection = session.connection()
    stored = {row.month: row for row in connection.execute(_STORED, {"unit": unit_id, "months": asked})}
    if any(month not in stored or (closed(month, today) and stored[month].on_time is None) for month in asked):
        _take_turn(session)  # another view may have kept them meanwhile: _make_months reads again
        stored = _make_months(session, unit_id=unit_id, months=asked, today=today)
    live = [month for month in asked if not closed(month, today)]
    counted = {row[0]: OnTimeCounts(int(row[1]), int(row[2]), int(row[3]))
               for row in connection.execute(_COUNTED, {"unit": unit_id, "months": live, "today": today})} if live else {}
    found = {}
    for month in asked:
        row = stored[month]
        if closed(month, today):
            on_time = OnTimeCounts(row.on_time, row.late, row.persons) if row.persons else None
        else:
            on_time = counted.get(_as_date(month))
        found[month] = MonthFigures(row.clients, on_time)
    return found


def _make_months(session: Session, *, unit_id: int, months: list[date], today: date) -> dict[date, Any]:
    """Count what is not kept and keep it (in the view's turn)."""
    connection = session.connection()
    stored = {row.month: row for row in connection.execute(_STORED, {"unit": unit_id, "months": months})}
    new = [month for month in months if month not in stored]
    if new:
        connection.execute(insert(_MONTH), [
            {"unit_id": unit_id, "month": month, "clients": connection.execute(
                _CLIENTS, {"unit": unit_id, "first": month, "last": month_end(month)}).scalar_one()}
            for month in new])
    final = [month for month in months if closed(month, today)
             and (month not in stored or stored[month].on_time is None)]
    if final:
        counted = {_as_date(row[0]): row for row in connection.execute(
            _COUNTED, {"unit": unit_id, "months": final, "today": today})}
        connection.execute(_KEEP_ON_TIME, [
            {"unit": unit_id, "at": month, "on_time_count": int(counted[month][1]) if month in counted else 0,
             "late_count": int(counted[month][2]) if month in counted else 0,
             "persons_count": int(counted[month][3]) if month in counted else 0} for month in final])
    return {row.month: row for row in connection.execute(_STORED, {"unit": unit_id, "months": months})}


def _as_date(value: date | str) -> date:
    # SQLite may hand a grouped date column back as text.
    return value if isinstance(value, date) else date.fromisoformat(value)


def kept_occasions(session: Session, *, person_ids: Iterable[int] | None = None) -> list[Occasion]:
    """The kept occasions as they are (for tests and checks)."""
    query = select(_OCCASION)
    if person_ids is not None:
        query = query.where(_OCCASION.c.person_id.in_(sorted(set(person_ids))))
    return sorted((Occasion(row.unit_id, row.person_id, row.occasion, row.due_on, row.month, row.on_time,
                            row.counted_from) for row in session.connection().execute(query)),
                  key=lambda occasion: (occasion.unit_id, occasion.person_id, occasion.due_on, occasion.occasion))
