"""What the staff's outbox page ("Lähtevät viestit") shows of each
notification: its category's name, the address (a client's masked) and what
it says or said. No HTTP here: portal.notifications.routes.staff shows it."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from portal.notifications import contacts, outbox, stop_links, texts
from portal.notifications.models import CHOOSABLE, Category, ContactPoint, Notification


def _words(row: Notification, contact: ContactPoint | None, *, base_url: str, secret: str) -> str:
    """What the notification says (or said), as the staff may see it."""
    if row.body and row.category != Category.CONFIRMATION_CODE.value:
        return row.body
    if row.category == Category.CONFIRMATION_CODE.value:
        return row.body if row.outcome == "sent" and row.provider_ref == "development" else ""
    if row.category not in CHOOSABLE:
        return ""
    language = contact.language if contact is not None else row.language
    return texts.render(category=row.category, channel=row.channel, language=language, base_url=base_url,
                        stop_url=stop_links.url_for(base_url, secret, row)).text


def page(session: Session, *, before_id: int | None, base_url: str, secret: str) -> dict[str, Any]:
    """The outbox page: the parked notifications first (on the first page), then
    all, newest first, each with its words and its address (a client's masked)."""
    rows = outbox.newest(session, before_id=before_id, limit=outbox.PAGE_SIZE + 1)
    more = len(rows) > outbox.PAGE_SIZE
    rows = rows[:outbox.PAGE_SIZE]
    parked = outbox.parked(session) if before_id is None else []
    shown_rows = [*parked, *rows]
    people = {row.person_id for row in shown_rows if row.person_id is not None}
    by_key = {(contact.person_id, contact.channel): contact for contact in contacts.of_people(session, people)}

    def item(row: Notification) -> dict[str, Any]:
        contact = by_key.get((row.person_id, row.channel))
        address = row.to_address or (contact.address if contact is not None else "")
        client_address = row.category != Category.ACCESSIBILITY_ANSWER.value
        return {"row": row, "name": texts.NAMES.get(row.category, row.category),
                "address": contacts.masked(row.channel, address) if client_address else address,
                "words": _words(row, contact, base_url=base_url, secret=secret)}

    return {"parked": [item(row) for row in parked], "rows": [item(row) for row in rows],
            "next_before": rows[-1].id if more and rows else None, "counts": outbox.counts(session)}
