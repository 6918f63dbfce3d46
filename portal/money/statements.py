"""The client's month: attended days with the money of each day, the total
per kind, and the days staff have not marked yet. Reads the database and
hands plain values to the pure functions in earnings.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from portal.models import AttendanceMark, BenefitStatus, ClientPeriod, Rate, Unit
from portal.money.earnings import AttendedDay, BenefitPeriod, Earnings, Line, RateRow, earnings
from portal.schedule import calendar_days, week


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


@dataclass(frozen=True)
class MonthStatement:
    month: date
    services: tuple[str, ...]
    days: tuple[DayRow, ...]  # attended days, by date
    earnings: Earnings
    unconfirmed: tuple[date, ...]  # expected days without a mark yet

    @property
    def attended_days(self) -> int:
        return len(self.days)


def rates_of(session: Session, *, organisation_ids: list[int], first: date, last: date) -> list[RateRow]:
    if not organisation_ids:
        return []
    rows = session.exec(
        select(Rate).where(col(Rate.organisation_id).in_(organisation_ids), col(Rate.valid_from) <= last,
                           (col(Rate.valid_until).is_(None)) | (col(Rate.valid_until) >= first))
    ).all()
    return [RateRow(rate.kind, rate.service, Decimal(rate.amount), rate.valid_from, rate.valid_until,
                    rate.part_day, Decimal(rate.full_day_hours)) for rate in rows]


def benefits_of(session: Session, *, person_id: int, first: date, last: date) -> list[BenefitPeriod]:
    rows = session.exec(
        select(BenefitStatus).where(BenefitStatus.person_id == person_id, col(BenefitStatus.starts_on) <= last,
                                    (col(BenefitStatus.ends_on).is_(None)) | (col(BenefitStatus.ends_on) >= first))
        .order_by(col(BenefitStatus.starts_on).desc(), col(BenefitStatus.id).desc())
    ).all()
    return [BenefitPeriod(row.benefit, row.starts_on, row.ends_on) for row in rows]


def statement(session: Session, *, person_id: int, first: date, last: date, today: date) -> MonthStatement:
    """Money from `first` to `last` (a month, or a year for the yearly view)."""
    periods = session.exec(
        select(ClientPeriod, Unit).join(Unit, col(Unit.id) == col(ClientPeriod.unit_id))
        .where(ClientPeriod.person_id == person_id, col(ClientPeriod.starts_on) <= last,
               col(ClientPeriod.ends_on) >= first)
    ).all()
    marks = session.exec(
        select(AttendanceMark).where(AttendanceMark.person_id == person_id, col(AttendanceMark.on_date) >= first,
                                     col(AttendanceMark.on_date) <= last)
        .order_by(AttendanceMark.on_date)
    ).all()

    def service_on(day: date) -> str | None:
        for period, _unit in periods:
            if period.starts_on <= day <= period.ends_on:
                return period.service
        return None

    attended = [AttendedDay(mark.on_date, service, True, mark.hours)
                for mark in marks if mark.present and (service := service_on(mark.on_date)) is not None]
    rates = rates_of(session, organisation_ids=sorted({unit.organisation_id for _p, unit in periods}),
                     first=first, last=last)
    result = earnings(attended, rates, benefits_of(session, person_id=person_id, first=first, last=last))
    by_day = {line.on_date: line for line in result.lines}
    marked = {mark.on_date for mark in marks}
    unconfirmed = tuple(
        day.day for day in week.client_days(session, person_id=person_id, first=first, last=min(last, today))
        if day.activities and day.absence is None and day.day not in marked and service_on(day.day)
    ) if first <= today else ()
    return MonthStatement(
        month=first, services=tuple(sorted({period.service for period, _unit in periods})),
        days=tuple(DayRow(day.on_date, day.present, day.hours, by_day.get(day.on_date)) for day in attended),
        earnings=result, unconfirmed=unconfirmed,
    )


def month_statement(session: Session, *, person_id: int, month: date, today: date) -> MonthStatement:
    first, last = month_bounds(month)
    return statement(session, person_id=person_id, first=first, last=last, today=today)


def this_month(session: Session, *, person_id: int) -> MonthStatement:
    """The start page card: this month so far (read as part of the logged start page)."""
    day = calendar_days.today()
    return month_statement(session, person_id=person_id, month=day, today=day)
