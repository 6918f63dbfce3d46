"""Money paid for attended days: dated rates, benefit status, attendance
corrections. Amounts are Numeric in the database and Decimal in Python."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from portal.clock import now as utc_now


class MoneyKind(enum.StrEnum):
    WORK_SHARE = "work_share"  # työosuusraha: work and open work activity, paid by the county
    EXPENSE_COMPENSATION = "expense_compensation"  # kulukorvaus: Kela, with an unemployment benefit
    ACTIVITY_MONEY = "activity_money"  # toimintaraha: the county, for clients on social assistance


class PartDayRule(enum.StrEnum):
    """How a day attended only in part is paid: a rate setting, not code."""

    FULL = "full"
    SHARE = "share"  # hours / full_day_hours of the rate, at most the whole rate
    NONE = "none"


class BenefitKind(enum.StrEnum):
    UNEMPLOYMENT_BENEFIT = "unemployment_benefit"  # työttömyysetuus is paid (also reduced or adjusted)
    SOCIAL_ASSISTANCE = "social_assistance"  # toimeentulotuki, no unemployment benefit
    NEITHER = "neither"


class Rate(SQLModel, table=True):
    """A rate decided by an organisation for one service and kind of money,
    valid from a day until a day (or for now). Periods of one
    (organisation, service, kind) never overlap: checked in the domain and,
    on PostgreSQL, by an exclusion constraint (migration 0009)."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    service: str = Field(max_length=40)
    kind: str = Field(max_length=40)  # a MoneyKind value
    amount: Decimal = Field(sa_column=Column(Numeric(8, 2), nullable=False))  # euros per day
    part_day: str = Field(default=PartDayRule.FULL.value, max_length=10)
    full_day_hours: Decimal = Field(default=Decimal("6"), sa_column=Column(Numeric(4, 2), nullable=False))
    valid_from: date
    valid_until: date | None = None


class BenefitStatus(SQLModel, table=True):
    """What a rehabilitative work activity client receives, from a day until a day."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    benefit: str = Field(max_length=40)  # a BenefitKind value
    starts_on: date
    ends_on: date | None = None
    recorded_by_person_id: int = Field(foreign_key="person.id")
    recorded_at: datetime = Field(default_factory=utc_now)


class AttendanceCorrection(SQLModel, table=True):
    """A change to a recorded day, kept beside the original: the values
    before and after, why, who and when. The mark holds the current values."""

    id: int | None = Field(default=None, primary_key=True)
    mark_id: int = Field(foreign_key="attendancemark.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    on_date: date
    was_present: bool
    was_hours: Decimal | None = Field(default=None, sa_column=Column(Numeric(4, 2), nullable=True))
    was_absence_reason: str = Field(default="", max_length=20)
    present: bool
    hours: Decimal | None = Field(default=None, sa_column=Column(Numeric(4, 2), nullable=True))
    absence_reason: str = Field(default="", max_length=20)
    reason: str = Field(max_length=200)
    recorded_by_person_id: int = Field(foreign_key="person.id")
    recorded_at: datetime = Field(default_factory=utc_now, index=True)


class MonthClosing(SQLModel, table=True):
    """A unit's month closed after payment: its marks no longer change in place.
    A later correction to it is paid (or taken back) in the next open month."""

    __table_args__ = (UniqueConstraint("unit_id", "month"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    month: date  # the first day of the month
    closed_by_person_id: int = Field(foreign_key="person.id")
    closed_at: datetime = Field(default_factory=utc_now)


class ImportedRecord(SQLModel, table=True):
    """Which of our records a row of a client-record system's import became,
    so importing the same file again changes nothing (idempotent by source id)."""

    __table_args__ = (UniqueConstraint("source", "kind", "source_id"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)  # the source system, as named in the file
    kind: str = Field(max_length=20)  # "attendance" or "membership"
    source_id: str = Field(max_length=100)
    record_id: int
    imported_at: datetime = Field(default_factory=utc_now)


class MoneyMonthCard(SQLModel, table=True):
    """The start page's money card of a client's month, kept (portal/money/card.py):
    what the month's statement (portal/money/statements.py) says so far,
    made from the data as it stood at `person_version` and `global_version`
    (MoneyVersion). Any other version there and the card is made again."""

    __tablename__ = "moneymonthcard"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    month: date  # the first day of the month
    attended_days: int
    total: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))  # its days and the corrections
    kinds: str = Field(max_length=200)  # the kinds of money its days earn, in MoneyKind order, comma-separated
    services: str = Field(max_length=200)  # the services of its periods, sorted, comma-separated
    person_version: int
    global_version: int


class MoneyVersion(SQLModel, table=True):
    """A counter per client that the triggers of migration 0019 raise on every
    write to what the client's money is made of (attendance marks and
    corrections, periods, benefit status), and one for everyone (person_id 0:
    rates, month closings, a unit's organisation)."""

    __tablename__ = "moneyversion"

    person_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    version: int = 0
