""""Omat tietoni" of the notifications: the client's addresses, their own
choices and the notifications sent to them (the newest 100). Never a code:
a waiting address shows, its code does not."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from portal.mydata import Request
from portal.notifications.models import ContactPoint, Notification, NotificationPreference

SHOWN = 100


def notifications(session: Session, asked: Request) -> dict[str, Any] | None:
    points = session.exec(select(ContactPoint).where(ContactPoint.person_id == asked.person_id)
                          .order_by(ContactPoint.channel)).all()
    chosen = session.exec(select(NotificationPreference).where(
        NotificationPreference.person_id == asked.person_id,
        NotificationPreference.client_person_id == asked.person_id).order_by(NotificationPreference.category)).all()
    sent = session.exec(select(Notification).where(Notification.person_id == asked.person_id)
                        .order_by(col(Notification.id).desc()).limit(SHOWN)).all()
    if not points and not chosen and not sent:
        return None
    return {
        "addresses": [{"channel": point.channel, "address": point.address, "confirmed_at": point.confirmed_at,
                       "waiting_address": point.pending_address, "language": point.language} for point in points],
        "choices": [{"category": row.category, "enabled": row.enabled, "updated_at": row.updated_at}
                    for row in chosen],
        "notifications": [{"category": row.category, "channel": row.channel, "created_at": row.created_at,
                           "state": row.state, "sent_at": row.sent_at} for row in sent],
    }
