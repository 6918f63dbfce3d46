"""The access log (lokitiedot, client data act 703/2023).

Who processed whose data, how and when. Rows are append-only (database
triggers refuse UPDATE and DELETE, see migrations 0002 and 0005). Each event
carries a keyed MAC of its own fields, written with it; a sealer later binds
events in id order into batches (AccessLogSeal) whose MACs form a chain, and
signed checkpoints of that chain's head are kept outside the database. See
portal/access_log/ and the README ("The access log").
Only short controlled strings go here, never free text or identity codes.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

PROCESSING_ACTIONS = ("read", "change", "print")


class AccessAction(enum.StrEnum):
    READ = "read"
    CHANGE = "change"
    PRINT = "print"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    REFUSED = "refused"
    LOGOUT = "logout"
    REQUEST = "request"  # a kiosk asked an instructor to confirm a client (portal.easy_login.instructor_help)
    RESTORED = "restored"  # the database was restored from a backup (portal.access_log.restore)


class AccessEvent(SQLModel, table=True):
    __table_args__ = (
        # "Who has processed my data": one client's events by others, newest
        # first. Partial, so the client's own (many) reads are not in it.
        Index(
            "ix_accessevent_processed_by_others",
            "subject_person_id",
            "id",
            postgresql_where=text(
                "action IN ('read', 'change', 'print') AND actor_person_id IS DISTINCT FROM subject_person_id"
            ),
            sqlite_where=text("action IN ('read', 'change', 'print') AND actor_person_id IS NOT subject_person_id"),
        ),
        # The client's own easy-login story (portal.easy_login.history), newest first.
        Index(
            "ix_accessevent_easy_login",
            "subject_person_id",
            "id",
            postgresql_where=text("object_type LIKE 'easy_login%'"),
            sqlite_where=text("object_type LIKE 'easy_login%'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Random, written by the portal: the MAC covers it, so a copied row shows.
    uid: str = Field(max_length=32, unique=True)
    occurred_at: datetime = Field(index=True)
    actor_person_id: int | None = Field(default=None, foreign_key="person.id")
    # "client", "delegate", a StaffRole value, or "anonymous" before login
    actor_role: str = Field(max_length=40)
    # the client a delegate (omainen, edunvalvoja) acts for
    on_behalf_of_person_id: int | None = Field(default=None, foreign_key="person.id")
    # one client; a read of many clients lists them in AccessEventSubject instead
    subject_person_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=20)  # an AccessAction value
    object_type: str = Field(max_length=60)
    object_id: str = Field(default="", max_length=64)
    request_id: str = Field(default="", max_length=64)
    ip_address: str = Field(default="", max_length=45)
    subject_count: int = 0  # how many AccessEventSubject rows belong to it (MAC-covered)
    mac: str = Field(max_length=64)  # HMAC-SHA256 of the fields above with the access-log key


class AccessEventSubject(SQLModel, table=True):
    """One client shown by a list read (the staff client list): one event,
    one row per client, so each client sees that read on their own page."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    event_id: int = Field(foreign_key="accessevent.id", primary_key=True, index=True)


class AccessLogSeal(SQLModel, table=True):
    """A batch of events, first_event_id..last_event_id, bound into the chain.

    mac = HMAC(key, previous seal's mac, the range, the count and a digest of
    the events' MACs in id order): removing, adding or changing an event in
    a sealed range, or a seal, breaks it, and nobody without the key can
    recompute it.
    """

    id: int | None = Field(default=None, primary_key=True)
    sealed_at: datetime
    first_event_id: int
    last_event_id: int = Field(unique=True)
    event_count: int
    events_digest: str = Field(max_length=64)
    previous_mac: str = Field(max_length=64, unique=True)  # two sealers cannot fork the chain
    mac: str = Field(max_length=64, unique=True)
