"""Rate limits on logins and failed callbacks, per address and per identity.

Counters live in the database so that every portal instance sees the same
counts. Keys (IP addresses, identity codes) are personal data: only a keyed
hash of them is stored.

Hits are counted in fixed clock windows, and a limit reads them as a sliding
window: this window's count plus the previous window's count, weighted by the
part of the previous window still inside the last `window_seconds`. A burst
at a window's end thus still counts just after it (fixed windows alone let up
to twice max_hits through across the boundary).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from portal import clock
from portal.db import table
from portal.models import RateLimitHit


@dataclass(frozen=True)
class Limit:
    name: str
    max_hits: int
    window_seconds: int


# Per address: sized for an activity centre of about 100 people (and its
# staff) behind one public address, all arriving in the same ten minutes.
# Each may start up to three logins then (a cancel, a retry, a kiosk that
# timed out) and fail one callback (an old tab, the back button, a page left
# open too long); a cancel at the provider is no failure. These limits only
# cap the load one address can make. The limit per identity does the real
# protecting, and state, nonce and PKCE make a forged callback useless.
# See "Rate limits" in the README.
LOGIN_PER_ADDRESS = Limit("login_per_address", max_hits=300, window_seconds=10 * 60)
FAILED_CALLBACK_PER_ADDRESS = Limit("failed_callback_per_address", max_hits=100, window_seconds=10 * 60)
FAILED_LOGIN_PER_IDENTITY = Limit("failed_login_per_identity", max_hits=5, window_seconds=15 * 60)
# Forms that store what anyone (or any client) types: enough for a person,
# too few to fill the database.
FEEDBACK_PER_ADDRESS = Limit("accessibility_feedback_per_address", max_hits=10, window_seconds=60 * 60)
MANDATE_GRANTS_PER_CLIENT = Limit("mandate_grants_per_client", max_hits=10, window_seconds=60 * 60)
# The easy login. Each client's number code locks after five wrong tries; a
# kiosk that sends many wrong codes (for different people) is slowed down
# too. A centre's morning at one kiosk makes a few wrong codes, not twenty.
WRONG_CODES_PER_KIOSK = Limit("easy_wrong_codes_per_kiosk", max_hits=20, window_seconds=10 * 60)
# "Ohjaaja auttaa": a kiosk asks an instructor a few times an hour; a unit
# has a few kiosks. More is someone pressing the button over and over.
HELP_REQUESTS_PER_KIOSK = Limit("easy_help_requests_per_kiosk", max_hits=20, window_seconds=10 * 60)
HELP_REQUESTS_PER_UNIT = Limit("easy_help_requests_per_unit", max_hits=60, window_seconds=10 * 60)
# Enrolment codes are 10 digits and live 15 minutes; typing errors happen.
WRONG_ENROLMENT_CODES_PER_ADDRESS = Limit("easy_wrong_enrolment_codes_per_address", max_hits=20,
                                          window_seconds=10 * 60)

MICROSECOND = timedelta(microseconds=1)


def key_hash(*, limit: Limit, key: str, secret: str) -> str:
    # A key derived for this purpose only, so these hashes match no other
    # hash made with the same secret (such as identity code lookups).
    hash_key = hmac.new(secret.encode(), b"portal rate limit", hashlib.sha256).digest()
    return hmac.new(hash_key, f"{limit.name}\n{key}".encode(), hashlib.sha256).hexdigest()


def window_start(*, limit: Limit, now: datetime) -> datetime:
    seconds = int(now.timestamp())
    return datetime.fromtimestamp(seconds - seconds % limit.window_seconds, UTC)


def room(*, limit: Limit, previous: int, now: datetime) -> int:
    """How many hits the window holding `now` may have counted by then:
    max_hits less the previous window's count weighted by the part of the
    previous window still inside the last window_seconds, rounded down."""
    # In whole microseconds, so that no float rounding lets a hit through.
    length = timedelta(seconds=limit.window_seconds) // MICROSECOND
    elapsed = (now - window_start(limit=limit, now=now)) // MICROSECOND
    return (limit.max_hits * length - previous * (length - elapsed)) // length


def allow(session: Session, *, limit: Limit, key: str, secret: str, now: datetime | None = None) -> bool:
    """Count one hit unless it would take the sliding-window estimate over
    max_hits; True when counted.

    A refused hit is not counted, so someone who keeps trying waits no longer
    for it, and steady traffic over the limit still gets through at about the
    limit's rate. Call it in a transaction of its own that commits even when
    the login then fails, or the failures it should count would roll back
    with it.
    """
    now = now or clock.now()
    hashed = key_hash(limit=limit, key=key, secret=secret)
    start = window_start(limit=limit, now=now)
    previous = session.exec(
        select(RateLimitHit.count).where(
            RateLimitHit.key_hash == hashed,
            RateLimitHit.window_start == start - timedelta(seconds=limit.window_seconds),
        )
    ).first()
    most = room(limit=limit, previous=previous or 0, now=now)
    if most < 1:
        return False
    # One statement that counts the hit only while there is room, so that
    # concurrent hits from several instances neither get lost nor all slip
    # past the limit: the database checks the count it increments.
    count = table(RateLimitHit).c["count"]
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(RateLimitHit).values(key_hash=hashed, window_start=start, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=["key_hash", "window_start"], set_={"count": count + 1}, where=count < most,
    ).returning(col(RateLimitHit.count))
    return session.exec(statement).first() is not None


def reached(session: Session, *, limit: Limit, key: str, secret: str, now: datetime | None = None) -> bool:
    """Whether the next hit would be refused, counting nothing: for limits on
    failures, counted (with `allow`) only when a try fails."""
    now = now or clock.now()
    hashed = key_hash(limit=limit, key=key, secret=secret)
    start = window_start(limit=limit, now=now)
    counts = dict(session.exec(select(RateLimitHit.window_start, RateLimitHit.count).where(
        RateLimitHit.key_hash == hashed,
        col(RateLimitHit.window_start).in_([start, start - timedelta(seconds=limit.window_seconds)]),
    )).all())
    counts = {(when if when.tzinfo else when.replace(tzinfo=UTC)): count for when, count in counts.items()}
    previous = counts.get(start - timedelta(seconds=limit.window_seconds), 0)
    return counts.get(start, 0) >= room(limit=limit, previous=previous, now=now)


def prune(session: Session, *, older_than: datetime) -> int:
    """Remove windows that started before `older_than`; returns how many.

    Keep at least the last two windows of every limit: allow() reads the
    previous window's count (`portal prune` keeps a day, the longest window
    is an hour)."""
    result = session.exec(delete(RateLimitHit).where(col(RateLimitHit.window_start) < older_than))
    return result.rowcount
