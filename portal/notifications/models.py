"""The notifications' records: a person's contact points (an e-mail address,
a mobile number), their choices per category, and the outbox.

Nothing here is a secret in clear: a confirmation code is kept as a keyed
hash while it waits (`ContactPoint.code_hash`); the text of a code sent to a
person is in the outbox row only until it has gone out.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from portal import clock


def utc_now() -> datetime:
    return clock.now()


class Category(enum.StrEnum):
    """What a notification is about. The first four are the person's choice
    (opt-in, each with a stop link); the last two are sent because the
    person asked for them just now."""

    TOMORROW = "tomorrow"  # "Muistutus huomisesta": the evening before an expected day
    NEW_MESSAGE = "new_message"  # "Uusi viesti": still unread 10 minutes after it came
    ASSESSMENT_DUE = "assessment_due"  # "Itsearviointi on ajankohtainen"
    MONEY_READY = "money_ready"  # "Kuukauden rahat ovat valmiina": the month closed
    CONFIRMATION_CODE = "confirmation_code"  # a code to confirm a new address
    ACCESSIBILITY_ANSWER = "accessibility_answer"  # staff's answer to accessibility feedback (law 306/2019)


CHOOSABLE = (Category.TOMORROW, Category.NEW_MESSAGE, Category.ASSESSMENT_DUE, Category.MONEY_READY)


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


class State(enum.StrEnum):
    QUEUED = "queued"  # waits for next_try_at
    SENDING = "sending"  # a sender has it until lease_until (then it is due again)
    SENT = "sent"
    PARKED = "parked"  # failed too often, or for good: an admin looks at it
    CANCELLED = "cancelled"  # no longer to be sent: turned off, read already, expired


class ContactPoint(SQLModel, table=True):
    """A person's e-mail address or mobile number: one of each at most.

    `address` is the confirmed one ("" before the first confirmation); a new
    address waits in `pending_address` with its code until confirmed, so
    changing an address does not stop the notifications meanwhile."""

    __table_args__ = (UniqueConstraint("person_id", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    channel: str = Field(max_length=10)  # a Channel value
    address: str = Field(default="", max_length=254)  # e-mail as typed (domain in lower case) or E.164
    confirmed_at: datetime | None = None
    language: str = Field(default="fi", max_length=5)  # the notifications' language
    pending_address: str = Field(default="", max_length=254)
    code_hash: str = Field(default="", max_length=64)  # HMAC of the code with a key of the portal's secret
    code_expires_at: datetime | None = None
    code_failed_tries: int = 0
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class NotificationPreference(SQLModel, table=True):
    """A person's choice for one category about one client's matters: their
    own (person = client), or a client they act for with a mandate."""

    __table_args__ = (
        UniqueConstraint("person_id", "client_person_id", "category"),
        # The scheduler and the causes: who wants this category about this client.
        Index("ix_notificationpreference_client", "client_person_id", "category", "enabled"),
        Index("ix_notificationpreference_category", "category", "enabled"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")  # who receives
    client_person_id: int = Field(foreign_key="person.id")  # whose matters
    category: str = Field(max_length=20)  # a Category value of CHOOSABLE
    enabled: bool = False
    updated_at: datetime = Field(default_factory=utc_now)


class Notification(SQLModel, table=True):
    """The outbox: one row a notification and channel, written in the same
    transaction as its cause (or by the scheduler). `key` is unique: a
    reminder for a person, category, day and channel exists once, however
    often the scheduler runs. See portal.notifications.sender for the states."""

    __table_args__ = (
        Index("ix_notification_due", "state", "next_try_at"),
        Index("ix_notification_person", "person_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    category: str = Field(max_length=30)  # a Category value
    channel: str = Field(max_length=10)  # a Channel value
    person_id: int | None = Field(default=None, foreign_key="person.id")  # who receives; None: an address only
    client_person_id: int | None = Field(default=None, foreign_key="person.id")  # whose matters
    object_id: str = Field(default="", max_length=60)  # the day, the month, the message: what it is about
    # Only for a notification to an address rather than to a person's
    # confirmed contact point (a code to a new address, an answer to feedback).
    to_address: str = Field(default="", max_length=254)
    language: str = Field(default="fi", max_length=5)
    subject: str = Field(default="", max_length=200)
    # An answer's text; a code until it has gone out; in development, the text as delivered.
    body: str = Field(default="", max_length=8000)
    state: str = Field(default=State.QUEUED.value, max_length=10)
    attempts: int = 0
    created_at: datetime = Field(default_factory=utc_now)
    next_try_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime | None = None
    lease_until: datetime | None = None
    sent_at: datetime | None = None
    outcome: str = Field(default="", max_length=60)  # a code, never a provider's text
    provider_ref: str = Field(default="", max_length=200)
    stop_used_at: datetime | None = None  # its stop link was used (a second use is refused)
