"""The demo's people and units: Suomi.fi test identity codes (individual
numbers 900–999), never real people. The README lists them; the test identity
provider offers them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from portal.models import Service, StaffRole

VERSTAS = "Toimintakeskus Verstas"
TUPA = "Toimintakeskus Tupa"


@dataclass(frozen=True)
class DemoPerson:
    identity_code: str
    given_name: str
    family_name: str
    description: str  # for the README and the test identity provider, in English
    unit: str | None = None
    service: Service | None = None
    staff_role: StaffRole | None = None


DEMO_PEOPLE = [
    DemoPerson("010280-952L", "Aino", "Virtanen", "client, work activity", VERSTAS, Service.WORK_ACTIVITY),
    DemoPerson("150375-990C", "Mikko", "Korhonen", "client, open work activity", VERSTAS, Service.OPEN_WORK_ACTIVITY),
    DemoPerson("230495-936S", "Liisa", "Mäkinen", "client, day activity", TUPA, Service.DAY_ACTIVITY),
    DemoPerson("071188-955W", "Jari", "Nieminen", "client, rehabilitative work activity", TUPA, Service.REHABILITATIVE_WORK),
    DemoPerson("120556-942L", "Helena", "Virtanen", "family member who acts for Aino Virtanen"),
    DemoPerson("300883-9617", "Sanna", "Laine", "staff: instructor at Verstas", VERSTAS, staff_role=StaffRole.INSTRUCTOR),
    DemoPerson("040790-932H", "Pekka", "Heikkinen", "staff: job coach at Verstas", VERSTAS, staff_role=StaffRole.JOB_COACH),
    DemoPerson("180679-9737", "Maria", "Salo", "staff: social instructor at Tupa", TUPA, staff_role=StaffRole.SOCIAL_INSTRUCTOR),
    DemoPerson("090965-9970", "Timo", "Koskinen", "staff: unit manager at Tupa", TUPA, staff_role=StaffRole.UNIT_MANAGER),
]



def demo_period(today: date) -> tuple[date, date]:
    """The demo clients' current period, relative to today so the demo is current
    on any day: a year from the first of the month three months ago (on
    6.12.2026: 1.9.2026–31.8.2027), so the three-month self-assessment is due."""
    starts = today.replace(day=1) - relativedelta(months=3)
    return starts, starts + relativedelta(years=1) - timedelta(days=1)
