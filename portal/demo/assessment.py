"""Demo self-assessments, so `./dev run` shows every state:

- Aino sent her first one at the start and her instructor commented on it;
  her follow-up is due now, so she can fill it in and see the comparison.
- Mikko sent his first one; it waits in Sanna's review queue.
- Jari sent his first one at Tupa and Maria commented on it.
- Liisa has not filled in her first one: it is overdue at Tupa.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from portal.assessment.content import Loaded, load_library
from portal.models import Assessment, AssessmentAnswer, AssessmentStatus, Occasion

AINO, MIKKO, SANNA = "010280-952L", "150375-990C", "300883-9617"
JARI, MARIA = "071188-955W", "180679-9737"

# Answers by question id: a value (or values), or None for "En halua vastata".
AINO_START = {
    "work_ability_now": "5", "coping_at_work": "3", "health_enough": "3", "feel_good": "3", "sleep": "2",
    "focus": "3", "someone_to_talk": "4", "belong": "2", "ask_for_help": "2", "moving": "4", "hand_work": "4",
    "pain": "sometimes", "work_tasks": "3", "learn_new": "3", "want_to_learn": "computer cooking",
    "home_chores": "3", "money_matters": "2", "on_time": "4", "anything_else": None,
}
MIKKO_START = {**AINO_START, "work_ability_now": "7", "belong": "4", "sleep": "4", "money_matters": "4",
               "anything_else": "Haluaisin tehdä enemmän puutöitä."}


def add_sent(session: Session, *, loaded: Loaded, person_id: int, occasion: Occasion, due_on: date | None,
             sent_at: datetime, answers: dict[str, str | None], comment: str = "",
             reviewer_id: int | None = None) -> Assessment:
    """A sent (or, with a comment, reviewed) assessment with its answers, as the client made it."""
    assessment = Assessment(
        person_id=person_id, occasion=occasion.value, due_on=due_on,
        content_id=loaded.questionnaire.id, content_version=loaded.questionnaire.version,
        content_sha256=loaded.sha256,
        status=AssessmentStatus.REVIEWED.value if comment else AssessmentStatus.SENT.value,
        started_at=sent_at - timedelta(minutes=15), started_by_person_id=person_id,
        sent_at=sent_at, sent_by_person_id=person_id,
        reviewed_at=sent_at + timedelta(days=3) if comment else None,
        reviewed_by_person_id=reviewer_id, staff_comment=comment,
    )
    session.add(assessment)
    session.flush()
    for question_id, value in answers.items():
        session.add(AssessmentAnswer(
            assessment_id=assessment.id, question_id=question_id, value=value or "", skipped=value is None,
            entered_by_person_id=person_id, entered_as="client", updated_at=sent_at,  # type: ignore[arg-type]
        ))
    return assessment


def load_assessment_demo(session: Session, *, person_ids: dict[str, int], period_starts: date) -> None:
    loaded = load_library().current()
    sent_at = datetime.combine(period_starts, datetime.min.time(), tzinfo=UTC) + timedelta(days=2, hours=9)
    for code, answers, comment, reviewer in (
        (AINO, AINO_START, "Hyvä alku, Aino! Puhutaan unesta ja rahasta seuraavalla kerralla.", SANNA),
        (MIKKO, MIKKO_START, "", None),
        (JARI, {**AINO_START, "work_ability_now": "4", "on_time": "2"}, "Kiitos, Jari! Sovitaan aamuista yhdessä.", MARIA),
    ):
        add_sent(session, loaded=loaded, person_id=person_ids[code], occasion=Occasion.START, due_on=period_starts,
                 sent_at=sent_at, answers=answers, comment=comment,
                 reviewer_id=person_ids[reviewer] if reviewer else None)
