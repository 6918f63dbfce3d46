"""Demo data for the long lists: enough clients at Verstas that the staff
client list has a second page and an ended period to find, and a year of
staff reads of Aino's data, so "who has processed my data" pages too.

Their names sort after the main demo people (Y…), so the first page of
the staff list still shows Aino Virtanen and Mikko Korhonen.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from portal import clock
from portal import access_log
from portal.demo import followup as demo_followup
from portal.identity_code import IdentityCodeVault
from portal.models import ClientPeriod, Person, Service, StaffMembership, Unit

EXTRA_CLIENTS = 60
GIVEN_NAMES = ["Aada", "Eero", "Helmi", "Ilmari", "Kerttu", "Lauri", "Minea", "Onni", "Sisko", "Veikko"]
FAMILY_NAMES = ["Ylinen", "Ylitalo", "Ylönen", "Yrjänä", "Yrjölä", "Ylikoski"]


def _demo_code(number: int) -> str:
    """Suomi.fi test identity codes (individual numbers 900–999), born 1.1.1990 + number days."""
    from portal.identity_code import CHECK_CHARACTERS

    born = date(1990, 1, 1) + timedelta(days=number)
    digits = f"{born:%d%m%y}{900 + number % 100:03d}"
    return f"{born:%d%m%y}-{900 + number % 100:03d}{CHECK_CHARACTERS[int(digits) % 31]}"


def add_list_demo(session: Session, *, vault: IdentityCodeVault, unit: Unit, periods: tuple[date, date]) -> None:
    starts_on, ends_on = periods
    current: list[int] = []
    for number in range(EXTRA_CLIENTS):
        code = _demo_code(number)
        person = Person(
            given_name=GIVEN_NAMES[number % len(GIVEN_NAMES)],
            family_name=FAMILY_NAMES[number % len(FAMILY_NAMES)],
            identity_code_hash=vault.lookup_hash(code),
            identity_code_cipher=vault.encrypt(code),
        )
        session.add(person)
        session.flush()
        ended = number % 10 == 0  # a few whose service has ended
        session.add(ClientPeriod(
            person_id=person.id, unit_id=unit.id, service=Service.WORK_ACTIVITY.value,  # type: ignore[arg-type]
            starts_on=starts_on - timedelta(days=400) if ended else starts_on,
            ends_on=starts_on - timedelta(days=30) if ended else ends_on,
        ))
        if not ended:
            current.append(person.id)  # type: ignore[arg-type]
    session.flush()
    # A year of the instructor's reads of Aino's data, one a week: two pages.
    staff = session.exec(select(StaffMembership.person_id).where(StaffMembership.unit_id == unit.id)).first()
    assert staff is not None and unit.id is not None
    demo_followup.load(session, unit_id=unit.id, clients=current, guide=staff, period_starts=starts_on)
    aino = session.exec(select(ClientPeriod.person_id).where(ClientPeriod.unit_id == unit.id)
                        .order_by(ClientPeriod.id)).first()
    now = clock.now()
    for week in range(52, 0, -1):
        access_log.record(
            session, action="read", object_type="client_mandates" if week % 4 else "client_list",
            actor_person_id=staff, actor_role="instructor",
            subject_person_id=None if week % 4 == 0 else aino,
            subject_person_ids=[aino] if week % 4 == 0 else None,  # type: ignore[list-item]
            now=now - timedelta(weeks=week),
        )
