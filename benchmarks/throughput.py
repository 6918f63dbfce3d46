"""Throughput and latency of personal pages at 16 concurrent users, against a
hello-world served the same way, at two scales, on SQLite and PostgreSQL.

For each database and scale (clients; access-log rows = 10 per client, so
100,000 clients have 1,000,000) it builds a fresh database with
benchmarks/generate_data.py, starts the server (benchmarks/serve.py) on
127.0.0.1 with --workers worker processes (the hello-world too; default 1,
the README recommends about one per core), and runs wrk (Debian package
`wrk`) -t2 -c16 for a few seconds per page, several rounds, reporting medians
of req/s, p50, p99 and the server's CPU time per request (all its processes):

  hello     the Starlette hello-world
  home      a client's start page /home (one access-log event per view)
  home-off  /home with access-log writes switched off (what logging costs)
  staff     the staff client list /staff (one event naming 50 clients)
  seen      "who has processed my data" /access-log
  queue     the staff self-assessment queue /staff/assessments (three sections, up to 50 rows each)
  queue-overdue  its overdue section alone (50 rows at either scale)
  feedback, groups, group, attendance, money, followup: the other staff
            pages that list clients or count them (--pages picks; all by default)

Run: .venv/bin/python benchmarks/throughput.py [--postgres URL] [--scales 100,100000]
         [--seconds 5] [--rounds 3] [--workers 1] [--pages home,staff,seen,queue]
The PostgreSQL database given is emptied (its public schema is dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.generate_data import generate  # noqa: E402
from portal.auth import sessions  # noqa: E402
from portal.db import make_engine, transaction  # noqa: E402
from portal.identity_code import IdentityCodeVault  # noqa: E402
from portal.migrate import upgrade  # noqa: E402
from portal.settings import Settings  # noqa: E402
from tests.support import factories  # noqa: E402

HERE = Path(__file__).resolve().parent
AINO, SANNA = "010280-952L", "300883-9617"
CONCURRENCY = 16  # --connections changes it (1: one request at a time)
# page name: (path, whose session); {group} is a group of Sanna's unit
PAGES = {
    "home": ("/home", "client"),
    "staff": ("/staff", "staff"),
    "seen": ("/access-log", "client"),
    "queue": ("/staff/assessments", "staff"),
    "queue-overdue": ("/staff/assessments?section=overdue", "staff"),  # one section: 50 rows at either scale
    "feedback": ("/staff/feedback", "staff"),
    "groups": ("/staff/groups", "staff"),
    "group": ("/staff/groups/{group}", "staff"),
    "attendance": ("/staff/groups/{group}/attendance", "staff"),
    "money": ("/staff/money", "staff"),
    "followup": ("/staff/followup", "staff"),
}
DEFAULT_PAGES = "home,staff,seen,queue"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One server process on 127.0.0.1, stopped when the block ends."""

    def __init__(self, which: str, env: dict[str, str], *, checkout: Path = HERE.parent) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, str(checkout / "benchmarks" / "serve.py"), which, str(self.port)], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx2.get(self.url + "/", timeout=1)
                return self
            except httpx2.HTTPError:
                if self.process.poll() is not None:
                    raise RuntimeError("the server stopped") from None
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def cpu_seconds(self) -> float:
        """The CPU time the server has used so far: its process and worker processes, all their threads."""
        total, pids = 0, [self.process.pid]
        while pids:
            pid = pids.pop()
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
                for task in Path(f"/proc/{pid}/task").iterdir():
                    pids += [int(child) for child in (task / "children").read_text().split()]
            except FileNotFoundError:  # a process that has just ended
                continue
        return total / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *_exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, *, seconds: int, cookie: str = "") -> dict[str, float]:
    connections = CONCURRENCY
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 90, check=True).stdout
    if "Non-2xx or 3xx responses" in output:
        raise RuntimeError(f"{url} answered with errors:\n{output}")
    figures = {}
    figures["requests"] = float(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    for key, pattern in (("rps", r"Requests/sec:\s+([\d.]+)"), ("p50", r"^\s+50%\s+(\S+)\s*$"), ("p99", r"^\s+99%\s+(\S+)\s*$")):
        found = re.search(pattern, output, re.MULTILINE)
        if found is None:
            raise RuntimeError(f"cannot read {key} from wrk's output:\n{output}")
        figures[key] = float(found.group(1)) if key == "rps" else _ms(found.group(1))
    return figures


def one_at_a_time(url: str, *, seconds: int, cookie: str = "") -> dict[str, float]:
    """Requests one after another for about `seconds` (at least three, however
    slow the page): the figures wrk gives, measured here."""
    times: list[float] = []
    headers = {"Cookie": cookie} if cookie else {}
    with httpx2.Client(timeout=300, headers=headers) as client:
        started = time.perf_counter()
        while len(times) < 3 or time.perf_counter() - started < seconds:
            before = time.perf_counter()
            response = client.get(url)
            if response.status_code >= 400:
                raise RuntimeError(f"{url} answered {response.status_code}")
            times.append((time.perf_counter() - before) * 1000)
        elapsed = time.perf_counter() - started
    times.sort()
    return {"requests": float(len(times)), "rps": len(times) / elapsed, "p50": statistics.median(times),
            "p99": times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]}


def measure(server: Server, path: str, *, seconds: int, rounds: int, cookie: str = "") -> dict[str, float]:
    """wrk's figures (with --connections 1, the same measured one request at a
    time), medians of the rounds, and the server's CPU time per request
    ("cpu_ms"): steadier than req/s on a machine shared with others."""
    url = server.url + path
    if CONCURRENCY == 1:
        one_at_a_time(url, seconds=1, cookie=cookie)  # warm-up
        runs = []
        for _ in range(rounds):
            before = server.cpu_seconds()
            run = one_at_a_time(url, seconds=seconds, cookie=cookie)
            run["cpu_ms"] = (server.cpu_seconds() - before) * 1000 / run.pop("requests")
            runs.append(run)
        return {key: round(statistics.median(run[key] for run in runs), 2) for key in runs[0]}
    wrk(url, seconds=2, cookie=cookie)  # warm-up: first requests compile queries and templates
    runs = []
    for _ in range(rounds):
        before = server.cpu_seconds()
        run = wrk(url, seconds=seconds, cookie=cookie)
        if run["requests"] == 0:
            raise RuntimeError(f"{path}: no answer within wrk's timeout")
        run["cpu_ms"] = (server.cpu_seconds() - before) * 1000 / run.pop("requests")
        runs.append(run)
    return {key: round(statistics.median(run[key] for run in runs), 2) for key in runs[0]}


def prepare(url: str, clients: int, folder: Path) -> dict[str, str]:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    vault = IdentityCodeVault(Settings().identity_key)
    built = generate(engine, vault=vault, clients=clients, events=clients * 10)
    print(f"  data: {built}", flush=True)
    engine.dispose()
    return log_in(url)


def log_in(url: str) -> dict[str, str]:
    """New sessions for the demo client and staff member (the cookies), and a group of the staff member's unit."""
    engine = make_engine(url)
    vault = IdentityCodeVault(Settings().identity_key)
    aino = factories.person_id(engine, vault, AINO)
    sanna = factories.person_id(engine, vault, SANNA)
    with transaction(engine) as session:
        client_token, _ = sessions.start(session, audience="client", person_id=aino, acting_for_person_id=aino, kiosk=False)
        staff_token, _ = sessions.start(session, audience="staff", person_id=sanna, acting_for_person_id=None, kiosk=False)
        group = session.execute(text(
            "SELECT g.id FROM \"group\" g JOIN staffmembership m ON m.unit_id = g.unit_id "
            "WHERE m.person_id = :person ORDER BY g.id LIMIT 1"), {"person": sanna}).scalar()
    engine.dispose()
    return {"client": f"{sessions.COOKIE_NAMES['client']}={client_token}",
            "staff": f"{sessions.COOKIE_NAMES['staff']}={staff_token}", "group": str(group)}


def page_path(page: str, cookies: dict[str, str]) -> tuple[str, str]:
    """A page's path and the cookie of whoever opens it."""
    path, whose = PAGES[page]
    return path.format(group=cookies["group"]), cookies[whose]


def run_scale(url: str, clients: int, *, seconds: int, rounds: int, workers: int = 1,
              pages: tuple[str, ...] = tuple(DEFAULT_PAGES.split(",")), keep: Path | None = None,
              checkout: Path = HERE.parent) -> dict[str, dict[str, float]]:
    """`keep`: a folder where the SQLite data of this scale is kept and used again
    (100,000 clients take minutes to make); `checkout`: the portal to serve."""
    if keep is not None and url == "sqlite":
        folder = keep / f"sqlite-{clients}"
        made = folder / "made"
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        if not made.exists():
            folder.mkdir(parents=True, exist_ok=True)
            prepare(url, clients, folder)
            made.write_text("")
        cookies = log_in(url)  # sessions of earlier runs have timed out
    else:
        folder = Path(tempfile.mkdtemp(prefix="portal-bench-"))
        if url == "sqlite":
            url = f"sqlite:///{folder / 'bench.sqlite3'}"
        cookies = prepare(url, clients, folder)
    env = {**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_DATA_DIR": str(folder), "BENCH_WORKERS": str(workers)}
    results = {}
    with Server("hello", env) as server:
        results["hello"] = measure(server, "/", seconds=seconds, rounds=rounds)
    with Server("portal", env, checkout=checkout) as server:
        for page in pages:
            path, cookie = page_path(page, cookies)
            results[page] = measure(server, path, seconds=seconds, rounds=rounds, cookie=cookie)
            print(f"  {page}: {results[page]}", flush=True)
    if "home" in pages:
        with Server("portal-no-log", env, checkout=checkout) as server:
            results["home-off"] = measure(server, "/home", seconds=seconds, rounds=rounds, cookie=cookies["client"])
    if keep is None:  # kept data is verified once, by the run that made it
        verified = subprocess.run([str(Path(sys.executable).parent / "portal"), "access-log", "verify"], env=env,
                                  capture_output=True, text=True, timeout=600)
        print(f"  verify: {verified.stdout.strip()}", flush=True)
        shutil.rmtree(folder, ignore_errors=True)
    return results


def report(database: str, by_scale: dict[int, dict[str, dict[str, float]]], workers: int = 1) -> None:
    for clients, results in by_scale.items():
        hello = results["hello"]["rps"]
        print(f"{database}, {clients} clients, {workers} worker process{'es' if workers > 1 else ''}:")
        for page, figures in results.items():
            print(f"  {page:9} {figures['rps']:8.1f} req/s  {figures['rps'] / hello:6.3f} × hello  "
                  f"p50 {figures['p50']:7.2f} ms  p99 {figures['p99']:7.2f} ms  CPU {figures['cpu_ms']:6.2f} ms/request")
        if "home-off" in results:
            cost = 1 - results["home"]["rps"] / results["home-off"]["rps"]
            cpu = results["home"]["cpu_ms"] / results["home-off"]["cpu_ms"] - 1
            print(f"  logging costs {cost * 100:.1f} % of /home throughput ({cpu * 100:.1f} % more CPU per request)")
    if len(by_scale) == 2:
        small, large = (by_scale[key] for key in sorted(by_scale))
        for page in (page for page in small if page not in ("hello", "home-off")):
            print(f"  {page}: p50 grows {large[page]['p50'] / small[page]['p50']:.2f}× from "
                  f"{min(by_scale)} to {max(by_scale)} clients")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="a PostgreSQL URL to empty and use as well")
    parser.add_argument("--scales", default="100,100000")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--pages", default=DEFAULT_PAGES, help=f"any of {','.join(PAGES)}")
    parser.add_argument("--keep", type=Path, help="keep the SQLite data of each scale in this folder and use it again")
    parser.add_argument("--checkout", type=Path, default=HERE.parent,
                        help="serve another checkout of the portal (the data is made by this one)")
    parser.add_argument("--connections", type=int, default=16, help="wrk's concurrent connections")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes for both the portal and the hello-world (README: about one per core)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    global CONCURRENCY
    CONCURRENCY = args.connections
    databases = {"sqlite": "sqlite"}
    if args.postgres:
        databases["postgresql"] = args.postgres
    if args.only:
        databases = {args.only: databases[args.only]}
    everything = {}
    for database, url in databases.items():
        by_scale = {}
        for clients in (int(value) for value in args.scales.split(",")):
            print(f"{database}, {clients} clients …", flush=True)
            by_scale[clients] = run_scale(url, clients, seconds=args.seconds, rounds=args.rounds, workers=args.workers,
                                          pages=tuple(args.pages.split(",")), keep=args.keep,
                                          checkout=args.checkout.resolve())
        report(database, by_scale, args.workers)
        everything[database] = by_scale
    print(json.dumps(everything))


if __name__ == "__main__":
    main()
