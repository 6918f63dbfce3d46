"""Where a client stands (for the start page, the intro page and, kept in
the database, the staff member's review queue: portal/assessment/queue.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from typing import Any

from sqlalchemy import Row, bindparam
from sqlalchemy import select as select_rows
from sqlmodel import Session

from portal.db import rows, table

from portal.assessment import due
from portal.models import Assessment, AssessmentRequest, AssessmentStatus, ClientPeriod, Occasion

DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class ClientStatus:
    draft: Assessment | None  # in progress
    due: due.DueOccasion | None  # open now and not started
    overdue: bool
    latest: Assessment | None  # the newest sent one
    next_due: due.DueOccasion | None
    request_id: int | None  # the staff request the next start fulfils

    @property
    def state(self) -> str:
        if self.draft is not None:
            return "in_progress"
        if self.due is not None:
            return "due"
        if self.latest is not None:
            return "done"
        return "none"


def _current_period(periods: list[ClientPeriod], today: date) -> ClientPeriod | None:
    running = [p for p in periods if p.starts_on - timedelta(days=due.schedule().open_days_before) <= today <= p.ends_on]
    return max(running, key=lambda p: p.starts_on) if running else None


def _covered(assessments: list[Assessment], item: due.DueOccasion) -> bool:
    return any(a.occasion == item.occasion.value and a.due_on == item.due_on for a in assessments)


def status_from(*, periods: list[ClientPeriod], assessments: list[Assessment],
                requests: list[AssessmentRequest], today: date) -> ClientStatus:
    """Pure: the client's state from their rows (the queue computes many at once)."""
    draft = next((a for a in assessments if a.status == AssessmentStatus.DRAFT.value), None)
    sent = sorted((a for a in assessments if a.sent_at is not None), key=lambda a: a.sent_at)  # type: ignore[arg-type,return-value]
    latest = sent[-1] if sent else None
    open_requests = sorted((r for r in requests if r.assessment_id is None), key=lambda r: r.due_on)
    period = _current_period(periods, today)
    occasions: list[due.DueOccasion] = []
    if period is not None:
        occasions = due.occasions(starts_on=period.starts_on, ends_on=period.ends_on, service=period.service)
    current = due.current(occasions, today=today)
    request_id = None
    if open_requests:
        current = due.DueOccasion(open_requests[0].due_on, Occasion.REQUESTED)
        request_id = open_requests[0].id
    elif current is not None and _covered(assessments, current):
        current = None
    return ClientStatus(
        draft=draft,
        due=current if draft is None else None,
        overdue=current is not None and draft is None and current.due_on < today,
        latest=latest,
        next_due=due.upcoming(occasions, today=today),
        request_id=request_id,
    )


@dataclass(frozen=True)
class ClientRows:
    """Everything a client's assessment state is worked out from, read once
    (periods, assessments and requests: the models or rows with their columns)."""
    periods: list[Any]
    assessments: list[Any]
    requests: list[Any]


_PERIOD, _ASSESSMENT, _REQUEST = table(ClientPeriod), table(Assessment), table(AssessmentRequest)
_PERIODS = select_rows(_PERIOD).where(_PERIOD.c.person_id == bindparam("person_id"))
_ASSESSMENTS = select_rows(_ASSESSMENT).where(_ASSESSMENT.c.person_id == bindparam("person_id"))
_REQUESTS = select_rows(_REQUEST).where(_REQUEST.c.person_id == bindparam("person_id"))


def client_rows(session: Session, *, person_id: int, periods: list[ClientPeriod] | None = None) -> ClientRows:
    """The client's rows; `periods` when the page has already read all of the client's periods."""
    found: list[Row[Any]] | list[ClientPeriod] = (
        periods if periods is not None else rows(session, _PERIODS, person_id=person_id))
    return ClientRows(list(found), rows(session, _ASSESSMENTS, person_id=person_id),
                      rows(session, _REQUESTS, person_id=person_id))


def client_status(session: Session, *, person_id: int, today: date) -> ClientStatus:
    found = client_rows(session, person_id=person_id)
    return status_from(periods=found.periods, assessments=found.assessments, requests=found.requests, today=today)


_PERSONS = bindparam("person_ids", expanding=True)
_OF_MANY = [select_rows(part).where(part.c.person_id.in_(_PERSONS)) for part in (_PERIOD, _ASSESSMENT, _REQUEST)]
CHUNK = 500


def client_statuses(session: Session, *, person_ids: Sequence[int], today: date) -> dict[int, ClientStatus]:
    """`client_status` of many clients, three reads for each 500 of them (the
    notifications' scheduler asks this of every client who wants to hear)."""
    found: dict[int, ClientStatus] = {}
    ordered = sorted(set(person_ids))
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        parts: list[defaultdict[int, list[Any]]] = []
        for query in _OF_MANY:
            by_person: defaultdict[int, list[Any]] = defaultdict(list)
            for row in rows(session, query, person_ids=chunk):
                by_person[row.person_id].append(row)
            parts.append(by_person)
        periods, assessments, requests = parts
        for person_id in chunk:
            found[person_id] = status_from(periods=periods[person_id], assessments=assessments[person_id],
                                           requests=requests[person_id], today=today)
    return found
