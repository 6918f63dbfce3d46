"""The access log: chained, append-only, written with the change it records,
and readable by the client as "who has processed my data"."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, func, select

from portal import cli
from portal.access_log import processed_by_others, record, seal_pending, two_years_before, verify_chain
from portal.db import make_engine, transaction
from tests.support.access_log_checks import LATER, NOW, make_person, record_reads, seal, triggers_off, verify
from tests.support.databases import POSTGRES_URL
from portal.models import AccessEvent, AccessLogSeal

def test_recorded_events_are_sealed_into_an_intact_chain(engine, tmp_path) -> None:
    ids = record_reads(engine, 3)
    checkpoints = tmp_path / "checkpoints.jsonl"
    assert seal(engine, checkpoints) == 1
    record_reads(engine, 2)
    assert seal(engine, checkpoints) == 1
    assert seal(engine, checkpoints) == 0  # nothing new
    with Session(engine) as session:
        events = session.exec(select(AccessEvent).order_by(AccessEvent.id)).all()
        seals = session.exec(select(AccessLogSeal).order_by(AccessLogSeal.id)).all()
    assert [event.id for event in events][:3] == ids
    assert events[0].occurred_at == NOW
    assert len({event.mac for event in events}) == 5
    assert [(s.first_event_id, s.last_event_id, s.event_count) for s in seals] == [
        (1, ids[-1], 3), (ids[-1] + 1, events[-1].id, 2)]
    assert seals[1].previous_mac == seals[0].mac
    assert len(checkpoints.read_text().splitlines()) == 2
    result = verify(engine, checkpoints)
    assert (result.ok, result.checked, result.sealed, result.seals, result.checkpoints) == (True, 5, 5, 2, 2)


def test_events_younger_than_the_grace_wait_for_the_next_seal(engine, tmp_path) -> None:
    record_reads(engine, 2)
    assert seal_pending(engine, checkpoint_path=None, now=NOW) == 0  # the first is not a second old yet
    assert seal_pending(engine, checkpoint_path=None, now=NOW + timedelta(minutes=1, seconds=2)) == 1
    result = verify(engine)
    assert (result.ok, result.checked, result.sealed) == (True, 2, 2)


def test_empty_log_verifies(engine) -> None:
    assert verify(engine).ok


def test_a_list_read_is_one_event_that_every_listed_client_sees(engine) -> None:
    clients = [make_person(engine, "Aino", "Asiakas"), make_person(engine, "Pekka", "Muu")]
    instructor = make_person(engine, "Olli", "Ohjaaja")
    with transaction(engine) as session:
        record(session, action="read", object_type="client_list", actor_person_id=instructor,
               actor_role="instructor", subject_person_ids=clients, now=NOW)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(AccessEvent)).one() == 1
        for client in clients:
            page = processed_by_others(session, subject_person_id=client, since=two_years_before(NOW))
            assert [(entry.actor_name, entry.object_type) for entry in page.entries] == [("Olli Ohjaaja", "client_list")]
    assert verify(engine).ok


def test_the_clients_page_is_read_a_page_at_a_time(engine) -> None:
    client = make_person(engine, "Aino", "Asiakas")
    instructor = make_person(engine, "Olli", "Ohjaaja")
    with transaction(engine) as session:
        for minute in range(7):
            record(session, action="read", object_type="client_start_page", actor_person_id=instructor,
                   actor_role="instructor", subject_person_id=client, now=NOW + timedelta(minutes=minute))
            record(session, action="read", object_type="client_start_page", actor_person_id=client,
                   actor_role="client", subject_person_id=client, now=NOW + timedelta(minutes=minute))
            if minute % 3 == 0:
                record(session, action="read", object_type="client_list", actor_person_id=instructor,
                       actor_role="instructor", subject_person_ids=[client], now=NOW + timedelta(minutes=minute))
    seen: list[int] = []
    before = None
    with Session(engine) as session:
        while True:
            page = processed_by_others(session, subject_person_id=client, since=two_years_before(NOW),
                                       before_id=before, page_size=4)
            seen += [entry.event_id for entry in page.entries]
            if page.next_before is None:
                break
            before = page.next_before
    assert len(seen) == 7 + 3 and seen == sorted(seen, reverse=True)


# Every rewrite by someone with write access to the database is found ---------------


@pytest.fixture
def sealed_log(engine, tmp_path):  # type: ignore[no-untyped-def]
    """Six sealed events (one a list read of two clients), checkpoints kept."""
    clients = [make_person(engine, "Aino", "Asiakas"), make_person(engine, "Pekka", "Muu")]
    ids = record_reads(engine, 5, subject_person_id=clients[0])
    with transaction(engine) as session:
        ids.append(record(session, action="read", object_type="client_list", actor_role="instructor",
                          subject_person_ids=clients, now=NOW).id)
    checkpoints = tmp_path / "checkpoints.jsonl"
    seal_pending(engine, checkpoint_path=checkpoints, now=LATER, batch=3)  # two seals
    assert verify(engine, checkpoints).ok
    return ids, clients, checkpoints


def plain_sha256(text_value: str) -> str:
    return hashlib.sha256(text_value.encode()).hexdigest()


def rewrites(ids: list[int], clients: list[int], dialect: str = "") -> dict[str, list[tuple[str, dict]]]:
    forged_columns = ("uid, occurred_at, actor_role, action, object_type, object_id, request_id, ip_address, "
                      "subject_count, mac, subject_person_id")
    # The same uid needs the unique constraint gone: dropped on PostgreSQL; on SQLite a new uid.
    copied_columns = forged_columns if dialect == "postgresql" else forged_columns.replace("uid,", "'c' || uid,", 1)
    return {
        "delete a sealed event": [("DELETE FROM accessevent WHERE id = :id", {"id": ids[1]})],
        "edit an event": [("UPDATE accessevent SET object_id = 'other' WHERE id = :id", {"id": ids[1]})],
        "hide an event from the client (no subject)": [
            ("UPDATE accessevent SET subject_person_id = NULL WHERE id = :id", {"id": ids[2]})],
        "hide an event from the client (not processing)": [
            ("UPDATE accessevent SET action = 'login' WHERE id = :id", {"id": ids[2]})],
        "hide a list read from one client": [
            ("DELETE FROM accesseventsubject WHERE event_id = :id AND person_id = :person",
             {"id": ids[5], "person": clients[1]})],
        "add a client to a list read": [
            ("DELETE FROM accesseventsubject WHERE event_id = :id", {"id": ids[5]}),
            ("INSERT INTO accesseventsubject (event_id, person_id) VALUES (:id, :person)",
             {"id": ids[5], "person": clients[0]})],
        "forge an event with a recomputed plain hash": [
            (f"INSERT INTO accessevent ({forged_columns}) VALUES ('f' || :uid, :at, 'instructor', 'read', "
             "'client_start_page', '', '', '', 0, :mac, :subject)",
             {"uid": "0" * 31, "at": "2026-11-24 12:00:00", "mac": plain_sha256("forged"), "subject": clients[0]})],
        "copy an event": [
            (f"INSERT INTO accessevent ({forged_columns}) SELECT {copied_columns} FROM accessevent WHERE id = :id",
             {"id": ids[0]})],
        "delete an event and re-chain the seals": [
            ("DELETE FROM accessevent WHERE id = :id", {"id": ids[1]}),
            ("UPDATE accesslogseal SET event_count = event_count - 1, events_digest = :digest, mac = :mac "
             "WHERE first_event_id = 1", {"digest": plain_sha256("re-chained"), "mac": plain_sha256("mac")})],
        "delete the newest events and their seal": [
            ("DELETE FROM accesseventsubject", {}),
            ("DELETE FROM accessevent WHERE id > :id", {"id": ids[2]}),
            ("DELETE FROM accesslogseal WHERE first_event_id > 1", {})],
        "delete everything": [
            ("DELETE FROM accesseventsubject", {}), ("DELETE FROM accessevent", {}),
            ("DELETE FROM accesslogseal", {})],
        "edit a seal": [("UPDATE accesslogseal SET last_event_id = last_event_id - 1 WHERE first_event_id = 1", {})],
    }


REWRITES = list(rewrites([1] * 6, [1, 2]))


@pytest.mark.parametrize("case", REWRITES)
def test_every_rewrite_is_found(engine, sealed_log, case: str) -> None:
    ids, clients, checkpoints = sealed_log
    with triggers_off(engine) as connection:
        if connection.dialect.name == "postgresql":  # SQLite would have to rebuild the table
            connection.execute(text("ALTER TABLE accessevent DROP CONSTRAINT IF EXISTS uq_accessevent_uid"))
        for statement, values in rewrites(ids, clients, connection.dialect.name)[case]:
            connection.execute(text(statement), values)
    result = verify(engine, checkpoints)
    if engine.dialect.name == "postgresql":  # the schema outlives this test there: put the constraint back
        with triggers_off(engine) as connection:
            connection.execute(text("TRUNCATE accesseventsubject, accesslogseal, accessevent"))
            connection.execute(text("ALTER TABLE accessevent ADD CONSTRAINT uq_accessevent_uid UNIQUE (uid)"))
    assert not result.ok, case
    assert result.problem and (result.first_broken_id is not None or "seal" in result.problem
                               or "twice" in result.problem), (case, result)


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


def test_rolled_back_transaction_leaves_no_event(engine) -> None:
    [kept] = record_reads(engine, 1)
    with pytest.raises(RuntimeError):
        with transaction(engine) as session:
            record(session, action="change", object_type="mandate", object_id="7", now=NOW)
            raise RuntimeError("the change failed")
    with Session(engine) as session:
        assert session.exec(select(AccessEvent.id)).all() == [kept]
    assert verify(engine).ok


def test_concurrent_appends_all_land_and_seal(engine) -> None:
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
    seal(engine, None)
    result = verify(engine)
    assert (result.ok, result.checked, result.sealed) == (True, 20, 20)


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
        entries = processed_by_others(session, subject_person_id=client, since=two_years_before(NOW)).entries
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


def test_cli_seal_and_verify_exit_codes(engine, database_url, monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setenv("PORTAL_DATABASE_URL", database_url)
    monkeypatch.setenv("PORTAL_ACCESS_LOG_CHECKPOINTS", str(tmp_path / "checkpoints.jsonl"))
    ids = record_reads(engine, 2)

    cli.main(["access-log", "seal"])
    assert capsys.readouterr().out.strip() == "Access log: 1 new seals."
    with pytest.raises(SystemExit) as intact:
        cli.main(["access-log", "verify"])
    assert intact.value.code == 0
    assert capsys.readouterr().out.strip() == (
        "Access log verified: 2 events, chain intact (2 sealed in 1 seals, 1 checkpoints).")

    with triggers_off(engine) as connection:
        connection.execute(text("UPDATE accessevent SET actor_role = 'client' WHERE id = :id"), {"id": ids[0]})
    with pytest.raises(SystemExit) as broken:
        cli.main(["access-log", "verify"])
    assert broken.value.code == 1
    assert f"event {ids[0]}" in capsys.readouterr().out


def test_another_key_does_not_verify(engine, monkeypatch) -> None:
    from portal.access_log import keys

    record_reads(engine, 1)
    seal(engine, None)
    monkeypatch.setattr(keys, "_current", keys.LogKeys.from_secret("x" * 40))
    assert not verify(engine).ok


if POSTGRES_URL:

    def test_two_transactions_append_without_waiting_for_each_other(postgres_engine) -> None:
        """No lock that every page view takes: B appends and commits while A,
        which appended first, is still open. If B had to wait for A, the
        lock timeout would fail it (A only commits after B)."""
        from tests.support.databases import empty_postgres

        empty_postgres(postgres_engine)
        with Session(postgres_engine) as first, Session(postgres_engine) as second:
            record(first, action="read", object_type="client_start_page", now=NOW)
            second.exec(text("SET LOCAL lock_timeout = '2s'"))  # type: ignore[call-overload]
            record(second, action="read", object_type="client_start_page", now=NOW)
            second.commit()
            first.commit()
        assert seal(postgres_engine, None) == 1
        result = verify(postgres_engine)
        assert (result.ok, result.checked, result.sealed) == (True, 2, 2)


def test_record_many_appends_each_event(engine) -> None:
    from portal.access_log import record_many

    with transaction(engine) as session:
        appended = record_many(session, [{"action": "read", "object_type": "client_start_page", "object_id": str(n)}
                                         for n in range(3)], now=NOW)
    assert len({event.id for event in appended}) == 3
    assert verify(engine).checked == 3


def test_every_command_that_writes_uses_the_configured_key(database_url, monkeypatch, capsys, tmp_path) -> None:
    """demo, import, prune and seal with a key of production's kind: verify then
    finds an intact chain (demo and import used to write with the development key)."""
    import json
    import secrets

    from portal.access_log import keys
    from portal.settings import DEVELOPMENT_ACCESS_LOG_KEY
    from tests.support.import_files import TIMO, jari_file

    monkeypatch.setenv("PORTAL_DATABASE_URL", database_url)
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    key = secrets.token_urlsafe(30)
    monkeypatch.setenv("PORTAL_ACCESS_LOG_KEY", key)
    monkeypatch.setattr(keys, "_current", keys.current_keys())  # the process's key comes back after the test
    path = tmp_path / "tiedot.json"
    path.write_text(json.dumps(jari_file()), encoding="utf-8")
    for command in (["migrate"], ["demo"], ["import", str(path), "--as", TIMO], ["prune"], ["access-log", "seal"]):
        keys.configure(DEVELOPMENT_ACCESS_LOG_KEY)  # each command starts as a new process would
        cli.main(command)
    keys.configure(key)  # the server's key: it must find the chain intact
    with transaction(make_engine(database_url)) as session:
        result = verify_chain(session, checkpoints=tmp_path / "access-log-checkpoints.jsonl")
        events = session.exec(select(func.count()).select_from(AccessEvent)).one()
    assert result.ok, result
    assert events > 0  # the demo and the import wrote events to check


def test_the_development_key_would_have_broken_that_chain(database_url, monkeypatch, capsys, tmp_path) -> None:
    """The other side of the test above: events written with one key and
    verified with another read as forged, so the test above could fail."""
    from portal.access_log import keys

    monkeypatch.setattr(keys, "_current", keys.current_keys())
    monkeypatch.setenv("PORTAL_DATABASE_URL", database_url)
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    cli.main(["demo"])  # the development key
    monkeypatch.setenv("PORTAL_ACCESS_LOG_KEY", "another-key-of-thirty-two-characters-or-more")
    with pytest.raises(SystemExit) as verified:
        cli.main(["access-log", "verify"])
    assert verified.value.code == 1
    assert "broken at event 1" in capsys.readouterr().out
