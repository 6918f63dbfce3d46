"""Bulk data for the scale benchmark, through the models' tables: clients in
units of 2,500, service periods (some ended), self-assessments (one client in
20 has sent one that waits for review, one in 30 has a staff request due in
a week), and access-log events with real MACs, sealed, so `portal access-log
verify` holds on the result.

The demo organisation is loaded first; the generated clients join it, so the
demo staff (Sanna Laine at Verstas) sees 2,500 of them in one unit and the
demo client Aino Virtanen has thousands of own reads beside others' reads.

Run: .venv/bin/python benchmarks/generate_data.py DATABASE_URL CLIENTS EVENTS
"""

from __future__ import annotations

import random
import secrets
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert
from sqlmodel import select
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.access_log import seal_pending  # noqa: E402
from portal.access_log.events import event_mac  # noqa: E402
from portal.assessment import queue  # noqa: E402
from portal.db import make_engine, transaction  # noqa: E402
from portal.followup import assessment_months  # noqa: E402
from portal.demo import VERSTAS, load_demo_data  # noqa: E402
from portal.identity_code import IdentityCodeVault  # noqa: E402
from portal.migrate import upgrade  # noqa: E402
from portal.models import (  # noqa: E402
    AccessEvent,
    AccessEventSubject,
    Assessment,
    AssessmentRequest,
    ClientPeriod,
    Organisation,
    Person,
    Service,
    StaffMembership,
    Unit,
)
from portal.models.organisation import sort_name  # noqa: E402
from portal.schedule import calendar_days  # noqa: E402
from portal.settings import Settings  # noqa: E402

UNIT_SIZE = 2500
CHUNK = 10_000
GIVEN = ["Aada", "Eero", "Helmi", "Ilmari", "Kerttu", "Lauri", "Minea", "Onni", "Sisko", "Veikko"]
FAMILY = ["Aalto", "Heikkilä", "Hämäläinen", "Järvinen", "Koskinen", "Laine", "Lehtonen", "Mäkelä",
          "Niemi", "Ojala", "Rantanen", "Salminen", "Tuominen", "Virtanen", "Väisänen"]
SERVICES = [service.value for service in Service]
STAFF_ROLES = ["instructor", "job_coach", "social_instructor", "unit_manager"]


def _bulk(engine: Engine, table, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    for start in range(0, len(rows), CHUNK):
        with engine.begin() as connection:
            connection.execute(insert(table), rows[start:start + CHUNK])


def _max_id(engine: Engine, model) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return connection.execute(select(func.max(model.id))).scalar() or 0


def generate(engine: Engine, *, vault: IdentityCodeVault, clients: int, events: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    started = time.perf_counter()
    with transaction(engine) as session:
        load_demo_data(session, vault=vault)
        organisation_id = session.exec(select(Organisation.id)).one()  # type: ignore[call-overload]
        verstas = session.exec(select(Unit.id).where(Unit.name == VERSTAS)).one()  # type: ignore[call-overload]
        demo_people = session.exec(select(Person.id)).all()  # type: ignore[call-overload]
        staff_ids = session.exec(select(StaffMembership.person_id)).all()  # type: ignore[call-overload]
        aino = min(demo_people)  # the first demo person
    # Units of UNIT_SIZE clients; the first is Verstas, where the demo staff works.
    unit_ids = [verstas]
    for number in range(1, -(-clients // UNIT_SIZE)):
        with transaction(engine) as session:
            unit = Unit(organisation_id=organisation_id, name=f"Toimintakeskus {number}")
            session.add(unit)
            session.flush()
            unit_ids.append(unit.id)  # type: ignore[arg-type]
    cipher = vault.encrypt("010101-900R")  # the same sample ciphertext: it is never read here
    first_id = _max_id(engine, Person) + 1
    people, periods, assessments, requests = [], [], [], []
    today = calendar_days.today()
    sent_at = datetime.now(UTC) - timedelta(days=2)
    for number in range(clients):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        person_id = first_id + number
        people.append({"id": person_id, "given_name": given, "family_name": family,
                       "identity_code_hash": secrets.token_hex(32), "identity_code_cipher": cipher})
        unit_id = unit_ids[number // UNIT_SIZE]
        base = {"person_id": person_id, "unit_id": unit_id, "service": rng.choice(SERVICES),
                "sort_name": sort_name(given, family)}
        periods.append({**base, "starts_on": today - timedelta(days=200), "ends_on": today + timedelta(days=rng.randint(30, 400))})
        if number % 20 == 0:  # sent, waits for review (content fields as stored; the queue does not open them)
            assessments.append({"person_id": person_id, "occasion": "follow_up", "due_on": today - timedelta(days=20),
                                "content_id": "oma-arvio", "content_version": 1, "content_sha256": "0" * 64,
                                "status": "sent", "started_at": sent_at, "started_by_person_id": person_id,
                                "sent_at": sent_at, "sent_by_person_id": person_id})
        if number % 30 == 1:  # a staff member asked for one within a week
            requests.append({"person_id": person_id, "requested_by_person_id": staff_ids[0], "requested_at": sent_at,
                             "due_on": today + timedelta(days=7)})
        if number % 3 == 0:  # a third also have an ended period
            periods.append({**base, "starts_on": today - timedelta(days=900), "ends_on": today - timedelta(days=rng.randint(210, 600))})
    _bulk(engine, Person.__table__, people)  # type: ignore[attr-defined]
    _bulk(engine, ClientPeriod.__table__, periods)  # type: ignore[attr-defined]
    _bulk(engine, Assessment.__table__, assessments)  # type: ignore[attr-defined]
    _bulk(engine, AssessmentRequest.__table__, requests)  # type: ignore[attr-defined]
    if engine.dialect.name == "postgresql":  # explicit ids: move the sequence past them
        with engine.begin() as connection:
            connection.exec_driver_sql("SELECT setval('person_id_seq', (SELECT max(id) FROM person))")

    # Events: a few thousand of Aino's own reads, staff reads of her, and the
    # rest spread over everyone; every 200th a list read of 50 clients.
    client_ids = [first_id + number for number in range(clients)]
    now = datetime.now(UTC) - timedelta(minutes=5)
    first_event = _max_id(engine, AccessEvent) + 1
    rows, subjects = [], []
    for number in range(events):
        event_id = first_event + number
        occurred_at = now - timedelta(seconds=(events - number) * 30)
        if number % 200 == 0:
            listed = sorted(set(rng.sample(client_ids, min(50, len(client_ids))) + [aino]))
            fields = {"actor_person_id": rng.choice(staff_ids), "actor_role": "instructor", "subject_person_id": None,
                      "object_type": "client_list", "subject_count": len(listed)}
            subjects += [{"event_id": event_id, "person_id": person_id} for person_id in listed]
        elif number % 250 == 1:
            listed = []
            fields = {"actor_person_id": rng.choice(staff_ids), "actor_role": "instructor", "subject_person_id": aino,
                      "object_type": "client_mandates", "subject_count": 0}
        else:
            listed = []
            subject = aino if number % 250 < 5 else rng.choice(client_ids)
            fields = {"actor_person_id": subject, "actor_role": "client", "subject_person_id": subject,
                      "object_type": "client_start_page", "subject_count": 0}
        fields.update(uid=secrets.token_hex(16), occurred_at=occurred_at, on_behalf_of_person_id=None, action="read",
                      object_id="", request_id=secrets.token_hex(8), ip_address="127.0.0.1")
        rows.append({"id": event_id, **fields, "mac": event_mac(fields, listed)})
        if len(rows) >= CHUNK:
            _bulk(engine, AccessEvent.__table__, rows)  # type: ignore[attr-defined]
            rows = []
    _bulk(engine, AccessEvent.__table__, rows)  # type: ignore[attr-defined]
    _bulk(engine, AccessEventSubject.__table__, subjects)  # type: ignore[attr-defined]
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("SELECT setval('accessevent_id_seq', (SELECT max(id) FROM accessevent))")
            connection.exec_driver_sql("ANALYZE")
    with transaction(engine) as session:  # the queue's kept entries, made now rather than on the first view
        queue.keep_current(session, unit_ids=unit_ids, today=today)
    with transaction(engine) as session:  # the follow-up's kept occasions, likewise
        assessment_months.keep_current(session)
    seals = seal_pending(engine, checkpoint_path=None)
    return {"clients": clients, "periods": len(periods), "events": events, "list_rows": len(subjects),
            "seals": seals, "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    url, clients, events = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    settings = Settings.from_environment()
    engine = make_engine(url)
    upgrade(engine)
    print(generate(engine, vault=IdentityCodeVault(settings.identity_key), clients=clients, events=events))
    engine.dispose()


if __name__ == "__main__":
    main()
