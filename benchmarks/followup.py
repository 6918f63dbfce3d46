"""The follow-up page (/staff/followup) for a unit of 400 clients with two
years of data: the server's time per request (median, p99) over 24 months,
measured in process with Starlette's test client on SQLite (or on
PORTAL_DATABASE_URL when it is set; that database is emptied first).

Data: 400 clients in Verstas, each with an ended period (and its outcome)
and a current one; two feedback a month from each client over two years
(19,200 rows, half anonymous); eight groups of 50 clients, each meeting on
three weekdays, with a mark for every expected day up to two days ago
(about 3 a week a client: one in eight an absence, one in ten a part day,
one in twenty left unmarked); and two sent self-assessments a client (the
start of the current period, on time for most, and one later), plus the
demo organisation.

The first request counts every month and keeps the counts
(portal/followup/attendance_months.py); it is timed on its own. Then the
page is read `requests` times as it is, and `requests` times more with one
mark of an ended month corrected before each (the month is counted again).

Run: .venv/bin/python benchmarks/followup.py [requests]
"""

from __future__ import annotations

import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, update  # noqa: E402
from sqlmodel import col, select  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from portal.app import create_app  # noqa: E402
from portal.auth import sessions  # noqa: E402
from portal.db import transaction  # noqa: E402
from portal.demo import load_demo_data  # noqa: E402
from portal.migrate import upgrade  # noqa: E402
from portal.demo.assessment import add_sent  # noqa: E402
from portal.models import (  # noqa: E402
    AttendanceMark,
    ClientFeedback,
    ClientPeriod,
    Group,
    GroupMember,
    GroupSlot,
    NextStep,
    Occasion,
    PeriodOutcome,
    Person,
)
from portal.schedule.calendar_days import days_between, public_holidays, today  # noqa: E402
from portal.settings import Settings  # noqa: E402
from tests.support import factories  # noqa: E402

CLIENTS = 400
SANNA = "300883-9617"


def add_unit_history(engine, unit: int, recorder: int) -> int:  # type: ignore[no-untyped-def]
    rng = random.Random(11)
    now = today()
    start = now - timedelta(days=730)
    steps = [step.value for step in NextStep]
    feedback_rows = 0
    with transaction(engine) as session:
        for n in range(CLIENTS):
            person = Person(given_name=f"Asiakas{n}", family_name="Testi", identity_code_hash=f"bench{n}",
                            identity_code_cipher="x")
            session.add(person)
            session.flush()
            ended = ClientPeriod(person_id=person.id, unit_id=unit, service="work_activity", starts_on=start,
                                 ends_on=start + timedelta(days=300))
            session.add(ended)
            session.add(ClientPeriod(person_id=person.id, unit_id=unit, service="work_activity",
                                     starts_on=start + timedelta(days=301), ends_on=now + timedelta(days=200)))
            session.flush()
            session.add(PeriodOutcome(period_id=ended.id, ended_on=ended.ends_on, ending="as_planned",
                                      next_step=rng.choice(steps), recorded_by_person_id=recorder))
            rows = []
            for month in range(24):
                for _ in range(2):
                    day = start + timedelta(days=month * 30 + rng.randrange(30))
                    rows.append({"unit_id": unit, "person_id": person.id if rng.random() < 0.5 else None,
                                 "given_on": day, "mood": rng.randint(1, 5), "about": "", "text": "", "answer": ""})
            session.exec(insert(ClientFeedback), params=rows)  # type: ignore[call-overload]
            feedback_rows += len(rows)
    return feedback_rows


GROUPS, WEEKDAY_SETS = 8, [(0, 2, 4), (1, 3, 4), (0, 1, 3), (0, 2, 3)]


def add_attendance_and_assessments(engine, unit: int, recorder: int, library) -> int:  # type: ignore[no-untyped-def]
    """Groups, members, a mark for nearly every expected day, and two assessments a client."""
    now = today()
    start = now - timedelta(days=730)
    last = now - timedelta(days=2)
    holidays = public_holidays(start, last)
    loaded = library.current()
    answers = {q.id: ("6" if q.type == "scale11" else "3") for q in loaded.questionnaire.questions
               if q.type in ("scale5", "scale11")}
    later = {q.id: ("7" if q.type == "scale11" else "4") for q in loaded.questionnaire.questions
             if q.type in ("scale5", "scale11")}
    with transaction(engine) as session:
        persons = list(session.exec(select(Person.id).where(col(Person.identity_code_hash).startswith("bench"))).all())
        periods = {period.person_id: period for period in session.exec(
            select(ClientPeriod).where(ClientPeriod.unit_id == unit, col(ClientPeriod.ends_on) > now)).all()}
        marks = 0
        for index in range(GROUPS):
            group = Group(unit_id=unit, name=f"Ryhmä {index}")
            session.add(group)
            session.flush()
            weekdays = WEEKDAY_SETS[index % len(WEEKDAY_SETS)]
            for weekday in weekdays:
                session.add(GroupSlot(group_id=group.id, weekday=weekday, starts_at=clock(9), ends_at=clock(14),  # type: ignore[arg-type]
                                      activity="Työ", place="Halli"))
            days = [day for day in days_between(start, last) if day.weekday() in weekdays and day not in holidays]
            for person in persons[index::GROUPS]:
                session.add(GroupMember(group_id=group.id, person_id=person, starts_on=start))  # type: ignore[arg-type]
                rows = [{"person_id": person, "on_date": day, "present": number % 8 != 3,
                         "hours": Decimal("3") if number % 10 == 5 else None,
                         "absence_reason": "ill" if number % 8 == 3 else "", "recorded_by_person_id": recorder,
                         "recorded_at": datetime.combine(day, clock(14), UTC)}
                        for number, day in enumerate(days) if number % 20 != 7]
                session.exec(insert(AttendanceMark), params=rows)  # type: ignore[call-overload]
                marks += len(rows)
        for number, person in enumerate(persons):
            period = periods[person]
            add_sent(session, loaded=loaded, person_id=person, occasion=Occasion.START, due_on=period.starts_on,
                     sent_at=datetime.combine(period.starts_on + timedelta(days=number % 12), clock(10), UTC),
                     answers=answers)
            add_sent(session, loaded=loaded, person_id=person, occasion=Occasion.EXTRA, due_on=None,
                     sent_at=datetime.combine(now - timedelta(days=30 + number % 60), clock(10), UTC), answers=later)
    return marks


def correctable_marks(engine) -> list[int]:  # type: ignore[no-untyped-def]
    """Marks of the unit's clients from two to six months ago: days of ended months."""
    now = today()
    with transaction(engine) as session:
        return list(session.exec(select(AttendanceMark.id).join(Person, col(Person.id) == col(AttendanceMark.person_id))
                                 .where(col(Person.identity_code_hash).startswith("bench"),
                                        col(AttendanceMark.on_date) >= now - timedelta(days=180),
                                        col(AttendanceMark.on_date) <= now - timedelta(days=60))).all())


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    return f"median {statistics.median(ordered):.1f} ms, p99 {ordered[int(len(ordered) * 0.99) - 1]:.1f} ms"


def main(requests: int) -> None:
    logging.getLogger("portal.requests").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("PORTAL_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app(Settings(database_url=url, data_dir=Path(folder)))
        engine = app.state.engine
        if url.startswith("postgresql"):
            with engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade(engine)
        with transaction(engine) as session:
            load_demo_data(session, vault=app.state.vault)
        sanna = factories.person_id(engine, app.state.vault, SANNA)
        unit = factories.unit_id(engine, "Toimintakeskus Verstas")
        rows = add_unit_history(engine, unit, sanna)
        marks = add_attendance_and_assessments(engine, unit, sanna, app.state.assessment_library)
        if url.startswith("postgresql"):  # what autovacuum would have done after a load like this
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        token = factories.start_session(engine, audience="staff", person=sanna)
        first = (today() - timedelta(days=700)).replace(day=1).strftime("%Y-%m")
        last = today().strftime("%Y-%m")
        path = f"/staff/followup?unit={unit}&from={first}&to={last}"
        marked = correctable_marks(engine)
        rng = random.Random(5)
        times, after_change = [], []
        with TestClient(app) as client:
            client.cookies.set(sessions.COOKIE_NAMES["staff"], token)
            started = time.perf_counter()
            assert client.get(path).status_code == 200
            first_request = (time.perf_counter() - started) * 1000
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            for _ in range(requests):
                with transaction(engine) as session:  # a correction: the next view counts its month again
                    session.execute(update(AttendanceMark).where(col(AttendanceMark.id) == rng.choice(marked))
                                    .values(present=~col(AttendanceMark.present)))
                started = time.perf_counter()
                assert client.get(path).status_code == 200
                after_change.append((time.perf_counter() - started) * 1000)
        print(f"{CLIENTS} clients, {rows} feedback rows, {marks} attendance marks, {2 * CLIENTS} assessments, "
              f"24 months, {engine.dialect.name}: {summary(times)} over {requests} requests; "
              f"page {len(response.text)} bytes")
        print(f"  the first request (counts and keeps every month): {first_request:.0f} ms; "
              f"after a mark of an ended month is corrected: {summary(after_change)}")
        engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
