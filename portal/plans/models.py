"""Implementation plans (toteuttamissuunnitelma; in rehabilitative work
activity the activation plan, aktivointisuunnitelma) and their goals.

A plan is never edited in place: a new version replaces it and the old one
stays as history (replaced_at, replaced_by_id). And how a client's service
period ended and what comes next (jatkosuunnitelma).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Field, SQLModel

from portal.clock import now as utc_now


class GoalStatus(enum.StrEnum):
    STARTING = "starting"  # not started yet
    ON_THE_WAY = "on_the_way"  # in progress
    REACHED = "reached"
    CHANGED = "changed"  # set aside or changed into another goal


class Plan(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    service: str = Field(max_length=40)  # a Service value
    starts_on: date
    ends_on: date
    days_per_week: int
    hours_per_day: Decimal = Field(max_digits=3, decimal_places=1)
    next_review_on: date | None = None
    network_meeting_on: date | None = None  # verkostotapaaminen
    contact_person_id: int | None = Field(default=None, foreign_key="person.id")
    contact_phone: str = Field(default="", max_length=40)
    created_at: datetime = Field(default_factory=utc_now)
    created_by_person_id: int = Field(foreign_key="person.id")
    replaced_at: datetime | None = None
    replaced_by_id: int | None = Field(default=None, foreign_key="plan.id")


class Goal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    position: int
    client_words: str = Field(max_length=500)  # the goal in the client's own words
    staff_words: str = Field(default="", max_length=1000)
    status: str = Field(max_length=20)  # a GoalStatus value
    follow_up: str = Field(default="", max_length=2000)  # follow-up notes by staff


class GoalThought(SQLModel, table=True):
    """The client's own thoughts on a goal before a review ("Omat ajatukseni")."""

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    written_by_person_id: int = Field(foreign_key="person.id")
    written_at: datetime = Field(default_factory=utc_now)
    text: str = Field(max_length=2000)


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
