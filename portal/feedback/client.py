"""Clients' feedback on the service or one activity of their week.

Anonymous feedback is stored without the person and with the day only. It
is never written to the access log either: an event with its time and the
client's id would tie the two back together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from portal import rate_limit
from portal.feedback.models import ClientFeedback
from portal.models import ClientPeriod, Person, Unit
from portal.schedule import week
from portal.feedback import answers

MOODS = (5, 4, 3, 2, 1)  # the five faces, best first
TEXT_MAX = 2000
ANSWER_MAX = 2000
STAFF_PAGE_SIZE = 50

# One person gives a few at most; a shared kiosk serves a whole centre, so
# its address may send many more than a home connection.
PER_PERSON = rate_limit.Limit("client_feedback_per_person", max_hits=5, window_seconds=60 * 60)
PER_ADDRESS = rate_limit.Limit("client_feedback_per_address", max_hits=20, window_seconds=60 * 60)
PER_KIOSK_ADDRESS = rate_limit.Limit("client_feedback_per_kiosk_address", max_hits=300, window_seconds=60 * 60)


def client_unit(session: Session, *, person_id: int, today: date) -> int | None:
    """The unit of the client's current period (or the latest one that ended)."""
    period = session.exec(
        select(ClientPeriod).where(ClientPeriod.person_id == person_id, col(ClientPeriod.starts_on) <= today)
        .order_by(col(ClientPeriod.ends_on).desc())
    ).first()
    return period.unit_id if period else None


def activities_of_week(session: Session, *, person_id: int, today: date) -> list[str]:
    """The activities of the client's week (Monday to Sunday), each once, in order."""
    monday = today - timedelta(days=today.weekday())
    names: list[str] = []
    for day in week.client_days(session, person_id=person_id, first=monday, last=monday + timedelta(days=6)):
        for occurrence in day.activities:
            if occurrence.activity not in names:
                names.append(occurrence.activity)
    return names


def allowed(session: Session, *, person_id: int, address: str, kiosk: bool, secret: str) -> bool:
    """Count one feedback against the person and the address, against both or
    neither; False when either is over. A person over their own limit who keeps
    trying does not use up the room of everyone else at the same address (a
    centre's shared network)."""
    counted = session.begin_nested()
    if (rate_limit.allow(session, limit=PER_PERSON, key=str(person_id), secret=secret)
            and rate_limit.allow(session, limit=PER_KIOSK_ADDRESS if kiosk else PER_ADDRESS, key=address,
                                 secret=secret)):
        counted.commit()
        return True
    counted.rollback()
    return False


def give(session: Session, *, person_id: int, by_person_id: int, unit_id: int, mood: int, about: str, text: str,
         anonymous: bool, today: date, now: datetime) -> ClientFeedback:
    if mood not in MOODS:
        raise ValueError("mood")
    feedback = ClientFeedback(
        unit_id=unit_id, mood=mood, about=about[:100], text=text[:TEXT_MAX], given_on=today,
        person_id=None if anonymous else person_id,
        given_by_person_id=None if anonymous or by_person_id == person_id else by_person_id,
        given_at=None if anonymous else now,
    )
    session.add(feedback)
    session.flush()
    return feedback


def named_feedback_of(session: Session, *, person_id: int) -> list[ClientFeedback]:
    """The client's own named feedback, newest first (anonymous is nobody's)."""
    return list(session.exec(
        select(ClientFeedback).where(ClientFeedback.person_id == person_id)
        .order_by(col(ClientFeedback.given_on).desc(), col(ClientFeedback.id).desc())
    ).all())


@dataclass(frozen=True)
class StaffRow:
    feedback: ClientFeedback
    unit_name: str
    client_name: str  # "" when anonymous


def for_staff(session: Session, *, unit_ids: list[int], before_id: int | None = None) -> list[StaffRow]:
    """Feedback of these units, newest first, one page (keyset on the id)."""
    query = (
        select(ClientFeedback, Unit, Person)
        .join(Unit, col(Unit.id) == col(ClientFeedback.unit_id))
        .join(Person, col(Person.id) == col(ClientFeedback.person_id), isouter=True)
        .where(col(ClientFeedback.unit_id).in_(unit_ids))
    )
    if before_id is not None:
        query = query.where(col(ClientFeedback.id) < before_id)
    rows = session.exec(query.order_by(col(ClientFeedback.id).desc()).limit(STAFF_PAGE_SIZE)).all()
    return [StaffRow(feedback, unit.name, f"{person.given_name} {person.family_name}" if person else "")
            for feedback, unit, person in rows]


def answer(session: Session, *, feedback_id: int, unit_ids: list[int], text: str, by_person_id: int,
           now: datetime) -> ClientFeedback | None:
    """Record staff's answer to named feedback of their own unit; None otherwise."""
    feedback = answers.record(
        session, select(ClientFeedback).where(ClientFeedback.id == feedback_id, col(ClientFeedback.unit_id).in_(unit_ids),
                                              col(ClientFeedback.person_id).is_not(None)),
        text=text, limit=ANSWER_MAX, by_person_id=by_person_id, now=now)
    session.flush()
    return feedback
