"""Feedback from people using the portal."""

from __future__ import annotations

from sqlmodel import Session

from portal import rate_limit
from portal.models import AccessibilityFeedback


def record_accessibility_feedback(
    session: Session, *, message: str, page: str, contact: str, language: str, sender_address: str, secret: str
) -> int | None:
    """Store the feedback; None when this address has sent too much already."""
    if not rate_limit.allow(session, limit=rate_limit.FEEDBACK_PER_ADDRESS, key=sender_address, secret=secret):
        return None
    feedback = AccessibilityFeedback(message=message, page=page, contact=contact, language=language)
    session.add(feedback)
    session.flush()
    assert feedback.id is not None
    return feedback.id
