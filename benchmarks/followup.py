"""The follow-up page (/staff/followup) for a unit of 400 clients with two
years of data: the server's time per request (median, p99) over 24 months,
measured in process with Starlette's test client on SQLite (or on
PORTAL_DATABASE_URL when it is set; that database is emptied first).

Data: 400 clients in Verstas, each with an ended period (and its outcome)
and a current one; two feedback a month from each client over two years
(19,200 rows, half anonymous), plus the demo organisation.

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
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from portal.app import create_app  # noqa: E402
from portal.auth import sessions  # noqa: E402
from portal.db import transaction  # noqa: E402
from portal.demo import load_demo_data  # noqa: E402
from portal.migrate import upgrade  # noqa: E402
from portal.models import ClientFeedback, ClientPeriod, NextStep, PeriodOutcome, Person  # noqa: E402
from portal.schedule.calendar_days import today  # noqa: E402
from portal.settings import Settings  # noqa: E402
from tests import factories  # noqa: E402

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
        token = factories.start_session(engine, audience="staff", person=sanna)
        first = (today() - timedelta(days=700)).replace(day=1).strftime("%Y-%m")
        last = today().strftime("%Y-%m")
        path = f"/staff/followup?unit={unit}&from={first}&to={last}"
        times = []
        with TestClient(app) as client:
            client.cookies.set(sessions.COOKIE_NAMES["staff"], token)
            assert client.get(path).status_code == 200
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
        times.sort()
        print(f"{CLIENTS} clients, {rows} feedback rows, 24 months, {engine.dialect.name}: "
              f"median {statistics.median(times):.1f} ms, p99 {times[int(len(times) * 0.99) - 1]:.1f} ms "
              f"over {requests} requests; page {len(response.text)} bytes")
        engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
