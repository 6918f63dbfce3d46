"""What a plan may say, per service (see docs/domain.md).

Rehabilitative work activity is set by law: a period of 3–24 months,
1–4 days a calendar week, 4–8 hours a day. The other services have no
such law; these limits are the organisation's own and live in this table,
not scattered in code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from portal.models import Service


@dataclass(frozen=True)
class ServiceRules:
    min_months: int
    max_months: int
    min_days: int
    max_days: int
    min_hours: Decimal
    max_hours: Decimal


RULES = {
    Service.REHABILITATIVE_WORK: ServiceRules(3, 24, 1, 4, Decimal(4), Decimal(8)),
    Service.WORK_ACTIVITY: ServiceRules(1, 24, 1, 5, Decimal(2), Decimal(7)),
    Service.OPEN_WORK_ACTIVITY: ServiceRules(1, 24, 1, 5, Decimal(2), Decimal(7)),
    Service.DAY_ACTIVITY: ServiceRules(1, 24, 1, 5, Decimal(2), Decimal(6)),
}


@dataclass(frozen=True)
class Problem:
    """A broken rule: the form field it belongs to, a code and its numbers."""

    field: str
    code: str
    values: tuple[tuple[str, object], ...] = ()


def rules_for(service: str) -> ServiceRules:
    return RULES[Service(service)]


def period_problems(service: str, starts_on: date, ends_on: date) -> list[Problem]:
    rules = rules_for(service)
    if ends_on < starts_on:
        return [Problem("ends_on", "ends_before_start")]
    # A period of n months runs from a day to the day before the same date n months later.
    shortest = starts_on + relativedelta(months=rules.min_months) - timedelta(days=1)
    longest = starts_on + relativedelta(months=rules.max_months) - timedelta(days=1)
    if not shortest <= ends_on <= longest:
        return [Problem("ends_on", "period_length", (("min", rules.min_months), ("max", rules.max_months)))]
    return []


# The first agreement of rehabilitative work activity is for 3 months; later ones may be longer.
FIRST_AGREEMENT_MONTHS = {Service.REHABILITATIVE_WORK: 3}


def first_agreement_problems(service: str, starts_on: date, ends_on: date, *, is_first: bool) -> list[Problem]:
    """A first agreement longer than the law's first term; `is_first` comes from the client's earlier plans."""
    months = FIRST_AGREEMENT_MONTHS.get(Service(service))
    if not is_first or months is None:
        return []
    if ends_on > starts_on + relativedelta(months=months) - timedelta(days=1):
        return [Problem("ends_on", "first_agreement", (("months", months),))]
    return []


def amount_problems(service: str, days_per_week: int, hours_per_day: Decimal) -> list[Problem]:
    rules = rules_for(service)
    problems = []
    if not rules.min_days <= days_per_week <= rules.max_days:
        problems.append(Problem("days_per_week", "days", (("min", rules.min_days), ("max", rules.max_days))))
    if not rules.min_hours <= hours_per_day <= rules.max_hours:
        problems.append(Problem("hours_per_day", "hours", (("min", rules.min_hours), ("max", rules.max_hours))))
    return problems


def overlaps(starts_on: date, ends_on: date, other_starts_on: date, other_ends_on: date) -> bool:
    return starts_on <= other_ends_on and other_starts_on <= ends_on
