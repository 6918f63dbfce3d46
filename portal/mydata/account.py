"""The parts of "Omat tietoni" about how the client uses the service: logins,
the calendar address and forms kept over a timeout. Each row says what exists
and when, never a secret: no session token or its hash, no calendar address,
no kept form's contents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from portal import clock
from portal.auth import sessions
from portal.models import CalendarFeed, FormDraft, LoginSession, Person
from portal.mydata import Request

# A client logs in once or twice a day at most, and `portal prune` removes a
# session 30 days after its lifetime: the table holds some 60 of a person's
# sessions when prune runs. If it is not run, the rows grow without end, and
# a page of years of logins helps nobody; the access log keeps the longer
# history of who did what. So the newest 100 (also in the JSON, the same list).
LOGINS_SHOWN = 100
# A new calendar address is made only by the client's own button, after the
# old one is taken out of use: a few rows in a lifetime. The cap only keeps
# the page short for someone who presses it again and again.
CALENDAR_ADDRESSES_SHOWN = 20


def logins(session: Session, asked: Request) -> list[dict[str, Any]]:
    """The person's own logins, newest first. A delegate's logins to handle the
    client's matters are the delegate's data (the access log shows what they did)."""
    found = session.exec(
        select(LoginSession).where(LoginSession.person_id == asked.person_id)
        .order_by(col(LoginSession.created_at).desc(), col(LoginSession.id).desc()).limit(LOGINS_SHOWN)
    ).all()
    for_whom = {row.acting_for_person_id for row in found if row.acting_for_person_id is not None}
    names = {person.id: f"{person.given_name} {person.family_name}"
             for person in session.exec(select(Person).where(col(Person.id).in_(for_whom))).all()}
    now = clock.now()
    return [
        {"logged_in_at": row.created_at, "audience": row.audience, "kiosk": row.kiosk,
         # None: not chosen yet (a delegate chooses whose matters after logging in).
         "acting_for": names.get(row.acting_for_person_id) if row.acting_for_person_id is not None else None,
         "last_seen_at": row.last_seen_at, "ended_at": _ended_at(row, now)}
        for row in found
    ]


def _ended_at(row: LoginSession, now: datetime) -> datetime | None:
    """When the session ended: logged out (or replaced), or its time ran out; None while it is in use."""
    if row.revoked_at is not None:
        return row.revoked_at
    ends = sessions.ends_at(row)
    return ends if ends <= now else None


def calendar_feeds(session: Session, asked: Request) -> list[dict[str, Any]]:
    """The calendar addresses the client has made, newest first: when made, when taken out of use."""
    found = session.exec(
        select(CalendarFeed).where(CalendarFeed.person_id == asked.person_id)
        .order_by(col(CalendarFeed.created_at).desc(), col(CalendarFeed.id).desc()).limit(CALENDAR_ADDRESSES_SHOWN)
    ).all()
    return [{"created_at": feed.created_at, "revoked_at": feed.revoked_at} for feed in found]


def form_drafts(session: Session, asked: Request) -> list[dict[str, Any]]:
    """Forms kept after the session ended: for which page and when, newest first. At most
    portal.auth.drafts.DRAFTS_PER_PERSON, removed after portal.auth.login.DRAFT_LIFETIME."""
    found = session.exec(
        select(FormDraft).where(FormDraft.person_id == asked.person_id)
        .order_by(col(FormDraft.created_at).desc(), col(FormDraft.id).desc())
    ).all()
    return [{"page": draft.path, "saved_at": draft.created_at} for draft in found]
