"""Self-assessments (oma arvio): one answer set per occasion, answers stored
one by one as the client goes, so nothing typed is lost."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from portal import clock


def utc_now() -> datetime:
    return clock.now()


class AssessmentStatus(enum.StrEnum):
    DRAFT = "draft"  # being filled in
    SENT = "sent"  # sent by the client: never changes again
    REVIEWED = "reviewed"  # a staff member has marked it handled


class Occasion(enum.StrEnum):
    START = "start"  # when the period starts
    FOLLOW_UP = "follow_up"  # about three months later (per service)
    END = "end"  # when the period ends
    REQUESTED = "requested"  # a staff member asked for one
    EXTRA = "extra"  # the client wanted to fill one in


class Assessment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    occasion: str = Field(max_length=20)  # an Occasion value
    due_on: date | None = None
    # The exact content: a person who started on version 1 finishes on it.
    content_id: str = Field(max_length=60)
    content_version: int
    content_sha256: str = Field(max_length=64)
    status: str = Field(default=AssessmentStatus.DRAFT.value, max_length=20, index=True)
    # Set only while a draft: the unique index allows one open draft per person.
    open_for_person_id: int | None = Field(default=None, unique=True)
    started_at: datetime = Field(default_factory=utc_now)
    started_by_person_id: int = Field(foreign_key="person.id")
    sent_at: datetime | None = None
    sent_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    reviewed_at: datetime | None = None
    reviewed_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    staff_comment: str = Field(default="", max_length=1000)


class AssessmentAnswer(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("assessment_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", index=True)
    question_id: str = Field(max_length=60)
    value: str = Field(default="", max_length=2000)  # choice values joined by spaces, or the text
    skipped: bool = False  # "En halua vastata"
    # Raised on every save; a save that brings an older number is refused,
    # so two tabs never silently overwrite each other.
    revision: int = 1
    entered_by_person_id: int = Field(foreign_key="person.id")
    entered_as: str = Field(max_length=20)  # "client", "delegate" or "staff"
    updated_at: datetime = Field(default_factory=utc_now)


class AssessmentRequest(SQLModel, table=True):
    """A staff member asked the client to fill in an assessment."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    requested_by_person_id: int = Field(foreign_key="person.id")
    requested_at: datetime = Field(default_factory=utc_now)
    due_on: date
    assessment_id: int | None = Field(default=None, foreign_key="assessment.id")


class AssessmentQueueEntry(SQLModel, table=True):
    """The staff queue, kept (portal/assessment/queue.py): for each client and
    unit of their periods, where the client's self-assessment stands
    (`section` overdue, due_soon or none; `day` the due date) on every day from
    `valid_from` to `valid_until`; and a to_review entry per sent assessment
    (`day` the day it was sent). Made from what status_from computes; the
    triggers of migration 0018 mark a client's entries out of date."""

    __tablename__ = "assessmentqueue"
    __table_args__ = (
        UniqueConstraint("unit_id", "person_id", "assessment_id"),
        Index("ix_assessmentqueue_section", "unit_id", "section", "sort_name", "id"),
        Index("ix_assessmentqueue_until", "unit_id", "valid_until"),
        Index("ix_assessmentqueue_from", "unit_id", "valid_from"),
        Index("ix_assessmentqueue_person", "person_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    person_id: int = Field(foreign_key="person.id")
    assessment_id: int = 0  # the sent assessment of a to_review entry; 0 for the due entry
    section: str = Field(max_length=20)  # to_review, overdue, due_soon or none
    sort_name: str = Field(max_length=201)  # as the client's period has it: the list's order
    day: date | None = None
    valid_from: date
    valid_until: date


class AssessmentQueueStale(SQLModel, table=True):
    """Clients whose queue entries are out of date: written only by the
    triggers of migration 0018 (periods, assessments, requests), read and
    emptied by the queue."""

    __tablename__ = "assessmentqueuestale"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int


class AssessmentQueueRules(SQLModel, table=True):
    """The due-date rules (portal/content/assessment_schedule.toml) the kept
    entries were made with: other rules make every entry again."""

    __tablename__ = "assessmentqueuerules"

    id: int = Field(default=1, primary_key=True)
    fingerprint: str = Field(max_length=64)
