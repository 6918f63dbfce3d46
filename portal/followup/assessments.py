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
least two sent assessments (whole history). Scores per area come from
portal.assessment.results.area_scores on the content version each one used;
a client counts in an area when both assessments have a score there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, col, select

from portal.assessment import due
from portal.assessment.answers import answers_of_many
from portal.assessment.content import Library, Text
from portal.assessment.results import area_scores
from portal.assessment.views import questionnaire_of
from portal.models import Assessment, AssessmentRequest, AssessmentStatus, ClientPeriod
from portal.schedule.calendar_days import HELSINKI

GRACE_DAYS = 7  # a week after the due date still counts as on time
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class OnTimeCounts:
    on_time: int = 0  # occasions
    late: int = 0  # occasions done late or not at all
    persons: int = 0


def _sent_on(assessment: Assessment) -> date:
    """The Finnish day it was sent (stored in UTC; SQLite gives it back without a zone)."""
    sent = assessment.sent_at
    assert sent is not None
    return (sent if sent.tzinfo else sent.replace(tzinfo=UTC)).astimezone(HELSINKI).date()


def _periods(session: Session, unit_id: int, first: date, last: date) -> list[ClientPeriod]:
    return list(session.exec(select(ClientPeriod).where(
        ClientPeriod.unit_id == unit_id, col(ClientPeriod.starts_on) <= last, col(ClientPeriod.ends_on) >= first)).all())


def _sent(session: Session, person_ids: set[int]) -> list[Assessment]:
    if not person_ids:
        return []
    return list(session.exec(select(Assessment).where(
        col(Assessment.person_id).in_(person_ids), col(Assessment.status) != AssessmentStatus.DRAFT.value,
        col(Assessment.sent_at).is_not(None))).all())


def monthly_on_time(session: Session, *, unit_id: int, first: date, last: date, today: date) -> dict[date, OnTimeCounts]:
    periods = _periods(session, unit_id, first, last)
    person_ids = {period.person_id for period in periods}
    requested: dict[int, list[date]] = defaultdict(list)
    if person_ids:
        for request in session.exec(select(AssessmentRequest).where(
                col(AssessmentRequest.person_id).in_(person_ids), col(AssessmentRequest.due_on) >= first,
                col(AssessmentRequest.due_on) <= last)).all():
            requested[request.person_id].append(request.due_on)
    sent_on: dict[tuple[int, str, date], date] = {}
    for assessment in _sent(session, person_ids):
        if assessment.due_on is not None:
            key = (assessment.person_id, assessment.occasion, assessment.due_on)
            day = _sent_on(assessment)
            sent_on[key] = min(day, sent_on.get(key, day))
    seen: set[tuple[int, str, date]] = set()
    on_time: dict[date, int] = defaultdict(int)
    late: dict[date, int] = defaultdict(int)
    persons: dict[date, set[int]] = defaultdict(set)
    for period in periods:
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


def area_changes(session: Session, *, library: Library, unit_id: int, first: date, last: date,
                 smallest: int) -> list[AreaChange]:
    person_ids = {period.person_id for period in _periods(session, unit_id, first, last)}
    by_person: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in _sent(session, person_ids):
        by_person[assessment.person_id].append(assessment)
    pairs = []
    for assessments in by_person.values():
        if len(assessments) >= 2:
            ordered = sorted(assessments, key=lambda a: (a.sent_at, a.id))
            pairs.append((ordered[0], ordered[-1]))
    answers = answers_of_many(session, assessment_ids=[a.id for pair in pairs for a in pair])  # type: ignore[misc]
    firsts: dict[str, list[Decimal]] = defaultdict(list)
    latests: dict[str, list[Decimal]] = defaultdict(list)
    for earlier, later in pairs:
        scores = []
        for assessment in (earlier, later):
            questionnaire = questionnaire_of(library, assessment)
            scores.append(area_scores(questionnaire, answers[assessment.id]) if questionnaire else {})  # type: ignore[index]
        for area_id, before in scores[0].items():
            after = scores[1].get(area_id)
            if before is not None and after is not None:
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
