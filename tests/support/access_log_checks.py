"""Helpers of the access log's tests: people, reads recorded a minute apart,
sealing "later", verifying, and the append-only triggers bypassed as someone
with raw database access could."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from portal.access_log import record, seal_pending, verify_chain
from portal.db import transaction
from portal.models import Person

NOW = datetime(2026, 11, 24, 12, 0, 0, 123456, tzinfo=UTC)
LATER = NOW + timedelta(days=1)  # sealing "later": every event is settled by then
LOG_TABLES = ("accessevent", "accesseventsubject", "accesslogseal")


def make_person(engine: Engine, given_name: str, family_name: str) -> int:
    with transaction(engine) as session:
        person = Person(
            given_name=given_name,
            family_name=family_name,
            identity_code_hash=f"{given_name}-{family_name}".ljust(64, "0"),
            identity_code_cipher="",
        )
        session.add(person)
        session.flush()
        assert person.id is not None
        return person.id


def record_reads(engine: Engine, count: int, *, subject_person_id: int | None = None) -> list[int]:
    ids = []
    for number in range(count):
        with transaction(engine) as session:
            event = record(
                session,
                action="read",
                object_type="client_start_page",
                object_id=str(number),
                actor_role="instructor",
                subject_person_id=subject_person_id,
                request_id=f"req-{number}",
                ip_address="192.0.2.10",
                now=NOW + timedelta(minutes=number),
            )
            assert event.id is not None
            ids.append(event.id)
    return ids


@contextmanager
def triggers_off(engine: Engine) -> Iterator[Connection]:
    """Bypass the append-only triggers, as someone with raw database access could."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            for table in LOG_TABLES:
                connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            yield connection
            for table in LOG_TABLES:
                connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
            return
        triggers = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
                 "('accessevent', 'accesseventsubject', 'accesslogseal')")
        ).all()
        assert len(triggers) == 6
        for name, _sql in triggers:
            connection.execute(text(f"DROP TRIGGER {name}"))
        yield connection
        for _name, sql in triggers:
            connection.execute(text(sql))


def seal(engine: Engine, checkpoints) -> int:  # type: ignore[no-untyped-def]
    return seal_pending(engine, checkpoint_path=checkpoints, now=LATER)


def verify(engine: Engine, checkpoints=None):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return verify_chain(session, checkpoints=checkpoints)
