"""Import from a client-record system: all or nothing, idempotent by source
ids, a plain report naming row and field; the command and the upload page."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import Session, col, func, select

from portal import cli
from portal.models import AccessEvent, AttendanceCorrection, AttendanceMark, GroupMember, ImportedRecord
from portal.schedule.calendar_days import today
from tests.support import factories
from tests.support.helpers import csrf_token, soup
from tests.support.import_files import TIMO, jari_file, run, work_days
from tests.support.signed_in import as_staff

AINO, SANNA = "010280-952L", "300883-9617"


def counts(engine) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return (session.exec(select(func.count()).select_from(AttendanceMark)).one(),
                session.exec(select(func.count()).select_from(GroupMember)).one(),
                session.exec(select(func.count()).select_from(ImportedRecord)).one())


def test_a_file_imports_once_and_again_changes_nothing(engine, app, demo_data) -> None:
    raw = json.dumps(jari_file()).encode("utf-8")
    first = run(engine, app, raw)
    assert first.problems == [] and first.created + first.changed + first.unchanged == 3
    after_first = counts(engine)
    again = run(engine, app, raw)
    assert again.problems == [] and again.created == again.changed == 0 and again.unchanged == 3
    assert counts(engine) == after_first
    changed = jari_file(("present", "part"))
    changed_outcome = run(engine, app, json.dumps(changed).encode("utf-8"))
    assert changed_outcome.changed == 1
    # The demo data may already mark the file's days (it marks up to two days ago), so the first
    # import can correct them too: read the newest correction of the day the third import changed.
    with Session(engine) as session:
        correction = session.exec(select(AttendanceCorrection).where(
            AttendanceCorrection.reason == "Tuonti: Testijärjestelmä",
            AttendanceCorrection.on_date == work_days(2)[1]).order_by(
                col(AttendanceCorrection.id).desc())).first()
        assert correction is not None
        assert correction.was_present is False and correction.present is True
        assert session.exec(select(func.count()).select_from(AccessEvent).where(
            AccessEvent.object_type == "import")).one() >= 1


@pytest.mark.parametrize(("change", "where"), [
    (lambda f: f["attendance"][1].update(date="2026-02-30"), ("attendance", 2, "date", "invalid")),
    (lambda f: f["attendance"][0].pop("status"), ("attendance", 1, "status", "missing")),
    (lambda f: f["attendance"][1].update(identity_code="010280-952X"), ("attendance", 2, "identity_code", "invalid")),
    (lambda f: f["attendance"][1].update(source_id="A-0"), ("attendance", 2, "source_id", "duplicate")),
    (lambda f: f["attendance"][0].update(date=(today() + timedelta(days=3)).isoformat()), ("attendance", 1, "date", "future")),
    (lambda f: f["memberships"][0].update(group="Ei ole"), ("memberships", 1, "group", "unknown_group")),
    (lambda f: f["memberships"][0].update(unit="Toimintakeskus Verstas"), ("memberships", 1, "unit", "not_your_unit")),
    (lambda f: f["attendance"][0].update(identity_code=AINO), ("attendance", 1, "date", "outside_period")),
    # Characters nobody types: NUL was a 500 on PostgreSQL (issue 19).
    (lambda f: f["attendance"][1].update(source_id="A-\u0000"), ("attendance", 2, "source_id", "invalid")),
    (lambda f: f["memberships"][0].update(group="Keitti\u0001ö"), ("memberships", 1, "group", "invalid")),
    (lambda f: f.update(source="Testi\u0000"), ("file", 0, "source", "invalid")),
])
def test_a_broken_row_is_named_and_nothing_is_stored(engine, app, demo_data, change, where) -> None:
    data = jari_file()
    change(data)
    before = counts(engine)
    outcome = run(engine, app, json.dumps(data).encode("utf-8"))
    assert where in [(p.section, p.row, p.field, p.code) for p in outcome.problems]
    assert counts(engine) == before


def test_a_wrong_encoding_and_a_fifth_rehabilitative_day_are_refused(engine, app, demo_data) -> None:
    before = counts(engine)
    latin1 = json.dumps(jari_file(), ensure_ascii=False).encode("latin-1")
    assert [p.code for p in run(engine, app, latin1).problems] == ["encoding"]
    assert [p.code for p in run(engine, app, b"{not json").problems] == ["json"]
    deep = b"[" * 100_000 + b"]" * 100_000  # deeper than the parser goes: was a RecursionError, a 500
    assert [p.code for p in run(engine, app, deep).problems] == ["json"]
    week = jari_file(("present",) * 5)
    monday = today() - timedelta(days=today().weekday() + 7)
    for offset, row in enumerate(week["attendance"]):
        row["date"] = (monday + timedelta(days=offset)).isoformat()
    assert "week_limit" in [p.code for p in run(engine, app, json.dumps(week).encode()).problems]
    assert counts(engine) == before
    assert [p.code for p in run(engine, app, json.dumps(jari_file()).encode(), person=SANNA).problems] == \
        ["not_unit_manager"]


def test_the_upload_page_for_unit_managers(client, engine, app, demo_data) -> None:
    as_staff(client, engine, factories.person_id(engine, app.state.vault, SANNA))
    assert client.get("/staff/import").status_code == 403
    as_staff(client, engine, factories.person_id(engine, app.state.vault, TIMO))
    page = client.get("/staff/import")
    assert page.status_code == 200
    broken = jari_file()
    broken["attendance"][1]["status"] = "maybe"
    refused = client.post("/staff/import", data={"csrf_token": csrf_token(page)},
                          files={"file": ("tiedot.json", json.dumps(broken).encode(), "application/json")})
    assert refused.status_code == 400
    assert "Läsnäolot, rivi 2, kenttä status: Tieto on väärin." in soup(refused).main.get_text(" ")
    done = client.post("/staff/import", data={"csrf_token": csrf_token(page)},
                       files={"file": ("tiedot.json", json.dumps(jari_file()).encode(), "application/json")},
                       follow_redirects=False)
    assert done.status_code == 303 and "created=" in done.headers["location"]
    assert client.post("/staff/import", data={"csrf_token": csrf_token(page)}).status_code == 400


def test_the_command(engine, app, demo_data, settings, tmp_path, monkeypatch, capsys) -> None:
    path = tmp_path / "tiedot.json"
    path.write_text(json.dumps(jari_file()), encoding="utf-8")
    monkeypatch.setenv("PORTAL_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))
    cli.main(["import", str(path), "--as", TIMO])
    assert "Imported: " in capsys.readouterr().out
    path.write_bytes(b"\xff\xfe broken")
    with pytest.raises(SystemExit):
        cli.main(["import", str(path), "--as", TIMO])
    assert "Nothing was imported." in capsys.readouterr().out
