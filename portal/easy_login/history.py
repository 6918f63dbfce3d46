"""The client's own story of their easy login, from the access log: each
login (how, on which kiosk), wrong codes, the lock, and what staff did. The
client reads it on "Kuka on katsonut tietojani" in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from portal.easy_login.models import Kiosk
from portal.models import AccessEvent, Person

SHOWN = 20  # the newest; the whole story is in "Omat tietoni" and the log


@dataclass(frozen=True)
class Happening:
    occurred_at: datetime
    action: str
    object_type: str
    by_self: bool
    actor_name: str
    kiosk_name: str


def newest(session: Session, *, person_id: int, limit: int = SHOWN) -> list[Happening]:
    """The person's easy-login events, newest first (the partial index
    ix_accessevent_easy_login keeps this one short range scan)."""
    events = session.exec(
        select(AccessEvent).where(AccessEvent.subject_person_id == person_id,
                                  col(AccessEvent.object_type).like("easy_login%"))
        .order_by(col(AccessEvent.id).desc()).limit(limit)
    ).all()
    actor_ids = {event.actor_person_id for event in events if event.actor_person_id is not None}
    names = {person.id: f"{person.given_name} {person.family_name}"
             for person in session.exec(select(Person).where(col(Person.id).in_(actor_ids))).all()}
    kiosk_ids = {int(event.object_id.split(":", 1)[1]) for event in events
                 if event.object_id.startswith("kiosk:") and event.object_id[6:].isdigit()}
    kiosks = {kiosk.id: kiosk.name for kiosk in session.exec(select(Kiosk).where(col(Kiosk.id).in_(kiosk_ids))).all()}
    return [
        Happening(event.occurred_at, event.action, event.object_type, event.actor_person_id == person_id,
                  names.get(event.actor_person_id, ""),
                  kiosks.get(int(event.object_id[6:]), "") if event.object_id[6:].isdigit() else "")
        for event in events
    ]
