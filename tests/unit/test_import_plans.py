"""Plans in the import file: checked by the plan editor's own rules, all or
nothing, idempotent by source id, and a changed plan becomes a new version."""

from __future__ import annotations

import json

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, func, select

from portal.models import AccessEvent, Goal, ImportedRecord, Plan
from portal.schedule.calendar_days import today
from tests.support import factories
from tests.support.import_files import JARI, TIMO, run

FREE_START = today().replace(day=1) + relativedelta(months=9)  # after Jari's demo plans


def plan_row(source_id: str = "P-1", starts_on=FREE_START, months: int = 6, **fields) -> dict:  # type: ignore[no-untyped-def,type-arg]
    row = {"source_id": source_id, "identity_code": JARI, "unit": "Toimintakeskus Tupa",
           "starts_on": starts_on.isoformat(),
           "ends_on": (starts_on + relativedelta(months=months, days=-1)).isoformat(),
           "days_per_week": 3, "hours_per_day": "5",
           "goals": [{"client_words": "Opin tekemään lounaan.", "status": "on_the_way"}]}
    row.update(fields)
    return row


def plan_file(*rows: dict) -> bytes:  # type: ignore[type-arg]
    return json.dumps({"format": "oma-tyotoiminta/1", "source": "Testijärjestelmä", "plans": list(rows)}).encode()


def plan_count(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Plan)).one()


def test_a_plan_imports_once_and_again_changes_nothing(engine, app, demo_data) -> None:
    before = plan_count(engine)
    first = run(engine, app, plan_file(plan_row()))
    assert first.problems == [] and first.created == 1
    again = run(engine, app, plan_file(plan_row()))
    assert again.problems == [] and (again.created, again.changed, again.unchanged) == (0, 0, 1)
    assert plan_count(engine) == before + 1
    jari = factories.person_id(engine, app.state.vault, JARI)
    with Session(engine) as session:
        plan = session.exec(select(Plan).where(Plan.person_id == jari, Plan.starts_on == FREE_START)).one()
        goals = session.exec(select(Goal).where(Goal.plan_id == plan.id)).all()
        assert [(goal.client_words, goal.status) for goal in goals] == [("Opin tekemään lounaan.", "on_the_way")]
        assert session.exec(select(AccessEvent).where(AccessEvent.object_type == "import",
                                                      AccessEvent.subject_person_id == jari)).first() is not None


def test_a_changed_plan_is_a_new_version_and_the_old_stays_as_history(engine, app, demo_data) -> None:
    assert run(engine, app, plan_file(plan_row())).created == 1
    changed = run(engine, app, plan_file(plan_row(days_per_week=2)))
    assert changed.problems == [] and changed.changed == 1
    jari = factories.person_id(engine, app.state.vault, JARI)
    with Session(engine) as session:
        versions = session.exec(select(Plan).where(Plan.person_id == jari, Plan.starts_on == FREE_START)
                                .order_by(Plan.id)).all()
        assert len(versions) == 2
        old, new = versions
        assert old.replaced_by_id == new.id and old.replaced_at is not None and old.days_per_week == 3
        assert new.replaced_at is None and new.days_per_week == 2
        record = session.exec(select(ImportedRecord).where(ImportedRecord.kind == "plan")).one()
        assert record.record_id == new.id
    assert run(engine, app, plan_file(plan_row(days_per_week=2))).unchanged == 1


def test_broken_rows_are_named_by_section_row_and_field_and_nothing_is_saved(engine, app, demo_data) -> None:
    before = plan_count(engine)
    outcome = run(engine, app, plan_file(plan_row(), plan_row("P-2", days_per_week="many"),
                                         plan_row("P-3", goals=[{"client_words": ""}])))
    assert {(p.section, p.row, p.field, p.code) for p in outcome.problems} == {
        ("plans", 2, "days_per_week", "invalid"), ("plans", 3, "goals.0.client_words", "invalid")}
    assert plan_count(engine) == before


def test_plan_rules_of_the_service_are_enforced(engine, app, demo_data) -> None:
    before = plan_count(engine)
    outcome = run(engine, app, plan_file(
        plan_row("P-1", days_per_week=5),  # rehabilitative work: at most 4 days a week
        plan_row("P-2", starts_on=FREE_START + relativedelta(years=2), months=2),  # at least 3 months
        plan_row("P-3", starts_on=FREE_START + relativedelta(years=4), hours_per_day="9"),
        plan_row("P-4", identity_code="300883-9617", unit="Toimintakeskus Tupa"),  # Sanna has no service in Tupa
        plan_row("P-5", unit="Muu keskus")))
    assert {(p.row, p.field, p.code) for p in outcome.problems} == {
        (1, "days_per_week", "plan_days"), (2, "ends_on", "plan_length"), (3, "hours_per_day", "plan_hours"),
        (4, "unit", "no_service"), (5, "unit", "not_your_unit")}
    assert plan_count(engine) == before


def test_overlapping_plans_are_refused_in_the_file_and_against_stored_plans(engine, app, demo_data) -> None:
    before = plan_count(engine)
    in_file = run(engine, app, plan_file(plan_row("P-1"), plan_row("P-2", starts_on=FREE_START + relativedelta(months=2))))
    assert {(p.row, p.field, p.code) for p in in_file.problems} == {(1, "starts_on", "plan_overlap"),
                                                                   (2, "starts_on", "plan_overlap")}
    stored = run(engine, app, plan_file(plan_row("P-3", starts_on=today())))  # Jari's current demo plan
    assert [(p.row, p.field, p.code) for p in stored.problems] == [(1, "starts_on", "plan_overlap")]
    assert plan_count(engine) == before


def test_only_a_unit_manager_imports_plans(engine, app, demo_data) -> None:
    outcome = run(engine, app, plan_file(plan_row()), person=JARI)
    assert [p.code for p in outcome.problems] == ["not_unit_manager"]


def test_the_upload_page_names_a_broken_plan_row_in_plain_words(client, engine, app, demo_data) -> None:
    from tests.support.helpers import csrf_token, soup
    from tests.support.signed_in import as_staff

    as_staff(client, engine, factories.person_id(engine, app.state.vault, TIMO))
    page = client.get("/staff/import")
    refused = client.post("/staff/import", data={"csrf_token": csrf_token(page)},
                          files={"file": ("tiedot.json", plan_file(plan_row(days_per_week=5)), "application/json")})
    assert refused.status_code == 400
    assert ("Suunnitelmat, rivi 1, kenttä days_per_week: Päiviä viikossa on liian vähän tai liian monta tälle palvelulle."
            in soup(refused).main.get_text(" "))
