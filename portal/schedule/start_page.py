"""What the client's and the staff's start pages show about the schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from typing import Any

from sqlalchemy import Row
from sqlmodel import Session

from portal.plans import records
from portal.schedule import absences, week

LOOK_AHEAD_DAYS = 14
NEXT_DAYS_SHOWN = 3
NEW_NOTICE_HOURS = 72


@dataclass(frozen=True)
class ClientStart:
    today: week.Day
    next_days: list[week.Day]  # the next days with activity, at most three
    notices: list[Row[Any]]  # the client's absence notices not over yet (a notice's columns)
    next_review_on: date | None


def for_client(session: Session, *, person_id: int, today: date) -> ClientStart:
    notices = absences.upcoming(session, person_id=person_id, today=today)
    days = week.client_days(session, person_id=person_id, first=today, last=today + timedelta(days=LOOK_AHEAD_DAYS),
                            notices=notices)
    return ClientStart(
        days[0],
        [day for day in days[1:] if day.activities][:NEXT_DAYS_SHOWN],
        notices,
        records.next_review_on(session, person_id=person_id, today=today),
    )


@dataclass(frozen=True)
class StaffStart:
    groups: list[week.GroupDay]
    notices: list[absences.NoticeRow]


def for_staff(session: Session, *, unit_ids: list[int], today: date, now: datetime) -> StaffStart:
    """Today's groups with their expected clients, and new absence notices of the units' clients."""
    return StaffStart(
        week.unit_day(session, unit_ids=unit_ids, day=today),
        absences.new_for_staff(session, unit_ids=unit_ids, today=today, since=now - timedelta(hours=NEW_NOTICE_HOURS)),
    )
