"""Absence notices: "En pääse tänään", a later day or a range of days.

Rules: no past days, at most eight weeks ahead, within the client's service
period, not on a day with recorded attendance, not twice for one day. A
notice that has not started yet (or starts today) can be cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from typing import Any

from sqlalchemy import Row, bindparam, update
from sqlalchemy import select as select_rows
from sqlmodel import Session, col, select

from portal.db import rows, table

from portal.models import AbsenceNotice, AbsenceReason, AttendanceMark, ClientPeriod, Person
from portal.clock import now as utc_now
from portal.plans.rules import Problem
from portal.schedule import week

MAX_DAYS_AHEAD = 8 * 7


def problems(session: Session, *, person_id: int, starts_on: date, ends_on: date, today: date) -> list[Problem]:
    if starts_on < today:
        return [Problem("starts_on", "absence_past")]
    if ends_on < starts_on:
        return [Problem("ends_on", "ends_before_start")]
    if ends_on > today + timedelta(days=MAX_DAYS_AHEAD):
        return [Problem("ends_on", "absence_too_far", (("weeks", MAX_DAYS_AHEAD // 7),))]
    in_period = session.exec(
        select(ClientPeriod.id).where(ClientPeriod.person_id == person_id, col(ClientPeriod.starts_on) <= starts_on,
                                      col(ClientPeriod.ends_on) >= ends_on)
    ).first()
    if in_period is None:
        return [Problem("starts_on", "absence_outside_period")]
    attended = session.exec(
        select(AttendanceMark.id).where(AttendanceMark.person_id == person_id, col(AttendanceMark.on_date) >= starts_on,
                                        col(AttendanceMark.on_date) <= ends_on)
    ).first()
    if attended is not None:
        return [Problem("starts_on", "absence_attended")]
    if week.absences_between(session, [person_id], starts_on, ends_on):
        return [Problem("starts_on", "absence_already")]
    return []


def report(
    session: Session, *, person_id: int, by_person_id: int, starts_on: date, ends_on: date, reason: str,
    message: str, today: date,
) -> AbsenceNotice | list[Problem]:
    # One notice at a time per client: two quick presses of the button must not both pass the
    # "not twice for one day" check. A no-op write first takes the row lock on PostgreSQL and
    # the write lock on SQLite before anything is read.
    session.execute(update(Person).where(col(Person.id) == person_id).values(id=Person.id))
    found = problems(session, person_id=person_id, starts_on=starts_on, ends_on=ends_on, today=today)
    if found:
        return found
    notice = AbsenceNotice(person_id=person_id, starts_on=starts_on, ends_on=ends_on,
                           reason=AbsenceReason(reason).value, message=message.strip(),
                           created_by_person_id=by_person_id)
    session.add(notice)
    session.flush()
    return notice


def cancel(session: Session, *, person_id: int, notice_id: int, today: date) -> AbsenceNotice | None:
    """Cancel the client's own notice that has not started before today; None otherwise."""
    notice = session.get(AbsenceNotice, notice_id)
    if notice is None or notice.person_id != person_id or notice.cancelled_at is not None or notice.starts_on < today:
        return None
    notice.cancelled_at = utc_now()
    session.add(notice)
    return notice


_NOTICE = table(AbsenceNotice)
_UPCOMING = (select_rows(_NOTICE).where(_NOTICE.c.person_id == bindparam("person_id"), _NOTICE.c.cancelled_at.is_(None),
                                        _NOTICE.c.ends_on >= bindparam("today"))
             .order_by(_NOTICE.c.starts_on))


def upcoming(session: Session, *, person_id: int, today: date) -> list[Row[Any]]:
    """The client's notices that are not over yet, soonest first (rows with a notice's columns)."""
    return rows(session, _UPCOMING, person_id=person_id, today=today)


@dataclass(frozen=True)
class NoticeRow:
    notice_id: int
    person_id: int
    name: str
    starts_on: date
    ends_on: date
    reason: str
    message: str
    created_at: datetime


def new_for_staff(session: Session, *, unit_ids: list[int], today: date, since: datetime) -> list[NoticeRow]:
    """Notices of these units' clients sent since a moment and covering today or
    later, newest first (at most 50). The notices are found by their time
    (indexed) and each is checked against the units, so a unit of thousands
    of clients costs no more than a small one."""
    if not unit_ids:
        return []
    of_these_units = (
        select(ClientPeriod.id).where(col(ClientPeriod.person_id) == col(AbsenceNotice.person_id),
                                      col(ClientPeriod.unit_id).in_(unit_ids))
    ).exists()
    rows = session.exec(
        select(AbsenceNotice, Person).join(Person, col(Person.id) == col(AbsenceNotice.person_id))
        .where(col(AbsenceNotice.created_at) >= since, col(AbsenceNotice.cancelled_at).is_(None),
               col(AbsenceNotice.ends_on) >= today, of_these_units)
        .order_by(col(AbsenceNotice.created_at).desc())
        .limit(50)
    ).all()
    return [NoticeRow(notice.id, person.id, f"{person.given_name} {person.family_name}", notice.starts_on,  # type: ignore[arg-type]
                      notice.ends_on, notice.reason, notice.message, notice.created_at) for notice, person in rows]
