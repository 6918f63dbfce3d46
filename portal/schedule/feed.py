"""The calendar feed: an iCalendar file at a secret address, so the client's
week shows in their phone's calendar.

The feed carries only times, activity and place: no goals, no health data,
no absences. Only a hash of the token is stored (see CalendarFeed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta

import icalendar
from sqlmodel import Session, col, select

from portal.models import CalendarFeed
from portal.clock import now as utc_now
from portal.schedule import week
from portal.schedule.calendar_days import HELSINKI

DAYS_BACK = 7
DAYS_AHEAD = 8 * 7


def token_for(secret_key: str, salt: str) -> str:
    return hmac.new(secret_key.encode(), b"calendar-feed:" + salt.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active(session: Session, *, person_id: int) -> CalendarFeed | None:
    return session.exec(
        select(CalendarFeed).where(CalendarFeed.person_id == person_id, col(CalendarFeed.revoked_at).is_(None))
    ).first()


def create(session: Session, *, person_id: int, secret_key: str) -> CalendarFeed:
    """The client's feed; a new one only when there is none in use."""
    existing = active(session, person_id=person_id)
    if existing is not None:
        return existing
    salt = secrets.token_hex(16)
    feed = CalendarFeed(person_id=person_id, salt=salt, token_hash=token_hash(token_for(secret_key, salt)))
    session.add(feed)
    session.flush()
    return feed


def revoke(session: Session, *, person_id: int) -> bool:
    feed = active(session, person_id=person_id)
    if feed is None:
        return False
    feed.revoked_at = utc_now()
    session.add(feed)
    return True


def find(session: Session, *, token: str) -> CalendarFeed | None:
    if len(token) != 64:
        return None
    feed = session.exec(select(CalendarFeed).where(CalendarFeed.token_hash == token_hash(token))).first()
    return feed if feed is not None and feed.revoked_at is None else None


def calendar(session: Session, *, token: str, today: date, base_url: str) -> bytes | None:
    """The iCalendar file for a token, or None for an unknown or revoked one."""
    feed = find(session, token=token)
    if feed is None:
        return None
    days = week.client_days(session, person_id=feed.person_id, first=today - timedelta(days=DAYS_BACK),
                            last=today + timedelta(days=DAYS_AHEAD))
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Oma tyotoiminta//portal//FI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Oma työtoiminta")
    cal.add("x-wr-timezone", "Europe/Helsinki")
    stamp = utc_now()
    host = base_url.split("//", 1)[-1].split("/", 1)[0]
    for day in days:
        for occurrence in day.activities:
            event = icalendar.Event()
            event.add("uid", f"{occurrence.slot_id}-{day.day.isoformat()}@{host}")
            event.add("dtstamp", stamp)
            event.add("dtstart", datetime.combine(day.day, occurrence.starts_at, HELSINKI))
            event.add("dtend", datetime.combine(day.day, occurrence.ends_at, HELSINKI))
            event.add("summary", occurrence.activity)
            event.add("location", f"{occurrence.place}, {occurrence.unit_name}")
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
