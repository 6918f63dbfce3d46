"""Catalogs are fresh and complete; Babel formats for the active locale."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal import i18n, translations


def test_catalog_template_is_not_stale() -> None:
    committed = translations.message_ids(translations.read_catalog(translations.TEMPLATE_PATH))
    current = translations.message_ids(translations.extract())
    assert current - committed == set(), "run: portal translations update"
    assert committed - current == set(), "run: portal translations update"


@pytest.mark.parametrize("locale", translations.TRANSLATED_LOCALES)
def test_every_message_is_translated(locale) -> None:
    catalog_ids = translations.message_ids(
        translations.read_catalog(i18n.LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po", locale)
    )
    template_ids = translations.message_ids(translations.read_catalog(translations.TEMPLATE_PATH))
    assert template_ids - catalog_ids == set()
    assert translations.missing_translations(locale) == []


@pytest.mark.parametrize("locale", translations.TRANSLATED_LOCALES)
def test_translations_keep_their_placeholders(locale) -> None:
    import re

    catalog = translations.read_catalog(i18n.LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po", locale)
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        wanted = set(re.findall(r"%\(\w+\)s", message.id))
        assert set(re.findall(r"%\(\w+\)s", message.string)) == wanted, message.id


@pytest.mark.parametrize(
    ("locale", "day", "money"),
    [
        ("fi", "maanantai 7.12.", "8,00\xa0€"),
        ("sv", "måndag 7/12", "8,00\xa0€"),
        ("en", "Monday 7 December", "€8.00"),
    ],
)
def test_dates_and_money_follow_the_locale(locale, day, money) -> None:
    i18n.set_locale(locale)
    try:
        assert i18n.format_day(date(2026, 12, 7)) == day
        assert i18n.format_money(Decimal("8")) == money
    finally:
        i18n.set_locale("fi")


def test_unknown_locale_codes_fall_back_to_finnish() -> None:
    assert i18n.supported("de") == "fi"
    assert i18n.supported(None) == "fi"
    assert i18n.supported("SV-fi") == "sv"


def test_accept_language_respects_quality() -> None:
    assert i18n.from_accept_language("en;q=0.3, sv;q=0.8") == "sv"
    assert i18n.from_accept_language("de, fr") is None
    assert i18n.from_accept_language("en;q=0") is None
