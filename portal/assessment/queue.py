"""The staff self-assessment queue of one's own units, kept in the database
and read a page at a time.

Three sections: sent assessments waiting for review, clients whose
assessment is overdue, and clients whose assessment is due within two
weeks. Where a client stands is worked out by `overview.status_from` (the
same function the client's own pages use) from the client's periods in one
unit, their assessments and staff requests; doing that for every client of
a unit on every view grew with the unit (630 ms for 2,554 clients).

What is kept: `AssessmentQueueEntry`, per client and unit, the section and
due date that status_from gives, and the days on which that holds
(`valid_from`..`valid_until`: between the days on which the answer can
change, see `_span`), plus one to_review entry per sent assessment. A view
reads its sections through the index (unit, section, sort name, id), 50 a
page (keyset on the entry id).

How it stays true: the triggers of migration 0018 add a client to
`AssessmentQueueStale` on every write to their periods, assessments or
requests, whoever writes. Each view first makes again the entries of the
clients in that log (taken out in one DELETE … RETURNING) and of its units'
entries whose days do not include today (a new day moves a few clients on),
then reads. Views take turns while they do that (SQLite's writer lock; a
transaction-level advisory lock on PostgreSQL) and skip it, without a lock,
when there is nothing to do. The due-date rules the entries were made with
are kept as a fingerprint: other rules make every entry again.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select, tuple_
from sqlmodel import Session

from portal.assessment import due
from portal.assessment.overview import DUE_SOON_DAYS, ClientStatus, status_from
from portal.db import rows, table
from portal.kept_rules import KeptRules, advisory_lock
from portal.models import (Assessment, AssessmentQueueEntry, AssessmentQueueRules, AssessmentQueueStale,
                           AssessmentRequest, AssessmentStatus, ClientPeriod, Person)

PAGE_SIZE = 50
SECTIONS = ("to_review", "overdue", "due_soon")
NOT_DUE = "none"
# pg_advisory_xact_lock's key for "queue entries are being made again" (any number no other lock uses).
WRITE_LOCK = 190_002
CHUNK = 500  # clients per read when many are made again at once
DAY = timedelta(days=1)

_ENTRY, _STALE, _RULES = table(AssessmentQueueEntry), table(AssessmentQueueStale), table(AssessmentQueueRules)
_PERIOD, _ASSESSMENT, _REQUEST, _PERSON = (table(ClientPeriod), table(Assessment), table(AssessmentRequest),
                                           table(Person))
_UNITS, _TODAY = bindparam("unit_ids", expanding=True), bindparam("today")
_PERSONS = bindparam("person_ids", expanding=True)

_ANY_STALE = select(_STALE.c.id).limit(1)
_TAKE_STALE = _STALE.delete().returning(_STALE.c.person_id)
# Two reads, each on its own index: entries whose days ended before today, and (a clock moved back) begin after it.
_ENDED = select(_ENTRY.c.person_id).where(_ENTRY.c.unit_id.in_(_UNITS), _ENTRY.c.valid_until < _TODAY)
_NOT_YET = select(_ENTRY.c.person_id).where(_ENTRY.c.unit_id.in_(_UNITS), _ENTRY.c.valid_from > _TODAY)
_PERIODS_OF = select(_PERIOD.c.person_id, _PERIOD.c.unit_id, _PERIOD.c.service, _PERIOD.c.starts_on,
                     _PERIOD.c.ends_on, _PERIOD.c.sort_name).where(_PERIOD.c.person_id.in_(_PERSONS))
_ASSESSMENTS_OF = select(_ASSESSMENT.c.id, _ASSESSMENT.c.person_id, _ASSESSMENT.c.occasion, _ASSESSMENT.c.due_on,
                         _ASSESSMENT.c.status, _ASSESSMENT.c.sent_at).where(_ASSESSMENT.c.person_id.in_(_PERSONS))
_REQUESTS_OF = select(_REQUEST.c.id, _REQUEST.c.person_id, _REQUEST.c.due_on,
                      _REQUEST.c.assessment_id).where(_REQUEST.c.person_id.in_(_PERSONS))
_FORGET = _ENTRY.delete().where(_ENTRY.c.person_id.in_(_PERSONS))
_ALL_CLIENTS = select(_PERIOD.c.person_id).distinct()


def _section_query(after: bool) -> Any:
    query = (select(_ENTRY.c.id, _ENTRY.c.person_id, _ENTRY.c.assessment_id, _ENTRY.c.day,
                    _PERSON.c.given_name, _PERSON.c.family_name)
             .join(_PERSON, _PERSON.c.id == _ENTRY.c.person_id)
             .where(_ENTRY.c.unit_id.in_(_UNITS), _ENTRY.c.section == bindparam("section")))
    if after:
        query = query.where(tuple_(_ENTRY.c.sort_name, _ENTRY.c.id) > tuple_(bindparam("after_name"),
                                                                            bindparam("after_id")))
    return query.order_by(_ENTRY.c.sort_name, _ENTRY.c.id).limit(bindparam("limit"))


_SECTION, _SECTION_AFTER = _section_query(False), _section_query(True)
_CURSOR = select(_ENTRY.c.sort_name).where(_ENTRY.c.id == bindparam("entry_id"), _ENTRY.c.unit_id.in_(_UNITS),
                                           _ENTRY.c.section == bindparam("section"))


# --- What an entry is: pure functions of a client's rows ---------------------------------------


@dataclass(frozen=True)
class Entry:
    unit_id: int
    person_id: int
    assessment_id: int  # 0: the client's due entry
    section: str
    sort_name: str
    day: date | None
    valid_from: date
    valid_until: date


def placing(state: ClientStatus, *, today: date) -> tuple[str, date | None]:
    """The section and due date of a client's state, as the queue shows it."""
    if state.due is None:
        return NOT_DUE, None
    if state.overdue:
        return "overdue", state.due.due_on
    if state.due.due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return "due_soon", state.due.due_on
    return NOT_DUE, None


def _span(periods: Sequence[Any], requests: Sequence[Any], *, today: date) -> tuple[date, date]:
    """The days around today on which the placing cannot change: status_from and
    `placing` read today only by comparing it with these days (a period
    running, an occasion open, due soon, overdue), so between two of them
    every day gives the same answer."""
    rules = due.schedule()
    opens, soon = timedelta(days=rules.open_days_before), timedelta(days=DUE_SOON_DAYS)
    edges: set[date] = set()
    for period in periods:
        edges |= {period.starts_on - opens, period.ends_on + DAY}
        for item in due.occasions(starts_on=period.starts_on, ends_on=period.ends_on, service=period.service):
            edges |= {item.due_on - opens, item.due_on - soon, item.due_on + DAY}
    for request in requests:
        if request.assessment_id is None:
            edges |= {request.due_on - soon, request.due_on + DAY}
    earlier = [edge for edge in edges if edge <= today]
    later = [edge for edge in edges if edge > today]
    return (max(earlier) if earlier else date.min), (min(later) - DAY if later else date.max)


def entries_of(*, person_id: int, periods: Sequence[Any], assessments: Sequence[Any], requests: Sequence[Any],
               today: date) -> list[Entry]:
    """One client's entries: for each unit of their periods, where they stand
    (status_from with that unit's periods) and each sent assessment."""
    by_unit: dict[int, list[Any]] = defaultdict(list)
    for period in periods:
        by_unit[period.unit_id].append(period)
    sent = [row for row in assessments if row.status == AssessmentStatus.SENT.value]
    found = []
    for unit_id, unit_periods in sorted(by_unit.items()):
        name = min(period.sort_name for period in unit_periods)
        state = status_from(periods=unit_periods, assessments=list(assessments), requests=list(requests), today=today)
        section, day = placing(state, today=today)
        first, last = _span(unit_periods, requests, today=today)
        found.append(Entry(unit_id, person_id, 0, section, name, day, first, last))
        found += [Entry(unit_id, person_id, row.id, "to_review", name, row.sent_at.date(), date.min, date.max)
                  for row in sent]
    return found


# --- Keeping the entries current ----------------------------------------------------------------


def rules_fingerprint() -> str:
    rules = due.schedule()
    return hashlib.sha256(json.dumps([asdict(rules), DUE_SOON_DAYS], sort_keys=True).encode()).hexdigest()


_KEPT_RULES = KeptRules(rules=_RULES, stale=_STALE, all_clients=_ALL_CLIENTS, lock_key=WRITE_LOCK)


def keep_current(session: Session, *, unit_ids: Collection[int], today: date) -> int:
    """Make again what is out of date for these units today; how many clients were made again."""
    session.flush()  # the triggers see what the session has not written yet
    connection = session.connection()
    units = sorted(unit_ids)
    _KEPT_RULES.check(session, rules_fingerprint())
    stale = connection.execute(_ANY_STALE).first() is not None
    expired = {row[0] for query in (_ENDED, _NOT_YET)
               for row in connection.execute(query, {"unit_ids": units, "today": today})} if units else set()
    if not stale and not expired:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        advisory_lock(session, WRITE_LOCK)
        # Another view may have made them while this one waited.
        expired = {row[0] for query in (_ENDED, _NOT_YET)
                   for row in connection.execute(query, {"unit_ids": units, "today": today})} if units else set()
    persons = expired | {row[0] for row in connection.execute(_TAKE_STALE)}
    remake(session, person_ids=persons, today=today)
    return len(persons)


def remake(session: Session, *, person_ids: Iterable[int], today: date) -> None:
    """Make these clients' entries again from their rows."""
    connection = session.connection()
    ordered = sorted(set(person_ids))
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start:start + CHUNK]
        found: dict[str, dict[int, list[Any]]] = {"periods": defaultdict(list), "assessments": defaultdict(list),
                                                  "requests": defaultdict(list)}
        for key, query in (("periods", _PERIODS_OF), ("assessments", _ASSESSMENTS_OF), ("requests", _REQUESTS_OF)):
            for row in connection.execute(query, {"person_ids": chunk}):
                found[key][row.person_id].append(row)
        entries = [asdict(entry) for person_id in chunk for entry in entries_of(
            person_id=person_id, periods=found["periods"][person_id], assessments=found["assessments"][person_id],
            requests=found["requests"][person_id], today=today)]
        connection.execute(_FORGET, {"person_ids": chunk})
        if entries:
            connection.execute(insert(_ENTRY), entries)


# --- Reading a page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    entry_id: int
    person_id: int
    name: str
    assessment_id: int | None
    day: date | None  # sent on, or due on


@dataclass(frozen=True)
class Section:
    name: str  # one of SECTIONS
    rows: list[QueueRow]
    next_after: int | None  # the entry id to continue after; None on the last page


@dataclass(frozen=True)
class Queue:
    sections: list[Section]

    @property
    def person_ids(self) -> list[int]:
        return sorted({row.person_id for section in self.sections for row in section.rows})

    def section(self, name: str) -> Section | None:
        return next((section for section in self.sections if section.name == name), None)


def section_page(session: Session, *, unit_ids: Collection[int], section: str, after_entry_id: int | None = None,
                 page_size: int = PAGE_SIZE) -> Section:
    units = sorted(unit_ids)
    params: dict[str, Any] = {"unit_ids": units, "section": section, "limit": page_size + 1}
    query = _SECTION
    if after_entry_id is not None:
        after = rows(session, _CURSOR, entry_id=after_entry_id, unit_ids=units, section=section)
        if after:  # an entry made again since has a new id: the list starts from the top
            query = _SECTION_AFTER
            params.update(after_name=after[0].sort_name, after_id=after_entry_id)
    found = rows(session, query, **params) if units else []
    shown = [QueueRow(row.id, row.person_id, f"{row.given_name} {row.family_name}", row.assessment_id or None, row.day)
             for row in found[:page_size]]
    return Section(section, shown, shown[-1].entry_id if len(found) > page_size else None)


def queue(session: Session, *, unit_ids: Collection[int], today: date, only: str | None = None,
          after_entry_id: int | None = None, page_size: int = PAGE_SIZE) -> Queue:
    """The first page of each section, or a later page of one (`only`, `after_entry_id`)."""
    keep_current(session, unit_ids=unit_ids, today=today)
    names = (only,) if only is not None else SECTIONS
    return Queue([section_page(session, unit_ids=unit_ids, section=name,
                               after_entry_id=after_entry_id if only is not None else None, page_size=page_size)
                  for name in names])


def kept_entries(session: Session, *, person_ids: Iterable[int] | None = None) -> list[Entry]:
    """The kept entries as they are (for tests and checks)."""
    query = select(_ENTRY)
    if person_ids is not None:
        query = query.where(_ENTRY.c.person_id.in_(sorted(set(person_ids))))
    return sorted((Entry(row.unit_id, row.person_id, row.assessment_id, row.section, row.sort_name, row.day,
                         row.valid_from, row.valid_until) for row in session.connection().execute(query)),
                  key=lambda entry: (entry.unit_id, entry.person_id, entry.assessment_id))
