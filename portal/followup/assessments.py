"""Self-assessment figures of a unit: done on time per month, and the average
change in each area between each client's first and latest assessment.

On time: every occasion of portal.assessment.due.occasions for each of the
unit's client periods (start, follow-up, end, and staff requests that fall
within the period) whose due date is in the month. An occasion is done on
time when an assessment for it (same occasion and due date) was sent by the
due date plus GRACE_DAYS, counted in Finnish days. An occasion that is not
done while its grace still runs is left out until it is done or the grace
has passed; a future due date is not counted.

Change: clients with a period in the unit during the chosen months and at
least two sent assessments (whole history). Scores per area are those of
portal.assessment.results.area_scores on the content version each one used
(worked out here from the stored values with results.value_scores: hundreds
of answer sets); a client counts in an area when both assessments have a
score there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from sqlalchemy import Select
from sqlmodel import Session, col, select

from portal.assessment import due
from portal.assessment.content import Library, Text
from portal.assessment.results import value_scores
from portal.models import Assessment, AssessmentAnswer, AssessmentRequest, AssessmentStatus, ClientPeriod
from portal.schedule.calendar_days import HELSINKI

GRACE_DAYS = 7  # a week after the due date still counts as on time
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class OnTimeCounts:
    on_time: int = 0  # occasions
    late: int = 0  # occasions done late or not at all
    persons: int = 0


class Period(NamedTuple):
    person_id: int
    service: str
    starts_on: date
    ends_on: date


class Sent(NamedTuple):
    id: int
    person_id: int
    occasion: str
    due_on: date | None
    sent_at: datetime
    content_id: str
    content_version: int
    content_sha256: str


@dataclass(frozen=True)
class UnitAssessments:
    """What both figures read, once: the unit's client periods that meet the months, and
    every sent assessment of those clients. Plain tuples: a unit has hundreds, and an
    attribute of a database row costs ten times a tuple's."""

    periods: list[Period]
    sent: list[Sent]
    clients: Select[tuple[int]]  # the periods' clients, as a subquery (not hundreds of values to send)


def _of_unit(unit_id: int, first: date, last: date) -> tuple:  # type: ignore[type-arg]
    return ClientPeriod.unit_id == unit_id, col(ClientPeriod.starts_on) <= last, col(ClientPeriod.ends_on) >= first


def unit_sent(session: Session, *, unit_id: int, first: date, last: date) -> list[Sent]:
    """Every sent assessment (whole history) of the clients with a period in the unit that meets the days."""
    clients = select(ClientPeriod.person_id).where(*_of_unit(unit_id, first, last))
    # Read whole (.all()): psycopg fetches one row at a time for a result read as it comes.
    return [Sent(*row) for row in session.exec(select(
        Assessment.id, Assessment.person_id, Assessment.occasion, Assessment.due_on, Assessment.sent_at,
        Assessment.content_id, Assessment.content_version, Assessment.content_sha256).where(
        col(Assessment.person_id).in_(clients), col(Assessment.status) != AssessmentStatus.DRAFT.value,
        col(Assessment.sent_at).is_not(None))).all()]


def unit_assessments(session: Session, *, unit_id: int, first: date, last: date) -> UnitAssessments:
    """The full count's reads (portal/followup/assessment_months.py keeps what it counts from them)."""
    of_unit = _of_unit(unit_id, first, last)
    clients = select(ClientPeriod.person_id).where(*of_unit)
    periods = [Period(*row) for row in session.exec(select(
        ClientPeriod.person_id, ClientPeriod.service, ClientPeriod.starts_on, ClientPeriod.ends_on).where(*of_unit)).all()]
    return UnitAssessments(periods, unit_sent(session, unit_id=unit_id, first=first, last=last), clients)  # type: ignore[arg-type]


def _sent_on(sent_at: datetime) -> date:
    """The Finnish day it was sent (stored in UTC; SQLite gives it back without a zone)."""
    return (sent_at if sent_at.tzinfo else sent_at.replace(tzinfo=UTC)).astimezone(HELSINKI).date()


def monthly_on_time(session: Session, *, of_unit: UnitAssessments, first: date, last: date,
                    today: date) -> dict[date, OnTimeCounts]:
    requested: dict[int, list[date]] = defaultdict(list)
    if of_unit.periods:
        for person_id, due_on in session.exec(select(AssessmentRequest.person_id, AssessmentRequest.due_on).where(
                col(AssessmentRequest.person_id).in_(of_unit.clients), col(AssessmentRequest.due_on) >= first,
                col(AssessmentRequest.due_on) <= last)).all():
            requested[person_id].append(due_on)
    sent_on: dict[tuple[int, str, date], date] = {}
    for assessment in of_unit.sent:
        if assessment.due_on is not None:
            key = (assessment.person_id, assessment.occasion, assessment.due_on)
            day = _sent_on(assessment.sent_at)
            sent_on[key] = min(day, sent_on.get(key, day))
    seen: set[tuple[int, str, date]] = set()
    on_time: dict[date, int] = defaultdict(int)
    late: dict[date, int] = defaultdict(int)
    persons: dict[date, set[int]] = defaultdict(set)
    for period in of_unit.periods:
        in_period = [day for day in requested[period.person_id] if period.starts_on <= day <= period.ends_on]
        for item in due.occasions(starts_on=period.starts_on, ends_on=period.ends_on, service=period.service,
                                  requested=in_period):
            key = (period.person_id, item.occasion.value, item.due_on)
            if not first <= item.due_on <= last or item.due_on > today or key in seen:
                continue
            seen.add(key)
            deadline = item.due_on + timedelta(days=GRACE_DAYS)
            done = sent_on.get(key)
            month = item.due_on.replace(day=1)
            if done is not None and done <= deadline:
                on_time[month] += 1
            elif deadline < today:
                late[month] += 1
            else:
                continue  # still open: neither on time nor late yet
            persons[month].add(period.person_id)
    return {month: OnTimeCounts(on_time[month], late[month], len(persons[month])) for month in persons}


@dataclass(frozen=True)
class AreaChange:
    area_id: str
    name: Text
    persons: int | None  # None when hidden, like the averages
    first: Decimal | None  # averages on the 0-10 scale; None when hidden
    latest: Decimal | None
    change: Decimal | None


def average(values: list[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _area_scores(session: Session, library: Library, assessments: list[Sent]) -> dict[int, dict[str, float]]:
    """Each assessment's score per area, as portal.assessment.results.area_scores gives them
    (areas without a score left out), from the stored values alone: a unit's follow-up
    scores thousands of answers. (Summed in SQL against a VALUES table of the scores, it
    was twice as slow on SQLite.)"""
    tables: dict[tuple[str, int, str], dict[tuple[str, str], tuple[str, float]]] = {}
    scoring: dict[int, dict[tuple[str, str], tuple[str, float]]] = {}
    for assessment in assessments:
        key = (assessment.content_id, assessment.content_version, assessment.content_sha256)
        if key not in tables:
            questionnaire = library.get(*key)
            # A scored question's stored value is one choice value: (question, value) -> (area, score).
            tables[key] = {(question_id, value): (area, score) for question_id, (area, scores)
                           in (value_scores(questionnaire) if questionnaire else {}).items()
                           for value, score in scores.items()}
        scoring[assessment.id] = tables[key]
    sums: dict[tuple[int, str], float] = defaultdict(float)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    if scoring:
        for assessment_id, question_id, value in session.connection().execute(
                select(AssessmentAnswer.assessment_id, AssessmentAnswer.question_id, AssessmentAnswer.value).where(
                    col(AssessmentAnswer.assessment_id).in_(list(scoring)), col(AssessmentAnswer.skipped).is_(False))
        ).all():
            scored = scoring[assessment_id].get((question_id, value))
            if scored is not None:
                sums[assessment_id, scored[0]] += scored[1]
                counts[assessment_id, scored[0]] += 1
    found: dict[int, dict[str, float]] = {assessment_id: {} for assessment_id in scoring}
    for (assessment_id, area), total in sums.items():
        # Every score is a multiple of 0.5: the sum is exact in any order, as in area_scores.
        found[assessment_id][area] = round(total / counts[assessment_id, area], 1)
    return found


def area_changes(session: Session, *, library: Library, sent: list[Sent], smallest: int) -> list[AreaChange]:
    """From the sent assessments of the unit's clients (unit_sent)."""
    by_person: dict[int, list[Sent]] = defaultdict(list)
    for assessment in sent:
        by_person[assessment.person_id].append(assessment)
    pairs = []
    for assessments in by_person.values():
        if len(assessments) >= 2:
            ordered = sorted(assessments, key=lambda a: (a.sent_at, a.id))
            pairs.append((ordered[0], ordered[-1]))
    scores = _area_scores(session, library, [assessment for pair in pairs for assessment in pair])
    firsts: dict[str, list[Decimal]] = defaultdict(list)
    latests: dict[str, list[Decimal]] = defaultdict(list)
    for earlier, later in pairs:
        for area_id, before in scores[earlier.id].items():
            after = scores[later.id].get(area_id)
            if after is not None:
                firsts[area_id].append(Decimal(str(before)))  # scores carry one decimal: exact
                latests[area_id].append(Decimal(str(after)))
    rows = []
    for area in library.current().questionnaire.areas:
        count = len(firsts[area.id])
        if count < smallest:
            rows.append(AreaChange(area.id, area.name, None, None, None, None))
            continue
        changes = [after - before for before, after in zip(firsts[area.id], latests[area.id], strict=True)]
        rows.append(AreaChange(area.id, area.name, count, average(firsts[area.id]), average(latests[area.id]),
                               average(changes)))
    return rows
