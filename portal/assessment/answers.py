"""Answer sets: start one, store each answer at once, send it once.

Every save is checked: the value must be one the question allows, the
assessment must be a draft of this client, and the revision the page was
shown with must still be the stored one (two tabs never silently overwrite
each other). A sent assessment never changes.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from portal.assessment.content import Library, Question, Questionnaire
from portal.assessment.due import DueOccasion
from portal.auth.sessions import now_utc
from portal.models import Assessment, AssessmentAnswer, AssessmentRequest, AssessmentStatus, Occasion


class InvalidAnswer(ValueError):
    """A value the question does not allow: nothing is stored."""


@dataclass(frozen=True)
class Answer:
    question_id: str
    values: tuple[str, ...]  # choice values, or one text
    skipped: bool
    revision: int
    entered_by_person_id: int
    entered_as: str


def _answer(row: AssessmentAnswer) -> Answer:
    values = tuple(row.value.split(" ")) if row.value and not row.skipped else ()
    return Answer(row.question_id, values, row.skipped, row.revision, row.entered_by_person_id, row.entered_as)


def checked_value(questionnaire: Questionnaire, question: Question, values: list[str]) -> str:
    """The stored form of an answer; InvalidAnswer if the question does not allow it."""
    if question.type == "text":
        if len(values) != 1:
            raise InvalidAnswer("one text expected")
        text = values[0].strip()
        if not text or len(text) > (question.max_length or 0) or "\x00" in text:
            raise InvalidAnswer("text empty or too long")
        return text
    allowed = {choice.value for choice in questionnaire.choices(question)}
    if not values or any(value not in allowed for value in values) or len(set(values)) != len(values):
        raise InvalidAnswer("not a choice of this question")
    if question.type != "multiple" and len(values) != 1:
        raise InvalidAnswer("one choice expected")
    return " ".join(sorted(values, key=[choice.value for choice in questionnaire.choices(question)].index))


def open_draft(session: Session, *, person_id: int) -> Assessment | None:
    return session.exec(select(Assessment).where(Assessment.open_for_person_id == person_id)).first()


def start(session: Session, *, library: Library, person_id: int, started_by: int,
          due: DueOccasion | None, request_id: int | None = None) -> Assessment:
    """The client's open draft, or a new one on the newest content version."""
    existing = open_draft(session, person_id=person_id)
    if existing is not None:
        return existing
    loaded = library.current()
    assessment = Assessment(
        person_id=person_id,
        occasion=(due.occasion if due else Occasion.EXTRA).value,
        due_on=due.due_on if due else None,
        content_id=loaded.questionnaire.id,
        content_version=loaded.questionnaire.version,
        content_sha256=loaded.sha256,
        open_for_person_id=person_id,
        started_by_person_id=started_by,
    )
    try:
        with session.begin_nested():  # a second tab started one at the same moment
            session.add(assessment)
            session.flush()
    except IntegrityError:
        existing = open_draft(session, person_id=person_id)
        assert existing is not None
        return existing
    if request_id is not None:
        request = session.get(AssessmentRequest, request_id)
        if request is not None and request.assessment_id is None:
            request.assessment_id = assessment.id
            session.add(request)
    return assessment


def of_person(session: Session, *, assessment_id: int, person_id: int) -> Assessment | None:
    """The assessment if it is this person's; None for anyone else's (never reveal which)."""
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or assessment.person_id != person_id:
        return None
    return assessment


def answers(session: Session, *, assessment_id: int) -> dict[str, Answer]:
    rows = session.exec(select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == assessment_id)).all()
    return {row.question_id: _answer(row) for row in rows}


class SaveOutcome(enum.Enum):
    SAVED = "saved"
    CONFLICT = "conflict"  # another tab saved this answer after the page was shown
    CLOSED = "closed"  # the assessment was sent already


def save_answer(session: Session, *, assessment: Assessment, questionnaire: Questionnaire, question: Question,
                values: list[str], skipped: bool, seen_revision: int, entered_by: int,
                entered_as: str) -> SaveOutcome:
    """Store one answer at once. InvalidAnswer for a value the question does not allow."""
    if assessment.status != AssessmentStatus.DRAFT.value:
        return SaveOutcome.CLOSED
    value = "" if skipped else checked_value(questionnaire, question, values)
    fields = {"value": value, "skipped": skipped, "entered_by_person_id": entered_by,
              "entered_as": entered_as, "updated_at": now_utc()}
    if seen_revision == 0:
        try:
            with session.begin_nested():
                session.add(AssessmentAnswer(assessment_id=assessment.id, question_id=question.id, revision=1,
                                             **fields))  # type: ignore[arg-type]
                session.flush()
        except IntegrityError:  # the other tab answered first
            return SaveOutcome.CONFLICT
        return SaveOutcome.SAVED
    result = session.exec(  # type: ignore[call-overload]
        update(AssessmentAnswer)
        .where(col(AssessmentAnswer.assessment_id) == assessment.id,
               col(AssessmentAnswer.question_id) == question.id,
               col(AssessmentAnswer.revision) == seen_revision)
        .values(revision=AssessmentAnswer.revision + 1, **fields)
    )
    return SaveOutcome.SAVED if result.rowcount == 1 else SaveOutcome.CONFLICT


def first_unanswered(questionnaire: Questionnaire, stored: dict[str, Answer]) -> Question | None:
    return next((q for q in questionnaire.questions if q.id not in stored), None)


def send(session: Session, *, assessment: Assessment, sent_by: int) -> bool:
    """Send the draft; False (and nothing changes) when it was sent already."""
    result = session.exec(  # type: ignore[call-overload]
        update(Assessment)
        .where(col(Assessment.id) == assessment.id, col(Assessment.status) == AssessmentStatus.DRAFT.value)
        .values(status=AssessmentStatus.SENT.value, open_for_person_id=None, sent_at=now_utc(),
                sent_by_person_id=sent_by)
    )
    session.expire(assessment)
    return result.rowcount == 1


def history(session: Session, *, person_id: int) -> list[Assessment]:
    """Sent and reviewed assessments, newest first."""
    return list(session.exec(
        select(Assessment)
        .where(Assessment.person_id == person_id, col(Assessment.status) != AssessmentStatus.DRAFT.value)
        .order_by(col(Assessment.sent_at).desc(), col(Assessment.id).desc())
    ).all())


def history_of(assessments: list[Assessment]) -> list[Assessment]:
    """Pure: the same as history() from the client's rows already read."""
    sent = [a for a in assessments if a.status != AssessmentStatus.DRAFT.value]
    return sorted(sent, key=lambda a: (a.sent_at is not None, a.sent_at or datetime.min, a.id or 0), reverse=True)


def previous(session: Session, *, assessment: Assessment) -> Assessment | None:
    """The client's assessment sent before this one, for the comparison."""
    if assessment.sent_at is None:
        return None
    return session.exec(
        select(Assessment)
        .where(Assessment.person_id == assessment.person_id, col(Assessment.sent_at) < assessment.sent_at,
               col(Assessment.status) != AssessmentStatus.DRAFT.value)
        .order_by(col(Assessment.sent_at).desc())
    ).first()


def review(session: Session, *, assessment: Assessment, reviewed_by: int, comment: str) -> bool:
    """Mark a sent assessment handled with a comment the client sees; False if it is not sent."""
    if assessment.status == AssessmentStatus.DRAFT.value:
        return False
    assessment.status = AssessmentStatus.REVIEWED.value
    assessment.reviewed_at = now_utc()
    assessment.reviewed_by_person_id = reviewed_by
    assessment.staff_comment = comment
    session.add(assessment)
    return True


def request(session: Session, *, person_id: int, requested_by: int, due_on: date) -> AssessmentRequest:
    """Ask the client for an assessment; an open request is kept rather than doubled."""
    row = session.exec(select(AssessmentRequest).where(
        AssessmentRequest.person_id == person_id, col(AssessmentRequest.assessment_id).is_(None))).first()
    if row is not None:
        return row
    row = AssessmentRequest(person_id=person_id, requested_by_person_id=requested_by, due_on=due_on)
    session.add(row)
    session.flush()
    return row
