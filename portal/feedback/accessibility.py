"""The accessibility statement's feedback channel and its staff queue.

Law 306/2019 asks for an answer within 14 days. An answer to a sender who
gave an e-mail address goes into the notifications' outbox in the same
transaction, and the sender e-mails it (portal.notifications.sender).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from portal import i18n, rate_limit
from portal.feedback.models import AccessibilityFeedback
from portal.notifications import outbox
from portal.notifications.models import Category, Channel
from portal.feedback import answers

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ANSWER_WITHIN = timedelta(days=14)
ANSWER_MAX = 4000
HELSINKI = ZoneInfo("Europe/Helsinki")
# The e-mail's subject, in the sender's language (marked for extraction here).
SUBJECT = i18n.lazy_gettext("Vastaus palautteeseesi saavutettavuudesta")


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


@dataclass(frozen=True)
class QueueItem:
    feedback: AccessibilityFeedback
    received_on: date
    due_on: date

    def overdue(self, today: date) -> bool:
        return self.feedback.answered_at is None and today > self.due_on

    @property
    def by_email(self) -> bool:
        return bool(EMAIL_PATTERN.match(self.feedback.contact))


def queue(session: Session, *, limit: int = 100) -> list[QueueItem]:
    """Unanswered first, oldest first (the nearest deadline on top); then the answered, newest first."""
    unanswered = session.exec(
        select(AccessibilityFeedback).where(col(AccessibilityFeedback.answered_at).is_(None))
        .order_by(col(AccessibilityFeedback.received_at), col(AccessibilityFeedback.id)).limit(limit)
    ).all()
    answered = session.exec(
        select(AccessibilityFeedback).where(col(AccessibilityFeedback.answered_at).is_not(None))
        .order_by(col(AccessibilityFeedback.answered_at).desc()).limit(limit)
    ).all()
    items = []
    for feedback in [*unanswered, *answered]:
        received_on = feedback.received_at.astimezone(HELSINKI).date()
        items.append(QueueItem(feedback, received_on, received_on + ANSWER_WITHIN))
    return items


def answer(session: Session, *, feedback_id: int, text: str, by_person_id: int, now: datetime) -> AccessibilityFeedback | None:
    """Record the answer; with an e-mail contact, put it in the outbox. None: no such feedback."""
    feedback = answers.record(session, select(AccessibilityFeedback).where(AccessibilityFeedback.id == feedback_id),
                              text=text, limit=ANSWER_MAX, by_person_id=by_person_id, now=now)
    if feedback is None:
        return None
    if EMAIL_PATTERN.match(feedback.contact):
        subject = i18n.translations(i18n.supported(feedback.language)).gettext(SUBJECT._args[0])  # type: ignore[attr-defined]
        outbox.enqueue_direct(session, key=f"accessibility_answer:{feedback.id}:{now.timestamp():.6f}",
                              category=Category.ACCESSIBILITY_ANSWER, channel=Channel.EMAIL,
                              to_address=feedback.contact.strip(), language=i18n.supported(feedback.language),
                              subject=subject, body=feedback.answer, now=now)
    session.flush()
    return feedback
