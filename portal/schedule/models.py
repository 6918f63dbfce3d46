"""Weekly schedules (lukujärjestys): groups, their weekly template, the
clients in them, changes for one day, absence notices, attendance marks and
calendar feed tokens."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from decimal import Decimal

from sqlalchemy import Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from portal.clock import now as utc_now


class Group(SQLModel, table=True):
    """A group of one activity centre, e.g. "Puutyöt" at Verstas."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=100)


VALID_SINCE_ALWAYS = date(2000, 1, 1)  # a weekly time whose first day is not known (made before migration 0011)


class GroupSlot(SQLModel, table=True):
    """One weekly recurring time of a group: the group's weekly template.

    It takes place from valid_from to valid_until (None: for now); the rule is
    portal.schedule.week.slot_covers / slots_between.
    """

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True)
    weekday: int  # 0 = Monday … 6 = Sunday
    starts_at: time
    ends_at: time
    activity: str = Field(max_length=100)
    place: str = Field(max_length=100)
    guide_person_id: int | None = Field(default=None, foreign_key="person.id")
    valid_from: date = VALID_SINCE_ALWAYS  # the first day; staff choose it (default today) when they add a time
    valid_until: date | None = None  # the last day; None = goes on


class GroupMember(SQLModel, table=True):
    """A client assigned to a group, from a day until a day (or for now)."""

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="group.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    starts_on: date
    ends_on: date | None = None


class SlotChange(SQLModel, table=True):
    """A change to one slot on one day. A change for a week is one row a day."""

    __table_args__ = (UniqueConstraint("slot_id", "on_date"),)

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="groupslot.id", index=True)
    on_date: date = Field(index=True)
    cancelled: bool = False
    starts_at: time | None = None
    ends_at: time | None = None
    activity: str = Field(default="", max_length=100)
    place: str = Field(default="", max_length=100)
    note: str = Field(default="", max_length=200)  # shown to clients: what changes, in words
    created_by_person_id: int = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=utc_now)


class AbsenceReason(enum.StrEnum):
    ILL = "ill"
    OTHER = "other"
    NOT_SAID = "not_said"  # "I don't want to say"


class AbsenceNotice(SQLModel, table=True):
    """A client's notice that they cannot come on one day or a range of days."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    starts_on: date
    ends_on: date
    reason: str = Field(max_length=20)  # an AbsenceReason value
    message: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utc_now, index=True)
    created_by_person_id: int = Field(foreign_key="person.id")
    cancelled_at: datetime | None = None


class AttendanceMark(SQLModel, table=True):
    """A recorded attendance day, kept by staff on the day list (portal.attendance).
    An absence cannot be reported for a day that has one. `hours` is set for a
    day attended only in part; an absent day carries a reason."""

    __table_args__ = (UniqueConstraint("person_id", "on_date"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    on_date: date
    present: bool
    hours: Decimal | None = Field(default=None, sa_column=Column(Numeric(4, 2), nullable=True))
    absence_reason: str = Field(default="", max_length=20)
    recorded_by_person_id: int = Field(foreign_key="person.id")
    recorded_at: datetime = Field(default_factory=utc_now)


class CalendarFeed(SQLModel, table=True):
    """A secret calendar address. Only a hash of its token is stored; the token
    is an HMAC of `salt` with the server's secret, so the client can see the
    same address again, and nobody with only the database can."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    salt: str = Field(max_length=64)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utc_now)
    revoked_at: datetime | None = None
