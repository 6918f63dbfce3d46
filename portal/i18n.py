"""Languages: Finnish (the source language, written in selkokieli), Swedish, English.

Catalogs are read from the .po files at start-up, so there is no compile
step to forget. The active locale lives in a context variable set per request.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from typing import Any
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    format_time,
    get_date_format,
    get_datetime_format,
    get_time_format,
    get_timezone,
    parse_pattern,
)
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.numbers import format_percent as format_percent_
from babel.support import LazyProxy, NullTranslations, Translations

from portal.settings import PACKAGE_DIR

LOCALES = ("fi", "sv", "en")
DEFAULT_LOCALE = "fi"
LOCALE_DIR = PACKAGE_DIR / "locales"
TIME_ZONE = "Europe/Helsinki"

# Each language's own name, written in that language.
LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}

_current_locale: ContextVar[str] = ContextVar("locale", default=DEFAULT_LOCALE)


def supported(code: str | None) -> str:
    """An offered locale code, or Finnish for anything unknown."""
    if code:
        code = code.strip().lower()[:2]
        if code in LOCALES:
            return code
    return DEFAULT_LOCALE


def from_accept_language(header: str) -> str | None:
    """The first offered language in an Accept-Language header, by quality."""
    choices = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = tag.strip().lower()[:2]
        if language in LOCALES and quality > 0:
            choices.append((-quality, index, language))
    return min(choices)[2] if choices else None


def set_locale(code: str) -> None:
    _current_locale.set(supported(code))


def get_locale() -> str:
    return _current_locale.get()


@contextmanager
def language(code: str) -> Iterator[None]:
    """Texts in this language inside the block, as they were after it."""
    token = _current_locale.set(supported(code))
    try:
        yield
    finally:
        _current_locale.reset(token)


@cache
def babel_locale(code: str) -> Locale:
    """Babel's locale object, parsed once (Babel parses a code on every call)."""
    return Locale.parse(code)


def _locale() -> Locale:
    return babel_locale(get_locale())


@cache
def translations(code: str) -> NullTranslations:
    po_path = LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()  # Finnish: the message ids are the Finnish texts
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer)


def gettext(message: str, **variables: object) -> str:
    text = translations(get_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def lazy_gettext(message: str, **variables: object) -> LazyProxy:
    """A text translated when it is shown, for module-level messages."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


_ = gettext


# Formatting for the active locale: dates with the weekday, money in euros.
def format_day(value: date) -> str:
    """'maanantai 7.12.', 'måndag 7.12', 'Monday 7 December'."""
    patterns = {"fi": "cccc d.M.", "sv": "cccc d/M", "en": "cccc d MMMM"}
    return format_date(value, patterns[get_locale()], locale=_locale())


def format_month(value: date) -> str:
    """'marraskuu 2026', 'november 2026', 'November 2026'."""
    return format_date(value, "LLLL yyyy", locale=_locale())


def format_full_date(value: date) -> str:
    return format_date(value, "long", locale=_locale())


@cache
def _timestamp_pattern(code: str) -> tuple[Locale, Any]:
    """The locale's short date-and-time pattern, parsed once (a long list
    formats many timestamps; rebuilding the pattern per row was half its render)."""
    locale = babel_locale(code)
    combined = (
        get_datetime_format("short", locale=locale).replace("'", "")
        .replace("{0}", get_time_format("short", locale=locale).pattern)
        .replace("{1}", get_date_format("short", locale=locale).pattern)
    )
    return locale, parse_pattern(combined)


_FINLAND = get_timezone(TIME_ZONE)


def format_timestamp(value: datetime) -> str:
    """As format_datetime(value, "short") in Finnish time, with the pattern reused."""
    locale, pattern = _timestamp_pattern(get_locale())
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return pattern.apply(aware.astimezone(_FINLAND), locale)


def format_clock(value: datetime) -> str:
    """The time of day in Finland: '14.35', '14:35', '2:35 PM'."""
    return format_time(value, "short", tzinfo=_FINLAND, locale=_locale())


def format_time_range(start: time, end: time) -> str:
    """'9.00–14.00', '09:00–14:00', '9:00 AM – 2:00 PM': a time of day, no time zone.

    A time with a space inside ('9:00 AM', joined by a no-break space) gets
    breakable spaces around the dash, so a narrow line breaks there and not
    in the middle of a time.
    """
    first = format_time(start, "short", locale=_locale())
    last = format_time(end, "short", locale=_locale())
    # Otherwise word joiners (U+2060) keep '9.00–14.00' on one line: a browser
    # may break after an en dash.
    dash = " – " if any(not part.isascii() or " " in part for part in (first, last)) else "\u2060–\u2060"
    return f"{first}{dash}{last}"


def format_money(amount: Decimal | int | float) -> str:
    return format_currency(amount, "EUR", locale=_locale())


def format_number(value: Decimal | int | float) -> str:
    return format_decimal(value, locale=_locale())


def format_tenths(value: Decimal | int | float) -> str:
    """A number with exactly one decimal: 2,0 and -0,5 (the follow-up's averages)."""
    return format_decimal(value, format="#,##0.0", locale=_locale())


def format_percent(value: Decimal | int | float) -> str:
    """A share given in percent (87.5) with one decimal, as the language writes it."""
    return format_percent_(Decimal(str(value)) / 100, format="#,##0.0 %", locale=_locale())


def locale_name(code: str) -> str:
    return babel_locale(code).get_display_name(code) or code
