"""The portal's one clock: "now" (UTC) and "today" (in Helsinki).

Every business time reads it: sessions, stored times, due dates, today's
schedule, rate limits, the access log, forms that compare with today. Times
of a protocol (an ID token's iat and exp, key rotation, the test provider's
codes) read the system clock instead, because the other side checks them
against its own.

A test whose meaning depends on the day moves this clock to a day it chooses
(`moved_to`); the clock then runs on from there as time passes, so time
order and durations stay real. `PORTAL_CLOCK_START` (an ISO 8601 moment with
its offset) starts the whole process's clock at another moment: `./dev
test-days` runs the suite on a Sunday holiday, New Year's Day, 29 February
and the night the clocks go back with it, and a demo can show a weekday on a
weekend. Production refuses it (portal.settings).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")



class ClockError(ValueError):
    pass


def start_moment(value: str) -> datetime:
    """PORTAL_CLOCK_START's moment; it must say its offset (or Z)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise ClockError(f"PORTAL_CLOCK_START is not an ISO 8601 moment: {value!r}") from error
    if moment.utcoffset() is None:
        raise ClockError("PORTAL_CLOCK_START needs its UTC offset, e.g. 2026-12-06T12:00+02:00")
    return moment


def _offset_from_environment() -> timedelta:
    value = os.environ.get("PORTAL_CLOCK_START", "").strip()
    return start_moment(value) - datetime.now(UTC) if value else timedelta(0)


_offset = _offset_from_environment()


def now() -> datetime:
    """The moment, timezone-aware, in UTC."""
    return datetime.now(UTC) + _offset


def today() -> date:
    """Today's date in Finland."""
    return now().astimezone(HELSINKI).date()


def at_helsinki(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A wall-clock moment of a Finnish day, as an aware datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI)


@contextmanager
def moved_to(moment: datetime) -> Iterator[None]:
    """Run the clock from `moment` inside the block (tests only)."""
    global _offset
    before = _offset
    _offset = moment - datetime.now(UTC)
    try:
        yield
    finally:
        _offset = before
