"""Reminders in the demo: Aino Virtanen has a confirmed e-mail address and
all her reminders on; Mikko Korhonen a confirmed mobile number and
tomorrow's reminder. The outbox holds a few sent and waiting notifications,
so the staff's outbox page (/staff/outbox, the development outbox) shows
something from the start. Nothing here is sent anywhere."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from portal import clock
from portal.notifications import outbox, preferences
from portal.notifications.models import CHOOSABLE, Category, Channel, ContactPoint, Notification, State

AINO, MIKKO = "010280-952L", "150375-990C"
AINO_EMAIL = "aino.virtanen@example.fi"
MIKKO_MOBILE = "+358401234567"  # shown as 040 1234567


def load(session: Session, *, people: dict[str, int]) -> None:
    now = clock.now()
    aino, mikko = people[AINO], people[MIKKO]
    week_ago = now - timedelta(days=7)
    session.add(ContactPoint(person_id=aino, channel=Channel.EMAIL.value, address=AINO_EMAIL, confirmed_at=week_ago,
                             language="fi", created_at=week_ago, updated_at=week_ago))
    session.add(ContactPoint(person_id=mikko, channel=Channel.SMS.value, address=MIKKO_MOBILE, confirmed_at=week_ago,
                             language="fi", created_at=week_ago, updated_at=week_ago))
    for category in CHOOSABLE:
        preferences.set_one(session, person_id=aino, client_id=aino, category=category.value, enabled=True,
                            now=week_ago)
    preferences.set_one(session, person_id=mikko, client_id=mikko, category=Category.TOMORROW.value, enabled=True,
                        now=week_ago)
    yesterday_evening = clock.at_helsinki(clock.today() - timedelta(days=2), 18)
    for person, channel in ((aino, Channel.EMAIL.value), (mikko, Channel.SMS.value)):
        day = (clock.today() - timedelta(days=1)).isoformat()
        session.add(Notification(
            key=outbox.key_for(Category.TOMORROW.value, f"{person}:{day}", person, channel),
            category=Category.TOMORROW.value, channel=channel, person_id=person, client_person_id=person,
            object_id=day, language="fi", state=State.SENT.value, attempts=1, created_at=yesterday_evening,
            next_try_at=yesterday_evening, sent_at=yesterday_evening + timedelta(seconds=3), outcome="sent",
            provider_ref="development"))
    month = (clock.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    later = clock.at_helsinki(clock.today() + timedelta(days=1), 8)  # waiting for the morning
    session.add(Notification(
        key=outbox.key_for(Category.MONEY_READY.value, f"{aino}:{month:%Y-%m}:demo", aino, Channel.EMAIL.value),
        category=Category.MONEY_READY.value, channel=Channel.EMAIL.value, person_id=aino, client_person_id=aino,
        object_id=f"{month:%Y-%m}:demo", language="fi", state=State.QUEUED.value, created_at=now,
        next_try_at=later))
    session.flush()
