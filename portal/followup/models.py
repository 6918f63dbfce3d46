"""The follow-up's kept figures. Attendance: one row per unit and month, and
the days whose kept counts are out of date (written by database triggers,
migration 0013; the rules are in portal/followup/attendance_months.py).
Clients and self-assessments on time: each client's occasions, one row per
unit and month, and the clients whose rows are out of date (triggers of
migration 0022; the rules are in portal/followup/assessment_months.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class AttendanceMonth(SQLModel, table=True):
    """A unit's attendance counts of a month's days from its first day to
    `counted_through`: the month's last day, or a day before today while the
    month goes on."""

    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    month: date = Field(primary_key=True)  # the first day of the month
    counted_through: date
    present: int  # days
    not_present: int  # days
    not_marked: int  # days
    persons: int  # clients with present or not-present days
    # While the month goes on: those clients' ids ("12,15,40"), to add the next days' clients to.
    person_ids: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    holidays: int  # the public holidays it was counted with: bit n-1 for the month's day n


class AttendanceMonthStale(SQLModel, table=True):
    """Days of a unit whose counts changed: the kept counts that include any
    of them are counted again on the next read. Written only by the triggers."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int
    first_day: date
    last_day: date | None = None  # None: and every day after


class FollowupOccasion(SQLModel, table=True):
    """One occasion of a client in a unit (portal.assessment.due.occasions of
    their periods there, and staff requests within them), as the follow-up
    counts it: done on time or not, and the day from which it counts. Made
    from the data alone, so it holds on every day."""

    __tablename__ = "followupoccasion"
    __table_args__ = (
        UniqueConstraint("unit_id", "person_id", "occasion", "due_on"),
        Index("ix_followupoccasion_month", "unit_id", "month", "counted_from", "on_time", "person_id"),
        Index("ix_followupoccasion_person", "person_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int
    person_id: int
    occasion: str = Field(max_length=20)
    due_on: date
    month: date  # the first day of due_on's month
    on_time: bool  # an assessment for it was sent by the due date plus the grace days
    # On time: counted from the due date. Otherwise late, counted once the grace days are over.
    counted_from: date


class FollowupMonth(SQLModel, table=True):
    """A unit's kept figures of a month: its clients (a period in the unit on
    some day of the month) and, once every occasion of the month counts (the
    month and its grace days are over), the occasions on time and late and
    the clients they are about; None while the month goes on."""

    __tablename__ = "followupmonth"

    unit_id: int = Field(primary_key=True)
    month: date = Field(primary_key=True)  # the first day of the month
    clients: int
    on_time: int | None = None
    late: int | None = None
    persons: int | None = None


class FollowupStale(SQLModel, table=True):
    """What changed since the kept figures were made: a client whose
    occasions are to be made again, and for a change to a service period the
    unit and days it covered (the months whose clients are counted again).
    Written only by the triggers of migration 0022."""

    __tablename__ = "followupstale"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int
    unit_id: int | None = None
    first_day: date | None = None
    last_day: date | None = None


class FollowupRules(SQLModel, table=True):
    """The due-date rules and grace days the kept occasions were made with:
    others make every client's occasions again."""

    __tablename__ = "followuprules"

    id: int = Field(default=1, primary_key=True)
    fingerprint: str = Field(max_length=64)
