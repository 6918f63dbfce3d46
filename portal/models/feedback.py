"""Accessibility feedback (law 306/2019: answered within 14 days)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    return datetime.now(UTC)


class AccessibilityFeedback(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    received_at: datetime = Field(default_factory=utc_now, index=True)
    page: str = Field(default="", max_length=300)
    message: str = Field(max_length=4000)
    contact: str = Field(default="", max_length=200)
    language: str = Field(max_length=5)
