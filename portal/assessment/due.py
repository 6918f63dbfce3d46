"""When an assessment is due: at the period's start, a few months later (per
service, portal/content/assessment_schedule.toml), at its end, and whenever a
staff member asks for one."""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from portal.models import Occasion
from portal.settings import PACKAGE_DIR

SCHEDULE_FILE = PACKAGE_DIR / "content" / "assessment_schedule.toml"


@dataclass(frozen=True)
class Schedule:
    default_follow_up_months: int
    follow_up_months: dict[str, int]
    open_days_before: int

    def months_for(self, service: str) -> int:
        return self.follow_up_months.get(service, self.default_follow_up_months)


@cache
def schedule() -> Schedule:
    data = tomllib.loads(SCHEDULE_FILE.read_text("utf-8"))
    return Schedule(
        default_follow_up_months=int(data["default_follow_up_months"]),
        follow_up_months={str(k): int(v) for k, v in data.get("follow_up_months", {}).items()},
        open_days_before=int(data.get("open_days_before", 14)),
    )


@dataclass(frozen=True, order=True)
class DueOccasion:
    due_on: date
    occasion: Occasion


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def occasions(*, starts_on: date, ends_on: date, service: str, requested: list[date] = (),  # type: ignore[assignment]
              rules: Schedule | None = None) -> list[DueOccasion]:
    """Every occasion of one period, in date order."""
    rules = rules or schedule()
    found = [DueOccasion(starts_on, Occasion.START)]
    follow_up = add_months(starts_on, rules.months_for(service))
    if follow_up < ends_on - timedelta(days=30):  # a short period needs no follow-up before its end
        found.append(DueOccasion(follow_up, Occasion.FOLLOW_UP))
    if ends_on > starts_on:
        found.append(DueOccasion(ends_on, Occasion.END))
    found += [DueOccasion(day, Occasion.REQUESTED) for day in requested]
    return sorted(found)


def current(all_occasions: list[DueOccasion], *, today: date, rules: Schedule | None = None) -> DueOccasion | None:
    """The latest occasion that is open now; older missed ones are not asked for again."""
    rules = rules or schedule()
    opened = [item for item in all_occasions if item.due_on - timedelta(days=rules.open_days_before) <= today]
    return opened[-1] if opened else None


def upcoming(all_occasions: list[DueOccasion], *, today: date) -> DueOccasion | None:
    later = [item for item in all_occasions if item.due_on > today]
    return later[0] if later else None
