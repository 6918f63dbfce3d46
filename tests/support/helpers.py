"""Small helpers for tests."""

from __future__ import annotations

from bs4 import BeautifulSoup, NavigableString


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    """The page as a tree, without soft hyphens (U+00AD): they are invisible
    break points in long words, and tests compare the words people read.
    Python's own parser: twice as fast as html5lib, and every page the tests
    fetch has passed html5lib's strict parse already (tests.support.page_sanity)."""
    tree = BeautifulSoup(response.text.replace("\u00ad", ""), "html.parser")
    for element in tree.find_all(["textarea", "pre"]):  # the newline HTML drops after the start tag
        first = element.contents[0] if element.contents else None
        if isinstance(first, NavigableString) and first.startswith(("\r\n", "\n")):
            first.replace_with(first.removeprefix("\r").removeprefix("\n"))
    return tree


def csrf_token(response) -> str:  # type: ignore[no-untyped-def]
    field = soup(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "the page has no CSRF token"
    return str(field["value"])


def h1(response) -> str:  # type: ignore[no-untyped-def]
    return soup(response).h1.get_text(" ", strip=True)


def old_sqlite_database(path):  # type: ignore[no-untyped-def]
    """A SQLite engine at `path` and a `migrate(command, revision)` that runs an
    Alembic command (upgrade or downgrade) on it: for testing one migration."""
    from portal.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    return engine, migrator(engine)


def migrator(engine):  # type: ignore[no-untyped-def]
    """A `migrate(command, revision)` that runs an Alembic command on the engine's database."""
    from portal.migrate import alembic_config

    def migrate(action, revision: str) -> None:  # type: ignore[no-untyped-def]
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            action(config, revision)

    return migrate
