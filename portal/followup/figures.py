"""Follow-up figures of one unit over a range of months, with small groups
hidden by the one rule in portal.followup.suppression."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from portal.assessment.content import Library
from portal.followup import assessment_months
from portal.followup.assessments import AreaChange, UnitAssessments, area_changes, unit_sent
from portal.followup.attendance import AttendanceCounts
from portal.followup.attendance_months import monthly_attendance_kept
from portal.followup.suppression import SMALLEST_GROUP, breakdown, shown
from portal.models import ClientFeedback, ClientPeriod, NextStep, PeriodOutcome

__all__ = ["SMALLEST_GROUP", "Followup", "Month", "month_end", "month_starts", "unit_followup"]

MAX_MONTHS = 36
FACES = (5, 4, 3, 2, 1)
TENTH = Decimal("0.1")


def month_starts(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last and len(months) < MAX_MONTHS:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def month_end(month: date) -> date:
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Attendance:
    """None everywhere when the counted days are about fewer than five persons."""

    rate: Decimal | None = None  # percent of counted days present
    present: int | None = None  # days
    not_present: int | None = None  # days
    not_marked: int | None = None  # days left out of the rate
    persons: int | None = None


@dataclass(frozen=True)
class OnTime:
    rate: Decimal | None = None  # percent of counted occasions done on time
    on_time: int | None = None
    late: int | None = None
    total: int | None = None


@dataclass(frozen=True)
class Month:
    month: date
    active_clients: int | None
    feedback_count: int | None
    moods: dict[int, int | None]  # face 1-5: how many
    average_mood: Decimal | None
    attendance: Attendance = Attendance()
    on_time: OnTime = OnTime()


@dataclass(frozen=True)
class Followup:
    unit_id: int
    months: list[Month]
    outcomes: dict[str, int | None] = field(default_factory=dict)  # next step: how many periods ended so
    ended_periods: int | None = None
    areas: list[AreaChange] = field(default_factory=list)


def attendance_figure(counts: AttendanceCounts | None) -> Attendance:
    # The day counts are about the persons whose days are counted: hidden with them.
    if counts is None or counts.persons < SMALLEST_GROUP or counts.present + counts.not_present == 0:
        return Attendance()
    return Attendance(percent(counts.present, counts.present + counts.not_present), counts.present,
                      counts.not_present, counts.not_marked, counts.persons)


def on_time_figure(on_time: int, late: int, persons: int) -> OnTime:
    if persons < SMALLEST_GROUP:
        return OnTime()
    total, cells = breakdown({"on_time": on_time, "late": late})
    if total is None:
        return OnTime()
    # The rate with the total gives both cells back: shown only when they are.
    rate = percent(on_time, total) if None not in cells.values() else None
    return OnTime(rate, cells["on_time"], cells["late"], total)


def feedback_figures(moods: Counter[int]) -> tuple[int | None, dict[int, int | None], Decimal | None]:
    total, cells = breakdown({mood: moods[mood] for mood in FACES})
    # The average with the total gives two hidden faces back (two equations): shown only with every face.
    average = None
    if total is not None and None not in cells.values():
        average = (Decimal(sum(mood * n for mood, n in moods.items())) / total).quantize(TENTH, rounding=ROUND_HALF_UP)
    return total, cells, average


def _active_clients(of_unit: UnitAssessments, months: list[date]) -> dict[date, int]:
    """Distinct clients with a period in the unit on some day of each month (the periods meet the months):
    the full count, which portal/followup/assessment_months.py keeps."""
    first = months[0].year * 12 + months[0].month
    persons: list[set[int]] = [set() for _month in months]
    for person_id, _service, starts_on, ends_on in of_unit.periods:
        since = max(0, starts_on.year * 12 + starts_on.month - first)
        until = min(len(months) - 1, ends_on.year * 12 + ends_on.month - first)
        for index in range(since, until + 1):
            persons[index].add(person_id)
    return {month: len(persons[index]) for index, month in enumerate(months)}


def unit_followup(session: Session, *, unit_id: int, first: date, last: date, today: date,
                  library: Library | None = None) -> Followup:
    months = month_starts(first, last)
    if not months:
        return Followup(unit_id, [])
    start, end = months[0], month_end(months[-1])
    # One query for the range's feedback: how many of each face a day, added up here by month.
    feedback = session.exec(
        select(ClientFeedback.given_on, ClientFeedback.mood, func.count()).where(
            ClientFeedback.unit_id == unit_id, col(ClientFeedback.given_on) >= start, col(ClientFeedback.given_on) <= end)
        .group_by(ClientFeedback.given_on, ClientFeedback.mood)
    ).all()
    by_month: dict[date, Counter[int]] = {month: Counter() for month in months}
    for given_on, mood, count in feedback:
        by_month[given_on.replace(day=1)][mood] += count
    attendance = monthly_attendance_kept(session, unit_id=unit_id, months=months, today=today)
    # Clients and assessments on time: kept per client and month (assessment_months), not counted on each view.
    kept = assessment_months.unit_months(session, unit_id=unit_id, months=months, today=today)
    rows = []
    for month in months:
        total, moods, average = feedback_figures(by_month[month])
        counts = kept[month].on_time
        rows.append(Month(month, shown(kept[month].clients), total, moods, average,
                          attendance_figure(attendance.get(month)),
                          on_time_figure(counts.on_time, counts.late, counts.persons) if counts else OnTime()))
    ended = session.exec(
        select(PeriodOutcome.next_step).join(ClientPeriod, col(ClientPeriod.id) == col(PeriodOutcome.period_id))
        .where(ClientPeriod.unit_id == unit_id, col(PeriodOutcome.ended_on) >= start, col(PeriodOutcome.ended_on) <= end)
    ).all()
    steps = Counter(ended)
    total_ended, outcomes = breakdown({step.value: steps[step.value] for step in NextStep})
    areas = area_changes(session, library=library, sent=unit_sent(session, unit_id=unit_id, first=start, last=end),
                         smallest=SMALLEST_GROUP) if library is not None else []
    return Followup(unit_id, rows, outcomes if total_ended is not None else {}, total_ended, areas)
