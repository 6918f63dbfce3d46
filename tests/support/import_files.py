"""An import file from a client-record system (the attendance part, Jari's
recent work days at Tupa) and its import by Timo, Tupa's unit manager, as the
upload page or `portal import` would run it (all or nothing)."""

from __future__ import annotations

from datetime import timedelta

from portal.attendance import importing
from portal.schedule.calendar_days import public_holidays, today
from tests.support import factories

JARI, TIMO = "071188-955W", "090965-9970"


def work_days(count: int) -> list:  # type: ignore[type-arg]
    days, day = [], today() - timedelta(days=1)
    while len(days) < count:
        if day.weekday() < 3 and not public_holidays(day, day):
            days.append(day)
        day -= timedelta(days=1)
    return days


def jari_file(statuses=("present", "absent")) -> dict:  # type: ignore[no-untyped-def,type-arg]
    days = work_days(len(statuses))
    return {
        "format": "oma-tyotoiminta/1",
        "source": "Testijärjestelmä",
        "memberships": [{"source_id": "M-1", "identity_code": JARI, "unit": "Toimintakeskus Tupa",
                         "group": "Keittiö", "starts_on": (today() - timedelta(days=30)).isoformat()}],
        "attendance": [
            {"source_id": f"A-{n}", "identity_code": JARI, "date": day.isoformat(), "status": status,
             **({"absence_reason": "ill"} if status == "absent" else {}),
             **({"hours": "3"} if status == "part" else {})}
            for n, (day, status) in enumerate(zip(days, statuses, strict=True))
        ],
    }


def run(engine, app, data: bytes, person: str = TIMO) -> importing.Outcome:  # type: ignore[no-untyped-def]
    from portal.db import transaction

    with transaction(engine) as session:
        outcome = importing.import_file(session, raw=data, vault=app.state.vault, today=today(),
                                        person_id=factories.person_id(engine, app.state.vault, person))
        if outcome.problems:
            session.rollback()
        return outcome
