"""The staff's day list for a group of 30 clients (GET, and the one-button
save of 30 marks) and a year's money statement for one client, on SQLite and
(with PORTAL_BENCH_DATABASE_URL, a database it may empty) on PostgreSQL.

Server times come from the portal's own request log over real HTTP against a
live portal (uvicorn); the year's statement is timed in-process around the
domain function (portal.money.statements.statement) after a year of marks.

Run: .venv/bin/python benchmarks/attendance.py [requests]
     PORTAL_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test_h10 \\
        .venv/bin/python benchmarks/attendance.py
"""

from __future__ import annotations

import logging
import os
import re
import statistics
import sys
import tempfile
import time as clock
from datetime import time, timedelta
from pathlib import Path

import httpx2
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session, select  # noqa: E402

from portal.app import create_app  # noqa: E402
from portal.auth import sessions  # noqa: E402
from portal.db import make_engine, transaction  # noqa: E402
from portal.demo import load_demo_data  # noqa: E402
from portal.migrate import upgrade  # noqa: E402
from portal.models import AttendanceCorrection, AttendanceMark, ClientPeriod, Group, GroupMember, GroupSlot, Person, Unit  # noqa: E402
from portal.money import statements  # noqa: E402
from portal.schedule.calendar_days import days_between, public_holidays, today  # noqa: E402
from portal.settings import Settings  # noqa: E402
from tests.support import factories  # noqa: E402
from tests.support.browser import free_port, live_server  # noqa: E402

SANNA, AINO = "300883-9617", "010280-952L"
GROUP_SIZE = 30


class ServerTimes(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.times: dict[str, list[float]] = {"GET": [], "POST": []}

    def emit(self, record: logging.LogRecord) -> None:
        method, path, status, elapsed, _request_id = record.args  # type: ignore[misc]
        if path.endswith("/attendance") and method in self.times and status in (200, 303):
            self.times[method].append(float(elapsed))


def big_group(engine) -> int:  # type: ignore[no-untyped-def]
    """A group of 30 work activity clients at Verstas, with a time every day of the week."""
    with transaction(engine) as session:
        unit = session.exec(select(Unit).where(Unit.name == "Toimintakeskus Verstas")).one()
        group = Group(unit_id=unit.id, name="Iso ryhmä")  # type: ignore[arg-type]
        session.add(group)
        session.flush()
        for weekday in range(7):
            session.add(GroupSlot(group_id=group.id, weekday=weekday, starts_at=time(9), ends_at=time(14),  # type: ignore[arg-type]
                                  activity="Kokoonpano", place="Verstas"))
        for number in range(GROUP_SIZE):
            person = Person(given_name=f"Asiakas{number:02d}", family_name="Mittari",
                            identity_code_hash=f"benchmark-{number}", identity_code_cipher="-")
            session.add(person)
            session.flush()
            session.add(ClientPeriod(person_id=person.id, unit_id=unit.id, service="work_activity",  # type: ignore[arg-type]
                                     starts_on=today() - timedelta(days=400), ends_on=today() + timedelta(days=30)))
            session.add(GroupMember(group_id=group.id, person_id=person.id,  # type: ignore[arg-type]
                                    starts_on=today() - timedelta(days=400)))
        return group.id  # type: ignore[return-value]


def a_year_of_marks(engine, person: int, by: int) -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        first = today() - timedelta(days=365)
        session.execute(AttendanceCorrection.__table__.delete().where(  # type: ignore[attr-defined]
            AttendanceCorrection.person_id == person))
        session.execute(AttendanceMark.__table__.delete().where(AttendanceMark.person_id == person))  # type: ignore[attr-defined]
        days = [day for day in days_between(first, today() - timedelta(days=1)) if day.weekday() < 4]
        for day in days:
            session.add(AttendanceMark(person_id=person, on_date=day, present=True, recorded_by_person_id=by))
        period = session.exec(select(ClientPeriod).where(ClientPeriod.person_id == person)).one()
        period.starts_on = first
        session.add(period)
    return len(days)


def database_url(folder: Path) -> str:
    url = os.environ.get("PORTAL_BENCH_DATABASE_URL")
    if not url:
        return f"sqlite:///{folder / 'portal.sqlite3'}"
    engine = make_engine(url)
    with engine.begin() as connection:  # the benchmark's own database: start empty
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def main(requests: int) -> None:
    handler = ServerTimes()
    logging.getLogger("portal.requests").addHandler(handler)
    logging.getLogger("portal.requests").propagate = False
    logging.getLogger("alembic").setLevel(logging.WARNING)
    folder = Path(tempfile.mkdtemp())
    port = free_port()
    settings = Settings(database_url=database_url(folder), base_url=f"http://127.0.0.1:{port}", data_dir=folder)
    app = create_app(settings)
    engine = app.state.engine
    upgrade(engine)
    with transaction(engine) as session:
        load_demo_data(session, vault=app.state.vault)
    group = big_group(engine)
    sanna = factories.person_id(engine, app.state.vault, SANNA)
    aino = factories.person_id(engine, app.state.vault, AINO)
    token = factories.start_session(engine, audience="staff", person=sanna)
    days = [day for day in days_between(today() - timedelta(days=requests * 2), today())
            if not public_holidays(day, day)][-requests:]
    with live_server(app, port) as url, httpx2.Client(
            base_url=url, cookies={sessions.COOKIE_NAMES["staff"]: token}) as http:
        for index, day in enumerate(days):
            page = http.get(f"/staff/groups/{group}/attendance?day={day.isoformat()}")
            assert page.status_code == 200 and page.text.count('name="rows-') >= GROUP_SIZE * 3
            data = {"csrf_token": re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)}  # type: ignore[union-attr]
            for row, person_id in enumerate(re.findall(r'name="rows-\d+-person_id" type="hidden" value="(\d+)"', page.text)):
                data[f"rows-{row}-person_id"] = person_id
                data[f"rows-{row}-status"] = "part" if row % 10 == 3 else "present"
                data[f"rows-{row}-hours"] = "3" if row % 10 == 3 else ""
                data[f"rows-{row}-absence_reason"] = ""
            saved = http.post(f"/staff/groups/{group}/attendance?day={day.isoformat()}", data=data,
                              follow_redirects=False)
            assert saved.status_code == 303, saved.text[:2000]
            if index == 0:
                handler.times["GET"].clear()  # the first request warms the caches
                handler.times["POST"].clear()
    with Session(engine) as session:
        marks = session.exec(select(AttendanceMark).where(AttendanceMark.on_date.in_(days))).all()  # type: ignore[attr-defined]
    assert len(marks) >= GROUP_SIZE * len(days)
    year_days = a_year_of_marks(engine, aino, sanna)
    year_times = []
    for _ in range(20):
        with Session(engine) as session:
            started = clock.perf_counter()
            result = statements.statement(session, person_id=aino, first=today() - timedelta(days=365),
                                          last=today(), today=today())
            year_times.append((clock.perf_counter() - started) * 1000)
    assert result.attended_days == year_days and result.total == sum(line.amount for line in result.earnings.lines)
    engine.dispose()
    print(f"database: {engine.dialect.name}; group of {GROUP_SIZE} clients, {len(days)} days")
    for method, label in (("GET", "day list GET"), ("POST", "one-button save of 30 marks")):
        times = sorted(handler.times[method])
        print(f"{label}: {len(times)} requests, server time median {statistics.median(times):.1f} ms, "
              f"max {times[-1]:.1f} ms")
    print(f"a year's statement for one client ({year_days} attended days, total {result.total} €): "
          f"median {statistics.median(year_times):.1f} ms, max {max(year_times):.1f} ms over {len(year_times)} runs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
