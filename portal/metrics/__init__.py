"""Prometheus metrics: requests by route template and status, their
latency, waits for a database transaction slot, failed logins by reason,
and, read from the database at each scrape, the access log's unsealed
events, the age of its newest seal and the outbox backlog.

`portal serve` gives its worker processes a shared directory
(PROMETHEUS_MULTIPROC_DIR) before any of them imports prometheus_client, so
a scrape of any worker sums them all. Nothing here carries a person, a path
or a typed value: route templates, statuses and short reason codes only.
"""
