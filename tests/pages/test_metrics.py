"""Prometheus metrics at /metrics: off without PORTAL_METRICS_TOKEN,
refused without the token, and summed over every worker process."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from portal import clock
from portal.access_log import record, seal_pending
from portal.app import create_app
from portal.db import transaction
from portal.models import Notification
from portal.settings import Settings, SettingsError
from tests.support.page_sanity import CheckedClient

TOKEN = "metrics-token-" + "x" * 32
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def scraped(settings: Settings) -> Iterator[CheckedClient]:
    # No sealer of its own: a test seals when it means to (the loop sealed between a scrape and a test's seal once).
    app = create_app(dataclasses.replace(settings, metrics_token=TOKEN, access_log_seal_seconds=0))
    with CheckedClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()


def samples(client: CheckedClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def value(found: dict, name: str, **labels: str) -> float:  # type: ignore[type-arg]
    return found.get((name, frozenset(labels.items())), 0.0)


def test_metrics_are_off_without_a_token(client) -> None:
    assert client.app.state.settings.metrics_token == ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer "])
def test_metrics_are_refused_without_the_token(scraped, authorization) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = scraped.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "portal_" not in response.text


def test_requests_are_counted_by_route_template_and_status(scraped) -> None:
    before = samples(scraped)
    scraped.get("/language/sv?next=/", follow_redirects=False)
    scraped.get("/health/live")
    scraped.get("/no-such-page/010280-952L")
    after = samples(scraped)
    route = {"method": "GET", "route": "/language/{code}", "status": "303"}
    assert value(after, "portal_http_requests_total", **route) - value(before, "portal_http_requests_total", **route) == 1
    live = {"method": "GET", "route": "/health/live"}
    assert (value(after, "portal_http_request_duration_seconds_count", **live)
            - value(before, "portal_http_request_duration_seconds_count", **live)) == 1
    assert value(after, "portal_http_requests_total", method="GET", route="(no route)", status="404") >= 1
    response = scraped.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert "010280-952L" not in response.text and "/language/sv" not in response.text


def test_slot_waits_and_failed_logins_are_counted(scraped) -> None:
    before = samples(scraped)
    # A callback without this browser's login cookie: a failed login, whose record
    # waits for a transaction slot like every database request.
    assert scraped.get("/login/callback", params={"state": "unknown", "code": "x"}).status_code == 400
    after = samples(scraped)
    failures = {"audience": "client", "reason": "state_mismatch"}
    assert value(after, "portal_login_failures_total", **failures) - value(before, "portal_login_failures_total", **failures) == 1
    waits = "portal_database_slot_wait_seconds_count"
    assert value(after, waits, lane="ordinary") > value(before, waits, lane="ordinary")


def test_the_access_log_and_outbox_figures_come_from_the_database(scraped) -> None:
    engine = scraped.app.state.engine
    now = clock.now()
    with transaction(engine) as session:
        for number in range(3):
            record(session, action="read", object_type="client_start_page", object_id=str(number),
                   actor_role="instructor", request_id="r", ip_address="192.0.2.1", now=now - timedelta(minutes=5))
        # Due in an hour: the server's own sender loop must not send it before the scrape.
        session.add(Notification(key="a", category="accessibility_answer", channel="email", to_address="a@example.org",
                                 subject="s", body="b", next_try_at=now + timedelta(hours=1)))
        session.add(Notification(key="b", category="accessibility_answer", channel="email", to_address="b@example.org",
                                 state="parked"))
        session.add(Notification(key="c", category="accessibility_answer", channel="email", to_address="c@example.org",
                                 state="sent"))
    found = samples(scraped)
    assert value(found, "portal_metrics_database_up") == 1
    unsealed = value(found, "portal_access_log_unsealed_events")
    assert unsealed >= 3
    assert value(found, "portal_outbox_backlog_messages") == 1
    assert value(found, "portal_outbox_parked_messages") == 1
    assert ("portal_access_log_newest_seal_age_seconds", frozenset()) not in found  # no seal yet
    assert seal_pending(engine, checkpoint_path=None, now=now - timedelta(seconds=30)) == 1
    found = samples(scraped)
    assert value(found, "portal_access_log_unsealed_events") == unsealed - 3
    assert 29 <= value(found, "portal_access_log_newest_seal_age_seconds") < 120


def test_a_database_that_does_not_answer_is_reported_not_failed(settings: Settings) -> None:
    down = dataclasses.replace(settings, metrics_token=TOKEN, database_url="postgresql+psycopg://portal@127.0.0.1:1/portal")
    app = create_app(down)
    with CheckedClient(app, raise_server_exceptions=False) as client:
        found = samples(client)
    assert value(found, "portal_metrics_database_up") == 0


def test_production_refuses_a_short_token() -> None:
    production = dict(PORTAL_ENV="production", PORTAL_SECRET_KEY="s" * 32, PORTAL_IDENTITY_KEY="i" * 32,
                      PORTAL_ACCESS_LOG_KEY="a" * 32, PORTAL_BASE_URL="https://portal.example",
                      PORTAL_CLIENT_OIDC_DISCOVERY_URL="https://idp.example/.well-known/openid-configuration",
                      PORTAL_STAFF_OIDC_DISCOVERY_URL="https://idp.example/.well-known/openid-configuration",
                      PORTAL_CLIENT_OIDC_CLIENT_SECRET="c" * 32, PORTAL_STAFF_OIDC_CLIENT_SECRET="c" * 32)
    assert Settings.from_environment(production).metrics_token == ""
    assert Settings.from_environment({**production, "PORTAL_METRICS_TOKEN": TOKEN}).metrics_token == TOKEN
    with pytest.raises(SettingsError, match="PORTAL_METRICS_TOKEN"):
        Settings.from_environment({**production, "PORTAL_METRICS_TOKEN": "short"})


WORKER = """
import sys
from pathlib import Path
from starlette.testclient import TestClient
from portal.app import create_app
from portal.settings import Settings
app = create_app(Settings(database_url=sys.argv[1], data_dir=Path(sys.argv[2]), metrics_token=sys.argv[3]))
with TestClient(app) as client:
    for _ in range(int(sys.argv[4])):
        assert client.get("/health/live").status_code == 200
    if sys.argv[5] == "scrape":
        print(client.get("/metrics", headers={"Authorization": "Bearer " + sys.argv[3]}).text)
app.state.engine.dispose()
"""


def test_a_scrape_of_one_worker_sums_every_worker(settings: Settings, tmp_path: Path) -> None:
    # Three processes sharing one multi-process directory, as `portal serve
    # --workers 3` gives them: two answer requests, the third is scraped.
    directory = tmp_path / "metrics"
    directory.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}

    def worker(count: int, then: str) -> str:
        arguments = [sys.executable, "-c", WORKER, settings.database_url, str(tmp_path), TOKEN, str(count), then]
        return subprocess.run(arguments, env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout

    worker(2, "-")
    worker(3, "-")
    scraped = worker(1, "scrape")
    live = 'portal_http_requests_total{method="GET",route="/health/live",status="200"} 6.0'
    assert live in scraped
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    assert live in generate_latest(registry).decode()


def test_portal_serve_gives_its_workers_an_empty_metrics_directory(tmp_path: Path) -> None:
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    (chosen / "counter_123.db").write_bytes(b"from the last run")
    code = ("import os, sys; from portal.cli import metrics_directory\n"
            "with metrics_directory():\n"
            "    print(os.environ['PROMETHEUS_MULTIPROC_DIR'], sorted(os.listdir(os.environ['PROMETHEUS_MULTIPROC_DIR'])))\n"
            "print('PROMETHEUS_MULTIPROC_DIR' in os.environ)")
    env = {key: value for key, value in os.environ.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
    output = subprocess.run([sys.executable, "-c", code], env={**env, "PROMETHEUS_MULTIPROC_DIR": str(chosen)},
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert output.splitlines()[0] == f"{chosen} []"  # the last run's counts are gone
    own = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()[0]
    assert "portal-metrics-" in own and not Path(own).exists()  # a private folder, removed at exit
