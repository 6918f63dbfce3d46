"""Days that tests choose. A test whose meaning depends on the day (today has
activity, "En pääse tänään" can be pressed, the staff day list has rows) moves
the portal's clock (portal.clock) to a day of its own, so it passes on a
Sunday, a holiday or a month's last day as well. The rest of the suite runs
on whatever day it is; `./dev test-days` runs it on the hard days."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date

from portal import clock

# An ordinary Wednesday, no holiday near it: Puutyöt (Aino), Avotyö kaupassa
# (Mikko) and Taide ja musiikki (Liisa) meet; Keittiö (Jari) meets tomorrow.
ACTIVITY_DAY = date(2026, 12, 9)


def on_activity_day() -> AbstractContextManager[None]:
    """The clock at 10.00 on ACTIVITY_DAY in Helsinki, running on from there."""
    return clock.moved_to(clock.at_helsinki(ACTIVITY_DAY))
