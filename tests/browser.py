"""Headless Chromium (Debian's chromium + chromium-driver) and a live portal."""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from starlette.applications import Starlette

from portal.app import create_app
from portal.db import transaction
from portal.demo import load_demo_data
from portal.migrate import upgrade
from portal.settings import Settings

AXE_OPTIONS = json.dumps(
    {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
)
WIDTHS = {"phone": 320, "desktop": 1280}

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(app, port: int | None = None) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Serve the app with uvicorn in a thread; yield its base URL."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:  # wait for the socket, not a fixed sleep
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def demo_portal(folder: Path) -> Iterator[tuple[str, Starlette]]:
    """The portal with demo data and the test identity provider, served live.

    The base URL is fixed before the app is made: the provider's redirect
    addresses and issuer are built from it.
    """
    port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{folder / 'portal.sqlite3'}",
        test_idp=True,
        base_url=f"http://127.0.0.1:{port}",
        data_dir=folder,
    )
    app = create_app(settings)
    upgrade(app.state.engine)
    with transaction(app.state.engine) as session:
        load_demo_data(session, vault=app.state.vault)
    try:
        with live_server(app, port) as url:
            yield url, app
    finally:
        app.state.engine.dispose()


@contextmanager
def chromium() -> Iterator[webdriver.Chrome]:
    profile = tempfile.mkdtemp(prefix="portal-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # CSP violations show here
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def set_width(driver: webdriver.Chrome, width: int) -> None:
    """Emulate the exact viewport width (a window also has borders)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def axe_violations(driver: webdriver.Chrome) -> tuple[list[dict], str]:
    axe = Axe(driver)
    axe.inject()
    results = axe.run(options=AXE_OPTIONS)
    assert results["testEngine"]["version"].startswith("4.1"), results["testEngine"]
    assert results["passes"], "axe checked nothing: is the page empty?"
    violations = results["violations"]
    return violations, axe.report(violations)


SMALL_TARGETS_SCRIPT = """
const targets = document.querySelectorAll(
  'button, input:not([type=hidden]), textarea, select, .button, .site-name,' +
  '.language-switch a, .site-footer a, .contact a, .link-list a, .account a, .acting-for a');
return [...targets].filter(t => t.offsetParent !== null)
  .map(t => [t.outerHTML.slice(0, 80), t.getBoundingClientRect()])
  .filter(([_, r]) => r.width < 44 || r.height < 44)
  .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`);
"""


def small_targets(driver: webdriver.Chrome) -> list[str]:
    """Controls and navigation links smaller than 44 x 44 px (WCAG 2.5.5, our bar)."""
    return driver.execute_script(SMALL_TARGETS_SCRIPT)


def console_errors(driver: webdriver.Chrome) -> list[str]:
    """Errors the page logged since the last call (a blocked script or style, say).

    The page's own 4xx status (a form with errors, a refusal) is by design.
    """
    own_status = driver.current_url + " - Failed to load resource: the server responded with a status of 4"
    return [
        entry["message"]
        for entry in driver.get_log("browser")
        if entry["level"] == "SEVERE" and not entry["message"].startswith(own_status)
    ]
