"""Backing up, restoring and saying so: after a restore, `portal access-log
restored --checkpoint N` records it as a signed, sealed event, and verify
reports the lost checkpoints as that restore instead of as removal, and
still finds anything else."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from portal import cli
from portal.access_log.restore import RestoreRefused, mark_restored
from portal.access_log.seals import read_checkpoints
from portal.db import make_engine
from tests.support.databases import POSTGRES_URL
from tests.support.access_log_checks import record_reads, seal, triggers_off, verify


def run(capsys, *command: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    try:
        cli.main(list(command))
        code = 0
    except SystemExit as exit:
        code = 0 if exit.code in (0, None) else 1
        if isinstance(exit.code, str):
            print(exit.code)
    return code, capsys.readouterr().out.strip()


@pytest.fixture
def sqlite_portal(sqlite_template: Path, tmp_path: Path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    database = tmp_path / "portal.sqlite3"
    shutil.copy(sqlite_template, database)
    monkeypatch.setenv("PORTAL_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PORTAL_ACCESS_LOG_CHECKPOINTS", str(tmp_path / "checkpoints.jsonl"))
    return database


def test_back_up_write_more_restore_mark_and_verify(sqlite_portal: Path, tmp_path: Path, capsys) -> None:
    checkpoints = tmp_path / "checkpoints.jsonl"
    engine = make_engine(f"sqlite:///{sqlite_portal}")
    record_reads(engine, 3)
    seal(engine, checkpoints)  # seal 1: events 1–3
    backup = tmp_path / "backups" / "tonight.sqlite3"
    assert run(capsys, "backup", str(backup)) == (
        0, f"Backup written to {backup}: newest access-log seal 1 (events up to 3).")
    assert run(capsys, "backup", str(backup))[0] == 1  # never over an existing file
    for _ in range(2):  # the day goes on: seals 2 and 3, events 4–7
        record_reads(engine, 2)
        seal(engine, checkpoints)
    engine.dispose()

    # Restore last night's backup, with the portal stopped.
    for suffix in ("-wal", "-shm"):
        Path(f"{sqlite_portal}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, sqlite_portal)
    code, output = run(capsys, "access-log", "verify")
    assert code == 1 and "seal 2 of checkpoint line 2 (events up to 5) is missing or changed" in output

    code, output = run(capsys, "access-log", "restored", "--checkpoint", "1")
    assert (code, output) == (0, "Restore marked: the database is at checkpoint 1 (events up to 3); "
                                 "event 4 records the restore; 1 new seals.")
    code, output = run(capsys, "access-log", "verify")
    assert code == 0, output
    verified, restore = output.splitlines()
    assert verified == "Access log verified: 4 events, chain intact (4 sealed in 2 seals, 2 checkpoints)."
    assert restore.startswith("Restore: the database was restored to checkpoint 1 (events up to 3), marked at ")
    assert restore.endswith("by event 4; checkpoints of seals 2–3 (events 4–7) were lost with it.")

    # Life goes on after the restore: new seals reuse the lost seals' ids.
    engine = make_engine(f"sqlite:///{sqlite_portal}")
    record_reads(engine, 2)
    seal(engine, checkpoints)
    result = verify(engine, checkpoints)
    assert result.ok and result.checkpoints == 3 and len(result.restores) == 1
    # And anything else is still found: an event removed after the restore.
    with triggers_off(engine) as connection:
        connection.execute(text("DELETE FROM accessevent WHERE id = 2"))
    assert not verify(engine, checkpoints).ok
    engine.dispose()


def test_portal_backup_refuses_postgresql(monkeypatch, capsys) -> None:
    monkeypatch.setenv("PORTAL_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/portal")
    code, output = run(capsys, "backup", "/tmp/never-written.sqlite3")
    assert code == 1 and "pg_dump" in output


def restore_to(engine: Engine, *, seal_id: int, last_event_id: int) -> None:
    """What a restore leaves: the log as it was at that seal (on PostgreSQL
    the id sequence goes on; pg_restore would set it back)."""
    with triggers_off(engine) as connection:
        connection.execute(text("DELETE FROM accesseventsubject WHERE event_id > :id"), {"id": last_event_id})
        connection.execute(text("DELETE FROM accessevent WHERE id > :id"), {"id": last_event_id})
        connection.execute(text("DELETE FROM accesslogseal WHERE id > :id"), {"id": seal_id})


@pytest.fixture
def restored(engine: Engine, tmp_path: Path) -> Path:
    """Seals 1–3 of events 1–2, 3–4 and 5–6, checkpointed; then restored to seal 1."""
    checkpoints = tmp_path / "checkpoints.jsonl"
    for _ in range(3):
        record_reads(engine, 2)
        seal(engine, checkpoints)
    restore_to(engine, seal_id=1, last_event_id=2)
    return checkpoints


def test_without_the_mark_a_restore_reads_as_removal(engine, restored) -> None:
    result = verify(engine, restored)
    assert not result.ok and "events or seals were removed" in result.problem


def test_an_unknown_checkpoint_is_refused(engine, restored) -> None:
    with pytest.raises(RestoreRefused, match="checkpoint 7 is not in"):
        mark_restored(engine, checkpoint_path=restored, seal_id=7)


def test_a_forged_checkpoint_is_refused(engine, restored) -> None:
    lines = read_checkpoints(restored)
    lines[0]["signature"] = "0" * 64
    restored.write_text("".join(json.dumps(line) + "\n" for line in lines))
    with pytest.raises(RestoreRefused, match="not signed with this access-log key"):
        mark_restored(engine, checkpoint_path=restored, seal_id=1)


def test_a_checkpoint_the_database_is_not_at_is_refused(engine, restored) -> None:
    with pytest.raises(RestoreRefused, match="not at checkpoint 2: its newest seal is 1"):
        mark_restored(engine, checkpoint_path=restored, seal_id=2)


def test_a_restored_database_that_does_not_verify_is_refused(engine, restored) -> None:
    with triggers_off(engine) as connection:
        connection.execute(text("UPDATE accessevent SET actor_role = 'client' WHERE id = 1"))
    with pytest.raises(RestoreRefused, match="does not verify by itself: event 1 was changed"):
        mark_restored(engine, checkpoint_path=restored, seal_id=1)


def test_the_mark_explains_the_restore_and_nothing_else(engine, restored) -> None:
    mark, sealed = mark_restored(engine, checkpoint_path=restored, seal_id=1)
    assert (mark.seal_id, mark.last_event_id, sealed) == (1, 2, 1)
    result = verify(engine, restored)
    assert result.ok, result.problem
    [restore] = result.restores
    assert "checkpoints of seals 2–3 (events 3–6) were lost with it" in restore
    # A second mark is refused: the database is no longer at checkpoint 1.
    with pytest.raises(RestoreRefused, match="not at checkpoint 1"):
        mark_restored(engine, checkpoint_path=restored, seal_id=1)


def test_a_forged_restore_line_is_found(engine, restored) -> None:
    mark_restored(engine, checkpoint_path=restored, seal_id=1)
    lines = read_checkpoints(restored)
    [restore_line] = [line for line in lines if "restored_to" in line]
    forged = {**restore_line, "restored_to": {**restore_line["restored_to"], "seal_id": 0}}
    with restored.open("a") as file:
        file.write(json.dumps(forged) + "\n")
    result = verify(engine, restored)
    assert not result.ok and "wrong signature" in result.problem


def test_removing_the_mark_is_found(engine, restored) -> None:
    mark, _ = mark_restored(engine, checkpoint_path=restored, seal_id=1)
    restore_to(engine, seal_id=1, last_event_id=2)  # the mark event and its seal, gone
    result = verify(engine, restored)
    assert not result.ok
    assert f"the event {mark.mark_event_id} that marks the restore" in result.problem \
        or "events or seals were removed" in result.problem


def test_nothing_lost_needs_no_mark(engine, tmp_path) -> None:
    checkpoints = tmp_path / "checkpoints.jsonl"
    record_reads(engine, 2)
    seal(engine, checkpoints)
    with pytest.raises(RestoreRefused, match="no checkpoint follows checkpoint 1"):
        mark_restored(engine, checkpoint_path=checkpoints, seal_id=1)


if POSTGRES_URL:

    def test_pg_dump_and_pg_restore_then_the_mark(postgres_engine, tmp_path, monkeypatch, capsys) -> None:
        """The README's PostgreSQL procedure, with the real tools."""
        from tests.support.databases import empty_postgres

        empty_postgres(postgres_engine)
        monkeypatch.setenv("PORTAL_DATABASE_URL", POSTGRES_URL)
        monkeypatch.setenv("PORTAL_ACCESS_LOG_CHECKPOINTS", str(tmp_path / "checkpoints.jsonl"))
        checkpoints = tmp_path / "checkpoints.jsonl"
        url = make_url(POSTGRES_URL)
        connection = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres",
                      "-d", url.database or ""]
        record_reads(postgres_engine, 2)
        seal(postgres_engine, checkpoints)
        dump = tmp_path / "portal.dump"
        subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), *connection], check=True)
        record_reads(postgres_engine, 2)
        seal(postgres_engine, checkpoints)
        postgres_engine.dispose()  # the portal is stopped for the restore
        subprocess.run(["pg_restore", "--clean", "--if-exists", "--single-transaction", *connection, str(dump)],
                       check=True)
        assert run(capsys, "access-log", "verify")[0] == 1
        code, output = run(capsys, "access-log", "restored", "--checkpoint", "1")
        assert code == 0, output
        code, output = run(capsys, "access-log", "verify")
        assert code == 0 and "Restore: the database was restored to checkpoint 1 (events up to 2)" in output
