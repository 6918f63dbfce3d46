"""Rate-limit counters, in the database so every portal instance shares them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class RateLimitHit(SQLModel, table=True):
    """Hits counted (the allowed ones) for one key in one fixed window.

    `key_hash` is a keyed hash of the limit's name and the key (an address or
    an identity code), never the key itself.
    """

    __table_args__ = (UniqueConstraint("key_hash", "window_start", name="uq_ratelimithit_key_window"),)

    id: int | None = Field(default=None, primary_key=True)
    key_hash: str = Field(max_length=64)
    window_start: datetime = Field(index=True)  # indexed for pruning
    count: int = 0
