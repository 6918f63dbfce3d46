"""The scheduler: finds the reminders that are due and puts them in the
outbox. The sender loop runs it (every few minutes) and so does `portal
notify`; running it twice adds nothing (the outbox's unique key).

- "Muistutus huomisesta": from 18.00 to 21.00 Finnish time, for tomorrow, to
  clients expected tomorrow by their weekly schedule (a group time of theirs,
  not cancelled that day, not a public holiday) who have not reported an
  absence for it. It goes at once (18.00 at the earliest) and expires at
  21.00: a reminder of "tomorrow" that could not go in the evening is not
  sent the next morning. Just before it goes, the sender asks again (an
  absence reported or the group cancelled meanwhile cancels it).
- "Itsearviointi on ajankohtainen": when a self-assessment occasion opens
  (portal.assessment.overview: due and not started), once per occasion.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from portal import clock
from portal.assessment import overview
from portal.models import GroupMember, GroupSlot, SlotChange
from portal.notifications import outbox, preferences
from portal.notifications.models import Category, Notification
from portal.schedule import week
from portal.schedule.calendar_days import public_holidays

EVENING_FROM, EVENING_UNTIL = 18, 21


def expected_on(session: Session, *, person_ids: list[int], day: date) -> set[int]:
    """Which of these clients the schedule expects on the day, and who have
    not reported an absence for it (the rule of week.expected_clients, for
    many clients at once)."""
    if not person_ids or public_holidays(day, day):
        return set()
    members = session.exec(select(GroupMember).where(col(GroupMember.person_id).in_(person_ids),
                                                     week.members_between(day, day))).all()
    if not members:
        return set()
    slots = [slot for slot in session.exec(select(GroupSlot).where(
        col(GroupSlot.group_id).in_({member.group_id for member in members}), week.slots_between(day, day))).all()
        if week.slot_covers(slot, day)]
    cancelled = set(session.exec(select(SlotChange.slot_id).where(
        col(SlotChange.slot_id).in_([slot.id for slot in slots]), SlotChange.on_date == day,
        col(SlotChange.cancelled).is_(True))).all()) if slots else set()
    groups_on = {slot.group_id for slot in slots if slot.id not in cancelled}
    expected = {member.person_id for member in members if member.group_id in groups_on}
    absent = {person for person, _day in week.absences_between(session, expected, day, day)}
    return expected - absent


def schedule_tomorrow(session: Session, *, now: datetime) -> int:
    local = now.astimezone(clock.HELSINKI)
    if not EVENING_FROM <= local.hour < EVENING_UNTIL:
        return 0
    day = local.date() + timedelta(days=1)
    clients = sorted(expected_on(session, person_ids=preferences.clients_wanting(
        session, category=Category.TOMORROW.value), day=day))
    if not clients:
        return 0
    evening = clock.at_helsinki(local.date(), EVENING_FROM).astimezone(UTC)
    return outbox.enqueue_for_clients(
        session, client_ids=clients, category=Category.TOMORROW.value, object_id=day.isoformat(), now=now,
        not_before=max(now, evening), expires_at=clock.at_helsinki(local.date(), EVENING_UNTIL).astimezone(UTC))


def _still_expected(session: Session, row: Notification) -> bool:
    return row.client_person_id in expected_on(session, person_ids=[row.client_person_id],  # type: ignore[list-item]
                                               day=date.fromisoformat(row.object_id))


def schedule_assessments(session: Session, *, now: datetime) -> int:
    today = now.astimezone(clock.HELSINKI).date()
    by_occasion: defaultdict[str, list[int]] = defaultdict(list)
    statuses = overview.client_statuses(
        session, person_ids=preferences.clients_wanting(session, category=Category.ASSESSMENT_DUE.value), today=today)
    for client, status in statuses.items():
        if status.due is not None:
            by_occasion[f"{status.due.occasion.value}:{status.due.due_on.isoformat()}"].append(client)
    return sum(outbox.enqueue_for_clients(session, client_ids=clients, category=Category.ASSESSMENT_DUE.value,
                                          object_id=occasion, now=now)
               for occasion, clients in sorted(by_occasion.items()))


def _assessment_still_due(session: Session, row: Notification) -> bool:
    status = overview.client_status(session, person_id=row.client_person_id, today=clock.today())  # type: ignore[arg-type]
    return status.due is not None and f"{status.due.occasion.value}:{status.due.due_on.isoformat()}" == row.object_id


@dataclass(frozen=True)
class Scheduled:
    tomorrow: int
    assessments: int


def run(session: Session, *, now: datetime | None = None) -> Scheduled:
    moment = now or clock.now()
    return Scheduled(schedule_tomorrow(session, now=moment), schedule_assessments(session, now=moment))


outbox.register_check(Category.TOMORROW.value, _still_expected)
outbox.register_check(Category.ASSESSMENT_DUE.value, _assessment_still_due)
