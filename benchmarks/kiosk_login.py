"""How long the kiosk's easy login takes, over real HTTP against a live portal
(uvicorn, SQLite, a fresh demo database), on a kiosk of Tupa that staff
marked through the staff's device page; and the Argon2id check alone.

One login is what the client waits for after picking themselves on the list:
the number-code page, the code sent (Argon2id check, session, access log)
and the start page it leads to. Each login is a fresh browser with only the
kiosk's cookie, as the kiosk is after the one before logged out. Measured:
the whole login at the client (median, p99), the server's own time for the
code's POST (the portal's request log), and codes.check alone.

Run: .venv/bin/python benchmarks/kiosk_login.py [logins] [checks]
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx2
from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import select  # noqa: E402

import portal.models  # noqa: E402,F401  (before portal.easy_login: the models import each other)
from portal.db import transaction  # noqa: E402
from portal.easy_login import codes  # noqa: E402
from portal.demo.easy_login import DEMO_CODE, LIISA, MARIA  # noqa: E402
from portal.easy_login.models import EasyLogin  # noqa: E402
from portal.settings import LOA_SUBSTANTIAL  # noqa: E402
from portal.web import kiosk as kiosk_device  # noqa: E402
from tests.support import factories  # noqa: E402
from tests.support.browser import demo_portal  # noqa: E402


class ServerTimes(logging.Handler):
    """The milliseconds the portal's request log reports for the code's POST."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        method, path, status, elapsed, _request_id = record.args  # type: ignore[misc]
        if method == "POST" and path == "/kiosk/{login_id:id}" and status == 303:
            self.times.append(float(elapsed))


def form_data(html: str, action: str) -> dict[str, str]:
    form = BeautifulSoup(html, "html.parser").find("form", action=action)
    assert form is not None, action
    return {field["name"]: field.get("value", "") for field in form.find_all("input", type="hidden")}


def mark_kiosk(url: str) -> str:
    """Maria (Tupa) logs in through the test provider and marks a browser as
    Tupa's kiosk; the kiosk cookie's value."""
    with httpx2.Client(base_url=url, follow_redirects=False) as http:
        provider = http.get(http.get("/staff/login").headers["location"])
        form = BeautifulSoup(provider.text, "html.parser").find("main").find("form")
        data = {field["name"]: field.get("value", "") for field in form.find_all("input", type="hidden")}
        data.update(person=MARIA, level=LOA_SUBSTANTIAL)
        back = http.post(form["action"], data=data)
        assert http.get(back.headers["location"]).status_code == 303  # the callback, to /staff
        page = http.get("/staff/device")
        unit = BeautifulSoup(page.text, "html.parser").find("select", attrs={"name": "unit"}).find("option")["value"]
        marked = http.post("/staff/device", data={**form_data(page.text, "/staff/device"), "name": "Mittaus",
                                                   "unit": unit})
        assert marked.status_code == 303
        return http.cookies[kiosk_device.COOKIE_NAME]


def one_login(url: str, kiosk_cookie: str, login_id: int) -> float:
    with httpx2.Client(base_url=url, follow_redirects=False,
                       cookies={kiosk_device.COOKIE_NAME: kiosk_cookie}) as http:
        started = time.perf_counter()
        page = http.get(f"/kiosk/{login_id}")
        sent = http.post(f"/kiosk/{login_id}", data={**form_data(page.text, f"/kiosk/{login_id}"), "code": DEMO_CODE})
        assert sent.status_code == 303 and sent.headers["location"] == "/home", sent.text[:300]
        home = http.get("/home")
        elapsed = time.perf_counter() - started
        assert home.status_code == 200 and "Liisa" in home.text
        return elapsed


def percentiles(times: list[float]) -> str:
    times = sorted(times)
    p99 = times[max(0, int(len(times) * 0.99) - 1)]
    return f"median {statistics.median(times):.1f} ms, p99 {p99:.1f} ms, max {times[-1]:.1f} ms"


def main(logins: int, checks: int) -> None:
    handler = ServerTimes()
    requests = logging.getLogger("portal.requests")
    requests.addHandler(handler)
    requests.propagate = False  # one log line per request would drown the result
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("portal.access_log").setLevel(logging.WARNING)
    with demo_portal(Path(tempfile.mkdtemp())) as (url, app):
        engine = app.state.engine
        person = factories.person_id(engine, app.state.vault, LIISA)
        with transaction(engine) as session:
            login_id = session.exec(select(EasyLogin.id).where(EasyLogin.person_id == person)).one()
            stored_hash = session.exec(select(EasyLogin.code_hash).where(EasyLogin.id == login_id)).one()
        kiosk_cookie = mark_kiosk(url)
        one_login(url, kiosk_cookie, login_id)  # warm-up
        handler.times.clear()
        times = [one_login(url, kiosk_cookie, login_id) * 1000 for _ in range(logins)]
    server = handler.times
    assert len(server) == logins, len(server)
    right, wrong = [], []
    for _ in range(checks):
        started = time.perf_counter()
        assert codes.check(stored_hash, DEMO_CODE)
        right.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        assert not codes.check(stored_hash, "9753")
        wrong.append((time.perf_counter() - started) * 1000)
    parameters = codes.HASHER
    print(f"Argon2id: time_cost {parameters.time_cost}, memory_cost {parameters.memory_cost} KiB, "
          f"parallelism {parameters.parallelism}")
    print(f"{logins} kiosk logins (code page, code sent, start page) at the client: {percentiles(times)}")
    print(f"  the code's POST, server time (request log): {percentiles(server)}")
    print(f"{checks} codes.check, the right code: {percentiles(right)}")
    print(f"{checks} codes.check, a wrong code: {percentiles(wrong)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200, int(sys.argv[2]) if len(sys.argv) > 2 else 200)
