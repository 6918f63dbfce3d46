"""Many clients' month statements at once (the month report): each kind of
row read once for a chunk of clients, then each client's statement worked out
by the same computation as statements.statement (`compose`), from that
client's rows only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, or_, select, union
from sqlmodel import Session

from portal.db import rows, table
from portal.models import AttendanceCorrection, AttendanceMark, BenefitStatus, ClientPeriod, Unit
from portal.money.statements import (CLOSINGS, RATES, Money, MonthStatement, closed_months, compose, midnight,
                                     months_to_read, units_in_span)
from portal.schedule import week

CHUNK = 500  # clients a read asks for at most

_MARK, _CORRECTION, _BENEFIT, _PERIOD, _UNIT = (
    table(AttendanceMark), table(AttendanceCorrection), table(BenefitStatus), table(ClientPeriod), table(Unit))
_PERSONS, _FIRST, _LAST = bindparam("person_ids", expanding=True), bindparam("first"), bindparam("last")
_START, _END = bindparam("start"), bindparam("end")

# The reads of statements.py, for many persons (see db.rows); each person's rows in the same order as there.
_PERIODS = (select(_PERIOD, _UNIT.c.organisation_id).join(_UNIT, _UNIT.c.id == _PERIOD.c.unit_id)
            .where(_PERIOD.c.person_id.in_(_PERSONS)).order_by(_PERIOD.c.id))
_TOUCHED = union(
    select(_CORRECTION.c.person_id, _CORRECTION.c.on_date).where(
        _CORRECTION.c.person_id.in_(_PERSONS), _CORRECTION.c.on_date < _FIRST,
        _CORRECTION.c.recorded_at >= _START, _CORRECTION.c.recorded_at < _END),
    select(_MARK.c.person_id, _MARK.c.on_date).where(
        _MARK.c.person_id.in_(_PERSONS), _MARK.c.on_date < _FIRST,
        _MARK.c.recorded_at >= _START, _MARK.c.recorded_at < _END))
_MARKS = (select(_MARK).where(_MARK.c.person_id.in_(_PERSONS), _MARK.c.on_date >= _FIRST, _MARK.c.on_date <= _LAST)
          .order_by(_MARK.c.on_date))
_CORRECTIONS = (select(_CORRECTION).where(_CORRECTION.c.person_id.in_(_PERSONS), _CORRECTION.c.on_date >= _FIRST,
                                          _CORRECTION.c.on_date <= _LAST).order_by(_CORRECTION.c.id))
_BENEFITS = (select(_BENEFIT).where(_BENEFIT.c.person_id.in_(_PERSONS), _BENEFIT.c.starts_on <= _LAST,
                                    or_(_BENEFIT.c.ends_on.is_(None), _BENEFIT.c.ends_on >= _FIRST))
             .order_by(_BENEFIT.c.starts_on.desc(), _BENEFIT.c.id.desc()))


def _by_person(found: Iterable[Row[Any]]) -> dict[int, list[Row[Any]]]:
    grouped: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in found:
        grouped[row.person_id].append(row)
    return grouped


def statements_for(session: Session, person_ids: Iterable[int], *, first: date, last: date,
                   today: date) -> dict[int, MonthStatement]:
    """Each person's statement for `first`..`last`, equal to statements.statement's."""
    ids = sorted(set(person_ids))
    result: dict[int, MonthStatement] = {}
    for start in range(0, len(ids), CHUNK):
        result.update(_chunk(session, ids[start:start + CHUNK], first=first, last=last, today=today))
    return result


def _chunk(session: Session, ids: list[int], *, first: date, last: date, today: date) -> dict[int, MonthStatement]:
    if not ids:
        return {}
    periods: dict[int, list[tuple[Any, int]]] = {person_id: [] for person_id in ids}
    for row in rows(session, _PERIODS, person_ids=ids):
        periods[row.person_id].append((row, row.organisation_id))
    closed = _closed(session, periods, first=first, last=last)
    read_from = {person_id: min([first, *closed[person_id][1]]) for person_id in ids}
    earliest = min(read_from.values())
    marks = _by_person(rows(session, _MARKS, person_ids=ids, first=earliest, last=last))
    corrections = _by_person(rows(session, _CORRECTIONS, person_ids=list(marks), first=earliest, last=last)
                             if marks else [])
    benefits = _by_person(rows(session, _BENEFITS, person_ids=ids, first=earliest, last=last))
    organisations = sorted({organisation for person_id in ids for period, organisation in periods[person_id]
                            if period.starts_on <= last and period.ends_on >= read_from[person_id]})
    rates = rows(session, RATES, organisation_ids=organisations, first=earliest, last=last) if organisations else []
    schedules = week.clients_days(session, person_ids=ids, first=first, last=min(last, today)) \
        if first <= today else {}
    result = {}
    for person_id in ids:
        # What statement() reads for this person is among these rows: Money keeps those of its span.
        whole = Money(first=read_from[person_id], last=last, periods=periods[person_id],
                      marks=marks.get(person_id, []), corrections=corrections.get(person_id, []),
                      rates=rates, benefits=benefits.get(person_id, []))
        result[person_id] = compose(whole, first=first, last=last, closed=closed[person_id][0],
                                    closed_months=closed[person_id][1], schedule=schedules.get(person_id))
    return result


def _closed(session: Session, periods: dict[int, list[tuple[Any, int]]], *, first: date, last: date
            ) -> dict[int, tuple[datetime | None, dict[date, datetime]]]:
    """Each person's statements.closed_months: their days of earlier months
    changed in this span, and the closings of their units, read for all at once."""
    units = {person_id: units_in_span(found, first, last) for person_id, found in periods.items()}
    with_units = [person_id for person_id, found in units.items() if found]
    touched: dict[int, list[date]] = defaultdict(list)
    if with_units:
        for row in rows(session, _TOUCHED, person_ids=with_units, first=first, start=midnight(first),
                        end=midnight(last + timedelta(days=1))):
            touched[row.person_id].append(row.on_date)
    all_units = sorted({unit for person_id in with_units for unit in units[person_id]})
    months = sorted({month for person_id in with_units for month in months_to_read(touched[person_id], first)})
    closings = rows(session, CLOSINGS, unit_ids=all_units, months=months) if all_units else []
    return {person_id: closed_months(touched[person_id], closings, unit_ids=units[person_id], first=first)
            for person_id in periods}
