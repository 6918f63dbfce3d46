"""Rate limits on logins and failed callbacks, per address and per identity.

Counters live in the database so that every portal instance sees the same
counts. Keys (IP addresses, identity codes) are personal data: only a keyed
hash of them is stored.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from portal.models import RateLimitHit


@dataclass(frozen=True)
class Limit:
    name: str
    max_hits: int
    window_seconds: int


# Generous: a centre or a county network may put many people behind one address.
LOGIN_PER_ADDRESS = Limit("login_per_address", max_hits=200, window_seconds=10 * 60)
FAILED_CALLBACK_PER_ADDRESS = Limit("failed_callback_per_address", max_hits=10, window_seconds=10 * 60)
FAILED_LOGIN_PER_IDENTITY = Limit("failed_login_per_identity", max_hits=5, window_seconds=15 * 60)
# Forms that store what anyone (or any client) types: enough for a person,
# too few to fill the database.
FEEDBACK_PER_ADDRESS = Limit("accessibility_feedback_per_address", max_hits=10, window_seconds=60 * 60)
MANDATE_GRANTS_PER_CLIENT = Limit("mandate_grants_per_client", max_hits=10, window_seconds=60 * 60)


def key_hash(*, limit: Limit, key: str, secret: str) -> str:
    # A key derived for this purpose only, so these hashes match no other
    # hash made with the same secret (such as identity code lookups).
    hash_key = hmac.new(secret.encode(), b"portal rate limit", hashlib.sha256).digest()
    return hmac.new(hash_key, f"{limit.name}\n{key}".encode(), hashlib.sha256).hexdigest()


def window_start(*, limit: Limit, now: datetime) -> datetime:
    seconds = int(now.timestamp())
    return datetime.fromtimestamp(seconds - seconds % limit.window_seconds, UTC)


def allow(session: Session, *, limit: Limit, key: str, secret: str, now: datetime | None = None) -> bool:
    """Count one hit; False once this window has seen more than max_hits.

    Call it in a transaction of its own that commits even when the login
    then fails, or the failures it should count would roll back with it.
    """
    values = {
        "key_hash": key_hash(limit=limit, key=key, secret=secret),
        "window_start": window_start(limit=limit, now=now or datetime.now(UTC)),
        "count": 1,
    }
    # One statement, so concurrent hits from several instances all count.
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(RateLimitHit).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["key_hash", "window_start"],
        set_={"count": RateLimitHit.__table__.c["count"] + 1},  # type: ignore[attr-defined]
    ).returning(col(RateLimitHit.count))
    count = session.exec(statement).scalar_one()
    return count <= limit.max_hits


def prune(session: Session, *, older_than: datetime) -> int:
    """Remove windows that started before `older_than`; returns how many."""
    result = session.exec(delete(RateLimitHit).where(col(RateLimitHit.window_start) < older_than))
    return result.rowcount
