"""Fixtures: a clean database per test (SQLite always, PostgreSQL when
PORTAL_TEST_DATABASE_URL is set), the app, and a test client that checks
every HTML page it receives."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel
from starlette.testclient import TestClient

from portal.app import create_app
from portal.db import make_engine
from portal.identity_code import IdentityCodeVault
from portal.migrate import upgrade
from portal.settings import Settings
from tests.support import demo_snapshot
from tests.support.days import ACTIVITY_DAY, on_activity_day
from tests.support.page_sanity import page_problems

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


@pytest.fixture(autouse=True)
def rate_limit_clock_inside_one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rate limits count in clock windows (10 to 60 minutes) and weigh the
    previous window by the part of it still inside the sliding window, a
    part that shrinks as the clock runs: a test whose hits straddled a
    window's end could get one hit more through than the same hits at one
    moment. (Before the sliding estimate, the count started again there:
    six failed logins at 18:45 UTC gave six 403s, not five and a 429.) Each
    test reads one moment for the limits, 7 min 30 s past the hour it started
    in, which is inside one window of every limit."""
    from types import SimpleNamespace

    from portal import clock, rate_limit

    moment = clock.now().replace(minute=7, second=30, microsecond=0)
    monkeypatch.setattr(rate_limit, "clock", SimpleNamespace(now=lambda: moment))


_made_keys: dict[tuple[object, ...], list[object]] = {}


@pytest.fixture(autouse=True)
def keys_made_once_per_suite(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 2048-bit RSA key takes 0.05–0.3 s to make, and a test that logs in
    makes three (the portal's signing and decryption keys, the test
    provider's). The n-th key a test asks for of a kind is the n-th key made
    for any test: real keys, different from each other inside a test, made
    once for the whole run."""
    import threading

    from joserfc.jwk import ECKey, RSAKey

    counts: dict[tuple[object, ...], int] = {}
    lock = threading.Lock()

    def reuse(kind: type, original):  # type: ignore[no-untyped-def]
        def generate_key(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
            key = (kind, args, tuple(sorted(kwargs.items())))
            with lock:
                made = _made_keys.setdefault(key, [])
                index = counts.get(key, 0)
                counts[key] = index + 1
                if index == len(made):
                    made.append(original(*args, **kwargs))
                return made[index]
        return classmethod(generate_key)

    for kind in (RSAKey, ECKey):
        monkeypatch.setattr(kind, "generate_key", reuse(kind, kind.generate_key))


@pytest.fixture
def activity_day() -> Iterator[date]:
    """Today is tests.support.days.ACTIVITY_DAY, a day with activity, whatever the real
    day: for a test whose meaning needs one. Ask for it before the data."""
    with on_activity_day():
        yield ACTIVITY_DAY


@pytest.fixture(scope="session")
def html_checker():  # type: ignore[no-untyped-def]
    from tests.support import html_check

    with html_check.running() as checker:
        yield checker


@pytest.fixture(autouse=True)
def served_html_is_valid(request: pytest.FixtureRequest) -> Iterator[None]:
    """Browser tests: every HTML page the live portal served during the test
    passes the Nu HTML Checker (vnu) with no error."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    from tests.support import browser

    checker = request.getfixturevalue("html_checker")
    first = len(browser.SERVED)
    yield
    problems = checker.problems(browser.SERVED[first:])
    assert problems == [], "HTML errors:\n" + "\n".join(problems)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file; each test gets a copy (migrating once is faster)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    assert POSTGRES_URL
    _create_database(POSTGRES_URL)
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


def _create_database(url: str) -> None:
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


def _empty_postgres(engine: Engine) -> None:
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


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "portal.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    engine = request.getfixturevalue("postgres_engine")
    _empty_postgres(engine)
    assert POSTGRES_URL
    return POSTGRES_URL


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=tmp_path, max_body_bytes=100_000)


@pytest.fixture
def app(settings: Settings):  # type: ignore[no-untyped-def]
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def engine(app) -> Engine:  # type: ignore[no-untyped-def]
    return app.state.engine


@pytest.fixture
def demo_data(app, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    demo_snapshot.load(app.state.engine, IdentityCodeVault(settings.identity_key))


class CheckedClient(TestClient):
    """A test client that asserts page sanity on every HTML response."""

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        response = super().request(*args, **kwargs)
        if response.headers.get("content-type", "").startswith("text/html"):
            problems = page_problems(response.text)
            assert not problems, f"{response.request.url}: {problems}"
        return response


@pytest.fixture
def client(app) -> Iterator[CheckedClient]:  # type: ignore[no-untyped-def]
    with CheckedClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def idp_app(settings: Settings):  # type: ignore[no-untyped-def]
    """The app with the bundled test identity provider, and demo data.

    The portal's back-channel calls (discovery, token, JWKS, userinfo) reach
    the provider in-process through httpx's ASGI transport; the browser side
    goes through real redirects in the test client.
    """
    import dataclasses

    import httpx2 as httpx

    app = create_app(dataclasses.replace(settings, test_idp=True))
    transport = httpx.ASGITransport(app=app)
    for provider in app.state.oidc.values():
        provider.transport = transport
    app.state.test_idp.backchannel_transport = transport  # its logout tokens reach the portal in-process
    demo_snapshot.load(app.state.engine, IdentityCodeVault(settings.identity_key))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def idp_client(idp_app) -> Iterator[CheckedClient]:  # type: ignore[no-untyped-def]
    with CheckedClient(idp_app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        yield client
