"""Server time of one self-assessment step's POST ("Tallenna ja jatka"), on
SQLite and, when a URL is given, on PostgreSQL.

The time is the one the portal's own request log measures around the whole
request inside the server (guard, session, CSRF, validation, the version-
checked save, the access-log event, the redirect), so it leaves out the
network. The rounds cycle through all questions: the first pass inserts
answers, later passes update them with the revision check.

Run: .venv/bin/python benchmarks/assessment_step.py [rounds] [postgresql+psycopg://...]
The PostgreSQL database is emptied first: never point it at data you keep.
"""

from __future__ import annotations

import logging
import re
import statistics
import sys
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup
from sqlalchemy import text
from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.app import create_app  # noqa: E402
from portal.auth import sessions  # noqa: E402
from portal.db import transaction  # noqa: E402
from portal.demo import load_demo_data  # noqa: E402
from portal.migrate import upgrade  # noqa: E402
from portal.settings import Settings  # noqa: E402
from tests.support import factories  # noqa: E402

STEP_POST = re.compile(r"^POST /assessment/\d+/questions/\w+ (\d+) ([0-9.]+)ms")


class StepTimes(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []
        self.statuses: set[int] = set()

    def emit(self, record: logging.LogRecord) -> None:
        match = STEP_POST.match(record.getMessage())
        if match:
            self.statuses.add(int(match.group(1)))
            self.times.append(float(match.group(2)))


def fields(page) -> dict[str, object]:  # type: ignore[no-untyped-def]
    form = BeautifulSoup(page.text, "html.parser").find("main").find("form")
    data: dict[str, object] = {f["name"]: f.get("value", "") for f in form.find_all("input", type="hidden")}
    options = form.find_all("input", attrs={"name": "answer"})
    data["answer"] = [options[len(options) // 2]["value"]] if options else ["Hyvä päivä."]
    return data


def run(database_url: str, rounds: int) -> tuple[float, float, int]:
    if database_url.startswith("postgresql"):
        from portal.db import make_engine

        engine = make_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app(Settings(database_url=database_url, data_dir=Path(tempfile.mkdtemp())))
    upgrade(app.state.engine)
    with transaction(app.state.engine) as session:
        load_demo_data(session, vault=app.state.vault)
    aino = factories.person_id(app.state.engine, app.state.vault, "010280-952L")
    handler = StepTimes()
    logging.getLogger("portal.requests").addHandler(handler)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        client.cookies.set(sessions.COOKIE_NAMES["client"],
                           factories.start_session(app.state.engine, audience="client", person=aino, acting_for=aino))
        intro = client.get("/assessment")
        token = BeautifulSoup(intro.text, "html.parser").find("input", attrs={"name": "csrf_token"})["value"]
        path = client.post("/assessment/start", data={"csrf_token": token}, follow_redirects=False).headers["location"]
        first = path
        for _ in range(rounds + 5):  # five warm-up posts
            page = client.get(path)
            response = client.post(path, data=fields(page), follow_redirects=False)
            path = response.headers["location"]
            if "/questions/" not in path:
                path = first
    logging.getLogger("portal.requests").removeHandler(handler)
    app.state.engine.dispose()
    assert handler.statuses == {303}, handler.statuses
    times = sorted(handler.times[5:])
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return statistics.median(times), p99, len(times)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    logging.getLogger("portal").setLevel(logging.INFO)
    logging.getLogger("portal.requests").propagate = False
    targets = [("SQLite", f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}")]
    if len(sys.argv) > 2:
        targets.append(("PostgreSQL", sys.argv[2]))
    for name, url in targets:
        median, p99, count = run(url, rounds)
        print(f"{name}: {count} step posts, median {median:.1f} ms, p99 {p99:.1f} ms (server time)")


if __name__ == "__main__":
    main()
