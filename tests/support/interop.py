"""panva's oidc-provider (OpenID Certified, from npm) on a loopback port, and
the portal served live beside it, for the interop tests and benchmark."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from portal.app import create_app
from portal.db import transaction
from portal.demo import load_demo_data
from portal.migrate import upgrade
from portal.settings import Settings
from tests.support.browser import live_server

FOLDER = Path(__file__).resolve().parents[1] / "interop"  # tests/interop: the Node project
SECRET = "p+s/w= rd%26:x"  # as in provider.mjs: characters that form encoding changes, and a colon


def ensure_installed() -> None:
    """npm ci into tests/interop when node_modules is missing (like Chromium in ./dev)."""
    if (FOLDER / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    assert npm, "Node.js and npm are needed for the interop tests (./dev test installs them)."
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=FOLDER, check=True, capture_output=True)


@contextmanager
def certified_provider(port: int, portal_url: str, algorithm: str = "RS256", generation: int = 1) -> Iterator[str]:
    """Start oidc-provider; yield its issuer once it answers; stop it."""
    ensure_installed()
    process = subprocess.Popen(
        ["node", "provider.mjs", str(port), portal_url, algorithm, str(generation)],
        cwd=FOLDER, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert process.stdout is not None
    try:
        line = ""
        while not line.startswith("ready "):  # the process says when it listens
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                raise RuntimeError("oidc-provider did not start")
        yield line.removeprefix("ready ").strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def portal_settings(folder: Path, port: int, issuer: str, client_id: str, **changes: object) -> Settings:
    return dataclasses.replace(
        Settings(
            database_url=f"sqlite:///{folder / 'portal.sqlite3'}",
            base_url=f"http://127.0.0.1:{port}",
            data_dir=folder,
            client_oidc_discovery_url=f"{issuer}/.well-known/openid-configuration",
            client_oidc_client_id=client_id,
            client_oidc_client_secret=SECRET,
        ),
        **changes,
    )


@contextmanager
def live_portal(settings: Settings) -> Iterator[tuple[str, object]]:
    app = create_app(settings)
    upgrade(app.state.engine)
    with transaction(app.state.engine) as session:
        from sqlmodel import select

        from portal.models import Person

        if session.exec(select(Person)).first() is None:
            load_demo_data(session, vault=app.state.vault)
    try:
        with live_server(app, int(settings.base_url.rsplit(":", 1)[1])) as url:
            yield url, app
    finally:
        app.state.engine.dispose()


def login(portal_url: str, issuer: str, person: str, acr: str) -> tuple[httpx.Client, httpx.Response, float]:
    """A browser's whole login through the provider; (browser, last page, seconds)."""
    httpx.post(f"{issuer}/test/next-login", json={"person": person, "acr": acr}).raise_for_status()
    browser = httpx.Client(follow_redirects=True, timeout=20)
    started = time.perf_counter()
    page = browser.get(f"{portal_url}/login")
    return browser, page, time.perf_counter() - started


def logout_at_provider(browser: httpx.Client, issuer: str) -> httpx.Response:
    """The person logs out at the identity service itself (its confirmation form)."""
    page = browser.get(f"{issuer}/session/end")
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text)
    assert xsrf, page.text[:500]
    return browser.post(f"{issuer}/session/end/confirm", data={"xsrf": xsrf.group(1), "logout": "yes"})
