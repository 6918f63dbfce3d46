"""Earnings as pure functions of (attended days, rates, benefit status).

No database here: the statement is computed from plain values, so the rules
are tested with examples and with hypothesis. The rules (docs/domain.md and
the law):

- Only attended days count; a day attended in part is paid as its rate says
  (full, a share of the hours, or nothing).
- Work and open work activity: työosuusraha.
- Rehabilitative work activity: kulukorvaus while an unemployment benefit is
  paid; otherwise toimintaraha for a client on social assistance; never both
  for one day (law 189/2001 §18). At most 4 days count in a calendar week.
- Day activity pays nothing.
- A rate change in the middle of a month applies from its first valid day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portal.models import BenefitKind, MoneyKind, PartDayRule, Service

CENT = Decimal("0.01")
MAX_REHABILITATIVE_DAYS_A_WEEK = 4
MAX_RATE = Decimal("200")  # euros a day; anything above is a typing error


@dataclass(frozen=True)
class RateRow:
    kind: str
    service: str
    amount: Decimal
    valid_from: date
    valid_until: date | None = None
    part_day: str = PartDayRule.FULL.value
    full_day_hours: Decimal = Decimal("6")

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class BenefitPeriod:
    benefit: str
    starts_on: date
    ends_on: date | None = None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class AttendedDay:
    on_date: date
    service: str
    present: bool = True
    hours: Decimal | None = None  # None: the whole day


@dataclass(frozen=True)
class Line:
    on_date: date
    kind: str
    rate: Decimal  # the day's full rate
    amount: Decimal  # what is paid for the day
    part_day_hours: Decimal | None = None


@dataclass(frozen=True)
class Earnings:
    lines: tuple[Line, ...]
    days_over_week_limit: tuple[date, ...] = ()  # attended, but a fifth day in a week: not paid

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    def total_for(self, kind: str) -> Decimal:
        return sum((line.amount for line in self.lines if line.kind == kind), Decimal("0.00"))

    @property
    def kinds(self) -> list[str]:
        return [kind.value for kind in MoneyKind if any(line.kind == kind.value for line in self.lines)]

    @property
    def paid_days(self) -> int:
        return len({line.on_date for line in self.lines if line.amount > 0})


def kind_for(service: str, benefit: str | None) -> str | None:
    """The one kind of money a day of this service earns, given the benefit status of that day."""
    if service in (Service.WORK_ACTIVITY.value, Service.OPEN_WORK_ACTIVITY.value):
        return MoneyKind.WORK_SHARE.value
    if service == Service.REHABILITATIVE_WORK.value:
        if benefit == BenefitKind.UNEMPLOYMENT_BENEFIT.value:
            return MoneyKind.EXPENSE_COMPENSATION.value
        if benefit == BenefitKind.SOCIAL_ASSISTANCE.value:
            return MoneyKind.ACTIVITY_MONEY.value
    return None


def benefit_on(benefits: Iterable[BenefitPeriod], day: date) -> str | None:
    for period in benefits:
        if period.covers(day):
            return period.benefit
    return None


def rate_on(rates: Iterable[RateRow], *, kind: str, service: str, day: date) -> RateRow | None:
    for rate in rates:
        if rate.kind == kind and rate.service == service and rate.covers(day):
            return rate
    return None


def day_amount(rate: RateRow, hours: Decimal | None) -> Decimal:
    """The amount for one attended day under a rate's part-day setting."""
    if hours is None or hours >= rate.full_day_hours:
        return rate.amount.quantize(CENT)
    if rate.part_day == PartDayRule.FULL.value:
        return rate.amount.quantize(CENT)
    if rate.part_day == PartDayRule.SHARE.value:
        return (rate.amount * hours / rate.full_day_hours).quantize(CENT, rounding=ROUND_HALF_UP)
    return Decimal("0.00")


def _week(day: date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def earnings(days: Sequence[AttendedDay], rates: Sequence[RateRow], benefits: Sequence[BenefitPeriod]) -> Earnings:
    """Statement lines for attended days, in date order, one line at most a day."""
    lines: list[Line] = []
    over_limit: list[date] = []
    counted_in_week: dict[tuple[int, int], int] = {}
    seen: set[date] = set()
    for day in sorted(days, key=lambda d: d.on_date):
        if not day.present or day.on_date in seen:
            continue
        seen.add(day.on_date)
        if day.service == Service.REHABILITATIVE_WORK.value:
            week = _week(day.on_date)
            if counted_in_week.get(week, 0) >= MAX_REHABILITATIVE_DAYS_A_WEEK:
                over_limit.append(day.on_date)
                continue
            counted_in_week[week] = counted_in_week.get(week, 0) + 1
        kind = kind_for(day.service, benefit_on(benefits, day.on_date))
        if kind is None:
            continue
        rate = rate_on(rates, kind=kind, service=day.service, day=day.on_date)
        if rate is None:
            continue
        lines.append(Line(day.on_date, kind, rate.amount.quantize(CENT), day_amount(rate, day.hours), day.hours))
    return Earnings(tuple(lines), tuple(over_limit))


def rate_problems(new: RateRow, existing: Iterable[RateRow]) -> list[str]:
    """Why a rate cannot be stored: 'rate_amount', 'rate_dates' or 'rate_overlap'."""
    if new.amount < 0 or new.amount > MAX_RATE or new.amount != new.amount.quantize(CENT):
        return ["rate_amount"]
    if new.valid_until is not None and new.valid_until < new.valid_from:
        return ["rate_dates"]
    for other in existing:
        if other.kind != new.kind or other.service != new.service:
            continue
        if other.valid_from <= (new.valid_until or date.max) and new.valid_from <= (other.valid_until or date.max):
            return ["rate_overlap"]
    return []
