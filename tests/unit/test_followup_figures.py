"""The follow-up's attendance rate, assessments on time and change per area
equal what this test counts itself from the data it sets up; a group of four
shows none of them; no hidden cell of a breakdown can be worked out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from portal.assessment.answers import answers
from portal.demo.assessment import add_sent
from portal.assessment.results import area_scores
from portal.db import transaction
from portal.followup import assessments as followup_assessments
from portal.followup.assessments import GRACE_DAYS
from portal.followup.figures import unit_followup
from portal.followup.suppression import SMALLEST_GROUP, breakdown
from portal.models import (
    AbsenceNotice,
    Assessment,
    AttendanceMark,
    ClientPeriod,
    Group,
    GroupMember,
    GroupSlot,
    Occasion,
    Person,
    SlotChange,
    Unit,
)
from portal.schedule.calendar_days import days_between, today
from portal.schedule.week import expected_clients
from tests.support import factories

SANNA = "300883-9617"
LAST_MONTH = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
MONTH_END = today().replace(day=1) - timedelta(days=1)
TENTH = Decimal("0.1")
# Days after the due date each client sent the first assessment; None: never.
DELAYS = [0, 1, 2, GRACE_DAYS, 3, 5, 4, GRACE_DAYS + 1, 20, None, None, 12]


@dataclass(frozen=True)
class Built:
    unit_id: int
    persons: list[int]


def build_unit(app, engine, *, name: str, clients: int, recorder: int) -> Built:  # type: ignore[no-untyped-def]
    """A unit of its own: a group on Mon/Wed/Fri, clients from the start of last month, marks of every kind,
    a cancelled day, a mark on a day nobody was expected, and two assessments each."""
    loaded = app.state.assessment_library.current()
    with transaction(engine) as session:
        verstas = session.get(Unit, factories.unit_id(engine, "Toimintakeskus Verstas"))
        unit = Unit(organisation_id=verstas.organisation_id, name=name)  # type: ignore[union-attr]
        session.add(unit)
        session.flush()
        group = Group(unit_id=unit.id, name="Testiryhmä")  # type: ignore[arg-type]
        session.add(group)
        session.flush()
        slots = [GroupSlot(group_id=group.id, weekday=weekday, starts_at=time(9), ends_at=time(14),  # type: ignore[arg-type]
                           activity="Testi", place="Sali") for weekday in (0, 2, 4)]
        # Weekly times that change in the middle of the month: Fridays end on the 15th, Tuesdays begin on the 16th.
        slots[2].valid_until = LAST_MONTH.replace(day=15)
        slots.append(GroupSlot(group_id=group.id, weekday=1, starts_at=time(9), ends_at=time(14),  # type: ignore[arg-type]
                               activity="Testi", place="Sali", valid_from=LAST_MONTH.replace(day=16)))
        session.add_all(slots)
        session.flush()
        mondays = [day for day in days_between(LAST_MONTH, MONTH_END) if day.weekday() == 0]
        session.add(SlotChange(slot_id=slots[0].id, on_date=mondays[1], cancelled=True,  # type: ignore[arg-type]
                               created_by_person_id=recorder))
        persons = []
        for n in range(clients):
            person = Person(given_name=f"Seuranta{n}", family_name=name, identity_code_hash=f"{name}-{n}",
                            identity_code_cipher="x")
            session.add(person)
            session.flush()
            persons.append(person.id)
            session.add(ClientPeriod(person_id=person.id, unit_id=unit.id, service="work_activity",  # type: ignore[arg-type]
                                     starts_on=LAST_MONTH, ends_on=LAST_MONTH + timedelta(days=300)))
            session.add(GroupMember(group_id=group.id, person_id=person.id, starts_on=LAST_MONTH))  # type: ignore[arg-type]
            for number, day in enumerate(days_between(LAST_MONTH, MONTH_END)):
                kind = (n + number) % 6
                if kind == 5:
                    continue  # not marked
                if kind == 4:  # not marked, but the client told they are away
                    session.add(AbsenceNotice(person_id=person.id, starts_on=day, ends_on=day, reason="ill",  # type: ignore[arg-type]
                                              created_by_person_id=person.id))
                    continue
                session.add(AttendanceMark(person_id=person.id, on_date=day, present=kind != 3,  # type: ignore[arg-type]
                                           hours=Decimal("2") if kind == 2 else None,
                                           absence_reason="ill" if kind == 3 else "", recorded_by_person_id=recorder))
            delay = DELAYS[n % len(DELAYS)]
            first_answers = {q.id: ("4" if q.type == "scale11" else "2") for q in loaded.questionnaire.questions
                             if q.type in ("scale5", "scale11")}
            later_answers = {q.id: (str(5 + n % 4) if q.type == "scale11" else str(2 + n % 3))
                             for q in loaded.questionnaire.questions if q.type in ("scale5", "scale11")}
            if delay is not None:
                add_sent(session, loaded=loaded, person_id=person.id, occasion=Occasion.START,  # type: ignore[arg-type]
                         due_on=LAST_MONTH, sent_at=datetime.combine(LAST_MONTH + timedelta(days=delay), time(10), UTC),
                         answers=first_answers)
                add_sent(session, loaded=loaded, person_id=person.id, occasion=Occasion.EXTRA, due_on=None,  # type: ignore[arg-type]
                         sent_at=datetime.combine(LAST_MONTH + timedelta(days=25), time(10), UTC), answers=later_answers)
    return Built(unit.id, persons)  # type: ignore[arg-type]


@pytest.fixture
def sanna(app, engine, demo_data) -> int:  # type: ignore[no-untyped-def]
    return factories.person_id(engine, app.state.vault, SANNA)


def figures(app, engine, unit_id: int):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return unit_followup(session, unit_id=unit_id, first=LAST_MONTH, last=LAST_MONTH, today=today(),
                             library=app.state.assessment_library)


def percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


def test_attendance_rate_equals_the_schedules_expected_days(app, engine, sanna) -> None:
    built = build_unit(app, engine, name="Testikeskus", clients=12, recorder=sanna)
    present = not_present = not_marked = 0
    persons = set()
    with Session(engine) as session:  # day by day through the schedule's own expected_clients
        marks = {(m.person_id, m.on_date): m for m in session.exec(select(AttendanceMark)).all()}
        for day in days_between(LAST_MONTH, min(MONTH_END, today())):
            for client in expected_clients(session, unit_id=built.unit_id, day=day):
                mark = marks.get((client.person_id, day))
                if mark is None and client.absence is None:
                    not_marked += 1
                    continue
                persons.add(client.person_id)
                if mark is not None and mark.present:
                    present += 1
                else:
                    not_present += 1
    assert present and not_present and not_marked  # every kind is there
    [month] = figures(app, engine, built.unit_id).months
    attendance = month.attendance
    assert (attendance.present, attendance.not_present, attendance.not_marked, attendance.persons) == (
        present, not_present, not_marked, len(persons))
    assert attendance.rate == percent(present, present + not_present)


def test_assessments_on_time_and_the_change_per_area(app, engine, sanna) -> None:
    clients = 12
    built = build_unit(app, engine, name="Testikeskus", clients=clients, recorder=sanna)
    delays = [DELAYS[n % len(DELAYS)] for n in range(clients)]
    on_time = sum(1 for delay in delays if delay is not None and delay <= GRACE_DAYS)
    late = clients - on_time
    result = figures(app, engine, built.unit_id)
    [month] = result.months
    assert (month.on_time.on_time, month.on_time.late, month.on_time.total) == (on_time, late, clients)
    assert month.on_time.rate == percent(on_time, clients)
    # The change per area, counted here from the answers given: a 1-5 answer v scores (v - 1) * 2.5,
    # the 0-10 answer its value; every question of an area had the same answer.
    questionnaire = app.state.assessment_library.current().questionnaire
    senders = [n for n, delay in enumerate(delays) if delay is not None]
    by_area = {row.area_id: row for row in result.areas}
    for area in questionnaire.areas:
        types = {q.type for q in questionnaire.questions if q.area == area.id and q.type in ("scale5", "scale11")}
        if not types:
            assert by_area[area.id].persons is None
            continue
        [kind] = types
        firsts = [Decimal(4) if kind == "scale11" else Decimal("2.5") for _n in senders]
        latests = [Decimal(5 + n % 4) if kind == "scale11" else Decimal(1 + n % 3) * Decimal("2.5") for n in senders]
        row = by_area[area.id]
        assert row.persons == len(senders)
        assert row.first == (sum(firsts) / len(firsts)).quantize(TENTH, rounding=ROUND_HALF_UP)
        assert row.latest == (sum(latests) / len(latests)).quantize(TENTH, rounding=ROUND_HALF_UP)
        changes = [after - before for before, after in zip(firsts, latests, strict=True)]
        assert row.change == (sum(changes) / len(changes)).quantize(TENTH, rounding=ROUND_HALF_UP)


def test_area_scores_from_stored_values_equal_the_assessments_own(app, engine, sanna) -> None:
    """The follow-up scores hundreds of answer sets from their stored values alone; each equals
    what results.area_scores gives the assessment (the demo's skip some questions)."""
    build_unit(app, engine, name="Testikeskus", clients=6, recorder=sanna)
    library = app.state.assessment_library
    with Session(engine) as session:
        sent = list(session.exec(select(Assessment.id, Assessment.person_id, Assessment.occasion, Assessment.due_on,
                                        Assessment.sent_at, Assessment.content_id, Assessment.content_version,
                                        Assessment.content_sha256).where(col(Assessment.sent_at).is_not(None))).all())
        scores = followup_assessments._area_scores(session, library, sent)
        unscored = 0
        for row in sent:
            questionnaire = library.get(row.content_id, row.content_version, row.content_sha256)
            expected = area_scores(questionnaire, answers(session, assessment_id=row.id))  # type: ignore[arg-type]
            assert scores[row.id] == {area: score for area, score in expected.items() if score is not None}
            unscored += None in expected.values()
    assert len(sent) > 12 and unscored


def test_a_group_of_four_shows_no_attendance_or_assessment_figures(app, engine, sanna) -> None:
    built = build_unit(app, engine, name="Pienkeskus", clients=4, recorder=sanna)
    result = figures(app, engine, built.unit_id)
    [month] = result.months
    assert month.active_clients is None
    assert set(vars(month.attendance).values()) == {None}
    assert set(vars(month.on_time).values()) == {None}
    assert result.areas and all((a.persons, a.first, a.latest, a.change) == (None,) * 4 for a in result.areas)


def test_a_face_of_two_in_twelve_hides_a_second_face() -> None:
    total, cells = breakdown({5: 6, 4: 4, 3: 2, 2: 0, 1: 0})
    assert total == 12 and cells[5] == 6 and {cells[4], cells[3], cells[2], cells[1]} == {None}
    total, cells = breakdown({5: 5, 4: 5, 3: 2})
    assert total == 12 and cells[3] is None and list(cells.values()).count(None) == 2


def recomputable(cells: dict[int, int | None], total: int) -> list[int]:
    """The hidden cells a reader can work out from the shown ones and the total (counts are never negative)."""
    hidden = [key for key, value in cells.items() if value is None]
    rest = total - sum(value for value in cells.values() if value is not None)
    # One hidden cell is the rest; with more, each could be anything from 0 to the rest unless the rest is 0.
    return hidden if len(hidden) == 1 or (hidden and rest == 0) else []


@given(st.dictionaries(st.integers(1, 9), st.integers(0, 40), min_size=1, max_size=8))
def test_no_hidden_cell_can_be_worked_out(counts: dict[int, int]) -> None:
    total, cells = breakdown(counts)
    if total is None:
        assert sum(counts.values()) < SMALLEST_GROUP and set(cells.values()) == {None}
        return
    assert total == sum(counts.values())
    for key, value in cells.items():
        assert value in (None, counts[key])  # what is shown is true
        if counts[key] < SMALLEST_GROUP:
            assert value is None  # every small group is hidden
    assert recomputable(cells, total) == []
