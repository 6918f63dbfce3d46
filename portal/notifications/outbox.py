"""Putting notifications into the outbox, in the transaction of their cause.

Each row has a unique `key` (category, what it is about, recipient,
channel): writing the same notification again (the scheduler running twice,
two processes at once, a cause saved again) adds nothing, in one INSERT …
ON CONFLICT DO NOTHING. A row says only who, what kind and about what; its
text is written when it is sent, in the recipient's language
(portal.notifications.texts), so nothing personal waits in the outbox.

Another area says whether a notification is still worth sending with
`register_check`: the messages area registers whether a message is still
unread (`register_unread_check`), asked just before "Uusi viesti" goes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from portal.notifications import preferences, timing
from portal.notifications.models import Category, ContactPoint, Notification, State

NEW_MESSAGE_DELAY = timedelta(minutes=10)  # "Uusi viesti" only when still unread after this
# Sent at any hour: the person asked for it just now.
QUIET_EXEMPT = frozenset({Category.CONFIRMATION_CODE.value})


def key_for(category: str, object_id: str, person_id: int, channel: str) -> str:
    return f"{category}:{object_id}:{person_id}:{channel}"


def _insert(session: Session, rows: list[dict[str, Any]]) -> int:
    """Add rows whose key is new; returns how many were added."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = make(Notification).values(rows).on_conflict_do_nothing(index_elements=["key"]).returning(
        Notification.id)  # type: ignore[arg-type]
    return len(session.exec(statement).all())  # type: ignore[call-overload]


def _due(category: str, moment: datetime) -> datetime:
    return moment if category in QUIET_EXEMPT else timing.after_quiet_hours(moment)


def enqueue_direct(session: Session, *, key: str, category: str, channel: str, to_address: str, language: str,
                   now: datetime, subject: str = "", body: str = "", person_id: int | None = None,
                   expires_at: datetime | None = None) -> int | None:
    """A notification to an address (a code to a new address, an answer to
    feedback); its id, or None when the key was there already."""
    _insert(session, [{"key": key, "category": category, "channel": channel, "person_id": person_id,
                       "to_address": to_address, "language": language, "subject": subject, "body": body,
                       "state": State.QUEUED.value, "attempts": 0, "created_at": now,
                       "next_try_at": _due(category, now), "expires_at": expires_at, "object_id": "",
                       "outcome": "", "provider_ref": ""}])
    return session.exec(select(Notification.id).where(Notification.key == key)).first()


def enqueue_for_clients(session: Session, *, client_ids: list[int], category: str, object_id: str, now: datetime,
                        not_before: datetime | None = None, expires_at: datetime | None = None) -> int:
    """A notification of this category about each client, for everyone who
    wants it (the client, delegates) and on each of their confirmed contact
    points. Returns how many rows were added."""
    wanted = preferences.wanted_by(session, client_ids=client_ids, category=category)
    if not wanted:
        return 0
    contacts = session.exec(select(ContactPoint).where(
        col(ContactPoint.person_id).in_({person for person, _client in wanted}),
        col(ContactPoint.confirmed_at).is_not(None), ContactPoint.address != "")).all()
    by_person: dict[int, list[ContactPoint]] = {}
    for contact in contacts:
        by_person.setdefault(contact.person_id, []).append(contact)
    due = _due(category, not_before or now)
    rows = [{"key": key_for(category, f"{client}:{object_id}", person, contact.channel), "category": category,
             "channel": contact.channel, "person_id": person, "client_person_id": client, "object_id": object_id,
             "to_address": "", "language": contact.language, "subject": "", "body": "",
             "state": State.QUEUED.value, "attempts": 0, "created_at": now, "next_try_at": due,
             "expires_at": expires_at, "outcome": "", "provider_ref": ""}
            for person, client in sorted(wanted) for contact in by_person.get(person, [])]
    return _insert(session, rows)


def notify_new_message(session: Session, *, message_id: int, person_ids: list[int], now: datetime) -> int:
    """A message came for these clients (call it in the transaction that
    saves the message). Everyone who wants "Uusi viesti" about them gets one
    10 minutes later, if the message is still unread by them then."""
    return enqueue_for_clients(session, client_ids=list(person_ids), category=Category.NEW_MESSAGE.value,
                               object_id=str(message_id), now=now, not_before=now + NEW_MESSAGE_DELAY)


# "Still worth sending?": a check per category, asked just before a notification goes.
Check = Callable[[Session, Notification], bool]
_checks: dict[str, Check] = {}


def register_check(category: str, check: Check) -> None:
    _checks[category] = check


def register_unread_check(is_unread_by: Callable[..., bool]) -> None:
    """The messages area's `is_unread_by(session, message_id=…, person_id=…)`:
    asked for the recipient (the client, or the delegate who gets it)."""
    register_check(Category.NEW_MESSAGE.value, lambda session, row: bool(is_unread_by(
        session, message_id=int(row.object_id), person_id=row.person_id)))


def still_relevant(session: Session, row: Notification) -> bool:
    check = _checks.get(row.category)
    return True if check is None else check(session, row)


# What the staff's outbox page and `portal notify --parked` read.

PAGE_SIZE = 50


def newest(session: Session, *, before_id: int | None = None, limit: int = PAGE_SIZE) -> list[Notification]:
    """A page of the outbox, newest first (keyset on the id)."""
    query = select(Notification).order_by(col(Notification.id).desc()).limit(limit)
    if before_id is not None:
        query = query.where(col(Notification.id) < before_id)
    return list(session.exec(query).all())


def parked(session: Session, *, limit: int = PAGE_SIZE) -> list[Notification]:
    return list(session.exec(select(Notification).where(Notification.state == State.PARKED.value)
                             .order_by(col(Notification.next_try_at)).limit(limit)).all())


def retry(session: Session, *, notification_id: int, now: datetime) -> bool:
    """An admin sends a parked notification again: due now, with fresh attempts."""
    row = session.exec(select(Notification).where(Notification.id == notification_id,
                                                  Notification.state == State.PARKED.value).with_for_update()).first()
    if row is None:
        return False
    row.state, row.attempts, row.next_try_at, row.outcome = State.QUEUED.value, 0, _due(row.category, now), "retry"
    row.expires_at = None if row.category != Category.CONFIRMATION_CODE.value else row.expires_at
    session.add(row)
    return True


KEEP_DAYS = 180  # PORTAL_NOTIFY_KEEP_DAYS
FORGET_AT_ONCE = 5000
_FINISHED = (State.SENT.value, State.CANCELLED.value)


def forget_old(session: Session, *, now: datetime, keep_days: int, limit: int = FORGET_AT_ONCE) -> int:
    """Delete sent and cancelled notifications whose last try is older than
    `keep_days` (at most `limit` a call, read through the index on state and
    time): the outbox keeps what is needed to answer "was I told?" for half
    a year, and no more. Parked ones wait for an admin, whatever their age.
    A stop link of a forgotten notification no longer works (the page says
    how to turn reminders off in "Muistutukset"), and a self-assessment still
    undone after that time would be reminded of once more."""
    cutoff = now - timedelta(days=keep_days)
    old = (select(Notification.id).where(col(Notification.state).in_(_FINISHED), Notification.next_try_at < cutoff)
           .limit(limit).scalar_subquery())
    result = session.execute(delete(Notification).where(col(Notification.id).in_(old)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def counts(session: Session) -> dict[str, int]:
    return dict(session.exec(select(Notification.state, func.count()).group_by(Notification.state)).all())  # type: ignore[arg-type]


