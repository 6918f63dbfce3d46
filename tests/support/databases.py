"""The test databases: SQLite always, PostgreSQL as well when
PORTAL_TEST_DATABASE_URL is set (one database a test process), and emptying
PostgreSQL between tests. tests/conftest.py's database fixtures use them."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel


def _postgres_url() -> str | None:
    """PORTAL_TEST_DATABASE_URL; with several test processes (pytest-xdist,
    `./dev test`), a database of its own for each, named after the given
    one (test_gw0, test_gw1): the tests empty the tables between tests, and
    the access-log sealer's advisory lock is the database's."""
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


POSTGRES_URL = _postgres_url()
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def create_database(url: str) -> None:
    """The worker's own database, made from the given one's server (it may not exist yet)."""
    given = os.environ["PORTAL_TEST_DATABASE_URL"]
    if url == given:
        return
    name = make_url(url).database
    server = create_engine(given, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            if connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first() is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        server.dispose()


def empty_postgres(engine: Engine) -> None:
    """Every table empty and every id counting from 1 again. DELETE with
    triggers and foreign keys off (a superuser's `session_replication_role`)
    takes 0.02 s here; TRUNCATE of the same tables took 0.25 s, most of a
    PostgreSQL test's set-up."""
    global _sequences
    with engine.begin() as connection:
        if _sequences is None:
            _sequences = list(connection.execute(text(
                "SELECT pg_get_serial_sequence(quote_ident(table_name), column_name) "
                "FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')")).scalars())
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table in SQLModel.metadata.sorted_tables:
            connection.execute(text(f'DELETE FROM "{table.name}"'))
        connection.execute(text("SELECT " + ", ".join(f"setval('{name}', 1, false)" for name in _sequences)))


_sequences: list[str] | None = None
