"""Area scores, encouraging feedback and the comparison with the previous
assessment, with the geometry of the server-rendered SVG chart.

Scores are 0–10 per area, the mean of the answered scored questions (5-point
scales, the 0–10 item and single choices with a score). Skipped and free-text
answers do not count. Assessments are compared by area id, so a new content
version still compares with the old one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from portal.assessment.answers import Answer
from portal.assessment.content import Question, Questionnaire, Text

HIGH, LOW = 7.0, 4.0  # band limits on the 0–10 scale
SAME = 0.5  # a smaller change reads as "about the same"


def question_score(questionnaire: Questionnaire, question: Question, answer: Answer | None) -> float | None:
    if answer is None or answer.skipped or not answer.values:
        return None
    if question.type == "scale5":
        return (int(answer.values[0]) - 1) * 2.5
    if question.type == "scale11":
        return float(int(answer.values[0]))
    if question.type == "single":
        score = next((c.score for c in question.choices if c.value == answer.values[0]), None)
        return None if score is None else (score - 1) * 2.5
    return None


def value_scores(questionnaire: Questionnaire) -> dict[str, tuple[str, dict[str, float]]]:
    """For each scored question: its area, and the score of each value it allows (by
    question_score). Lets many answer sets be scored from their stored values alone."""
    found = {}
    for question in questionnaire.questions:
        scores = {}
        for choice in questionnaire.choices(question):
            score = question_score(questionnaire, question, Answer(question.id, (choice.value,), False, 0, 0, ""))
            if score is not None:
                scores[choice.value] = score
        if scores:
            found[question.id] = (question.area, scores)
    return found


def area_scores(questionnaire: Questionnaire, stored: dict[str, Answer]) -> dict[str, float | None]:
    totals: dict[str, list[float]] = {area.id: [] for area in questionnaire.areas}
    for question in questionnaire.questions:
        score = question_score(questionnaire, question, stored.get(question.id))
        if score is not None:
            totals[question.area].append(score)
    return {area: round(sum(s) / len(s), 1) if s else None for area, s in totals.items()}


class Change(enum.StrEnum):
    BETTER = "better"
    SAME = "same"
    LOWER = "lower"


@dataclass(frozen=True)
class AreaResult:
    area_id: str
    name: Text
    score: float | None
    previous: float | None
    feedback: Text | None

    @property
    def change(self) -> Change | None:
        if self.score is None or self.previous is None:
            return None
        if abs(self.score - self.previous) < SAME:
            return Change.SAME
        return Change.BETTER if self.score > self.previous else Change.LOWER


def feedback(questionnaire: Questionnaire, area_id: str, score: float | None) -> Text | None:
    if score is None:
        return None
    texts = questionnaire.area(area_id).feedback or questionnaire.feedback
    return texts.high if score >= HIGH else texts.low if score < LOW else texts.middle


def compare(questionnaire: Questionnaire, stored: dict[str, Answer],
            previous_scores: dict[str, float | None] | None) -> list[AreaResult]:
    scores = area_scores(questionnaire, stored)
    previous_scores = previous_scores or {}
    return [
        AreaResult(area.id, area.name, scores[area.id], previous_scores.get(area.id),
                   feedback(questionnaire, area.id, scores[area.id]))
        for area in questionnaire.areas
    ]


# The chart: one group per area, a hollow bar for last time and a solid bar
# for now, each with its number written at its end (meaning never by colour).
CHART_WIDTH = 300
LABEL_HEIGHT = 18
BAR_HEIGHT = 14
GROUP_GAP = 12
BAR_MAX = 250  # leaves room for the number after a full bar


@dataclass(frozen=True)
class ChartBar:
    y: int
    width: float
    value: float
    previous: bool


@dataclass(frozen=True)
class ChartGroup:
    label_y: int
    name: Text
    bars: tuple[ChartBar, ...]


@dataclass(frozen=True)
class Chart:
    height: int
    groups: tuple[ChartGroup, ...]
    has_previous: bool


def chart(results: list[AreaResult]) -> Chart:
    groups = []
    y = 0
    has_previous = any(result.previous is not None for result in results)
    for result in results:
        label_y = y + LABEL_HEIGHT - 4
        y += LABEL_HEIGHT
        bars = []
        for value, is_previous in ((result.previous, True), (result.score, False)):
            if is_previous and not has_previous:
                continue
            if value is not None:
                bars.append(ChartBar(y, round(max(value, 0.1) / 10 * BAR_MAX, 1), value, is_previous))
            y += BAR_HEIGHT + 4
        groups.append(ChartGroup(label_y, result.name, tuple(bars)))
        y += GROUP_GAP
    return Chart(y, tuple(groups), has_previous)
