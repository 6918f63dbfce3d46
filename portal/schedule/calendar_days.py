"""Days in Finland: today in Europe/Helsinki, weeks, and public holidays.

Public holidays come from the `holidays` library (country FI), never from a
hand-written list; a holiday is a day without activity.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

from portal import i18n
from portal.clock import today  # noqa: F401  (the portal's one clock; many modules import it from here)

HELSINKI = ZoneInfo(i18n.TIME_ZONE)
# The holidays library's names for our languages.
HOLIDAY_LANGUAGES = {"fi": "fi", "sv": "sv_FI", "en": "en_US"}


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


@cache
def _finland(year: int, language: str) -> dict[date, str]:
    return dict(holidays.country_holidays("FI", years=year, language=language).items())


def public_holidays(first: date, last: date) -> dict[date, str]:
    """Finnish public holidays between two days, named in the active language."""
    language = HOLIDAY_LANGUAGES.get(i18n.get_locale(), "fi")
    found: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        for day, name in _finland(year, language).items():
            if first <= day <= last:
                found[day] = name
    return found
