"""The follow-up's kept clients and self-assessments on time
(portal/followup/assessment_months.py) always equal the full count
(portal/followup/assessments.monthly_on_time and figures._active_clients) of
the same months: after any sequence of changes to periods, assessments and
requests, as days pass (or the clock goes back); its triggers are all there;
other due-date rules make every client's occasions again; a view with nothing
changed writes nothing; every query uses an index."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from portal.db import transaction
from portal.followup import assessment_months as kept_months
from portal.followup.assessments import monthly_on_time, unit_assessments
from portal.followup.figures import _active_clients
from portal.models import ClientPeriod, FollowupMonth, FollowupOccasion
from tests.support.assessment_world import World, apply, build_world, steps

MONTHS = kept_months.months_between(date(2025, 10, 1), date(2027, 3, 31))


def full_count(session: Session, unit_id: int, today: date) -> dict[date, tuple[int, object]]:
    start, end = MONTHS[0], kept_months.month_end(MONTHS[-1])
    of_unit = unit_assessments(session, unit_id=unit_id, first=start, last=end)
    on_time = monthly_on_time(session, of_unit=of_unit, first=start, last=end, today=today)
    active = _active_clients(of_unit, MONTHS)
    return {month: (active[month], on_time.get(month)) for month in MONTHS}


def kept(engine: Engine, unit_id: int, today: date) -> dict[date, tuple[int, object]]:
    with transaction(engine) as session:
        found = kept_months.unit_months(session, unit_id=unit_id, months=MONTHS, today=today)
    return {month: (figures.clients, figures.on_time) for month, figures in found.items()}


def assert_kept_equals_full_count(engine: Engine, world: World) -> None:
    for unit_id in world.units:
        figures = kept(engine, unit_id, world.today)
        with Session(engine) as session:
            assert figures == full_count(session, unit_id, world.today), (unit_id, world.today)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=steps)
def test_kept_figures_equal_the_full_count_after_any_changes(engine: Engine, changes: list[tuple]) -> None:  # type: ignore[type-arg]
    world = build_world(engine)
    assert_kept_equals_full_count(engine, world)
    for change in changes:
        with transaction(engine) as session:
            apply(session, world, change)
        assert_kept_equals_full_count(engine, world)


def a_unit_with_history(engine: Engine) -> World:
    """Periods, sent assessments and a request, from a year before the world's start on: months to keep."""
    world = build_world(engine)
    changes = [("period", 0, 0, -300, 390, "work_activity"), ("period", 1, 0, -200, 400, "work_coaching"),
               ("period", 2, 1, -100, 120, "work_activity"), ("assessment", 0, "start", -300, "sent"),
               ("assessment", 1, "start", -200, "reviewed"), ("request", 2, 10), ("days_pass", 40)]
    for change in changes:
        with transaction(engine) as session:
            apply(session, world, change)
    return world


def test_every_table_the_figures_read_has_its_trigger(engine: Engine) -> None:
    """A batch migration on SQLite recreates a table without its triggers: this notices."""
    tables = {"clientperiod", "assessment", "assessmentrequest"}
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            found = set(connection.execute(text(
                "SELECT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE '%followup_stale'")).scalars())
        else:
            found = set(connection.execute(text(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%followup_stale%'")).scalars())
    assert found == tables


def test_a_period_moved_to_another_unit_counts_again_in_both(engine: Engine) -> None:
    world = a_unit_with_history(engine)
    before = [kept(engine, unit_id, world.today) for unit_id in world.units]
    with transaction(engine) as session:
        period = session.exec(select(ClientPeriod).where(ClientPeriod.person_id == world.persons[0])).one()
        period.unit_id = world.units[1]
        session.add(period)
    after = [kept(engine, unit_id, world.today) for unit_id in world.units]
    assert after != before
    assert_kept_equals_full_count(engine, world)


def test_other_rules_make_every_clients_occasions_again(engine: Engine) -> None:
    world = a_unit_with_history(engine)
    assert_kept_equals_full_count(engine, world)
    with transaction(engine) as session:  # kept rows that no longer say what the rules give
        session.execute(text("UPDATE followupoccasion SET on_time = NOT on_time"))
        session.execute(text("DELETE FROM followupmonth"))
        session.execute(text("UPDATE followuprules SET fingerprint = 'other rules'"))
    kept_months._KEPT_RULES.checked.clear()  # a new process
    assert_kept_equals_full_count(engine, world)
    with Session(engine) as session:
        fingerprint = session.execute(text("SELECT fingerprint FROM followuprules")).scalar()
    assert fingerprint == kept_months.rules_fingerprint()


def test_a_view_with_nothing_changed_writes_nothing(engine: Engine) -> None:
    world = a_unit_with_history(engine)
    kept(engine, world.units[0], world.today)  # makes and keeps what is missing
    statements: list[str] = []

    def capture(_conn, _cursor, statement, _parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement.lstrip().split()[0].upper())

    event.listen(engine, "before_cursor_execute", capture)
    try:
        kept(engine, world.units[0], world.today)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert statements and set(statements) <= {"SELECT"}, statements
    # A new day closes no month here: still nothing to write. A change is made again on the next view.
    with transaction(engine) as session:
        apply(session, world, ("assessment_send", 0))
    with Session(engine) as session:
        assert session.execute(text("SELECT count(*) FROM followupstale")).scalar() > 0
    assert_kept_equals_full_count(engine, world)
    with Session(engine) as session:
        assert session.execute(text("SELECT count(*) FROM followupstale")).scalar() == 0


def test_every_query_of_the_kept_figures_uses_an_index(engine: Engine) -> None:
    """With clients to make again and months to count, and without."""
    from tests.support.query_plans import BIG_TABLES, captured_selects, full_scans

    world = a_unit_with_history(engine)
    unit_id = world.units[0]
    later = world.today + timedelta(days=200)
    work = {
        "changes to make again": lambda s: kept_months.unit_months(s, unit_id=unit_id, months=MONTHS,
                                                                   today=world.today),
        "nothing changed": lambda s: kept_months.unit_months(s, unit_id=unit_id, months=MONTHS, today=world.today),
        "months closed since": lambda s: kept_months.unit_months(s, unit_id=unit_id, months=MONTHS, today=later),
    }
    tables = (*BIG_TABLES, "assessment", "assessmentrequest", "followupoccasion", "followupmonth")
    problems = {name: [line for line in full_scans(engine, captured_selects(engine, run), tables=tables)
                       if "SCAN followupstale" not in line]  # the log of changes: read whole, kept short
                for name, run in work.items()}
    assert {name: found for name, found in problems.items() if found} == {}
    with Session(engine) as session:
        assert session.exec(select(FollowupOccasion).where(FollowupOccasion.unit_id == unit_id)).first() is not None


def test_the_last_day_of_grace_and_the_day_a_month_closes(engine: Engine) -> None:
    """Sent on the last day of its grace days: on time; a day later: late. A month whose
    last occasion's grace ends on 7.2. is summed on each view until then, and kept from 8.2."""
    from datetime import UTC, datetime, time

    from portal.models import Assessment

    world = build_world(engine)
    unit_id = world.units[0]
    january = date(2026, 1, 1)
    with transaction(engine) as session:
        for person, starts_on, sent_on in ((0, date(2026, 1, 10), date(2026, 1, 17)),
                                           (1, date(2026, 1, 10), date(2026, 1, 18)),
                                           (2, date(2026, 1, 31), None)):
            person_id = world.persons[person]
            session.add(ClientPeriod(person_id=person_id, unit_id=unit_id, service="work_activity",
                                     starts_on=starts_on, ends_on=starts_on + timedelta(days=300)))
            if sent_on is not None:
                session.add(Assessment(person_id=person_id, occasion="start", due_on=starts_on, content_id="oma-arvio",
                                       content_version=1, content_sha256="0" * 64, status="sent",
                                       started_by_person_id=person_id, sent_by_person_id=person_id,
                                       sent_at=datetime.combine(sent_on, time(20), UTC)))  # 22.00 in Finland
    for today, on_time, late in ((date(2026, 2, 7), 1, 1), (date(2026, 2, 8), 1, 2), (date(2026, 2, 9), 1, 2)):
        figures = kept(engine, unit_id, today)
        assert (figures[january][1].on_time, figures[january][1].late) == (on_time, late), today  # type: ignore[union-attr]
        with Session(engine) as session:
            assert figures == full_count(session, unit_id, today), today
            stored = session.exec(select(FollowupMonth.on_time, FollowupMonth.late).where(
                FollowupMonth.unit_id == unit_id, FollowupMonth.month == january)).one()
        assert tuple(stored) == ((None, None) if today < date(2026, 2, 8) else (on_time, late)), today
