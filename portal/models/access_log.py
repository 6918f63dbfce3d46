"""The access log (lokitiedot, client data act 703/2023).

Who processed whose data, how and when. Rows are append-only (database
triggers refuse UPDATE and DELETE, see migration 0002) and chained: each
row's hash covers the previous row's hash, so a changed or removed row shows.
Only short controlled strings go here, never free text or identity codes.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlmodel import Field, SQLModel

GENESIS_HASH = "0" * 64  # the "previous hash" of the first event


class AccessAction(enum.StrEnum):
    READ = "read"
    CHANGE = "change"
    PRINT = "print"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    REFUSED = "refused"
    LOGOUT = "logout"


class AccessEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(index=True)
    actor_person_id: int | None = Field(default=None, foreign_key="person.id")
    # "client", "delegate", a StaffRole value, or "anonymous" before login
    actor_role: str = Field(max_length=40)
    # the client a delegate (omainen, edunvalvoja) acts for
    on_behalf_of_person_id: int | None = Field(default=None, foreign_key="person.id")
    subject_person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    action: str = Field(max_length=20)  # an AccessAction value
    object_type: str = Field(max_length=60)
    object_id: str = Field(default="", max_length=64)
    request_id: str = Field(default="", max_length=64)
    ip_address: str = Field(default="", max_length=45)
    previous_hash: str = Field(max_length=64)
    row_hash: str = Field(max_length=64, unique=True)


class AccessLogHead(SQLModel, table=True):
    """The chain's last link, one row (id 1).

    Appends update this row first: the row lock makes concurrent appends wait
    their turn instead of both chaining onto the same previous event.
    """

    id: int | None = Field(default=None, primary_key=True)
    last_event_id: int | None = None
    last_hash: str = Field(default=GENESIS_HASH, max_length=64)
