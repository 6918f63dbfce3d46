"""The follow-up's kept attendance counts: one row per unit and month, and
the days whose kept counts are out of date (written by database triggers,
migration 0013). The rules are in portal/followup/attendance_months.py."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Text
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
