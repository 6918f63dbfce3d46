"""A test client signed in without going through a login: a session row
(tests.support.factories.start_session) and its cookie, for a person id."""

from __future__ import annotations

from portal.auth import sessions
from tests.support import factories


def as_client(client, engine, person: int, acting_for: int | None = None) -> None:  # type: ignore[no-untyped-def]
    client.cookies.set(sessions.COOKIE_NAMES["client"],
                       factories.start_session(engine, audience="client", person=person, acting_for=acting_for or person))


def as_staff(client, engine, person: int) -> None:  # type: ignore[no-untyped-def]
    client.cookies.set(sessions.COOKIE_NAMES["staff"], factories.start_session(engine, audience="staff", person=person))
