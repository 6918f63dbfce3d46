"""The portal's own metrics, and the calls that count into them.

Imported only when the app is built or a request waits for a slot, never
by the `portal` command itself: prometheus_client picks its storage (this
process's memory, or the multi-process directory) when it is first imported.
"""

from __future__ import annotations

import re

from prometheus_client import Counter, Histogram

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
REASON = re.compile(r"[a-z_]{1,40}")  # a short code; anything else would be unbounded

REQUESTS = Counter("portal_http_requests", "Requests answered, by route template and status.",
                   ["method", "route", "status"])
DURATION = Histogram("portal_http_request_duration_seconds", "Time to answer a request, by route template.",
                     ["method", "route"],
                     buckets=(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
SLOT_WAIT = Histogram("portal_database_slot_wait_seconds",
                      "Time a request waited for one of its process's database transaction slots (portal.db).",
                      ["lane"],
                      buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
LOGIN_FAILURES = Counter("portal_login_failures", "Failed logins, by audience and reason code.",
                         ["audience", "reason"])


def request_answered(*, method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "OTHER"
    REQUESTS.labels(method, route, str(status)).inc()
    DURATION.labels(method, route).observe(seconds)


def slot_waited(*, long: bool, seconds: float) -> None:
    SLOT_WAIT.labels("long" if long else "ordinary").observe(seconds)


def login_failed(*, audience: str, reason: str) -> None:
    LOGIN_FAILURES.labels(audience, reason if REASON.fullmatch(reason) else "other").inc()
