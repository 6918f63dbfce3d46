"""Figures kept in the database that rules from a file decide (the
self-assessment's due dates: the staff's queue, the follow-up's occasions).
A one-row table holds the fingerprint of the rules they were made with; when
the process meets other rules, every client is marked to be made again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, insert, select, text
from sqlmodel import Session


def advisory_lock(session: Session, key: int) -> None:
    """The area's writers take turns (PostgreSQL; SQLite has one writer at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


@dataclass(frozen=True)
class KeptRules:
    rules: Table  # one row, id 1: the fingerprint
    stale: Table  # the clients to make again (person_id)
    all_clients: Any  # a select of every client's person_id
    lock_key: int  # the area's advisory lock
    checked: set[str] = field(default_factory=set)  # database URLs this process has compared

    def check(self, session: Session, fingerprint: str) -> None:
        """Once per process and database: made with other rules, all is made again."""
        url = str(session.get_bind().url)
        if url in self.checked:
            return
        connection = session.connection()
        now = select(self.rules.c.fingerprint).where(self.rules.c.id == 1)
        kept = connection.execute(now).scalar()
        if kept != fingerprint:
            advisory_lock(session, self.lock_key)
            kept = connection.execute(now).scalar()  # another process may have done it meanwhile
        if kept != fingerprint:
            connection.execute(delete(self.rules))
            connection.execute(insert(self.rules), [{"id": 1, "fingerprint": fingerprint}])
            if kept is not None:  # none kept: a new database, whose migration marked every client
                connection.execute(insert(self.stale).from_select(["person_id"], self.all_clients))
        self.checked.add(url)
