"""One scrape: the counters of every worker process, and what only the
database knows (read at the scrape, so every instance reports the same)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from portal import clock
from portal.models import AccessEvent, AccessLogSeal, Notification

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


class DatabaseFigures(Collector):
    """The access log's unsealed events and newest seal, and the notifications' outbox."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("portal_metrics_database_up", "1 when the database answered this scrape.")
        try:
            with self.engine.connect() as connection:
                sealed_to = select(func.coalesce(func.max(AccessLogSeal.last_event_id), 0)).scalar_subquery()
                unsealed = connection.execute(select(func.count(AccessEvent.id)).where(AccessEvent.id > sealed_to)).scalar_one()
                newest_seal = connection.execute(select(func.max(AccessLogSeal.sealed_at))).scalar_one()
                # Two counts on the outbox's (state, next_try_at) index.
                backlog = connection.execute(select(func.count(Notification.id)).where(  # type: ignore[arg-type]
                    Notification.state.in_(("queued", "sending")))).scalar_one()  # type: ignore[attr-defined]
                parked = connection.execute(select(func.count(Notification.id)).where(  # type: ignore[arg-type]
                    Notification.state == "parked")).scalar_one()
        except Exception:  # a scrape reports the database down; it never fails
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("portal_access_log_unsealed_events",
                                "Access-log events not yet bound into the seal chain.", value=unsealed)
        if newest_seal is not None:
            if newest_seal.tzinfo is None:  # SQLite gives it back without its zone: it is UTC
                newest_seal = newest_seal.replace(tzinfo=UTC)
            age = (clock.now() - newest_seal).total_seconds()
            yield GaugeMetricFamily("portal_access_log_newest_seal_age_seconds",
                                    "Seconds since the newest access-log seal was written.", value=age)
        yield GaugeMetricFamily("portal_outbox_backlog_messages",
                                "Notifications (e-mail, text messages) waiting to be sent or tried again.", value=backlog)
        yield GaugeMetricFamily("portal_outbox_parked_messages",
                                "Notifications that failed too often and wait for an admin.", value=parked)


def exposition(engine: Engine) -> bytes:
    """The text a scrape gets."""
    figures = CollectorRegistry(auto_describe=False)
    figures.register(DatabaseFigures(engine))
    if os.environ.get(MULTIPROCESS_DIR):
        workers = CollectorRegistry()
        MultiProcessCollector(workers)
        return generate_latest(workers) + generate_latest(figures)
    return generate_latest(REGISTRY) + generate_latest(figures)
