"""How long one client login through panva's oidc-provider (OpenID Certified)
takes in each login mode, over real HTTP: a live portal (uvicorn, SQLite) and
the provider (Node.js) on loopback ports, end to end from /login to /home.

Run: .venv/bin/python benchmarks/interop_login_time.py [rounds]
"""

from __future__ import annotations

import logging
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.settings import LOA_SUBSTANTIAL  # noqa: E402
from tests.support.browser import free_port  # noqa: E402
from tests.support.interop import certified_provider, live_portal, login, portal_settings  # noqa: E402

MODES = [
    ("basic, client_secret_basic, JSON userinfo", "basic-secret-basic", {}),
    ("basic, client_secret_post, userinfo as JWT", "basic-secret-post", {"client_oidc_auth_method": "client_secret_post"}),
    ("ftn: private_key_jwt, JAR, JWE ID token and userinfo", "ftn", {"client_oidc_profile": "ftn"}),
]


def main(rounds: int) -> None:
    logging.disable(logging.INFO)
    folder = Path(tempfile.mkdtemp(prefix="interop-bench-"))
    portal_port = free_port()
    for algorithm in ("RS256", "PS256", "ES256"):
        with certified_provider(free_port(), f"http://127.0.0.1:{portal_port}", algorithm) as issuer:
            for name, client_id, changes in MODES:
                settings = portal_settings(folder, portal_port, issuer, client_id, **changes)
                with live_portal(settings) as (url, _app):
                    times = []
                    for _ in range(rounds + 1):  # the first warms the caches (discovery, JWKS)
                        browser, page, seconds = login(url, issuer, "010280-952L", LOA_SUBSTANTIAL)
                        browser.close()
                        assert page.status_code == 200 and str(page.url).endswith("/home"), page.text[:300]
                        times.append(seconds * 1000)
                    warm = times[1:]
                    print(f"{algorithm} {name}: first {times[0]:.0f} ms, then median {statistics.median(warm):.0f} ms"
                          f" (min {min(warm):.0f}, max {max(warm):.0f}, {rounds} rounds)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
