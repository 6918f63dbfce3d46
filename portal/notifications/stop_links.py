"""The one-click stop link in every notification a person chose.

The link is `/stop/<id>.<signature>`: the notification's id and an HMAC (a
key derived from the portal's secret) over the id, the recipient, whose
matters and the category. It works without logging in. Opening it only
shows what it would stop, with a button: nothing changes on a GET (a mail
scanner that follows links stops nothing). The button stops that category
for that recipient and client, and the link is then used up: a second use,
a changed id or signature, or another notification's signature is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from portal.notifications import preferences
from portal.notifications.models import CHOOSABLE, Notification, State

SIGNATURE_CHARS = 22  # 132 bits of the HMAC, base64url


def _signature(secret: str, row: Notification) -> str:
    key = hmac.new(secret.encode(), b"portal notification stop link", hashlib.sha256).digest()
    message = f"{row.id}:{row.person_id}:{row.client_person_id}:{row.category}".encode()
    return base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()[:SIGNATURE_CHARS]


def token_for(secret: str, row: Notification) -> str:
    return f"{row.id}.{_signature(secret, row)}"


def url_for(base_url: str, secret: str, row: Notification) -> str:
    return f"{base_url}/stop/{token_for(secret, row)}"


@dataclass(frozen=True)
class Found:
    status: str  # "ok", "forged" (not a link we made), "used"
    category: str = ""


def _row(session: Session, secret: str, token: str) -> Notification | None:
    number, _, signature = token.partition(".")
    if not number.isascii() or not number.isdigit() or len(number) > 18 or len(signature) != SIGNATURE_CHARS:
        return None
    row = session.get(Notification, int(number))
    if row is None or row.person_id is None or row.client_person_id is None or row.category not in CHOOSABLE:
        return None
    if not hmac.compare_digest(signature.encode(), _signature(secret, row).encode()):
        return None
    return row


def find(session: Session, *, secret: str, token: str) -> Found:
    row = _row(session, secret, token)
    if row is None:
        return Found("forged")
    return Found("used" if row.stop_used_at is not None else "ok", row.category)


def stop(session: Session, *, secret: str, token: str, now: datetime) -> Found:
    """Turn the category off for that recipient and client, once."""
    row = _row(session, secret, token)
    if row is None:
        return Found("forged")
    # One conditional write: of two clicks at once, one stops and the other finds the link used.
    used = session.exec(select(Notification).where(Notification.id == row.id,
                                                   Notification.stop_used_at.is_(None)).with_for_update()).first()  # type: ignore[union-attr]
    if used is None or used.stop_used_at is not None:
        return Found("used", row.category)
    used.stop_used_at = now
    session.add(used)
    preferences.set_one(session, person_id=row.person_id, client_id=row.client_person_id,  # type: ignore[arg-type]
                        category=row.category, enabled=False, now=now)
    for waiting in session.exec(select(Notification).where(
            Notification.person_id == row.person_id, Notification.client_person_id == row.client_person_id,
            Notification.category == row.category, Notification.state == State.QUEUED.value)).all():
        waiting.state, waiting.outcome = State.CANCELLED.value, "turned_off"
        session.add(waiting)
    return Found("ok", row.category)
