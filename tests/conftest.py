"""Fixtures: a clean database per test (SQLite always, PostgreSQL when
PORTAL_TEST_DATABASE_URL is set), the app, and a test client that checks
every HTML page it receives."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from portal.app import create_app
from portal.db import make_engine
from portal.identity_code import IdentityCodeVault
from portal.migrate import upgrade
from portal.settings import Settings
from tests.support import demo_snapshot
from tests.support.databases import BACKENDS, POSTGRES_URL, create_database, empty_postgres
from tests.support.days import ACTIVITY_DAY, on_activity_day
from tests.support.page_sanity import CheckedClient


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
    create_database(POSTGRES_URL)
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "portal.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    engine = request.getfixturevalue("postgres_engine")
    empty_postgres(engine)
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
