"""The client's month: attended days with the money of each day, the total
per kind, and the days staff have not marked yet. Reads the database and
hands plain values to the pure functions in earnings.py."""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Row, bindparam, or_, select, union
from sqlmodel import Session

from portal.db import rows, table
from portal.i18n import TIME_ZONE
from portal.models import AttendanceCorrection, AttendanceMark, BenefitStatus, ClientPeriod, MonthClosing, Rate, Unit
from portal.money.earnings import AttendedDay, BenefitPeriod, Earnings, Line, RateRow, earnings
from portal.schedule import week


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


@dataclass(frozen=True)
class DayRow:
    on_date: date
    present: bool
    hours: Decimal | None
    line: Line | None  # None: attended but not paid (day activity, over the week limit, no rate)
    service: str = ""  # the service of the client's period that day


@dataclass(frozen=True)
class MonthStatement:
    month: date
    services: tuple[str, ...]
    days: tuple[DayRow, ...]  # attended days, by date
    earnings: Earnings
    unconfirmed: tuple[date, ...]  # expected days without a mark yet
    closed: bool = False  # paid and locked: shown as it stood when closed
    corrections: tuple[Line, ...] = ()  # changes to earlier, closed months, paid now

    @property
    def attended_days(self) -> int:
        return len(self.days)

    @property
    def corrections_total(self) -> Decimal:
        return sum((line.amount for line in self.corrections), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        """What this month's statement pays: its own days and the corrections."""
        return self.earnings.total + self.corrections_total


_MARK, _CORRECTION, _RATE, _BENEFIT, _CLOSING, _PERIOD, _UNIT = (
    table(AttendanceMark), table(AttendanceCorrection), table(Rate), table(BenefitStatus), table(MonthClosing),
    table(ClientPeriod), table(Unit))
_PERSON, _FIRST, _LAST = bindparam("person_id"), bindparam("first"), bindparam("last")

# The reads of one person's money, built once (see db.rows).
RATES = (select(_RATE).where(_RATE.c.organisation_id.in_(bindparam("organisation_ids", expanding=True)),
                             _RATE.c.valid_from <= _LAST,
                             or_(_RATE.c.valid_until.is_(None), _RATE.c.valid_until >= _FIRST))
         .order_by(_RATE.c.id))
_BENEFITS = (select(_BENEFIT).where(_BENEFIT.c.person_id == _PERSON, _BENEFIT.c.starts_on <= _LAST,
                                    or_(_BENEFIT.c.ends_on.is_(None), _BENEFIT.c.ends_on >= _FIRST))
             .order_by(_BENEFIT.c.starts_on.desc(), _BENEFIT.c.id.desc()))
_PERIODS = (select(_PERIOD, _UNIT.c.organisation_id).join(_UNIT, _UNIT.c.id == _PERIOD.c.unit_id)
            .where(_PERIOD.c.person_id == _PERSON).order_by(_PERIOD.c.id))
_MARKS = (select(_MARK).where(_MARK.c.person_id == _PERSON, _MARK.c.on_date >= _FIRST, _MARK.c.on_date <= _LAST)
          .order_by(_MARK.c.on_date))
_CORRECTIONS = (select(_CORRECTION).where(_CORRECTION.c.person_id == _PERSON, _CORRECTION.c.on_date >= _FIRST,
                                          _CORRECTION.c.on_date <= _LAST).order_by(_CORRECTION.c.id))
_UNIT_IDS = bindparam("unit_ids", expanding=True)
_START, _END = bindparam("start"), bindparam("end")
_TOUCHED = union(
    select(_CORRECTION.c.on_date).where(_CORRECTION.c.person_id == _PERSON, _CORRECTION.c.on_date < _FIRST,
                                        _CORRECTION.c.recorded_at >= _START, _CORRECTION.c.recorded_at < _END),
    select(_MARK.c.on_date).where(_MARK.c.person_id == _PERSON, _MARK.c.on_date < _FIRST,
                                  _MARK.c.recorded_at >= _START, _MARK.c.recorded_at < _END))
CLOSINGS = select(_CLOSING).where(_CLOSING.c.unit_id.in_(_UNIT_IDS),
                                  _CLOSING.c.month.in_(bindparam("months", expanding=True)))


def midnight(day: date) -> datetime:
    """Midnight in Finland at the start of a day, as UTC."""
    return datetime.combine(day, time(0), ZoneInfo(TIME_ZONE)).astimezone(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _days_as_of(marks: Sequence[Row[Any]], corrections: dict[int, list[Row[Any]]],
                moment: datetime | None, service_on: Callable[[date], str | None]) -> list[AttendedDay]:
    """The attended days as they stood at a moment (None: now): a correction made
    later is undone with its 'was' values; a mark recorded later did not exist yet."""
    days = []
    for mark in marks:
        present, hours = mark.present, mark.hours
        if moment is not None:
            if _aware(mark.recorded_at) > moment:
                continue
            later = [c for c in corrections.get(mark.id, []) if _aware(c.recorded_at) > moment]  # type: ignore[arg-type]
            if later:
                earliest = min(later, key=lambda c: _aware(c.recorded_at))
                present, hours = earliest.was_present, earliest.was_hours
        service = service_on(mark.on_date)
        if present and service is not None:
            days.append(AttendedDay(mark.on_date, service, True, hours))
    return days


class Money:
    """Everything one person's money in one span of days depends on, read once;
    `within` gives a shorter span of it without reading again."""

    def __init__(self, *, first: date, last: date, periods: list[tuple[Any, int]], marks: Sequence[Row[Any]],
                 corrections: Sequence[Row[Any]], rates: Sequence[Row[Any]], benefits: Sequence[Row[Any]]) -> None:
        # Each part is kept as it overlaps the span; periods in id order: the first covering a day gives its service.
        def overlaps(starts: date, ends: date | None) -> bool:
            return starts <= last and (ends is None or ends >= first)

        self.first, self.last = first, last
        self.periods = [(period, organisation) for period, organisation in periods
                        if overlaps(period.starts_on, period.ends_on)]
        self.marks = [mark for mark in marks if first <= mark.on_date <= last]
        self.corrections: dict[int, list[Row[Any]]] = {}
        for correction in corrections:
            if first <= correction.on_date <= last:
                self.corrections.setdefault(correction.mark_id, []).append(correction)
        organisations = {organisation for _period, organisation in self.periods}
        self._rates = [rate for rate in rates if rate.organisation_id in organisations
                       and overlaps(rate.valid_from, rate.valid_until)]
        self._benefits = [row for row in benefits if overlaps(row.starts_on, row.ends_on)]
        self.rates = [RateRow(rate.kind, rate.service, Decimal(rate.amount), rate.valid_from, rate.valid_until,
                              rate.part_day, Decimal(rate.full_day_hours)) for rate in self._rates]
        self.benefits = [BenefitPeriod(row.benefit, row.starts_on, row.ends_on) for row in self._benefits]
        self._corrections = corrections

    @classmethod
    def read(cls, session: Session, *, person_id: int, first: date, last: date,
             periods: list[tuple[Any, int]]) -> Money:
        span = {"person_id": person_id, "first": first, "last": last}
        organisations = sorted({organisation for period, organisation in periods
                                if period.starts_on <= last and period.ends_on >= first})
        marks = rows(session, _MARKS, **span)
        return cls(first=first, last=last, periods=periods, marks=marks,
                   corrections=rows(session, _CORRECTIONS, **span) if marks else [],
                   rates=rows(session, RATES, organisation_ids=organisations, first=first, last=last)
                   if organisations else [],
                   benefits=rows(session, _BENEFITS, **span))

    def within(self, first: date, last: date) -> Money:
        assert self.first <= first and last <= self.last
        return Money(first=first, last=last, periods=self.periods, marks=self.marks, corrections=self._corrections,
                     rates=self._rates, benefits=self._benefits)

    def service_on(self, day: date) -> str | None:
        for period, _organisation in self.periods:
            if period.starts_on <= day <= period.ends_on:
                return period.service
        return None

    def earnings(self, moment: datetime | None = None) -> tuple[list[AttendedDay], Earnings]:
        days = _days_as_of(self.marks, self.corrections, moment, self.service_on)
        return days, earnings(days, self.rates, self.benefits)


def _periods(session: Session, *, person_id: int,
             periods: Sequence[tuple[ClientPeriod, Unit]] | None) -> list[tuple[Any, int]]:
    """All of the person's periods with their organisation, in id order."""
    if periods is not None:
        return sorted(((period, unit.organisation_id) for period, unit in periods), key=lambda row: row[0].id or 0)
    return [(row, row.organisation_id) for row in rows(session, _PERIODS, person_id=person_id)]


def units_in_span(periods: list[tuple[Any, int]], first: date, last: date) -> list[int]:
    """The units of the person's periods in this span."""
    return sorted({period.unit_id for period, _organisation in periods
                   if period.starts_on <= last and period.ends_on >= first})


def _carried_months(session: Session, *, person_id: int, unit_ids: list[int], first: date, last: date
                    ) -> tuple[datetime | None, dict[date, datetime]]:
    """One person's `closed_months`, read."""
    if not unit_ids:  # no period in this span: nothing of it was closed or paid
        return None, {}
    start, end = midnight(first), midnight(last + timedelta(days=1))
    touched = [row[0] for row in rows(session, _TOUCHED, person_id=person_id, first=first, start=start, end=end)]
    return closed_months(touched, rows(session, CLOSINGS, unit_ids=unit_ids, months=months_to_read(touched, first)),
                         unit_ids=unit_ids, first=first)


def months_to_read(touched: Iterable[date], first: date) -> list[date]:
    """The months whose closing matters: the span's first and those with days changed in the span."""
    return sorted({day.replace(day=1) for day in touched} | {first})


def closed_months(touched: Iterable[date], closings: Iterable[Row[Any]], *, unit_ids: list[int], first: date
                  ) -> tuple[datetime | None, dict[date, datetime]]:
    """When this span's first month was closed (None: open), and the earlier,
    closed months whose days were changed during this span (`touched`: the
    days), with when each was closed. `closings` may hold other units' and months' too."""
    if not unit_ids:
        return None, {}
    units, months = set(unit_ids), set(months_to_read(touched, first))
    closed: dict[date, datetime] = {}
    for closing in closings:
        if closing.unit_id in units and closing.month in months:
            at = _aware(closing.closed_at)
            closed[closing.month] = min(at, closed.get(closing.month, at))
    return closed.pop(first, None), closed


def _carried(money: Money, *, closed_months: dict[date, datetime], first: date, last: date) -> tuple[Line, ...]:
    """Changes made in this span to days of earlier, closed months: paid (or
    taken back) now, as correction lines, never by changing a closed month."""
    start, end = midnight(first), midnight(last + timedelta(days=1))
    lines: list[Line] = []
    for month, closed_at in sorted(closed_months.items()):
        month_money = money.within(month, month_bounds(month)[1])
        _before_days, before = month_money.earnings(max(closed_at, start))
        _after_days, after = month_money.earnings(max(closed_at, end))
        amounts: dict[tuple[date, str], Decimal] = {}
        for line in after.lines:
            amounts[(line.on_date, line.kind)] = amounts.get((line.on_date, line.kind), Decimal("0")) + line.amount
        rate_of = {(line.on_date, line.kind): line.rate for line in after.lines + before.lines}
        for line in before.lines:
            amounts[(line.on_date, line.kind)] = amounts.get((line.on_date, line.kind), Decimal("0")) - line.amount
        lines += [Line(day, kind, rate_of[(day, kind)], amount) for (day, kind), amount in sorted(amounts.items())
                  if amount != 0]
    return tuple(lines)


def statement(session: Session, *, person_id: int, first: date, last: date, today: date,
              with_unconfirmed: bool = True, periods: Sequence[tuple[ClientPeriod, Unit]] | None = None) -> MonthStatement:
    """Money from `first` to `last` (a month, or a year for the yearly view).

    A closed month shows its days as they stood when it was closed. The days
    staff have not yet marked come from the client's schedule; a summary that
    does not show them (the start page card) leaves them out. The span and the
    closed months it corrects are read together, once. (Many clients' months
    at once: statements_batch.statements_for, the same computation.)"""
    all_periods = _periods(session, person_id=person_id, periods=periods)
    unit_ids = units_in_span(all_periods, first, last)
    closed, closed_months = _carried_months(session, person_id=person_id, unit_ids=unit_ids, first=first, last=last)
    whole = Money.read(session, person_id=person_id, first=min([first, *closed_months]), last=last,
                       periods=all_periods)
    days = week.client_days(session, person_id=person_id, first=first, last=min(last, today)) \
        if first <= today and with_unconfirmed else None
    return compose(whole, first=first, last=last, closed=closed, closed_months=closed_months, schedule=days)


def compose(whole: Money, *, first: date, last: date, closed: datetime | None, closed_months: dict[date, datetime],
            schedule: list[week.Day] | None) -> MonthStatement:
    """Pure: the statement from what was read. `whole`: the person's money from
    the earliest corrected closed month to `last`; `schedule`: their days from
    `first` to today (None: the days not yet marked are left out)."""
    money = whole.within(first, last)
    attended, result = money.earnings(closed)
    by_day = {line.on_date: line for line in result.lines}
    marked = {mark.on_date for mark in money.marks}
    unconfirmed = tuple(
        day.day for day in schedule
        if day.activities and day.absence is None and day.day not in marked and money.service_on(day.day)
    ) if schedule is not None else ()
    return MonthStatement(
        month=first, services=tuple(sorted({period.service for period, _organisation in money.periods})),
        days=tuple(DayRow(day.on_date, day.present, day.hours, by_day.get(day.on_date), day.service)
                   for day in attended),
        earnings=result, unconfirmed=unconfirmed, closed=closed is not None,
        corrections=_carried(whole, closed_months=closed_months, first=first, last=last),
    )


def month_statement(session: Session, *, person_id: int, month: date, today: date) -> MonthStatement:
    first, last = month_bounds(month)
    return statement(session, person_id=person_id, first=first, last=last, today=today)


def this_month(session: Session, *, person_id: int, today: date,
               periods: Sequence[tuple[ClientPeriod, Unit]] | None = None) -> MonthStatement:
    """The start page card: this month's days and money so far (read as part of
    the logged start page; the card does not list the days not yet marked)."""
    first, last = month_bounds(today)
    return statement(session, person_id=person_id, first=first, last=last, today=today, with_unconfirmed=False,
                     periods=periods)
