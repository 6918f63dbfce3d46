"""A person's choices: which categories they want, about their own matters
or about a client they act for. Everything is off until chosen (opt-in).

A delegate gets a category only when their mandate covers it: with a mandate
to view, what one can look at (tomorrow's day, a new message, the month's
money); with a mandate to act, also the self-assessment, which one fills in.
The sender checks the mandate again before each notification goes.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from portal.models import MandateScope
from portal.notifications.models import CHOOSABLE, Category, NotificationPreference

OWN = "own"
COVERED: dict[str, tuple[Category, ...]] = {
    OWN: CHOOSABLE,
    MandateScope.ACT.value: CHOOSABLE,
    MandateScope.VIEW.value: (Category.TOMORROW, Category.NEW_MESSAGE, Category.MONEY_READY),
}


def categories_for(footing: str | None) -> tuple[Category, ...]:
    return COVERED.get(footing or "", ())


def covers(footing: str | None, category: str) -> bool:
    return category in categories_for(footing)


def choices(session: Session, *, person_id: int, client_id: int) -> dict[str, bool]:
    found = session.exec(select(NotificationPreference).where(
        NotificationPreference.person_id == person_id, NotificationPreference.client_person_id == client_id)).all()
    chosen = {row.category: row.enabled for row in found}
    return {category.value: chosen.get(category.value, False) for category in CHOOSABLE}


def set_one(session: Session, *, person_id: int, client_id: int, category: str, enabled: bool, now: datetime) -> bool:
    """Turn one category on or off; True when it changed."""
    row = session.exec(select(NotificationPreference).where(
        NotificationPreference.person_id == person_id, NotificationPreference.client_person_id == client_id,
        NotificationPreference.category == category)).first()
    if row is None:
        if not enabled:
            return False
        row = NotificationPreference(person_id=person_id, client_person_id=client_id, category=category)
    elif row.enabled == enabled:
        return False
    row.enabled, row.updated_at = enabled, now
    session.add(row)
    session.flush()
    return True


def save(session: Session, *, person_id: int, client_id: int, footing: str | None, chosen: set[str],
         now: datetime) -> None:
    """The settings page's boxes: the categories the footing covers, each on or off."""
    for category in categories_for(footing):
        set_one(session, person_id=person_id, client_id=client_id, category=category.value,
                enabled=category.value in chosen, now=now)


def wanted_by(session: Session, *, client_ids: list[int], category: str) -> list[tuple[int, int]]:
    """(recipient, client) pairs that want this category about these clients."""
    if not client_ids:
        return []
    return [(row.person_id, row.client_person_id) for row in session.exec(
        select(NotificationPreference).where(col(NotificationPreference.client_person_id).in_(client_ids),
                                             NotificationPreference.category == category,
                                             col(NotificationPreference.enabled).is_(True))).all()]


def clients_wanting(session: Session, *, category: str) -> list[int]:
    """The clients about whom someone wants this category (the scheduler's candidates)."""
    return list(session.exec(select(NotificationPreference.client_person_id).where(
        NotificationPreference.category == category, col(NotificationPreference.enabled).is_(True)).distinct()).all())


def is_on(session: Session, *, person_id: int, client_id: int, category: str) -> bool:
    return bool(session.exec(select(NotificationPreference.enabled).where(
        NotificationPreference.person_id == person_id, NotificationPreference.client_person_id == client_id,
        NotificationPreference.category == category)).first())
