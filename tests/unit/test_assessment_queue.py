"""The staff self-assessment queue kept in the database
(portal/assessment/queue.py): its entries always say what status_from
computes, after any sequence of changes to periods, assessments and requests
and as days pass (or the clock goes back); its triggers are all there; the
page is read 50 at a time, each section through its index, and logs the
clients it shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from portal.assessment import queue as queue_rules
from portal.assessment.overview import status_from
from portal.db import transaction
from portal.models import (AccessEvent, AccessEventSubject, Assessment, AssessmentRequest, ClientPeriod, Organisation,
                           Person, StaffMembership, Unit)
from tests.support.assessment_world import NAMES, SERVICES, World, apply, build_world, offset, on_day, steps, unit
from tests.support.helpers import soup

def expected(session: Session, world: World) -> list[queue_rules.Entry]:
    """What status_from says today, per client and unit of their periods, and the sent assessments."""
    found = []
    for person_id in world.persons:
        periods = session.exec(select(ClientPeriod).where(ClientPeriod.person_id == person_id)).all()
        assessments = session.exec(select(Assessment).where(Assessment.person_id == person_id)).all()
        requests = session.exec(select(AssessmentRequest).where(AssessmentRequest.person_id == person_id)).all()
        for unit_id in sorted({period.unit_id for period in periods}):
            state = status_from(periods=[p for p in periods if p.unit_id == unit_id], assessments=list(assessments),
                                requests=list(requests), today=world.today)
            found.append((unit_id, person_id, 0, *queue_rules.placing(state, today=world.today)))
            found += [(unit_id, person_id, a.id, "to_review", a.sent_at.date())  # type: ignore[union-attr]
                      for a in assessments if a.status == "sent"]
    return sorted(found)  # type: ignore[return-value]


def assert_kept_equals_status_from(engine: Engine, world: World) -> None:
    with transaction(engine) as session:
        queue_rules.keep_current(session, unit_ids=world.units, today=world.today)
    with Session(engine) as session:
        kept = queue_rules.kept_entries(session, person_ids=world.persons)
        assert sorted((e.unit_id, e.person_id, e.assessment_id, e.section, e.day) for e in kept) == expected(
            session, world), world.today
        assert all(e.valid_from <= world.today <= e.valid_until for e in kept)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=steps)
def test_kept_entries_equal_status_from_after_any_changes(engine: Engine, changes: list[tuple]) -> None:  # type: ignore[type-arg]
    world = build_world(engine)
    for change in changes:
        with transaction(engine) as session:
            apply(session, world, change)
        assert_kept_equals_status_from(engine, world)


periods = st.lists(st.tuples(unit, offset, st.integers(0, 400), st.sampled_from(SERVICES)), max_size=3)


@settings(max_examples=300, deadline=None)
@given(periods=periods, requests=st.lists(st.tuples(offset, st.booleans()), max_size=2),
       sent=st.lists(st.tuples(st.sampled_from(["start", "follow_up", "end"]), offset), max_size=3),
       draft=st.booleans(), today=offset, later=st.integers(-400, 400))
def test_an_entry_holds_on_every_day_of_its_span(periods, requests, sent, draft, today, later) -> None:  # type: ignore[no-untyped-def]
    """Pure: on any day inside an entry's span, status_from places the client the same."""
    period_rows = [ClientPeriod(id=n, person_id=1, unit_id=u, service=s, starts_on=on_day(a), ends_on=on_day(a + n_days),
                                sort_name="x") for n, (u, a, n_days, s) in enumerate(periods)]
    request_rows = [AssessmentRequest(id=n, person_id=1, requested_by_person_id=2, due_on=on_day(d),
                                      assessment_id=1 if done else None) for n, (d, done) in enumerate(requests)]
    assessment_rows = [Assessment(id=n + 10, person_id=1, occasion=o, due_on=on_day(d), content_id="c", content_version=1,
                                  content_sha256="0", status="sent", started_by_person_id=1,
                                  sent_at=datetime.combine(on_day(d), time(9), UTC)) for n, (o, d) in enumerate(sent)]
    if draft:
        assessment_rows.append(Assessment(id=1, person_id=1, occasion="extra", content_id="c", content_version=1,
                                          content_sha256="0", status="draft", started_by_person_id=1))
    day = on_day(today)
    for entry in queue_rules.entries_of(person_id=1, periods=period_rows, assessments=assessment_rows,
                                        requests=request_rows, today=day):
        assert entry.valid_from <= day <= entry.valid_until
        other = on_day(later)
        if entry.assessment_id or not entry.valid_from <= other <= entry.valid_until:
            continue
        state = status_from(periods=[p for p in period_rows if p.unit_id == entry.unit_id],
                            assessments=assessment_rows, requests=request_rows, today=other)
        assert queue_rules.placing(state, today=other) == (entry.section, entry.day)


def test_every_table_the_queue_reads_has_its_trigger(engine: Engine) -> None:
    """A batch migration on SQLite recreates a table without its triggers: this notices."""
    tables = {"clientperiod", "assessment", "assessmentrequest"}
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            found = set(connection.execute(text(
                "SELECT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE '%queue_stale'")).scalars())
        else:
            found = set(connection.execute(text(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%queue_stale%'")).scalars())
    assert found == tables


def _crowd(engine: Engine, *, clients: int, today: date) -> tuple[int, list[int]]:
    """A unit of overdue clients (their period started 200 days ago, nothing sent) and a staff member of it."""
    name = next(NAMES)
    with transaction(engine) as session:
        organisation = Organisation(name=f"Iso {name}")
        session.add(organisation)
        session.flush()
        unit = Unit(organisation_id=organisation.id, name=f"Iso {name}")
        people = [Person(given_name=f"A{n:03}", family_name="Iso", identity_code_hash=f"crowd-{name}-{n}",
                         identity_code_cipher="x") for n in range(clients + 1)]
        session.add_all([unit, *people])
        session.flush()
        session.add_all([ClientPeriod(person_id=p.id, unit_id=unit.id, service="work_activity",  # type: ignore[arg-type]
                                      starts_on=today - timedelta(days=200), ends_on=today + timedelta(days=200))
                         for p in people[1:]])
        session.add(StaffMembership(person_id=people[0].id, unit_id=unit.id, role="instructor"))  # type: ignore[arg-type]
        return people[0].id, [p.id for p in people[1:]]  # type: ignore[misc]


def test_the_queue_is_read_a_page_at_a_time_and_logs_the_clients_shown(app, client, engine) -> None:  # type: ignore[no-untyped-def]
    from portal.schedule.calendar_days import today
    from tests.support.factories import start_session
    from portal.auth import sessions

    staff, clients = _crowd(engine, clients=queue_rules.PAGE_SIZE + 7, today=today())
    token = start_session(engine, audience="staff", person=staff)
    client.cookies.set(sessions.COOKIE_NAMES["staff"], token)
    first = client.get("/staff/assessments")
    assert first.status_code == 200
    overdue = soup(first).find("h2", string="Myöhässä").find_next_sibling("ul")
    assert len(overdue.find_all("li")) == queue_rules.PAGE_SIZE
    more = soup(first).find("a", string="Seuraavat myöhässä olevat")["href"]
    second = client.get(more)
    assert second.status_code == 200 and soup(second).find("h2", string="Odottaa käsittelyä") is None
    assert len(soup(second).find("h2", string="Myöhässä").find_next_sibling("ul").find_all("li")) == 7
    assert client.get("/staff/assessments?section=overdue&after=x").status_code == 400
    assert client.get("/staff/assessments?section=nothing").status_code == 400
    with Session(engine) as session:
        events = session.exec(select(AccessEvent).where(AccessEvent.object_type == "assessment_queue",
                                                        AccessEvent.actor_person_id == staff)
                              .order_by(col(AccessEvent.id))).all()
        assert [event.subject_count for event in events] == [queue_rules.PAGE_SIZE, 7]
        named = set(session.exec(select(AccessEventSubject.person_id).where(
            col(AccessEventSubject.event_id).in_([event.id for event in events]))).all())
    assert named == set(clients)


def test_every_query_of_the_queue_uses_an_index(engine: Engine) -> None:
    """With entries to make again (a new client, a new day) and without."""
    from tests.support.query_plans import BIG_TABLES, captured_selects, full_scans

    day = date(2026, 12, 9)
    _staff, clients = _crowd(engine, clients=queue_rules.PAGE_SIZE + 3, today=day)
    with Session(engine) as session:
        unit_id = session.exec(select(ClientPeriod.unit_id).where(ClientPeriod.person_id == clients[0])).one()
    with transaction(engine) as session:
        first = queue_rules.queue(session, unit_ids=[unit_id], today=day)
    after = first.section("overdue").next_after  # type: ignore[union-attr]
    assert after is not None
    work = {
        "a new day": lambda s: queue_rules.queue(s, unit_ids=[unit_id], today=day + timedelta(days=200)),
        "first pages": lambda s: queue_rules.queue(s, unit_ids=[unit_id], today=day),
        "a later page": lambda s: queue_rules.queue(s, unit_ids=[unit_id], today=day, only="overdue",
                                                    after_entry_id=after),
    }
    tables = (*BIG_TABLES, "assessmentqueue", "assessment", "assessmentrequest")
    problems = {name: [line for line in full_scans(engine, captured_selects(engine, run), tables=tables)
                       if "SCAN assessmentqueuestale" not in line]  # the log of changes: read whole, kept short
                for name, run in work.items()}
    assert {name: found for name, found in problems.items() if found} == {}
