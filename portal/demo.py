"""Deterministic demo data: one wellbeing services county, two activity centres.

Identity codes are Suomi.fi test codes (individual numbers 900–999), never
real people. The README lists them; the test identity provider offers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from sqlmodel import Session, select

from portal.easy_login import demo as easy_login_demo
from portal.notifications import demo as notifications_demo
from portal import demo_feedback, demo_money, demo_plans_week
from portal.assessment.demo import load_assessment_demo
from portal.demo_lists import add_list_demo
from portal.identity_code import IdentityCodeVault, validate
from portal.schedule.calendar_days import today
from portal.models import (
    ClientPeriod,
    Mandate,
    MandateBasis,
    MandateScope,
    Organisation,
    Person,
    Service,
    StaffMembership,
    StaffRole,
    Unit,
)
from portal.demo_waiting_mandate import add_waiting_mandate

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


def load_demo_data(session: Session, *, vault: IdentityCodeVault) -> bool:
    """Add the demo organisation unless it is there already. True if added."""
    if session.exec(select(Organisation)).first() is not None:
        return False
    period_starts, period_ends = demo_period(today())
    county = Organisation(
        name="Esimerkkilän hyvinvointialue",
        phone="08 555 1000",
        email="tyotoiminta@esimerkkila.example",
        address="Keskuskatu 1, 90100 Esimerkkilä",
    )
    session.add(county)
    session.flush()
    units = {
        VERSTAS: Unit(
            organisation_id=county.id,
            name=VERSTAS,
            phone="08 555 1010",
            email="verstas@esimerkkila.example",
            address="Pajakatu 4, 90100 Esimerkkilä",
        ),
        TUPA: Unit(
            organisation_id=county.id,
            name=TUPA,
            phone="08 555 1020",
            email="tupa@esimerkkila.example",
            address="Puistotie 12, 90120 Esimerkkilä",
        ),
    }
    session.add_all(units.values())
    session.flush()
    ids: dict[str, int] = {}
    for demo in DEMO_PEOPLE:
        code = validate(demo.identity_code)
        person = Person(
            given_name=demo.given_name,
            family_name=demo.family_name,
            identity_code_hash=vault.lookup_hash(code),
            identity_code_cipher=vault.encrypt(code),
        )
        session.add(person)
        session.flush()
        ids[demo.identity_code] = person.id  # type: ignore[assignment]
        if demo.service and demo.unit:
            session.add(
                ClientPeriod(
                    person_id=person.id,
                    unit_id=units[demo.unit].id,
                    service=demo.service.value,
                    starts_on=period_starts,
                    ends_on=period_ends,
                )
            )
        if demo.staff_role and demo.unit:
            session.add(
                StaffMembership(person_id=person.id, unit_id=units[demo.unit].id, role=demo.staff_role.value)
            )
    # Aino has let her mother Helena see her data and handle her matters.
    session.add(
        Mandate(
            principal_person_id=ids["010280-952L"],
            agent_person_id=ids["120556-942L"],
            scope=MandateScope.ACT.value,
            basis=MandateBasis.CLIENT_GRANTED.value,
            valid_from=period_starts,
            created_by_person_id=ids["010280-952L"],
        )
    )
    demo_plans_week.load(session, people=ids, units=units)
    add_waiting_mandate(session, vault=vault, ids=ids)
    load_assessment_demo(session, person_ids=ids, period_starts=period_starts)
    add_list_demo(session, vault=vault, unit=units[VERSTAS], periods=(period_starts, period_ends))
    demo_money.load(session, people=ids, units=units, period_starts=period_starts)
    demo_feedback.load(session, people=ids, units=units)
    easy_login_demo.load(session, people=ids, units=units, tupa=TUPA)
    notifications_demo.load(session, people=ids)
    return True
