"""Messages (issue 22): the unit inbox (/staff/messages) and a client's thread
list (/messages) with 100 and with 100,000 messages in the database. The
server's time per request (p50, p99), measured in process with Starlette's
test client on SQLite (or on PORTAL_DATABASE_URL when it is set; that
database is emptied first), and the growth of p50 from the small database to
the big one (the goal: at most 1.2 times).

Data, on top of the demo organisation: 4 messages a thread (the client's
side, staff's answer, the client again, staff again). Aino Virtanen always has
30 threads with Verstas (more than one page of 20); the other threads belong
to generated clients of Verstas (one in four) and Tupa, one in three still
unread by staff, one in five done. So both pages show a full first page at
either size, and only the rest of the database grows.

Run: .venv/bin/python benchmarks/messages.py [requests]   (default 200)
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert  # noqa: E402
from sqlmodel import select  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from portal import clock  # noqa: E402
from portal.app import create_app  # noqa: E402
from portal.auth import sessions  # noqa: E402
from portal.db import transaction  # noqa: E402
from portal.demo import load_demo_data  # noqa: E402
from portal.messages.models import Message, MessageReadState, MessageThread  # noqa: E402
from portal.migrate import upgrade  # noqa: E402
from portal.models import ClientPeriod, Person, Service  # noqa: E402
from portal.settings import Settings  # noqa: E402
from tests.support import factories  # noqa: E402

AINO, SANNA = "010280-952L", "300883-9617"
PER_THREAD = 4
AINO_THREADS = 30
BATCH = 5000


def add_messages(engine, *, total: int, aino: int, sanna: int, units: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """`total` messages in total/4 threads (ids above the demo's)."""
    verstas, tupa = units
    now = clock.now()
    thread_count = total // PER_THREAD
    others = max(1, (thread_count - AINO_THREADS) // 5)  # generated clients, about five threads each
    with transaction(engine) as session:
        people = []
        for number in range(others):
            person = Person(given_name="Testi", family_name=f"Asiakas {number:06d}",
                            identity_code_hash=f"bench-{number}", identity_code_cipher="-")
            people.append(person)
        session.add_all(people)
        session.flush()
        first_person = people[0].id
        session.execute(insert(ClientPeriod), [
            {"person_id": person.id, "unit_id": verstas if index % 4 == 0 else tupa,
             "service": Service.WORK_ACTIVITY.value, "starts_on": clock.today() - timedelta(days=100),
             "ends_on": clock.today() + timedelta(days=200), "sort_name": f"asiakas {index:06d} testi"}
            for index, person in enumerate(people)])
        start_thread = (session.exec(select(func.max(MessageThread.id))).one() or 0) + 1
        start_message = (session.exec(select(func.max(Message.id))).one() or 0) + 1
    assert first_person is not None
    thread_rows, message_rows, read_rows = [], [], []
    message_id = start_message
    aino_threads = 0
    for index in range(thread_count):
        thread_id = start_thread + index
        if index % max(1, thread_count // AINO_THREADS) == 0 and aino_threads < AINO_THREADS:
            client, unit = aino, verstas
            aino_threads += 1
        else:
            client = first_person + index % others
            unit = verstas if (client - first_person) % 4 == 0 else tupa
        ids = list(range(message_id, message_id + PER_THREAD))
        message_id += PER_THREAD
        moment = now - timedelta(minutes=thread_count - index)
        unread = index % 3 == 0
        for position, one in enumerate(ids):
            staff = position % 2 == 1
            message_rows.append({"id": one, "thread_id": thread_id, "author_person_id": sanna if staff else client,
                                 "on_behalf_of_person_id": None, "from_staff": staff, "text": f"Viesti {one}",
                                 "created_at": moment, "idempotency_key": f"bench-{one}"})
        thread_rows.append({"id": thread_id, "client_person_id": client, "unit_id": unit, "topic": "other",
                            "started_by_person_id": client, "created_at": moment, "last_message_id": ids[-1],
                            "last_staff_message_id": ids[-1], "last_message_at": moment, "unread_by_staff": unread,
                            "status": "done" if index % 5 == 0 else "open", "done_at": None, "done_by_person_id": None,
                            "assigned_to_person_id": None, "sensitive": False, "sensitive_marked_by_person_id": None})
        read_rows.append({"person_id": client, "thread_id": thread_id, "last_read_message_id": ids[-2], "read_at": moment})
    with transaction(engine) as session:
        for rows, model in ((thread_rows, MessageThread), (message_rows, Message), (read_rows, MessageReadState)):
            for start in range(0, len(rows), BATCH):
                session.execute(insert(model), rows[start:start + BATCH])


def timed(client: TestClient, path: str, requests: int) -> list[float]:
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def p(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def measure(total: int, requests: int) -> dict[str, list[float]]:
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
        vault = app.state.vault
        aino, sanna = factories.person_id(engine, vault, AINO), factories.person_id(engine, vault, SANNA)
        units = (factories.unit_id(engine, "Toimintakeskus Verstas"), factories.unit_id(engine, "Toimintakeskus Tupa"))
        started = time.perf_counter()
        add_messages(engine, total=total, aino=aino, sanna=sanna, units=units)
        loaded = time.perf_counter() - started
        with engine.begin() as connection:  # what autovacuum (or SQLite's optimize) would have done after a load like this
            connection.exec_driver_sql("ANALYZE")
        results = {}
        with TestClient(app) as client:
            client.cookies.set(sessions.COOKIE_NAMES["staff"], factories.start_session(engine, audience="staff", person=sanna))
            timed(client, "/staff/messages", 10)  # warm up
            results["unit inbox (/staff/messages)"] = timed(client, "/staff/messages", requests)
            client.cookies.clear()
            client.cookies.set(sessions.COOKIE_NAMES["client"],
                               factories.start_session(engine, audience="client", person=aino, acting_for=aino))
            timed(client, "/messages", 10)
            results["client's threads (/messages)"] = timed(client, "/messages", requests)
        print(f"  {total:,} messages ({engine.dialect.name}, loaded in {loaded:.1f} s): " + "; ".join(
            f"{name} p50 {p(times, 0.5):.1f} ms, p99 {p(times, 0.99):.1f} ms" for name, times in results.items()))
        engine.dispose()
        return results


def main(requests: int) -> None:
    logging.getLogger("portal.requests").setLevel(logging.WARNING)
    logging.getLogger("portal.access_log").setLevel(logging.WARNING)
    small = measure(100, requests)
    big = measure(100_000, requests)
    for name in small:
        growth = p(big[name], 0.5) / p(small[name], 0.5)
        print(f"{name}: p50 {p(small[name], 0.5):.1f} ms at 100, {p(big[name], 0.5):.1f} ms at 100,000: "
              f"{growth:.2f}x ({'within' if growth <= 1.2 else 'OVER'} 1.2x)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
