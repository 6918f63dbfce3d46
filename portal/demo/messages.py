"""Messages in the demo: Aino's threads with Verstas (one answered by Sanna,
one that staff have not read yet, one her mother Helena wrote for her), a
thread of Liisa's answered at Tupa, Mikko's thread that Sanna marked
sensitive, and bulletins: the Puutyöt group's trip at Verstas (Aino sees it,
Mikko does not) and one to the whole of Tupa. Times are relative to
portal.clock, so the demo is current on any day."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from portal import clock
from portal.messages import bulletins, threads
from portal.models import Group, Unit
from portal.schedule.calendar_days import today

AINO, MIKKO, LIISA, HELENA = "010280-952L", "150375-990C", "230495-936S", "120556-942L"
SANNA, PEKKA, MARIA, TIMO = "300883-9617", "040790-932H", "180679-9737", "090965-9970"
VERSTAS, TUPA = "Toimintakeskus Verstas", "Toimintakeskus Tupa"


def _key(name: str) -> str:
    return f"demo-{name}".ljust(threads.KEY_LENGTH, "x")


def load(session: Session, *, people: dict[str, int], units: dict[str, Unit]) -> None:
    now = clock.now()
    verstas, tupa = units[VERSTAS].id, units[TUPA].id
    assert verstas is not None and tupa is not None

    def at(days: float) -> datetime:
        return now - timedelta(days=days)

    # In the order they were written: ids grow with time, and "newest" is the highest id.
    absence = threads.start(session, client_person_id=people[AINO], unit_id=verstas, author_person_id=people[AINO],
                            topic="absence", key=_key("aino-1"), now=at(3),
                            text="Olen kipeä. En pääse tulemaan huomenna.").thread
    liisa = threads.start(session, client_person_id=people[LIISA], unit_id=tupa, author_person_id=people[LIISA],
                          topic="other", key=_key("liisa-1"), now=at(2.9),
                          text="Voinko tulla myös keskiviikkona? Haluan maalata lisää.").thread
    threads.mark_read(session, thread=absence, person_id=people[SANNA], now=at(2.5), staff=True)
    threads.reply(session, thread=absence, author_person_id=people[SANNA], from_staff=True, key=_key("sanna-1"),
                  now=at(2.5), text="Kiitos, kun kerroit. Lepää ja parane pian! Nähdään, kun olet terve.")
    threads.reply(session, thread=liisa, author_person_id=people[MARIA], from_staff=True, key=_key("maria-1"),
                  now=at(2.4), text="Voit tulla. Keskiviikkona maalaamme isossa salissa kello 10.")
    threads.set_status(session, thread=liisa, done=True, by_person_id=people[MARIA], now=at(2.4))
    mikko = threads.start(session, client_person_id=people[MIKKO], unit_id=verstas, author_person_id=people[MIKKO],
                          topic="other", key=_key("mikko-1"), now=at(2),
                          text="Lääkitykseni muuttui. Olen väsynyt aamuisin. Voinko tulla myöhemmin?").thread
    threads.mark_read(session, thread=mikko, person_id=people[SANNA], now=at(1.9), staff=True)
    threads.set_sensitive(session, thread=mikko, sensitive=True, by_person_id=people[SANNA])
    threads.reply(session, thread=mikko, author_person_id=people[SANNA], from_staff=True, key=_key("sanna-2"),
                  now=at(1.9), text="Voit tulla kello 10. Jutellaan lisää, kun tulet.")
    money = threads.start(session, client_person_id=people[AINO], unit_id=verstas, author_person_id=people[HELENA],
                          topic="money", key=_key("helena-1"), now=at(1),
                          text="Hei! Milloin Ainon työosuusraha tulee tilille tässä kuussa?").thread
    threads.assign(session, thread=money, worker_person_id=people[PEKKA])
    threads.start(session, client_person_id=people[AINO], unit_id=verstas, author_person_id=people[AINO],
                  topic="tasks", key=_key("aino-2"), now=at(0.2),
                  text="Linnunpönttö on valmis. Voinko aloittaa penkin ensi viikolla?")

    day = today()
    woodwork = session.exec(select(Group).where(Group.unit_id == verstas, Group.name == "Puutyöt")).one()
    next_wednesday = day + timedelta(days=(2 - day.weekday()) % 7 or 7)
    bulletins.write(session, unit_id=verstas, group_id=woodwork.id, author_person_id=people[SANNA],
                    title="Keskiviikkona retki",
                    text="Keskiviikkona menemme retkelle luontopolulle. Lähdemme kello 9 Verstaan pihalta. "
                         "Ota mukaan eväät ja hyvät kengät.",
                    expires_on=next_wednesday, today=day, now=at(0.5))
    bulletins.write(session, unit_id=tupa, group_id=None, author_person_id=people[TIMO],
                    title="Uusi kahvinkeitin",
                    text="Tuvan keittiössä on uusi kahvinkeitin. Ohjaaja neuvoo sen käytön.",
                    expires_on=day + timedelta(days=14), today=day, now=at(1))
