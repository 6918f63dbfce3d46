"""Feedback from people using the portal."""

from __future__ import annotations

from sqlmodel import Session

from portal.models import AccessibilityFeedback


def record_accessibility_feedback(
    session: Session, *, message: str, page: str, contact: str, language: str
) -> int:
    feedback = AccessibilityFeedback(message=message, page=page, contact=contact, language=language)
    session.add(feedback)
    session.flush()
    assert feedback.id is not None
    return feedback.id
