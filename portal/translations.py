"""Extracting and updating the message catalogs (Finnish is the source language)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from portal.i18n import LOCALE_DIR
from portal.settings import PROJECT_DIR

TRANSLATED_LOCALES = ("sv", "en")
TEMPLATE_PATH = LOCALE_DIR / "messages.pot"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
}
METHOD_MAP = [("portal/**.py", "python"), ("portal/templates/**.html", "jinja2")]
OPTIONS = {"portal/templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true", "extensions": "jinja2.ext.do"}}


def extract() -> Catalog:
    catalog = Catalog(project="Oma työtoiminta", version="1", charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        PROJECT_DIR, METHOD_MAP, OPTIONS, KEYWORDS, comment_tags=("Translators:",)
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def message_ids(catalog: Iterable) -> set[tuple[str, str | None]]:
    return {(str(m.id) if not isinstance(m.id, tuple) else m.id[0], m.context) for m in catalog if m.id}


def read_catalog(path, locale: str | None = None) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def write_catalog(path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=False, omit_header=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def update() -> None:
    """Write a fresh template and merge it into each translated catalog."""
    template = extract()
    write_catalog(TEMPLATE_PATH, template)
    for locale in TRANSLATED_LOCALES:
        path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
        if path.exists():
            catalog = read_catalog(path, locale)
        else:
            catalog = Catalog(locale=locale, project="Oma työtoiminta", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        write_catalog(path, catalog)


def missing_translations(locale: str) -> list[str]:
    catalog = read_catalog(LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po", locale)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing
