"""Feedback: accessibility feedback (law 306/2019: answered within 14 days)
and clients' feedback on the service. An answer by e-mail goes to the
notifications' outbox (portal.notifications.models.Notification)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from portal.clock import now as utc_now


class AccessibilityFeedback(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    received_at: datetime = Field(default_factory=utc_now, index=True)
    page: str = Field(default="", max_length=300)
    message: str = Field(max_length=4000)
    contact: str = Field(default="", max_length=200)
    language: str = Field(max_length=5)
    answer: str = Field(default="", max_length=4000)
    answered_at: datetime | None = None
    answered_by_person_id: int | None = Field(default=None, foreign_key="person.id")


class ClientFeedback(SQLModel, table=True):
    """A client's "Anna palautetta".

    Anonymous feedback has no person and no time of day: only the day it was
    given, so neither the row nor its timing points back to the person.
    """

    # The follow-up counts a unit's faces per day from this index alone.
    __table_args__ = (Index("ix_clientfeedback_unit_day_mood", "unit_id", "given_on", "mood"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)  # None: anonymous
    given_by_person_id: int | None = Field(default=None, foreign_key="person.id")  # a delegate, when named
    given_on: date = Field(index=True)
    given_at: datetime | None = None  # named feedback only
    mood: int  # 1 (bad) … 5 (very good): the five faces
    about: str = Field(default="", max_length=100)  # "" = the service as a whole, else an activity's name
    text: str = Field(default="", max_length=2000)
    answer: str = Field(default="", max_length=2000)
    answered_at: datetime | None = None
    answered_by_person_id: int | None = Field(default=None, foreign_key="person.id")
