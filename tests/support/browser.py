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
PHONE_SCREEN_HEIGHT = 568  # the first screen of a small phone (iPhone SE, 1st generation)

# 200 % text: a phone's text-size setting raises the browser's default font
# size, and the portal's rem/em-based CSS follows it. Chromium's default font
# size preference (16 px normally) is that setting's desktop equivalent.
# Browser zoom would be the wrong test: at 200 % zoom a 320 px screen is a
# 160 px viewport, which WCAG's reflow criterion (1.4.10) does not ask for.
DOUBLE_TEXT_PREFS = {"webkit.webprefs.default_font_size": 32, "webkit.webprefs.default_fixed_font_size": 26}

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


# Every HTML page a live server has served: (path, body). The browser tests'
# HTML check (conftest's served_html_is_valid) reads what each test added.
SERVED: list[tuple[str, bytes]] = []


class RecordPages:
    """ASGI wrapper that keeps a copy of every HTML page served."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        html = False
        chunks: list[bytes] = []

        async def sending(message) -> None:  # type: ignore[no-untyped-def]
            nonlocal html
            if message["type"] == "http.response.start":
                html = dict(message.get("headers", [])).get(b"content-type", b"").startswith(b"text/html")
            elif message["type"] == "http.response.body" and html:
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    SERVED.append((scope["path"], b"".join(chunks)))
            await send(message)

        await self.app(scope, receive, sending)


@contextmanager
def live_server(app, port: int | None = None, host: str = "127.0.0.1") -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Serve the app with uvicorn in a thread; yield its base URL (named by
    `host`, which resolves to 127.0.0.1)."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(RecordPages(app), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:  # wait for the socket, not a fixed sleep
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def demo_portal(folder: Path, host: str = "127.0.0.1") -> Iterator[tuple[str, Starlette]]:
    """The portal with demo data and the test identity provider, served live.

    The base URL is fixed before the app is made: the provider's redirect
    addresses and issuer are built from it. Passkeys need a host name
    ("localhost"): a browser takes no IP address as a WebAuthn RP id.
    """
    port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{folder / 'portal.sqlite3'}",
        test_idp=True,
        base_url=f"http://{host}:{port}",
        data_dir=folder,
    )
    app = create_app(settings)
    upgrade(app.state.engine)
    with transaction(app.state.engine) as session:
        load_demo_data(session, vault=app.state.vault)
    try:
        with live_server(app, port, host) as url:
            yield url, app
    finally:
        app.state.engine.dispose()


@contextmanager
def chromium(prefs: dict | None = None) -> Iterator[webdriver.Chrome]:
    profile = tempfile.mkdtemp(prefix="portal-chromium-")
    options = webdriver.ChromeOptions()
    if prefs:
        options.add_experimental_option("prefs", prefs)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # CSP violations show here
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    # axe on the biggest page (Omat tietoni with the demo) took over 30 s once
    # while two test processes and two more suites shared the two cores.
    driver.set_script_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def set_width(driver: webdriver.Chrome, width: int) -> None:
    """Emulate the exact viewport width (a window also has borders); a phone
    gets a small phone's screen height, so 'the first screen' means what it
    means on the phone."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": PHONE_SCREEN_HEIGHT if width < 600 else 900, "deviceScaleFactor": 1,
         "mobile": width < 600},
    )


def axe_violations(driver: webdriver.Chrome) -> tuple[list[dict], str]:
    axe = Axe(driver)
    axe.inject()
    results = axe.run(options=AXE_OPTIONS)
    assert results["testEngine"]["version"].startswith("4.1"), results["testEngine"]
    assert results["passes"], "axe checked nothing: is the page empty?"
    violations = results["violations"]
    return violations, axe.report(violations)


# Every link and control, with no exception for links inside a sentence or the
# error summary (WCAG 2.5.5 would allow those; our clients need them big). A
# closed menu is opened for the measurement, so its links are measured too.
SMALL_TARGETS_SCRIPT = """
const closed = [...document.querySelectorAll('details:not([open])')];
closed.forEach(d => d.open = true);
const targets = document.querySelectorAll('a[href], button, input:not([type=hidden]), textarea, select, summary');
const small = [...targets].filter(t => t.getClientRects().length > 0 && getComputedStyle(t).visibility !== 'hidden')
  .map(t => [t.outerHTML.slice(0, 80), t.getBoundingClientRect()])
  .filter(([_, r]) => r.width < 44 || r.height < 44)
  .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`);
closed.forEach(d => d.open = false);
return small;
"""


def small_targets(driver: webdriver.Chrome) -> list[str]:
    """Links and controls smaller than 44 x 44 px (WCAG 2.5.5, our bar for all of them)."""
    return driver.execute_script(SMALL_TARGETS_SCRIPT)


def horizontal_overflow(driver: webdriver.Chrome) -> int:
    return driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")


def first_heading_bottom(driver: webdriver.Chrome) -> float:
    """Where the page's own heading ends, from the top of the page, in CSS px.

    On a form with errors the error summary comes first, above the h1, and
    its heading is what has to be on the first screen.
    """
    return driver.execute_script(
        "window.scrollTo(0, 0);"
        "const heading = document.querySelector('.error-summary h2') || document.querySelector('h1');"
        "return heading.getBoundingClientRect().bottom;"
    )


# A word split over two lines anywhere but at a soft hyphen (U+00AD) or a
# hyphen: "Saavutettavuusselos|te". Each piece between those break points
# has to stay on one line. E-mail and web addresses are not words.
BROKEN_WORDS_SCRIPT = r"""
const broken = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode;
  // Text that is not drawn (a closed menu, a hidden dialog) has no lines.
  if (!node.parentElement.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})) continue;
  const pieces = /[^\s\u00ad-]+/g;
  let match;
  while ((match = pieces.exec(node.data))) {
    let start = match.index;
    while (start > 0 && !/\s/.test(node.data[start - 1])) start--;
    const word = node.data.slice(start).split(/\s/)[0];
    if (/@|:\/\/|^www\./.test(word)) continue;  // an address may break anywhere: a hyphen would change it
    // Letter by letter: a range over the whole piece would also hold the
    // hyphen drawn at the end of the line before it.
    const lines = new Set();
    const range = document.createRange();
    for (let i = match.index; i < match.index + match[0].length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      if (rects.length) lines.add(Math.round(rects[rects.length - 1].bottom));
    }
    if (lines.size > 1) broken.push(word.replaceAll("\u00ad", ""));
  }
}
return broken;
"""


def words_broken_mid_word(driver: webdriver.Chrome) -> list[str]:
    return driver.execute_script(BROKEN_WORDS_SCRIPT)


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
