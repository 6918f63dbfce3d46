"""The records of messages: a thread between a client and their unit, its
messages, who has read how far, and a unit's bulletins.

"Unread" has two meanings. A person's own: `MessageReadState` says up to
which message each person (the client, a delegate, a staff member) has read
a thread. The unit's: `MessageThread.unread_by_staff` is true while nobody of
the unit has opened a thread since the client's side last wrote; the unit
inbox sorts on it (a shared inbox, like a shared mailbox: one instructor
reading a message is enough for the others to know that it was seen).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from portal import clock


def utc_now() -> datetime:
    return clock.now()


class MessageThread(SQLModel, table=True):
    __table_args__ = (
        # The unit inbox: open or done, unread first, newest first (keyset on these).
        Index("ix_messagethread_inbox", "unit_id", "status", "unread_by_staff", "last_message_id"),
        # A client's threads, newest first (the client's own list and the staff's client page).
        Index("ix_messagethread_client", "client_person_id", "last_message_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_person_id: int = Field(foreign_key="person.id")  # whose matter it is
    unit_id: int = Field(foreign_key="unit.id")
    topic: str = Field(max_length=20)  # a key of portal.messages.threads.TOPICS
    started_by_person_id: int = Field(foreign_key="person.id")  # the client or a delegate
    created_at: datetime = Field(default_factory=utc_now)
    # The newest message, and the newest one written by staff: ids only grow,
    # so "newest" is "highest id", and the id is a thread's unique sort key.
    last_message_id: int = 0
    last_staff_message_id: int = 0
    last_message_at: datetime = Field(default_factory=utc_now)
    unread_by_staff: bool = True
    status: str = Field(default="open", max_length=10)  # "open" or "done"
    done_at: datetime | None = None
    done_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    assigned_to_person_id: int | None = Field(default=None, foreign_key="person.id")
    # Sensitive: an easy login sees that the thread is there but must log in
    # strongly to read it (portal.auth.levels).
    sensitive: bool = False
    sensitive_marked_by_person_id: int | None = Field(default=None, foreign_key="person.id")


class Message(SQLModel, table=True):
    __table_args__ = (
        # A double submit carries the same token: the second insert fails here.
        UniqueConstraint("author_person_id", "idempotency_key"),
        Index("ix_message_thread", "thread_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="messagethread.id")
    author_person_id: int = Field(foreign_key="person.id")
    # A delegate writing for the client: the client's person id ("Helena Virtanen Ainon puolesta").
    on_behalf_of_person_id: int | None = Field(default=None, foreign_key="person.id")
    from_staff: bool = False
    text: str = Field(max_length=5000)
    created_at: datetime = Field(default_factory=utc_now)
    idempotency_key: str = Field(max_length=64)


class MessageReadState(SQLModel, table=True):
    """Up to which message one person has read one thread."""

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    thread_id: int = Field(foreign_key="messagethread.id", primary_key=True)
    last_read_message_id: int = 0
    read_at: datetime = Field(default_factory=utc_now)


class Bulletin(SQLModel, table=True):
    """A unit's bulletin to one of its groups (group_id) or to the whole unit
    (group_id None), shown to clients until the end of `expires_on`."""

    __table_args__ = (Index("ix_bulletin_unit_expires", "unit_id", "expires_on"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    group_id: int | None = Field(default=None, foreign_key="group.id")
    author_person_id: int = Field(foreign_key="person.id")
    title: str = Field(max_length=100)
    text: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utc_now)
    shown_from: date
    expires_on: date  # the last day it is shown
    removed_at: datetime | None = None
    removed_by_person_id: int | None = Field(default=None, foreign_key="person.id")
