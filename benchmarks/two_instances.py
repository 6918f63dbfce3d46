"""Two `portal serve --workers 2` instances behind nginx on PostgreSQL, one
killed with SIGKILL halfway through.

It builds a fresh database (the demo organisation and USERS clients of its
own), starts instances A and B (each two worker processes, the test identity
provider on, one shared data folder and checkpoint file) and nginx in front
of them with deploy/portal-proxy.conf, whose forwarding headers the portal
trusts. Then USERS people, each from an address of their own (127.0.0.10,
.11, …), log in through nginx and the test provider, and open the start
page, the week and the feedback page over and over, giving feedback now and
then. Halfway through, instance A and its workers get SIGKILL. At the end B
stops, the sealer runs once more and `portal access-log verify` checks the
chain that both instances' sealers made.

It shows:
- every login succeeds, whichever instance answers each step;
- sessions go on after the kill: nobody is sent back to the login;
- no confirmed write is lost: every feedback answered with 303 is in the
  database, and so is the access-log event of every start page answered 200;
- one seal chain: verify passes over both instances' seals and checkpoints.

Run: .venv/bin/python benchmarks/two_instances.py --postgres URL [--users 12] [--seconds 40]
The PostgreSQL database given is emptied (its public schema is dropped).
Needs Debian's nginx package.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.throughput import free_port  # noqa: E402
from portal.db import make_engine, transaction  # noqa: E402
from portal.demo import VERSTAS, load_demo_data  # noqa: E402
from portal.identity_code import IdentityCodeVault, with_check_character  # noqa: E402
from portal.migrate import upgrade  # noqa: E402
from portal.models import AccessEvent, ClientFeedback, ClientPeriod, Person, Service, Unit  # noqa: E402
from portal.schedule import calendar_days  # noqa: E402
from portal.settings import LOA_SUBSTANTIAL, Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PORTAL = Path(sys.executable).parent / "portal"
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
ATTRIBUTE = re.compile(r'(name|value)="([^"]*)"')
SPOOFED = "203.0.113.9"
FEEDBACK_PER_USER = 4  # under the limit of 5 an hour per person


def identity_code(number: int) -> str:
    return with_check_character(f"0101{80 + number // 100:02d}-9{number % 100:02d}")


def prepare(url: str, users: int) -> list[str]:
    """A fresh database: the demo organisation and `users` clients at Verstas."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    vault = IdentityCodeVault(Settings().identity_key)
    codes = [identity_code(number) for number in range(users)]
    today = calendar_days.today()
    with transaction(engine) as session:
        load_demo_data(session, vault=vault)
        verstas = session.exec(select(Unit.id).where(Unit.name == VERSTAS)).scalar_one()  # type: ignore[call-overload]
        for number, code in enumerate(codes):
            person = Person(given_name="Testi", family_name=f"Asiakas{number}", identity_code_hash=vault.lookup_hash(code),
                            identity_code_cipher=vault.encrypt(code))
            session.add(person)
            session.flush()
            session.add(ClientPeriod(person_id=person.id, unit_id=verstas, service=Service.WORK_ACTIVITY,  # type: ignore[arg-type]
                                     starts_on=today.replace(day=1), ends_on=today.replace(year=today.year + 1)))
    engine.dispose()
    return codes


class Instance:
    """`portal serve --workers 2` in a process group of its own."""

    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        self.name, self.port = name, free_port()
        self.log = (folder / f"instance-{name}.log").open("wb")
        self.process = subprocess.Popen([str(PORTAL), "serve", "--port", str(self.port), "--workers", "2"], env=env,
                                        cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx2.get(f"http://127.0.0.1:{self.port}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx2.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"instance {self.name} stopped; see {self.log.name}")
            time.sleep(0.2)
        raise RuntimeError(f"instance {self.name} is not ready")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # the instance and its workers, without warning
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def start_nginx(folder: Path, port: int, upstreams: list[int]) -> subprocess.Popen[bytes]:
    servers = "\n".join(f"        server 127.0.0.1:{upstream} max_fails=1 fail_timeout=10s;" for upstream in upstreams)
    temp = folder / "nginx"
    temp.mkdir()
    config = folder / "nginx.conf"
    config.write_text(f"""
daemon off;
worker_processes 1;
pid {temp}/nginx.pid;
error_log {temp}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    upstream portal {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        include {ROOT / "deploy" / "portal-proxy.conf"};
    }}
}}
""")
    return subprocess.Popen(["nginx", "-c", str(config), "-p", str(temp)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@dataclass
class Tally:
    """What the people saw; appended to from their threads (list appends are atomic)."""

    kill_at: float = 0.0
    logins: list[tuple[bool, float]] = field(default_factory=list)  # (logged in, seconds) before the traffic
    logins_after_kill: list[tuple[bool, float]] = field(default_factory=list)
    views: list[tuple[float, str, int, float]] = field(default_factory=list)  # (when, path, status, seconds)
    home_request_ids: list[str] = field(default_factory=list)  # start pages answered 200
    feedback_confirmed: list[str] = field(default_factory=list)  # texts answered with 303
    feedback_unconfirmed: int = 0
    sent_to_login: int = 0


def hidden_fields(page: str) -> dict[str, str]:
    fields = {}
    for tag in HIDDEN.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        if "name" in attributes:
            fields[attributes["name"]] = attributes.get("value", "").replace("&amp;", "&")
    return fields


def log_in(http: httpx2.Client, code: str) -> bool:
    start = http.get("/login")
    if start.status_code != 303:
        return False
    page = http.get(start.headers["location"])
    action = re.search(r'<form[^>]*action="([^"]*)"', page.text)
    if page.status_code != 200 or action is None:
        return False
    back = http.post(action.group(1).replace("&amp;", "&"),
                     data={**hidden_fields(page.text), "identity_code": code, "level": LOA_SUBSTANTIAL})
    if back.status_code != 303:
        return False
    landed = http.get(back.headers["location"])
    return landed.status_code == 303 and landed.headers["location"] in ("/home", "/choose")


def browser(base_url: str, number: int) -> httpx2.Client:
    """A person's browser, from an address of their own (as nginx sees it)."""
    transport = httpx2.HTTPTransport(local_address=f"127.0.0.{10 + number}")
    # Forwarding headers of its own choosing: nginx must replace them, or
    # everyone could pick the address that rate limits and the access log see.
    spoofed = {"X-Forwarded-For": SPOOFED, "X-Real-IP": SPOOFED, "Forwarded": f"for={SPOOFED}"}
    return httpx2.Client(base_url=base_url, transport=transport, timeout=15, follow_redirects=False, headers=spoofed)


def timed_login(http: httpx2.Client, code: str, into: list[tuple[bool, float]]) -> None:
    started = time.monotonic()
    try:
        logged_in = log_in(http, code)
    except httpx2.HTTPError:
        logged_in = False
    into.append((logged_in, time.monotonic() - started))


def in_threads(calls: list[tuple]) -> None:  # type: ignore[type-arg]
    threads = [threading.Thread(target=call[0], args=call[1:]) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def person(http: httpx2.Client, number: int, until: float, tally: Tally) -> None:
    given = 0
    while time.monotonic() < until:
        for path in ("/home", "/week", "/feedback"):
            started = time.monotonic()
            try:
                response = http.get(path)
                status = response.status_code
            except httpx2.HTTPError:
                status, response = 0, None
            tally.views.append((started, path, status, time.monotonic() - started))
            if status == 303 and "/login" in response.headers.get("location", ""):  # type: ignore[union-attr]
                tally.sent_to_login += 1
            if path == "/home" and status == 200:
                tally.home_request_ids.append(response.headers["x-request-id"])  # type: ignore[union-attr]
            if path == "/feedback" and status == 200 and given < FEEDBACK_PER_USER and len(tally.views) % 5 == 0:
                given += 1
                words = f"Palaute {number} {given}"
                token = hidden_fields(response.text).get("csrf_token", "")  # type: ignore[union-attr]
                try:
                    sent = http.post("/feedback", data={"csrf_token": token, "mood": "4", "about": "service",
                                                        "text": words})
                    confirmed = sent.status_code == 303
                except httpx2.HTTPError:
                    confirmed = False
                if confirmed:
                    tally.feedback_confirmed.append(words)
                else:
                    tally.feedback_unconfirmed += 1


def portal_command(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(PORTAL), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    return (done.stdout + done.stderr).strip()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", required=True, help="an empty-able PostgreSQL URL (postgresql+psycopg://…)")
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=40)
    args = parser.parse_args()
    if shutil.which("nginx") is None:
        raise SystemExit("Install Debian's nginx package first (apt-get install nginx).")

    folder = Path(tempfile.mkdtemp(prefix="portal-two-instances-"))
    codes = prepare(args.postgres, args.users)
    proxy_port = free_port()
    env = {**os.environ, "PORTAL_DATABASE_URL": args.postgres, "PORTAL_DATA_DIR": str(folder), "PORTAL_TEST_IDP": "1",
           "PORTAL_BASE_URL": f"http://127.0.0.1:{proxy_port}", "PORTAL_TRUSTED_PROXIES": "127.0.0.1",
           "PORTAL_ACCESS_LOG_SEAL_SECONDS": "2", "PORTAL_LOG_FORMAT": "json"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each instance makes its own
    first, second = Instance("A", env, folder), Instance("B", env, folder)
    nginx = start_nginx(folder, proxy_port, [first.port, second.port])
    tally = Tally()
    try:
        first.wait_ready()
        second.wait_ready()
        base_url = f"http://127.0.0.1:{proxy_port}"
        browsers = [browser(base_url, number) for number in range(args.users)]
        # Everyone logs in through nginx and the test provider, both instances up.
        in_threads([(timed_login, http, code, tally.logins) for http, code in zip(browsers, codes, strict=True)])
        started = time.monotonic()
        until = started + args.seconds
        people = [threading.Thread(target=person, args=(http, number, until, tally))
                  for number, http in enumerate(browsers)]
        for thread in people:
            thread.start()
        time.sleep(args.seconds / 2)
        tally.kill_at = time.monotonic()
        first.kill()
        print(f"instance A (port {first.port}) and its workers killed at {tally.kill_at - started:.1f} s", flush=True)
        for thread in people:
            thread.join()
        # And log in again from new browsers, with only B left.
        fresh = [browser(base_url, number) for number in range(args.users)]
        in_threads([(timed_login, http, code, tally.logins_after_kill) for http, code in zip(fresh, codes, strict=True)])
        for http in browsers + fresh:
            http.close()
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
        second.stop()
        first.stop()

    sealed = portal_command(env, "access-log", "seal")
    verified = portal_command(env, "access-log", "verify")
    engine = make_engine(args.postgres)
    with engine.connect() as connection:
        stored_feedback = set(connection.execute(select(ClientFeedback.text)).scalars())
        logged = set(connection.execute(select(AccessEvent.request_id).where(AccessEvent.object_type == "client_start_page")).scalars())
        addresses = set(connection.execute(select(AccessEvent.ip_address).where(AccessEvent.object_type == "client_start_page")).scalars())
    engine.dispose()
    before = [view for view in tally.views if view[0] < tally.kill_at]
    after = [view for view in tally.views if view[0] >= tally.kill_at]

    def summary(views: list[tuple[float, str, int, float]]) -> dict[str, object]:
        statuses: dict[int, int] = {}
        for view in views:
            statuses[view[2]] = statuses.get(view[2], 0) + 1
        seconds = [view[3] for view in views if view[2] == 200]
        span = (max(view[0] for view in views) - min(view[0] for view in views)) if len(views) > 1 else 0
        return {"requests": len(views), "per_second": round(len(views) / span, 1) if span else 0.0, "statuses": statuses, "p50_ms": round(percentile(seconds, 0.5), 1),
                "p99_ms": round(percentile(seconds, 0.99), 1),
                "mean_ms": round(statistics.fmean(seconds) * 1000, 1) if seconds else 0.0}

    result = {
        "users": args.users, "seconds": args.seconds,
        "logins_ok": sum(ok for ok, _ in tally.logins), "logins_failed": sum(not ok for ok, _ in tally.logins),
        "login_p50_ms": round(percentile([seconds for _, seconds in tally.logins], 0.5), 1),
        "login_max_ms": round(max((seconds for _, seconds in tally.logins), default=0) * 1000, 1),
        "logins_after_kill_ok": sum(ok for ok, _ in tally.logins_after_kill),
        "logins_after_kill_failed": sum(not ok for ok, _ in tally.logins_after_kill),
        "login_after_kill_p50_ms": round(percentile([seconds for _, seconds in tally.logins_after_kill], 0.5), 1),
        "before_kill": summary(before), "after_kill": summary(after),
        "sent_back_to_login": tally.sent_to_login,
        "feedback_confirmed": len(tally.feedback_confirmed),
        "feedback_confirmed_missing": sorted(set(tally.feedback_confirmed) - stored_feedback),
        "feedback_unconfirmed": tally.feedback_unconfirmed,
        "start_pages_confirmed": len(tally.home_request_ids),
        "start_page_events_missing": len(set(tally.home_request_ids) - logged),
        "addresses_in_access_log": sorted(addresses),
        "seal": sealed, "verify": verified,
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    ok = (result["logins_failed"] == 0 and result["logins_after_kill_failed"] == 0 and not result["feedback_confirmed_missing"]
          and result["start_page_events_missing"] == 0 and result["sent_back_to_login"] == 0
          and verified.startswith("Access log verified")
          and addresses <= {f"127.0.0.{10 + number}" for number in range(args.users)})
    print("PASS" if ok else f"FAIL (logs in {folder})")
    if ok:
        shutil.rmtree(folder, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
