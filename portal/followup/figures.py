"""Follow-up figures of one unit over a range of months."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from portal.models import ClientFeedback, ClientPeriod, PeriodOutcome

SMALLEST_GROUP = 5  # fewer persons than this: the figure is not shown
MAX_MONTHS = 36


def month_starts(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last and len(months) < MAX_MONTHS:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def month_end(month: date) -> date:
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def shown(count: int) -> int | None:
    """The count, or None when it is about too few persons."""
    return count if count >= SMALLEST_GROUP else None


@dataclass(frozen=True)
class Month:
    month: date
    active_clients: int | None
    feedback_count: int | None
    moods: dict[int, int | None]  # face 1-5: how many
    average_mood: Decimal | None


@dataclass(frozen=True)
class Followup:
    unit_id: int
    months: list[Month]
    outcomes: dict[str, int | None] = field(default_factory=dict)  # next step: how many periods ended so
    ended_periods: int | None = None


def _active_clients(session: Session, unit_id: int, month: date) -> int:
    return session.exec(
        select(func.count(func.distinct(ClientPeriod.person_id))).where(
            ClientPeriod.unit_id == unit_id, col(ClientPeriod.starts_on) <= month_end(month),
            col(ClientPeriod.ends_on) >= month)
    ).one()


def unit_followup(session: Session, *, unit_id: int, first: date, last: date) -> Followup:
    months = month_starts(first, last)
    if not months:
        return Followup(unit_id, [])
    start, end = months[0], month_end(months[-1])
    # One query for the range's feedback: (day, face) pairs, grouped here by month.
    feedback = session.exec(
        select(ClientFeedback.given_on, ClientFeedback.mood).where(
            ClientFeedback.unit_id == unit_id, col(ClientFeedback.given_on) >= start, col(ClientFeedback.given_on) <= end)
    ).all()
    by_month: dict[date, Counter[int]] = {month: Counter() for month in months}
    for given_on, mood in feedback:
        by_month[given_on.replace(day=1)][mood] += 1
    rows = []
    for month in months:
        moods = by_month[month]
        total = sum(moods.values())
        # A month with fewer than five answers shows nothing of them, not even the split.
        visible = total >= SMALLEST_GROUP
        average = (Decimal(sum(mood * n for mood, n in moods.items())) / total).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP) if visible else None
        rows.append(Month(month, shown(_active_clients(session, unit_id, month)), total if visible else None,
                          {mood: shown(moods[mood]) if visible else None for mood in (5, 4, 3, 2, 1)}, average))
    ended = session.exec(
        select(PeriodOutcome.next_step).join(ClientPeriod, col(ClientPeriod.id) == col(PeriodOutcome.period_id))
        .where(ClientPeriod.unit_id == unit_id, col(PeriodOutcome.ended_on) >= start, col(PeriodOutcome.ended_on) <= end)
    ).all()
    steps = Counter(ended)
    total_ended = len(ended)
    return Followup(unit_id, rows, {step: shown(n) for step, n in steps.items()} if total_ended >= SMALLEST_GROUP
                    else {}, shown(total_ended))
