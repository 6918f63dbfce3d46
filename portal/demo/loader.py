"""The demo loader: one wellbeing services county, two activity centres, the
people of `portal.demo.people`, and each area's demo (a module of this
package each)."""

from __future__ import annotations

from sqlmodel import Session, select

from portal.demo import easy_login as easy_login_demo
from portal.demo import feedback as demo_feedback
from portal.demo import messages as messages_demo
from portal.demo import money as demo_money
from portal.demo import notifications as notifications_demo
from portal.demo import plans_week as demo_plans_week
from portal.demo.assessment import load_assessment_demo
from portal.demo.client_lists import add_list_demo
from portal.demo.people import DEMO_PEOPLE, TUPA, VERSTAS, demo_period
from portal.demo.waiting_mandate import add_waiting_mandate
from portal.identity_code import IdentityCodeVault, validate
from portal.models import (
    ClientPeriod,
    Mandate,
    MandateBasis,
    MandateScope,
    Organisation,
    Person,
    StaffMembership,
    Unit,
)
from portal.schedule.calendar_days import today


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
    messages_demo.load(session, people=ids, units=units)
    notifications_demo.load(session, people=ids)
    return True
