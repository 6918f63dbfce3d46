"""How long one client login through the bundled test identity provider takes,
over real HTTP against a live portal (uvicorn, SQLite), end to end:
/login → provider page → sign-in post → callback (code, token, ID token) → /home.

Run: .venv/bin/python benchmarks/login_time.py [rounds]
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

from portal.settings import LOA_SUBSTANTIAL  # noqa: E402
from tests.support.browser import demo_portal  # noqa: E402


def one_login(base_url: str) -> float:
    started = time.perf_counter()
    with httpx2.Client(base_url=base_url, follow_redirects=False) as http:
        provider = http.get(http.get("/login").headers["location"])
        form = BeautifulSoup(provider.text, "html.parser").find("main").find("form")
        data = {field["name"]: field.get("value", "") for field in form.find_all("input", type="hidden")}
        data.update(person="010280-952L", level=LOA_SUBSTANTIAL)
        back = http.post(form["action"], data=data)
        landing = http.get(back.headers["location"])
        home = http.get(landing.headers["location"])
        assert home.status_code == 200 and "Aino" in home.text
    return time.perf_counter() - started


def main(rounds: int) -> None:
    logging.disable(logging.INFO)  # one request log line per hop would drown the result
    with demo_portal(Path(tempfile.mkdtemp())) as (url, _app):
        one_login(url)  # warm-up: signing key, discovery and JWKS caches
        times = sorted(one_login(url) for _ in range(rounds))
    print(f"{rounds} logins: median {statistics.median(times) * 1000:.1f} ms, "
          f"p90 {times[int(len(times) * 0.9) - 1] * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms")

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
