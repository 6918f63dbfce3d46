"""The easy login in the demo: Liisa Mäkinen (day activity, Tupa) has no
bank ID; Maria Salo enrolled her, and she chose the number code 2468 (a
development-only code, named in the README). Jari Nieminen chose no code:
an instructor confirms him at the kiosk. Tupa has one kiosk on record; a
newcomer marks their own browser as a kiosk on the staff's device page."""

from __future__ import annotations

from sqlmodel import Session

from portal.easy_login import accounts, kiosks
from portal.models import Unit

LIISA, JARI, MARIA = "230495-936S", "071188-955W", "180679-9737"
DEMO_CODE = "2468"


def load(session: Session, *, people: dict[str, int], units: dict[str, Unit], tupa: str) -> None:
    liisa = accounts.begin(session, person_id=people[LIISA], how="document", by_person_id=people[MARIA])
    accounts.set_code(session, liisa, DEMO_CODE)
    accounts.choose_kiosk_list(session, liisa, on_list=True, symbol="flower", instructor_helps=True)
    jari = accounts.begin(session, person_id=people[JARI], how="document", by_person_id=people[MARIA])
    accounts.choose_kiosk_list(session, jari, on_list=True, symbol="car", instructor_helps=True)
    kiosks.mark(session, unit_id=units[tupa].id, name="Tuvan aulan tabletti",  # type: ignore[arg-type]
                 staff_person_id=people[MARIA])
