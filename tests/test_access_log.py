"""The access log: chained, append-only, written with the change it records,
and readable by the client as "who has processed my data"."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from portal import cli
from portal.access_log import processed_by_others, record, two_years_before, verify_chain
from portal.db import transaction
from portal.models import AccessEvent, AccessLogHead, Person
from portal.models.access_log import GENESIS_HASH

NOW = datetime(2026, 11, 24, 12, 0, 0, 123456, tzinfo=UTC)


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
            connection.execute(text("ALTER TABLE accessevent DISABLE TRIGGER accessevent_append_only"))
            yield connection
            connection.execute(text("ALTER TABLE accessevent ENABLE TRIGGER accessevent_append_only"))
            return
        triggers = connection.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'accessevent'")
        ).all()
        assert len(triggers) == 2
        for name, _sql in triggers:
            connection.execute(text(f"DROP TRIGGER {name}"))
        yield connection
        for _name, sql in triggers:
            connection.execute(text(sql))


def test_recorded_events_form_an_intact_chain(engine) -> None:
    ids = record_reads(engine, 3)
    with Session(engine) as session:
        events = session.exec(select(AccessEvent).order_by(AccessEvent.id)).all()
        head = session.get(AccessLogHead, 1)
        result = verify_chain(session)
    assert [event.id for event in events] == ids
    assert events[0].previous_hash == GENESIS_HASH
    assert [event.previous_hash for event in events[1:]] == [event.row_hash for event in events[:-1]]
    assert events[0].occurred_at == NOW
    assert head is not None and (head.last_event_id, head.last_hash) == (ids[-1], events[-1].row_hash)
    assert (result.ok, result.checked, result.first_broken_id) == (True, 3, None)


def test_empty_log_verifies(engine) -> None:
    with Session(engine) as session:
        assert verify_chain(session).ok


def test_changed_event_is_reported(engine) -> None:
    ids = record_reads(engine, 3)
    with triggers_off(engine) as connection:
        connection.execute(text("UPDATE accessevent SET object_id = 'other' WHERE id = :id"), {"id": ids[1]})
    with Session(engine) as session:
        result = verify_chain(session)
    assert (result.ok, result.checked, result.first_broken_id) == (False, 1, ids[1])


def test_removed_event_is_reported(engine) -> None:
    ids = record_reads(engine, 3)
    with triggers_off(engine) as connection:
        connection.execute(text("DELETE FROM accessevent WHERE id = :id"), {"id": ids[1]})
    with Session(engine) as session:
        assert verify_chain(session).first_broken_id == ids[2]


def test_events_removed_from_the_end_are_reported(engine) -> None:
    ids = record_reads(engine, 3)
    with triggers_off(engine) as connection:
        connection.execute(text("DELETE FROM accessevent WHERE id = :id"), {"id": ids[2]})
    with Session(engine) as session:
        result = verify_chain(session)
    assert (result.ok, result.first_broken_id) == (False, ids[2])


@pytest.mark.parametrize(
    "statement", ["UPDATE accessevent SET object_id = 'other'", "DELETE FROM accessevent"]
)
def test_database_refuses_update_and_delete(engine, statement: str) -> None:
    record_reads(engine, 1)
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as connection:
            connection.execute(text(statement))
    with Session(engine) as session:
        assert verify_chain(session).checked == 1


def test_rolled_back_transaction_leaves_no_event_and_no_changed_head(engine) -> None:
    [kept] = record_reads(engine, 1)
    with pytest.raises(RuntimeError):
        with transaction(engine) as session:
            record(session, action="change", object_type="mandate", object_id="7", now=NOW)
            raise RuntimeError("the change failed")
    with Session(engine) as session:
        assert session.exec(select(AccessEvent.id)).all() == [kept]
        head = session.get(AccessLogHead, 1)
        kept_hash = session.exec(select(AccessEvent.row_hash)).one()
        assert verify_chain(session).ok
    assert head is not None and (head.last_event_id, head.last_hash) == (kept, kept_hash)


def test_concurrent_appends_do_not_fork_the_chain(engine) -> None:
    errors: list[BaseException] = []

    def append() -> None:
        try:
            record_reads(engine, 5)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=append) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(engine) as session:
        result = verify_chain(session)
    assert (result.ok, result.checked) == (True, 20)


@pytest.mark.parametrize(
    "changes",
    [
        {"action": "peek"},
        {"object_type": "Client start page"},
        {"object_type": ""},
        {"object_type": "x" * 61},
        {"actor_role": "Ohjaaja Olli"},
        {"object_id": "010280-952L"},  # an identity code
        {"object_id": "free text here"},
        {"request_id": "x" * 65},
        {"ip_address": "somewhere"},
        {"now": datetime(2026, 11, 24, 12, 0)},  # no time zone
    ],
)
def test_only_controlled_values_are_accepted(engine, changes: dict[str, object]) -> None:
    values = {"action": "read", "object_type": "client_start_page", **changes}
    with Session(engine) as session:
        with pytest.raises(ValueError):
            record(session, **values)


def test_processed_by_others_shows_staff_and_delegates_but_not_the_client(engine) -> None:
    client = make_person(engine, "Aino", "Asiakas")
    delegate = make_person(engine, "Oili", "Omainen")
    instructor = make_person(engine, "Olli", "Ohjaaja")
    other_client = make_person(engine, "Pekka", "Muu")
    events = [
        # (minutes after NOW, actor, role, on behalf of, subject, action)
        (-60 * 24 * 800, instructor, "instructor", None, client, "read"),  # before the period
        (1, client, "client", None, client, "read"),  # the client's own read
        (2, delegate, "delegate", client, client, "read"),
        (3, instructor, "instructor", None, client, "change"),
        (4, instructor, "instructor", None, client, "login"),  # not processing
        (5, instructor, "instructor", None, other_client, "print"),  # someone else's data
        (6, instructor, "instructor", None, client, "print"),
    ]
    with transaction(engine) as session:
        for minutes, actor, role, on_behalf_of, subject, action in events:
            record(
                session,
                action=action,
                object_type="client_start_page",
                actor_person_id=actor,
                actor_role=role,
                on_behalf_of_person_id=on_behalf_of,
                subject_person_id=subject,
                now=NOW + timedelta(minutes=minutes),
            )
    with Session(engine) as session:
        entries = processed_by_others(session, subject_person_id=client, since=two_years_before(NOW))
    assert [(entry.actor_name, entry.action) for entry in entries] == [
        ("Olli Ohjaaja", "print"),
        ("Olli Ohjaaja", "change"),
        ("Oili Omainen", "read"),
    ]
    read_by_delegate = entries[2]
    assert read_by_delegate.actor_role == "delegate"
    assert read_by_delegate.on_behalf_of_person_id == client
    assert read_by_delegate.on_behalf_of_name == "Aino Asiakas"
    assert read_by_delegate.occurred_at == NOW + timedelta(minutes=2)
    assert entries[0].on_behalf_of_name is None


def test_two_years_before_handles_leap_day() -> None:
    assert two_years_before(datetime(2028, 2, 29, tzinfo=UTC)) == datetime(2026, 2, 28, tzinfo=UTC)


def test_cli_verify_exit_codes(engine, database_url, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PORTAL_DATABASE_URL", database_url)
    ids = record_reads(engine, 2)

    with pytest.raises(SystemExit) as intact:
        cli.main(["access-log", "verify"])
    assert intact.value.code == 0
    assert capsys.readouterr().out.strip() == "Access log verified: 2 events, chain intact."

    with triggers_off(engine) as connection:
        connection.execute(
            text("UPDATE accessevent SET actor_role = 'client' WHERE id = :id"), {"id": ids[0]}
        )
    with pytest.raises(SystemExit) as broken:
        cli.main(["access-log", "verify"])
    assert broken.value.code == 1
    assert f"event {ids[0]}" in capsys.readouterr().out


def test_many_events_appended_together_chain_like_single_ones(engine) -> None:
    from portal.access_log import record_many

    with transaction(engine) as session:
        record(session, action="read", object_type="client_start_page")
        appended = record_many(
            session, [{"action": "read", "object_type": "client_list", "object_id": str(n)} for n in range(5)]
        )
        record(session, action="read", object_type="client_start_page")
    assert [event.previous_hash for event in appended[1:]] == [event.row_hash for event in appended[:-1]]
    assert [event.id for event in appended] == sorted(event.id for event in appended)
    with Session(engine) as session:
        result = verify_chain(session)
        assert result.ok and result.checked == 7
