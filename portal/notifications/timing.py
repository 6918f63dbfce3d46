"""When a notification may go: quiet hours in Helsinki, retries with
exponential back-off, and how long a sender holds a row it took."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portal import clock

QUIET_FROM_HOUR, QUIET_UNTIL_HOUR = 21, 8  # no sending from 21.00 to 8.00 Finnish time
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
MAX_ATTEMPTS = 8  # then parked: about two hours of retries (1 + 2 + 4 + … + 64 minutes)
# A sender marks a row `sending` until this much later; a row still `sending`
# after it belongs to a sender that died, and is due again.
LEASE = timedelta(minutes=2)


def in_quiet_hours(moment: datetime) -> bool:
    hour = moment.astimezone(clock.HELSINKI).hour
    return hour >= QUIET_FROM_HOUR or hour < QUIET_UNTIL_HOUR


def after_quiet_hours(moment: datetime) -> datetime:
    """The moment itself, or 8.00 Finnish time after it when it falls in the quiet hours."""
    if not in_quiet_hours(moment):
        return moment
    local = moment.astimezone(clock.HELSINKI)
    day = local.date() if local.hour < QUIET_UNTIL_HOUR else local.date() + timedelta(days=1)
    return clock.at_helsinki(day, QUIET_UNTIL_HOUR).astimezone(UTC)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 1, 2, 4, … minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(0, attempts - 1), LONGEST_RETRY)
