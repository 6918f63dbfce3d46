"""What the assessment pages show, read in one transaction each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from portal.assessment import answers as answer_rules
from portal.assessment import overview, results
from portal.assessment.answers import Answer
from portal.assessment.content import Library, Question, Questionnaire
from portal.models import Assessment, ClientPeriod, Person


def questionnaire_of(library: Library, assessment: Assessment) -> Questionnaire | None:
    """The exact content version the assessment was started on."""
    return library.get(assessment.content_id, assessment.content_version, assessment.content_sha256)


def content_key(assessment: Assessment) -> str:
    return f"{assessment.content_id}@{assessment.content_version}"


def _names(session: Session, person_ids: set[int]) -> dict[int, str]:
    if not person_ids:
        return {}
    rows = session.exec(select(Person).where(col(Person.id).in_(person_ids))).all()
    return {p.id: f"{p.given_name} {p.family_name}" for p in rows}  # type: ignore[misc]


@dataclass(frozen=True)
class Step:
    assessment: Assessment
    questionnaire: Questionnaire
    question: Question
    number: int  # 1-based
    total: int
    previous_id: str | None
    next_id: str | None
    stored: Answer | None


def step(session: Session, *, library: Library, person_id: int, assessment_id: int,
         question_id: str) -> Step | Assessment | None:
    """The question page; the Assessment itself when it is not a draft any more; None if not found."""
    assessment = answer_rules.of_person(session, assessment_id=assessment_id, person_id=person_id)
    if assessment is None:
        return None
    if assessment.status != "draft":
        return assessment
    questionnaire = questionnaire_of(library, assessment)
    if questionnaire is None or question_id not in questionnaire.by_id:
        return None
    ids = [q.id for q in questionnaire.questions]
    index = ids.index(question_id)
    stored = answer_rules.answers(session, assessment_id=assessment_id).get(question_id)
    return Step(assessment, questionnaire, questionnaire.by_id[question_id], index + 1, len(ids),
                ids[index - 1] if index > 0 else None, ids[index + 1] if index + 1 < len(ids) else None, stored)


@dataclass(frozen=True)
class AnswerRow:
    question: Question
    answer: Answer | None
    entered_by: str | None  # a name when someone else entered it


@dataclass(frozen=True)
class AnswerSet:
    assessment: Assessment
    questionnaire: Questionnaire
    rows: list[AnswerRow]
    first_unanswered: Question | None


def answer_set(session: Session, *, library: Library, assessment: Assessment) -> AnswerSet | None:
    questionnaire = questionnaire_of(library, assessment)
    if questionnaire is None:
        return None
    assert assessment.id is not None
    stored = answer_rules.answers(session, assessment_id=assessment.id)
    others = {a.entered_by_person_id for a in stored.values() if a.entered_by_person_id != assessment.person_id}
    names = _names(session, others)
    rows = [
        AnswerRow(q, stored.get(q.id),
                  names.get(stored[q.id].entered_by_person_id) if q.id in stored else None)
        for q in questionnaire.questions
    ]
    return AnswerSet(assessment, questionnaire, rows, answer_rules.first_unanswered(questionnaire, stored))


def stored_answers(answer_set_: AnswerSet) -> dict[str, Answer]:
    return {row.question.id: row.answer for row in answer_set_.rows if row.answer is not None}


@dataclass(frozen=True)
class Results:
    current: AnswerSet
    previous: AnswerSet | None
    areas: list[results.AreaResult]
    chart: results.Chart
    reviewer: str | None
    history: list[Assessment]


def results_of(session: Session, *, library: Library, assessment: Assessment, with_history: bool = True) -> Results | None:
    current = answer_set(session, library=library, assessment=assessment)
    if current is None:
        return None
    earlier = answer_rules.previous(session, assessment=assessment)
    previous = answer_set(session, library=library, assessment=earlier) if earlier else None
    previous_scores = (results.area_scores(previous.questionnaire, stored_answers(previous)) if previous else None)
    areas = results.compare(current.questionnaire, stored_answers(current), previous_scores)
    reviewer = None
    if assessment.reviewed_by_person_id:
        reviewer = _names(session, {assessment.reviewed_by_person_id}).get(assessment.reviewed_by_person_id)
    history = answer_rules.history(session, person_id=assessment.person_id) if with_history else []
    return Results(current, previous, areas, results.chart(areas), reviewer, history)


@dataclass(frozen=True)
class Overview:
    status: overview.ClientStatus
    history: list[Assessment]
    questionnaire: Questionnaire
    first_unanswered_id: str | None


def client_overview(session: Session, *, library: Library, person_id: int, today: date,
                    periods: list[ClientPeriod] | None = None) -> Overview:
    """The client's assessments; `periods` when the page has already read all of the client's periods."""
    rows = overview.client_rows(session, person_id=person_id, periods=periods)
    status = overview.status_from(periods=rows.periods, assessments=rows.assessments, requests=rows.requests,
                                  today=today)
    questionnaire = library.current().questionnaire
    first = None
    if status.draft is not None:
        draft_content = questionnaire_of(library, status.draft)
        if draft_content is not None:
            questionnaire = draft_content
            assert status.draft.id is not None
            stored = answer_rules.answers(session, assessment_id=status.draft.id)
            question = answer_rules.first_unanswered(draft_content, stored)
            first = question.id if question else None
    return Overview(status, answer_rules.history_of(rows.assessments), questionnaire, first)
