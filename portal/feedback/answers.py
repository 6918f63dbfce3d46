"""Staff's answer to feedback, the same for a client's feedback and an
accessibility report: the row locked, the answer, its time and writer
recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session



def record(session: Session, query: Any, *, text: str, limit: int, by_person_id: int, now: datetime) -> Any:
    """The feedback `query` finds, answered; None if it finds none (not there, or not this person's to answer)."""
    feedback = session.exec(query.with_for_update()).first()
    if feedback is None:
        return None
    feedback.answer = text[:limit]
    feedback.answered_at = now
    feedback.answered_by_person_id = by_person_id
    session.add(feedback)
    return feedback
