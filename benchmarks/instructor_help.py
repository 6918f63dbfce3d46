""""Ohjaaja auttaa" (issue 25): how long from the staff's "Hyväksy" to the
kiosk being logged in, with JavaScript on. A live portal (uvicorn, SQLite,
demo data) and a kiosk in headless Chromium (768 x 1024) waiting on its
page; the staff member answers over HTTP with a session of her own.

One round: Jari picks himself at the kiosk and asks; the page waits a random
2.5-4.5 s (at least one of its checks gone, and the approval at a random
moment of the page's 2-second cycle, as a staff member's would be); Maria
POSTs "Hyväksy"; the clock starts when that POST's response (303) is back.
It stops when the kiosk's /home has loaded (DOMContentLoaded, from the
browser's own navigation timing: performance.timeOrigin is the moment the
page's script sent the check form). Both clocks are this machine's wall
clock. Also reported: when the kiosk noticed (sent the form) and the server
time of the check POST and /home.

A kiosk may ask 20 times in 10 minutes (rate_limit.HELP_REQUESTS_PER_KIOSK):
the benchmark empties the rate-limit table before each request, as it asks
more often than that.

Run: .venv/bin/python benchmarks/instructor_help.py [rounds]   (default 30)
"""

from __future__ import annotations

import logging
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from sqlmodel import Session, delete, select  # noqa: E402

from portal.auth import sessions  # noqa: E402
from portal.db import transaction  # noqa: E402
from portal.easy_login.models import EasyLogin, KioskHelpRequest  # noqa: E402
from portal.models import RateLimitHit  # noqa: E402
from tests.support import factories  # noqa: E402
from tests.support.browser import chromium, demo_portal  # noqa: E402
from tests.support.helpers import csrf_token  # noqa: E402
from tests.browser.test_instructor_help_browser import JARI, MARIA, Portal, kiosk_size, mark_as_kiosk  # noqa: E402

TIMING = """
const n = performance.getEntriesByType('navigation')[0];
return [performance.timeOrigin, n.domContentLoadedEventEnd];
"""


class ServerTimes(logging.Handler):
    """The milliseconds the portal's request log reports, by route."""

    def __init__(self) -> None:
        super().__init__()
        self.times: dict[tuple[str, str], list[float]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        method, path, _status, elapsed, _request_id = record.args  # type: ignore[misc]
        self.times.setdefault((method, path), []).append(float(elapsed))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary(name: str, values: list[float]) -> str:
    return (f"{name}: median {statistics.median(values):.0f} ms, p99 {percentile(values, 0.99):.0f} ms, "
            f"min {min(values):.0f}, max {max(values):.0f}")


def main(rounds: int) -> None:
    handler = ServerTimes()
    logging.getLogger("portal.requests").addHandler(handler)
    logging.getLogger("portal.requests").propagate = False
    logging.getLogger("portal.access_log").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    randomness = random.Random(25)
    with demo_portal(Path(tempfile.mkdtemp(prefix="help-bench-"))) as (url, app), chromium() as kiosk:
        engine = app.state.engine
        kiosk_size(kiosk)
        mark_as_kiosk(kiosk, Portal(url), "Aulan tabletti")
        jari = factories.person_id(engine, app.state.vault, JARI)
        with Session(engine) as session:
            entry = session.exec(select(EasyLogin.id).where(EasyLogin.person_id == jari)).one()
        maria = factories.start_session(engine, audience="staff", person=factories.person_id(engine, app.state.vault,
                                                                                             MARIA))
        logged_in, noticed = [], []
        with httpx2.Client(base_url=url, cookies={sessions.COOKIE_NAMES["staff"]: maria}) as staff:
            for number in range(rounds + 1):  # the first warms the caches
                with transaction(engine) as session:
                    session.exec(delete(RateLimitHit))  # type: ignore[call-overload]
                kiosk.delete_cookie(sessions.COOKIE_NAMES["client"])
                kiosk.get(f"{url}/language/fi?next=/kiosk/{entry}")
                kiosk.find_element(By.CSS_SELECTOR, "form.help-form button").click()
                WebDriverWait(kiosk, 10).until(lambda d: d.current_url == f"{url}/kiosk/help")
                shown = time.time()
                page = staff.get("/staff/kiosk-requests")
                with Session(engine) as session:
                    request_id = session.exec(select(KioskHelpRequest.id).where(
                        KioskHelpRequest.answered_at.is_(None))).one()  # type: ignore[union-attr]
                time.sleep(max(0.0, shown + randomness.uniform(2.5, 4.5) - time.time()))
                answer = staff.post(f"/staff/kiosk-requests/{request_id}/approve",
                                    data={"csrf_token": csrf_token(page)})
                approved = time.time()
                assert answer.status_code == 303, answer.text[:300]
                WebDriverWait(kiosk, 10, poll_frequency=0.05).until(lambda d: d.current_url == f"{url}/home")
                WebDriverWait(kiosk, 10, poll_frequency=0.05).until(
                    lambda d: d.execute_script("return document.readyState") != "loading")
                origin, loaded = kiosk.execute_script(TIMING)
                assert "Kirjauduit helposti" in kiosk.find_element(By.CSS_SELECTOR, ".account").text
                if number:
                    logged_in.append(origin + loaded - approved * 1000)
                    noticed.append(origin - approved * 1000)
    check = handler.times[("POST", "/kiosk/help/check")][1:]
    home = handler.times[("GET", "/home")][1:]
    status = handler.times[("GET", "/kiosk/help/status")]
    print(f"{rounds} rounds (and one to warm up), the kiosk asking every 2 s:")
    print(summary("  'Hyväksy' answered -> the kiosk's /home loaded", logged_in))
    print(summary("  'Hyväksy' answered -> the kiosk noticed and sent the form", noticed))
    print(summary("  server: POST /kiosk/help/check", check))
    print(summary("  server: GET /home", home))
    print(summary(f"  server: GET /kiosk/help/status ({len(status)} checks)", status))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
