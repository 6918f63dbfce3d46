"""Demo for issue 11: clients' feedback, one answered by staff, and anonymous
ones; two accessibility reports in the staff queue, one past its 14 days; and
Jari's earlier period in Tupa, ended early with a work trial as the next step."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from portal import clock
from portal.models import AccessibilityFeedback, ClientFeedback, ClientPeriod, PeriodOutcome, Service, Unit
from portal.schedule.calendar_days import today

AINO, MIKKO, JARI, SANNA = "010280-952L", "150375-990C", "071188-955W", "300883-9617"
VERSTAS, TUPA = "Toimintakeskus Verstas", "Toimintakeskus Tupa"
MARIA = "180679-9737"


def load(session: Session, *, people: dict[str, int], units: dict[str, Unit]) -> None:
    day = today()
    now = clock.now()
    verstas, tupa = units[VERSTAS].id, units[TUPA].id
    assert verstas is not None and tupa is not None
    session.add_all([
        ClientFeedback(unit_id=verstas, person_id=people[AINO], given_on=day - timedelta(days=6),
                       given_at=now - timedelta(days=6), mood=4, about="Puutyöt",
                       text="Linnunpönttö valmistui. Haluaisin tehdä seuraavaksi penkin.",
                       answer="Hienoa, Aino! Aloitetaan penkki ensi viikolla.", answered_at=now - timedelta(days=5),
                       answered_by_person_id=people[SANNA]),
        ClientFeedback(unit_id=verstas, person_id=people[MIKKO], given_on=day - timedelta(days=2),
                       given_at=now - timedelta(days=2), mood=2, text="Bussi oli myöhässä kaksi kertaa."),
        ClientFeedback(unit_id=tupa, person_id=people[JARI], given_on=day - timedelta(days=1),
                       given_at=now - timedelta(days=1), mood=5, text="Ruoka oli hyvää."),
        # Anonymous: no person, the day only.
        ClientFeedback(unit_id=verstas, given_on=day - timedelta(days=4), mood=5),
        ClientFeedback(unit_id=verstas, given_on=day - timedelta(days=3), mood=3, text="Välillä on liian kova ääni."),
        ClientFeedback(unit_id=tupa, given_on=day - timedelta(days=2), mood=4),
    ])
    session.add_all([
        AccessibilityFeedback(received_at=now - timedelta(days=16), page="/week", language="fi",
                              message="Viikon päivät menevät puhelimessa päällekkäin.", contact="040 555 0101"),
        AccessibilityFeedback(received_at=now - timedelta(days=2), page="/feedback", language="sv",
                              message="Knapparna är svåra att se.", contact="anna.esimerkki@example.fi"),
    ])
    earlier = ClientPeriod(person_id=people[JARI], unit_id=tupa, service=Service.REHABILITATIVE_WORK.value,
                           starts_on=date(2025, 9, 1), ends_on=date(2026, 2, 28))
    session.add(earlier)
    session.flush()
    assert earlier.id is not None
    session.add(PeriodOutcome(period_id=earlier.id, ended_on=date(2026, 1, 30), ending="early",
                              next_step="work_trial", note="Työkokeilu kaupan varastossa helmikuussa.",
                              recorded_by_person_id=people[MARIA]))
