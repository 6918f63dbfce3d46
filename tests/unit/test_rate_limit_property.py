"""Rate limits, a property (hypothesis): what the sliding-window estimate lets
through in any stretch of one window's length, for any sequence of hits."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from portal.db import transaction
from portal.rate_limit import Limit, allow

LIMIT = Limit("test_property", max_hits=3, window_seconds=60)
START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # a window starts here
MICROSECOND = timedelta(microseconds=1)
KEYS = itertools.count()  # one key per example: the database is not emptied between them

# Hit times in milliseconds from START, over four windows, in order.
hit_times = st.lists(st.integers(min_value=0, max_value=4 * 60_000), max_size=14).map(sorted)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(times=hit_times)
def test_any_window_length_holds_at_most_what_the_estimate_permits(engine: Engine, times: list[int]) -> None:
    """Let t be an allowed hit, W the start of its window, L the window's
    length, P the hits allowed in the previous window [W - L, W), x those of
    them inside (t - L, W), and w = (W + L - t) / L the weight the estimate
    gave them at t. Then

        allowed in (t - L, t]  <=  max_hits + x - w * P.

    Proof: the hits allowed in (t - L, t] are x plus the c allowed in [W, t];
    t was allowed because c + w * P <= max_hits (a refused hit is not counted,
    so the stored counts are the allowed ones).

    An interval [a, a + L) whose last allowed hit is t starts after t - L, so
    its allowed hits lie in (t - L, t]: the bound holds for every interval of
    one window's length. x - w * P is what the estimate's even-spread
    assumption misses when the previous window's hits bunch at its end. As
    x <= P <= max_hits and w > 0, it is below max_hits: any interval of one
    window's length holds at most 2 * max_hits - 1 allowed hits (fixed windows
    allowed 2 * max_hits), and at most max_hits when the previous window was
    quiet.
    """
    key = f"192.0.2.{next(KEYS)}"
    moments = [START + timedelta(milliseconds=ms) for ms in times]
    allowed = []
    for moment in moments:
        with transaction(engine) as session:
            if allow(session, limit=LIMIT, key=key, secret="test-secret", now=moment):
                allowed.append(moment)

    length = timedelta(seconds=LIMIT.window_seconds)
    for t in allowed:
        window = START + (t - START) // length * length
        previous = sum(1 for moment in allowed if window - length <= moment < window)
        inside = sum(1 for moment in allowed if t - length < moment < window)
        weight = Fraction((window + length - t) // MICROSECOND, length // MICROSECOND)
        in_reach = sum(1 for moment in allowed if t - length < moment <= t)
        assert in_reach <= LIMIT.max_hits + inside - weight * previous
        assert in_reach <= 2 * LIMIT.max_hits - 1
        if previous == 0:
            assert in_reach <= LIMIT.max_hits
