"""Rate limits: a sliding-window estimate over fixed windows in the database, keys stored only as hashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from portal.db import transaction
from portal.models import RateLimitHit
from portal.rate_limit import FAILED_LOGIN_PER_IDENTITY, LOGIN_PER_ADDRESS, Limit, allow, prune

SECRET = "test-secret"
LIMIT = Limit("test_limit", max_hits=3, window_seconds=60)
WINDOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def hit(engine: Engine, *, key: str = "192.0.2.1", limit: Limit = LIMIT, now: datetime = WINDOW) -> bool:
    # Each hit in its own transaction, as a request would make it.
    with transaction(engine) as session:
        return allow(session, limit=limit, key=key, secret=SECRET, now=now)


def test_allows_up_to_the_limit_then_refuses(engine) -> None:
    results = [hit(engine, now=WINDOW + timedelta(seconds=second)) for second in range(5)]
    assert results == [True, True, True, False, False]


def test_a_burst_at_a_windows_end_still_counts_just_after_it(engine) -> None:
    # 5 failed logins a second before 12:15 and the 6th a second after it: one
    # burst, even though the fixed windows split it.
    limit = FAILED_LOGIN_PER_IDENTITY
    boundary, second = WINDOW + timedelta(minutes=15), timedelta(seconds=1)
    assert [hit(engine, limit=limit, now=boundary - second) for _ in range(5)] == [True] * 5
    assert hit(engine, limit=limit, now=boundary + second) is False
    # After a full window of quiet the burst has slid out (all but 1/900 of it).
    assert hit(engine, limit=limit, now=boundary - second + timedelta(minutes=15)) is True


def test_hammering_does_not_lengthen_the_wait(engine) -> None:
    """Refused hits are not counted: only the 3 allowed ones carry over."""
    end = WINDOW + timedelta(seconds=59)
    assert sum(hit(engine, now=end) for _ in range(100)) == 3
    # Halfway through the next window, half of the 3 still weighs: 3 - 1.5 leaves room for 1.
    halfway = WINDOW + timedelta(seconds=90)
    assert [hit(engine, now=halfway) for _ in range(3)] == [True, False, False]


@pytest.mark.parametrize(
    ("previous", "fraction", "allowed"),
    [(10, 0.0, 0), (10, 0.25, 2), (10, 0.5, 5), (10, 0.99, 9), (4, 0.5, 8), (3, 0.1, 7)],
)
def test_the_previous_window_weighs_by_the_part_still_inside(
    engine, previous: int, fraction: float, allowed: int
) -> None:
    """Allowed in this window = max_hits - previous x (1 - fraction), rounded down."""
    limit = Limit("test_estimate", max_hits=10, window_seconds=100)
    for _ in range(previous):
        hit(engine, limit=limit, now=WINDOW)
    now = WINDOW + timedelta(seconds=100 + 100 * fraction)
    assert sum(hit(engine, limit=limit, now=now) for _ in range(12)) == allowed


def test_keys_and_limits_are_independent(engine) -> None:
    for _ in range(4):
        hit(engine, key="192.0.2.1")
    assert hit(engine, key="192.0.2.1") is False
    assert hit(engine, key="192.0.2.2") is True
    assert hit(engine, key="192.0.2.1", limit=Limit("other_limit", max_hits=3, window_seconds=60)) is True


def test_raw_keys_are_never_stored(engine) -> None:
    keys = ["010280-952L", "192.0.2.1"]
    for key in keys:
        hit(engine, key=key, limit=FAILED_LOGIN_PER_IDENTITY)
        hit(engine, key=key, limit=LOGIN_PER_ADDRESS)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM ratelimithit")).all()
    assert len(rows) == 4
    stored = " ".join(str(value) for row in rows for value in row)
    for key in keys:
        assert key not in stored
        assert key.replace("-", "") not in stored
    with Session(engine) as session:
        hashes = session.exec(select(RateLimitHit.key_hash)).all()
    assert all(len(value) == 64 and int(value, 16) >= 0 for value in hashes)


def test_prune_removes_old_windows(engine) -> None:
    hit(engine, now=WINDOW - timedelta(hours=1))
    hit(engine, now=WINDOW)
    with transaction(engine) as session:
        assert prune(session, older_than=WINDOW - timedelta(minutes=30)) == 1
    with Session(engine) as session:
        assert session.exec(select(RateLimitHit.window_start)).all() == [WINDOW]
