"""The client's start page for a client with two years of history: its HTML
size and the server's time per request (median, p99), measured by the
portal's own request log over real HTTP against a live portal (uvicorn, SQLite).

History: two years in the group, a change every week, an attendance mark
for every group day, an absence notice every two weeks (some cancelled),
eight earlier plans with goals and the client's thoughts.

Run: .venv/bin/python benchmarks/start_page.py [requests]
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dateutil.relativedelta import relativedelta  # noqa: E402
from sqlmodel import select  # noqa: E402

from portal.auth import sessions  # noqa: E402
from portal.db import transaction  # noqa: E402
from portal.models import (  # noqa: E402
    AbsenceNotice,
    AttendanceMark,
    Goal,
    GoalThought,
    GroupMember,
    GroupSlot,
    Plan,
    SlotChange,
)
from portal.schedule.calendar_days import days_between, today  # noqa: E402
from tests.support import factories  # noqa: E402
from tests.support.browser import demo_portal  # noqa: E402

AINO, SANNA = "010280-952L", "300883-9617"


class ServerTimes(logging.Handler):
    """Collects the milliseconds the portal's request log reports for /home."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        method, path, _status, elapsed, _request_id = record.args  # type: ignore[misc]
        if method == "GET" and path == "/home":
            self.times.append(float(elapsed))


def add_history(engine, aino: int, sanna: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    now = today()
    start = now - timedelta(days=730)
    counts = dict.fromkeys(("changes", "attendance", "notices", "plans"), 0)
    with transaction(engine) as session:
        member = session.exec(select(GroupMember).where(GroupMember.person_id == aino)).one()
        member.starts_on = start
        session.add(member)
        slots = session.exec(select(GroupSlot).where(GroupSlot.group_id == member.group_id)).all()
        weekdays = {slot.weekday: slot for slot in slots}
        for day in days_between(start, now - timedelta(days=1)):
            slot = weekdays.get(day.weekday())
            if slot is None:
                continue
            if day.weekday() == min(weekdays):
                session.add(SlotChange(slot_id=slot.id, on_date=day, place="Piha", note="Ulkotyöt",  # type: ignore[arg-type]
                                       created_by_person_id=sanna))
                counts["changes"] += 1
            session.add(AttendanceMark(person_id=aino, on_date=day, present=True, recorded_by_person_id=sanna))
            counts["attendance"] += 1
        for index, day in enumerate(days_between(start, now - timedelta(days=1))[::14]):
            session.add(AbsenceNotice(person_id=aino, starts_on=day, ends_on=day, reason="ill", message="",
                                      created_by_person_id=aino,
                                      cancelled_at=sessions.now_utc() if index % 5 == 0 else None))
            counts["notices"] += 1
        plan_start = start
        for _ in range(8):
            ends = plan_start + relativedelta(months=2) - timedelta(days=1)
            plan = Plan(person_id=aino, unit_id=1, service="work_activity", starts_on=plan_start - timedelta(days=365),
                        ends_on=ends - timedelta(days=365), days_per_week=4, hours_per_day=Decimal(5),
                        contact_person_id=sanna, contact_phone="08 555 1010", created_by_person_id=sanna)
            session.add(plan)
            session.flush()
            for position in range(3):
                goal = Goal(plan_id=plan.id, position=position, client_words="Opin uutta.",  # type: ignore[arg-type]
                            staff_words="Harjoittelee.", status="reached", follow_up="Onnistui.")
                session.add(goal)
                session.flush()
                for _thought in range(2):
                    session.add(GoalThought(goal_id=goal.id, written_by_person_id=aino, text="Meni hyvin."))  # type: ignore[arg-type]
            plan_start = ends + timedelta(days=1)
            counts["plans"] += 1
    return counts


def main(requests: int) -> None:
    handler = ServerTimes()
    logging.getLogger("portal.requests").addHandler(handler)
    logging.getLogger("portal.requests").propagate = False
    logging.disable(logging.NOTSET)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with demo_portal(Path(tempfile.mkdtemp())) as (url, app):
        engine = app.state.engine
        aino = factories.person_id(engine, app.state.vault, AINO)
        sanna = factories.person_id(engine, app.state.vault, SANNA)
        counts = add_history(engine, aino, sanna)
        with transaction(engine) as session:  # the slot for today, so the page shows a full day
            group = session.exec(select(GroupMember.group_id).where(GroupMember.person_id == aino)).one()
            session.add(GroupSlot(group_id=group, weekday=today().weekday(), starts_at=time(16), ends_at=time(18),
                                  activity="Iltaryhmä", place="Verstas"))
        token = factories.start_session(engine, audience="client", person=aino, acting_for=aino)
        with httpx2.Client(base_url=url, cookies={sessions.COOKIE_NAMES["client"]: token}) as http:
            first = http.get("/home")
            assert first.status_code == 200 and "Tänään" in first.text
            size = len(first.content)
            handler.times.clear()  # the first request warms the caches
            for _ in range(requests):
                assert http.get("/home").status_code == 200
    times = sorted(handler.times)
    p99 = times[max(0, int(len(times) * 0.99) - 1)]
    print(f"history: {counts}")
    print(f"start page: {size} bytes of HTML ({size / 1024:.1f} KiB); {len(times)} requests: "
          f"server time median {statistics.median(times):.1f} ms, p99 {p99:.1f} ms, max {times[-1]:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
