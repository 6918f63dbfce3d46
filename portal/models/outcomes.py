"""How a client's service period ended and what comes next (jatkosuunnitelma)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlmodel import Field, SQLModel

from portal.models.feedback import utc_now


class PeriodEnding(enum.StrEnum):
    AS_PLANNED = "as_planned"  # the period ran its course
    EARLY = "early"  # ended before the planned day


class NextStep(enum.StrEnum):
    """The next steps named in seed 002."""

    STUDIES = "studies"
    JOB_COACHING = "job_coaching"
    WORK_TRIAL = "work_trial"  # työkokeilu
    PAY_SUBSIDISED_WORK = "pay_subsidised_work"  # palkkatuettu työ
    PAID_WORK = "paid_work"
    PENSION_ASSESSMENT = "pension_assessment"
    VOCATIONAL_REHABILITATION = "vocational_rehabilitation"
    SOCIAL_REHABILITATION = "social_rehabilitation"
    SUBSTANCE_REHABILITATION = "substance_rehabilitation"
    OTHER = "other"


class PeriodOutcome(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    period_id: int = Field(foreign_key="clientperiod.id", unique=True, index=True)
    ended_on: date
    ending: str = Field(max_length=20)  # a PeriodEnding value
    next_step: str = Field(max_length=40)  # a NextStep value
    note: str = Field(default="", max_length=1000)  # shown to the client
    recorded_at: datetime = Field(default_factory=utc_now)
    recorded_by_person_id: int = Field(foreign_key="person.id")
