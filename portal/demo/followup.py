"""Demo for the unit's follow-up at Verstas: a group of the list demo's
clients with marked days, and self-assessments to compare.

- "Kokoonpano" meets on Tuesdays and Thursdays. Four clients are in it from
  the month before last, eight more from last month. Days are marked up to
  two days ago; every seventh is an absence, every eleventh a part day; the
  last two days wait for a mark. With Aino's and Mikko's days the attendance
  of each month is about at least five persons, so it is shown.
- Anonymous feedback in the five months before this one, 14 to 15 a month:
  the two best faces are shown, the three others are hidden together.
- Six clients sent their first assessment on time and a second one two weeks
  ago. Two of them skipped the daily-life questions both times, so that
  area is about four persons and is hidden; the others are shown.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from portal.assessment.content import load_library
from portal.demo.assessment import AINO_START, add_sent
from portal.models import AttendanceMark, ClientFeedback, Group, GroupMember, GroupSlot, Occasion
from portal.schedule.calendar_days import days_between, public_holidays, today

FIRST_MEMBERS, MEMBERS, ASSESSED = 4, 12, 6
FEEDBACK_A_MONTH = ((5, 6), (4, 5), (3, 2), (2, 1))  # (face, how many); one more 5 every other month
FEEDBACK_MONTHS = 5
WEEKDAYS = (1, 3)  # Tuesday, Thursday
DAILY_LIFE = ("home_chores", "money_matters", "on_time")
LATER = {**AINO_START, "work_ability_now": "7", "feel_good": "4", "belong": "4", "someone_to_talk": "5",
         "work_tasks": "4", "learn_new": "4", "home_chores": "4"}


def load(session: Session, *, unit_id: int, clients: list[int], guide: int, period_starts: date) -> None:
    now = today()
    early = max(period_starts, (now - relativedelta(months=2)).replace(day=1))
    group = Group(unit_id=unit_id, name="Kokoonpano")
    session.add(group)
    session.flush()
    for weekday in WEEKDAYS:
        session.add(GroupSlot(group_id=group.id, weekday=weekday, starts_at=time(9), ends_at=time(14),  # type: ignore[arg-type]
                              activity="Kokoonpano", place="Halli", guide_person_id=guide))
    members = clients[:MEMBERS]
    joined = {person: early if index < FIRST_MEMBERS else early + relativedelta(months=1)
              for index, person in enumerate(members)}
    for person, starts_on in joined.items():
        session.add(GroupMember(group_id=group.id, person_id=person, starts_on=starts_on))  # type: ignore[arg-type]
    last = now - timedelta(days=2)
    holidays = public_holidays(early, last)
    number = 0
    for day in days_between(early, last):
        if day.weekday() not in WEEKDAYS or day in holidays:
            continue
        for person in members:
            if joined[person] > day:
                continue
            number += 1
            session.add(AttendanceMark(person_id=person, on_date=day, present=number % 7 != 0,
                                       hours=Decimal("3") if number % 11 == 0 else None,
                                       absence_reason="ill" if number % 7 == 0 else "", recorded_by_person_id=guide,
                                       recorded_at=datetime.combine(day, time(14), UTC)))
    loaded = load_library().current()
    first_sent = datetime.combine(period_starts, time(10), UTC) + timedelta(days=3)
    for index, person in enumerate(clients[:ASSESSED]):
        skipped = {question: None for question in DAILY_LIFE} if index < 2 else {}
        add_sent(session, loaded=loaded, person_id=person, occasion=Occasion.START, due_on=period_starts,
                 sent_at=first_sent, answers={**AINO_START, **skipped})
        add_sent(session, loaded=loaded, person_id=person, occasion=Occasion.EXTRA, due_on=None,
                 sent_at=datetime.combine(now - timedelta(days=14), time(10), UTC), answers={**LATER, **skipped})
    for back in range(1, FEEDBACK_MONTHS + 1):
        month = now.replace(day=1) - relativedelta(months=back)
        faces = [face for face, count in FEEDBACK_A_MONTH for _ in range(count)] + [5] * (back % 2)
        for number, face in enumerate(faces):
            session.add(ClientFeedback(unit_id=unit_id, given_on=month + timedelta(days=number % 20), mood=face))
