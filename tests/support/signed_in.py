"""A test client signed in without going through a login: a session row
(tests.support.factories.start_session) and its cookie, for a person id;
an easy-level session; sessions aged instead of waited for."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from portal.auth import sessions
from portal.auth.levels import Level
from portal.db import transaction
from portal.models import LoginSession
from tests.support import factories


def as_client(client, engine, person: int, acting_for: int | None = None) -> None:  # type: ignore[no-untyped-def]
    client.cookies.set(sessions.COOKIE_NAMES["client"],
                       factories.start_session(engine, audience="client", person=person, acting_for=acting_for or person))


def as_staff(client, engine, person: int) -> None:  # type: ignore[no-untyped-def]
    client.cookies.set(sessions.COOKIE_NAMES["staff"], factories.start_session(engine, audience="staff", person=person))


def as_easy(client, engine, person: int) -> str:  # type: ignore[no-untyped-def]
    token = factories.start_session(engine, audience="client", person=person, acting_for=person, level=Level.EASY)
    # As the portal would set it (host and path), so that a later login's cookie replaces it.
    client.cookies.set(sessions.COOKIE_NAMES["client"], token, domain="127.0.0.1", path="/")
    return token


def age_sessions(engine, minutes: int) -> None:  # type: ignore[no-untyped-def]
    """Move every session's last activity back in time (instead of waiting)."""
    with transaction(engine) as session:
        for record in session.exec(select(LoginSession)).all():
            record.last_seen_at = sessions.as_utc(record.last_seen_at) - timedelta(minutes=minutes)
            session.add(record)
