"""/health/live and /health/ready: no login, no detail, never a 500."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import text

from portal import access_log
from portal.access_log import keys as log_keys
from portal.app import create_app
from portal.health import checks
from portal.settings import Settings
from tests.support.page_sanity import CheckedClient

NOT_READY = (503, "not ready")


def answer(client, path: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.headers["cache-control"] == "no-store"
    return response.status_code, response.text


def test_live_and_ready_answer_without_a_login(client) -> None:
    for path in ("/health/live", "/healthz"):
        assert answer(client, path) == (200, "ok")
    for path in ("/health/ready", "/readyz"):
        assert answer(client, path) == (200, "ok")


def test_a_database_that_does_not_answer_is_503_without_detail(settings: Settings) -> None:
    # Nothing listens on port 1: the connection is refused at once.
    down = dataclasses.replace(settings, database_url="postgresql+psycopg://portal@127.0.0.1:1/portal")
    app = create_app(down)
    with CheckedClient(app, raise_server_exceptions=False) as client:
        assert answer(client, "/health/ready") == NOT_READY
        assert answer(client, "/health/live") == (200, "ok")  # the process itself is alive
    app.state.engine.dispose()


def test_a_schema_behind_the_code_is_not_ready(client, engine) -> None:
    [head] = checks.head_revisions()
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0013'"))
    try:
        assert answer(client, "/health/ready") == NOT_READY
    finally:  # the PostgreSQL test database is kept between tests
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    assert answer(client, "/health/ready") == (200, "ok")


def test_a_process_without_its_access_log_key_is_not_ready(client, monkeypatch) -> None:
    monkeypatch.setattr(log_keys, "_current", log_keys.LogKeys.from_secret("another key, not the configured one"))
    assert answer(client, "/health/ready") == NOT_READY
    access_log.configure(client.app.state.settings.access_log_key)
    assert answer(client, "/health/ready") == (200, "ok")


def test_production_settings_with_a_development_key_are_not_ready(client, monkeypatch) -> None:
    settings = client.app.state.settings
    monkeypatch.setattr(client.app.state, "settings", dataclasses.replace(settings, environment="production"))
    assert answer(client, "/health/ready") == NOT_READY


@pytest.mark.parametrize("where", ["database_at_head", "keys_configured", "failing_check"])
def test_an_unexpected_error_in_a_check_is_503_not_500(client, monkeypatch, where) -> None:
    def broken(*_args: object) -> bool:
        raise RuntimeError("secret detail 010280-952L")

    monkeypatch.setattr(checks, where, broken)
    status, body = answer(client, "/health/ready")
    assert (status, body) == NOT_READY


def test_a_database_that_hangs_is_503_after_the_timeout(client, monkeypatch) -> None:
    import threading

    from portal.health import routes

    released = threading.Event()
    monkeypatch.setattr(routes, "READY_TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(checks, "database_at_head", lambda _engine: released.wait(10))
    try:
        assert answer(client, "/health/ready") == NOT_READY
    finally:
        released.set()
