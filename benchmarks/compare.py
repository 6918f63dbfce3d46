"""Two checkouts of the portal served in turns against the same data: is a
change faster? On a machine shared with other work req/s drifts by ±20 %
between minutes, more than many changes; taking turns round by round puts
the drift on both sides.

For each round and each checkout it starts that checkout's server
(benchmarks/serve.py) on one database built with this checkout's
benchmarks/generate_data.py, and runs wrk -t2 -c16 on each page. It reports
medians of req/s, the server's CPU time per request, p50 and p99.

The two checkouts must share the database schema (the same migrations); make
the other one with `git worktree add --detach ../base <commit>`.

Run: .venv/bin/python benchmarks/compare.py OTHER_CHECKOUT [--postgres URL]
         [--pages /home,/staff,/access-log] [--clients 100] [--rounds 4] [--seconds 5]
The PostgreSQL database given is emptied (its public schema is dropped).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.throughput import HERE, Server, prepare, wrk  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("other", type=Path, help="the other checkout (for example the code before a change)")
    parser.add_argument("--postgres", help="a PostgreSQL URL to empty and use instead of SQLite")
    parser.add_argument("--pages", default="/home,/staff,/access-log")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    checkouts = {"other": args.other.resolve(), "this": HERE.parent}
    folder = Path(tempfile.mkdtemp(prefix="portal-compare-"))
    url = args.postgres or f"sqlite:///{folder / 'bench.sqlite3'}"
    cookies = prepare(url, args.clients, folder)
    env = {**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_DATA_DIR": str(folder)}
    pages = args.pages.split(",")
    runs: dict[tuple[str, str], list[dict[str, float]]] = {(name, page): [] for name in checkouts for page in pages}
    for _ in range(args.rounds):
        for name, checkout in checkouts.items():
            with Server("portal", env, checkout=checkout) as server:
                for page in pages:
                    cookie = cookies["staff" if page.startswith("/staff") else "client"]
                    wrk(server.url + page, seconds=2, cookie=cookie)  # warm-up
                    before = server.cpu_seconds()
                    run = wrk(server.url + page, seconds=args.seconds, cookie=cookie)
                    run["cpu_ms"] = (server.cpu_seconds() - before) * 1000 / run.pop("requests")
                    runs[(name, page)].append(run)
    shutil.rmtree(folder, ignore_errors=True)
    print(f"{'sqlite' if not args.postgres else 'postgresql'}, {args.clients} clients, {args.rounds} rounds in turns:")
    for page in pages:
        for name, checkout in checkouts.items():
            figures = {key: statistics.median(run[key] for run in runs[(name, page)]) for key in ("rps", "cpu_ms", "p50", "p99")}
            print(f"  {page:12} {name:5} {figures['rps']:7.1f} req/s  CPU {figures['cpu_ms']:6.2f} ms/request  "
                  f"p50 {figures['p50']:7.1f} ms  p99 {figures['p99']:7.1f} ms   ({checkout})")


if __name__ == "__main__":
    main()
