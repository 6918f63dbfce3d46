"""The notification sender's throughput to a local SMTP server (aiosmtpd in
this process): how many notifications a second `send_due` takes from the
outbox, renders, sends over one SMTP connection a batch and marks sent, each
with its own committed state before and after the provider call.

Run: .venv/bin/python benchmarks/notifications.py [notifications] [postgresql URL]
(the PostgreSQL database is emptied). Prints notifications a second, and
how long the scheduler's evening pass takes for the same number of clients,
and how long working out whose self-assessment is due takes for them, one
client at a time (as the scheduler did) and three reads a 500
(`overview.client_statuses`, as it does).
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from datetime import date, time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

import portal.models  # noqa: E402,F401
from portal import clock  # noqa: E402
from portal.db import make_engine, transaction  # noqa: E402
from portal.migrate import upgrade  # noqa: E402
from portal.assessment import overview  # noqa: E402
from portal.models import ClientPeriod, Group, GroupMember, GroupSlot, Organisation, Person, Unit  # noqa: E402
from portal.notifications import outbox, reminders, sender  # noqa: E402
from portal.notifications.email import SmtpTransport  # noqa: E402
from portal.notifications.models import ContactPoint, NotificationPreference  # noqa: E402
from tests.support.notification_servers import smtp_server  # noqa: E402

NOON = clock.at_helsinki(date(2026, 12, 9), 12)  # a Wednesday


def people(engine, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        organisation = Organisation(name="Bench")
        session.add(organisation)
        session.flush()
        unit = Unit(organisation_id=organisation.id, name="Bench")  # type: ignore[arg-type]
        session.add(unit)
        session.flush()
        group = Group(unit_id=unit.id, name="Bench")  # type: ignore[arg-type]
        session.add(group)
        session.flush()
        session.add(GroupSlot(group_id=group.id, weekday=3, starts_at=clock_time(9), ends_at=clock_time(12),  # type: ignore[arg-type]
                              activity="Puutyöt", place="Bench", valid_from=date(2026, 1, 1)))
        session.execute(insert(Person), [{"given_name": "B", "family_name": f"{n}", "identity_code_hash": f"{n:064d}",  # type: ignore[call-overload]
                                       "identity_code_cipher": "x"} for n in range(count)])
        ids = [row[0] for row in session.execute(text("SELECT id FROM person ORDER BY id"))]  # type: ignore[call-overload]
        session.execute(insert(ContactPoint), [{"person_id": person, "channel": "email", "address": f"b{person}@example.fi",  # type: ignore[call-overload]
                                             "confirmed_at": NOON, "language": "fi", "pending_address": "",
                                             "code_hash": "", "code_failed_tries": 0, "created_at": NOON,
                                             "updated_at": NOON} for person in ids])
        session.execute(insert(NotificationPreference), [  # type: ignore[call-overload]
            {"person_id": person, "client_person_id": person, "category": category, "enabled": True,
             "updated_at": NOON} for person in ids for category in ("new_message", "tomorrow")])
        session.execute(insert(GroupMember), [{"group_id": group.id, "person_id": person,  # type: ignore[call-overload]
                                            "starts_on": date(2026, 1, 1)} for person in ids])
        session.execute(insert(ClientPeriod), [  # type: ignore[call-overload]
            {"person_id": person, "unit_id": unit.id, "service": "day_activity", "sort_name": f"{person}",
             "starts_on": date(2026, 9, 1 + person % 28), "ends_on": date(2027, 8, 31)} for person in ids])
    return ids


def main() -> None:
    logging.getLogger("portal").setLevel(logging.WARNING)
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    url = sys.argv[2] if len(sys.argv) > 2 else None
    folder = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    engine = make_engine(url or f"sqlite:///{folder / 'bench.sqlite3'}")
    if url:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    ids = people(engine, count)
    with smtp_server(parse=False) as (port, inbox):
        context = sender.Context({"email": SmtpTransport(host="127.0.0.1", port=port, user="", password="",
                                                          sender="Oma työtoiminta <ilmoitukset@bench.example>",
                                                          starttls=False), "sms": None},
                                 "https://oma.esimerkkila.fi", "bench-secret")
        with transaction(engine) as session:
            started = time.perf_counter()
            outbox.notify_new_message(session, message_id=1, person_ids=ids, now=NOON)
            enqueue = time.perf_counter() - started
        at = NOON + outbox.NEW_MESSAGE_DELAY
        with clock.moved_to(at):
            started = time.perf_counter()
            counts = sender.send_due(engine, context, now=at, batches=10_000)
            elapsed = time.perf_counter() - started
        assert counts is not None and counts.sent == count and inbox.count == count, counts
        evening = clock.at_helsinki(date(2026, 12, 9), 18)
        with clock.moved_to(evening), transaction(engine) as session:
            started = time.perf_counter()
            made = reminders.schedule_tomorrow(session, now=evening)
            scheduled = time.perf_counter() - started
        assert made == count
        with Session(engine) as session:
            started = time.perf_counter()
            each = {person: overview.client_status(session, person_id=person, today=NOON.date()) for person in ids}
            one_by_one = time.perf_counter() - started
            started = time.perf_counter()
            many = overview.client_statuses(session, person_ids=ids, today=NOON.date())
            together = time.perf_counter() - started
        assert many == each and sum(status.due is not None for status in many.values()) > 0
    backend = "PostgreSQL" if url else "SQLite"
    print(f"{backend}: {count} notifications enqueued in {enqueue * 1000:.0f} ms (one INSERT in the cause's transaction)")
    print(f"{backend}: sent {count} e-mails to the local SMTP server in {elapsed:.2f} s: "
          f"{count / elapsed:.0f} notifications a second ({elapsed / count * 1000:.2f} ms each)")
    print(f"{backend}: the evening's scheduler pass for {count} clients: {scheduled * 1000:.0f} ms")
    print(f"{backend}: whose self-assessment is due, {count} clients: one at a time {one_by_one * 1000:.0f} ms, "
          f"three reads a 500 {together * 1000:.0f} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
