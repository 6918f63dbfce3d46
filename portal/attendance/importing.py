"""Import of group memberships (the schedule), plans and attendance from a
client-record system: a documented JSON format (README), validated with
pydantic, all or nothing per file, idempotent by the source system's ids.

Every rejected row is reported by section, row number (from 1) and field;
the report never repeats the row's values (they may hold identity codes).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session, col, select

from portal.identity_code import IdentityCodeVault, InvalidIdentityCode, validate
from portal.models import (
    AttendanceCorrection,
    AttendanceMark,
    ClientPeriod,
    Group,
    GroupMember,
    ImportedRecord,
    Person,
    Service,
    Unit,
)
from portal.money.earnings import MAX_REHABILITATIVE_DAYS_A_WEEK
from portal.plain_text import is_typed
from portal.plans import importing as plan_import
from portal.plans.importing import PlanRow

FORMAT = "oma-tyotoiminta/1"
MAX_ROWS = 20_000


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    source_id: str = Field(min_length=1, max_length=100)
    identity_code: str = Field(min_length=11, max_length=11)


class MembershipRow(_Row):
    unit: str = Field(min_length=1, max_length=200)
    group: str = Field(min_length=1, max_length=100)
    starts_on: date
    ends_on: date | None = None


class AttendanceRow(_Row):
    date: date
    status: Literal["present", "absent", "part"]
    hours: Decimal | None = Field(default=None, gt=0, le=12, decimal_places=2)
    absence_reason: Literal["ill", "other", "not_said"] | None = None


class ImportFile(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    format: Literal["oma-tyotoiminta/1"]
    source: str = Field(min_length=1, max_length=100)
    memberships: list[MembershipRow] = Field(default_factory=list, max_length=MAX_ROWS)
    attendance: list[AttendanceRow] = Field(default_factory=list, max_length=MAX_ROWS)
    plans: list[PlanRow] = Field(default_factory=list, max_length=MAX_ROWS)


@dataclass(frozen=True)
class RowProblem:
    section: str  # "file", "memberships", "plans" or "attendance"
    row: int  # from 1; 0 for the whole file
    field: str
    code: str


@dataclass
class Outcome:
    problems: list[RowProblem] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    person_ids: set[int] = field(default_factory=set)  # whose data the import touched (for the access log)


def _problem(loc: Sequence[object], code: str) -> RowProblem:
    """A problem at a place in the file: (section, row index, field...) or the file's own fields."""
    if len(loc) >= 2 and isinstance(loc[1], int):
        return RowProblem(str(loc[0]), loc[1] + 1, ".".join(str(part) for part in loc[2:]), code)
    return RowProblem("file", 0, ".".join(str(part) for part in loc), code)


def _untyped(data: object) -> list[tuple[object, ...]]:
    """Where the file's text has a character nobody types (portal.plain_text).
    A loop, not recursion: the file may nest as deep as the JSON parser allows."""
    found: list[tuple[object, ...]] = []
    pending: list[tuple[tuple[object, ...], object]] = [((), data)]
    while pending:
        loc, value = pending.pop()
        if isinstance(value, str):
            if not is_typed(value):
                found.append(loc)
        elif isinstance(value, dict):
            for key, inner in value.items():
                if not is_typed(key):
                    found.append((*loc, key))
                pending.append(((*loc, key), inner))
        elif isinstance(value, list):
            pending += [((*loc, index), inner) for index, inner in enumerate(value)]
    return sorted(found, key=str)


def parse(raw: bytes) -> ImportFile | list[RowProblem]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [RowProblem("file", 0, "", "encoding")]
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):  # RecursionError: nested deeper than any file of ours
        return [RowProblem("file", 0, "", "json")]
    if untyped := _untyped(data):  # NUL and other control characters: no system exports them in text
        return [_problem(loc, "invalid") for loc in untyped][:200]
    try:
        return ImportFile.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = [part for part in item["loc"] if not isinstance(part, str) or part not in ("literal_error",)]
            code = "missing" if item["type"] == "missing" else "unknown_field" if item["type"] == "extra_forbidden" else "invalid"
            problems.append(_problem(loc, code))
        return problems[:200]


def _people(session: Session, vault: IdentityCodeVault, rows: Iterable[_Row], section: str,
            problems: list[RowProblem]) -> dict[int, int]:
    """Row number to person id; unknown or invalid codes become problems."""
    hashes: dict[int, str] = {}
    for number, row in enumerate(rows, start=1):
        try:
            hashes[number] = vault.lookup_hash(validate(row.identity_code))
        except InvalidIdentityCode:
            problems.append(RowProblem(section, number, "identity_code", "invalid"))
    found = dict(session.exec(select(Person.identity_code_hash, Person.id)
                              .where(col(Person.identity_code_hash).in_(set(hashes.values())))).all()) if hashes else {}
    result = {}
    for number, lookup in hashes.items():
        if lookup in found:
            result[number] = found[lookup]
        else:
            problems.append(RowProblem(section, number, "identity_code", "unknown_client"))
    return result  # type: ignore[return-value]


def _duplicates(rows: list[_Row], section: str, problems: list[RowProblem]) -> None:
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if row.source_id in seen:
            problems.append(RowProblem(section, number, "source_id", "duplicate"))
        seen.add(row.source_id)


def check(session: Session, *, data: ImportFile, vault: IdentityCodeVault, unit_ids: set[int],
          today: date) -> tuple[list[RowProblem], dict[str, dict[int, int]], dict[int, int]]:
    """Every broken rule of the file, the people of its rows, and the groups of its memberships."""
    problems: list[RowProblem] = []
    _duplicates(data.memberships, "memberships", problems)  # type: ignore[arg-type]
    _duplicates(data.attendance, "attendance", problems)  # type: ignore[arg-type]
    _duplicates(data.plans, "plans", problems)  # type: ignore[arg-type]
    people = {"memberships": _people(session, vault, data.memberships, "memberships", problems),
              "attendance": _people(session, vault, data.attendance, "attendance", problems),
              "plans": _people(session, vault, data.plans, "plans", problems)}
    units = {unit.name: unit.id for unit in session.exec(select(Unit).where(col(Unit.id).in_(unit_ids)))}
    plan_problems, _settings = plan_import.check(
        session, rows=data.plans, people=people["plans"], units=units,  # type: ignore[arg-type]
        known=_known(session, data.source, "plan", [row.source_id for row in data.plans]))
    problems += [RowProblem("plans", number, name, code) for number, name, code in plan_problems]
    groups = {(group.unit_id, group.name): group.id for group in session.exec(
        select(Group).where(col(Group.unit_id).in_(unit_ids)))}
    group_of_row: dict[int, int] = {}
    for number, row in enumerate(data.memberships, start=1):
        if row.unit not in units:
            problems.append(RowProblem("memberships", number, "unit", "not_your_unit"))
        elif (units[row.unit], row.group) not in groups:
            problems.append(RowProblem("memberships", number, "group", "unknown_group"))
        else:
            group_of_row[number] = groups[(units[row.unit], row.group)]  # type: ignore[index]
        if row.ends_on is not None and row.ends_on < row.starts_on:
            problems.append(RowProblem("memberships", number, "ends_on", "invalid"))
    person_ids = set(people["attendance"].values())
    periods = session.exec(select(ClientPeriod).where(col(ClientPeriod.person_id).in_(person_ids),
                                                      col(ClientPeriod.unit_id).in_(unit_ids))).all() if person_ids else []
    seen_days: set[tuple[int, date]] = set()
    in_week: dict[tuple[int, int, int], int] = {}
    rehab_rows = []
    for number, row in enumerate(data.attendance, start=1):
        person = people["attendance"].get(number)
        if row.date > today:
            problems.append(RowProblem("attendance", number, "date", "future"))
        if row.status == "part" and row.hours is None:
            problems.append(RowProblem("attendance", number, "hours", "missing"))
        if row.status == "absent" and row.absence_reason is None:
            problems.append(RowProblem("attendance", number, "absence_reason", "missing"))
        if person is None:
            continue
        if (person, row.date) in seen_days:
            problems.append(RowProblem("attendance", number, "date", "duplicate"))
        seen_days.add((person, row.date))
        period = next((p for p in periods if p.person_id == person and p.starts_on <= row.date <= p.ends_on), None)
        if period is None:
            problems.append(RowProblem("attendance", number, "date", "outside_period"))
        elif period.service == Service.REHABILITATIVE_WORK.value and row.status != "absent":
            key = (person, *row.date.isocalendar()[:2])
            in_week[key] = in_week.get(key, 0) + 1
            rehab_rows.append((number, key, row.date))
    if rehab_rows:
        # Present days already stored in those weeks, on days the file does not give again.
        for mark in session.exec(select(AttendanceMark).where(
                col(AttendanceMark.person_id).in_({key[0] for _n, key, _d in rehab_rows}),
                col(AttendanceMark.present).is_(True))).all():
            key = (mark.person_id, *mark.on_date.isocalendar()[:2])
            if key in in_week and (mark.person_id, mark.on_date) not in seen_days:
                in_week[key] += 1
        for number, key, _day in rehab_rows:
            if in_week[key] > MAX_REHABILITATIVE_DAYS_A_WEEK:
                problems.append(RowProblem("attendance", number, "date", "week_limit"))
    return problems, people, group_of_row


def _known(session: Session, source: str, kind: str, source_ids: list[str]) -> dict[str, int]:
    if not source_ids:
        return {}
    return dict(session.exec(select(ImportedRecord.source_id, ImportedRecord.record_id).where(
        ImportedRecord.source == source, ImportedRecord.kind == kind,
        col(ImportedRecord.source_id).in_(source_ids))).all())  # type: ignore[arg-type]


def apply(session: Session, *, raw: bytes, vault: IdentityCodeVault, unit_ids: set[int], by_person_id: int,
          today: date) -> Outcome:
    """Check the whole file, then store all of it, or nothing."""
    parsed = parse(raw)
    if isinstance(parsed, list):
        return Outcome(problems=parsed)
    problems, people, group_of_row = check(session, data=parsed, vault=vault, unit_ids=unit_ids, today=today)
    if problems:
        return Outcome(problems=problems[:200])
    outcome = Outcome()
    known = _known(session, parsed.source, "membership", [row.source_id for row in parsed.memberships])
    for number, row in enumerate(parsed.memberships, start=1):
        person, group_id = people["memberships"][number], group_of_row[number]
        outcome.person_ids.add(person)
        member = session.get(GroupMember, known[row.source_id]) if row.source_id in known else None
        if member is None:
            member = GroupMember(group_id=group_id, person_id=person, starts_on=row.starts_on, ends_on=row.ends_on)
            session.add(member)
            session.flush()
            session.add(ImportedRecord(source=parsed.source, kind="membership", source_id=row.source_id,
                                       record_id=member.id))  # type: ignore[arg-type]
            outcome.created += 1
        elif (member.group_id, member.starts_on, member.ends_on) != (group_id, row.starts_on, row.ends_on):
            member.group_id, member.starts_on, member.ends_on = group_id, row.starts_on, row.ends_on
            session.add(member)
            outcome.changed += 1
        else:
            outcome.unchanged += 1
    _store_plans(session, parsed, people["plans"], unit_ids, by_person_id, outcome)
    rows = list(enumerate(parsed.attendance, start=1))
    known = _known(session, parsed.source, "attendance", [row.source_id for _n, row in rows])
    marks = {(mark.person_id, mark.on_date): mark for mark in session.exec(select(AttendanceMark).where(
        col(AttendanceMark.person_id).in_(set(people["attendance"].values())),
        col(AttendanceMark.on_date).in_({row.date for _n, row in rows})))} if rows else {}
    for number, row in rows:
        person = people["attendance"][number]
        outcome.person_ids.add(person)
        present = row.status != "absent"
        hours = row.hours if row.status == "part" else None
        reason = row.absence_reason or "" if not present else ""
        mark = marks.get((person, row.date))
        if mark is None:
            mark = AttendanceMark(person_id=person, on_date=row.date, present=present, hours=hours,
                                  absence_reason=reason, recorded_by_person_id=by_person_id)
            session.add(mark)
            session.flush()
            outcome.created += 1
        elif (mark.present, mark.hours, mark.absence_reason) != (present, hours, reason):
            session.add(AttendanceCorrection(
                mark_id=mark.id, person_id=person, on_date=row.date, was_present=mark.present,  # type: ignore[arg-type]
                was_hours=mark.hours, was_absence_reason=mark.absence_reason, present=present, hours=hours,
                absence_reason=reason, reason=f"Tuonti: {parsed.source}"[:200], recorded_by_person_id=by_person_id))
            mark.present, mark.hours, mark.absence_reason = present, hours, reason
            session.add(mark)
            outcome.changed += 1
        else:
            outcome.unchanged += 1
        if row.source_id not in known:
            session.add(ImportedRecord(source=parsed.source, kind="attendance", source_id=row.source_id,
                                       record_id=mark.id))  # type: ignore[arg-type]
    session.flush()
    return outcome


def _store_plans(session: Session, parsed: ImportFile, people: dict[int, int], unit_ids: set[int], by_person_id: int,
                 outcome: Outcome) -> None:
    """A changed plan becomes a new version; the source id then points at it."""
    if not parsed.plans:
        return
    units = {unit.name: unit.id for unit in session.exec(select(Unit).where(col(Unit.id).in_(unit_ids)))}
    known = {record.source_id: record for record in session.exec(select(ImportedRecord).where(
        ImportedRecord.source == parsed.source, ImportedRecord.kind == "plan",
        col(ImportedRecord.source_id).in_([row.source_id for row in parsed.plans])))}
    from portal.plans import records

    for number, row in enumerate(parsed.plans, start=1):
        person = people[number]
        outcome.person_ids.add(person)
        setting = records.plan_setting(session, person_id=person, unit_ids=[units[row.unit]])
        assert setting is not None, "checked before storing"
        record = known.get(row.source_id)
        result, plan_id = plan_import.store(session, row=row, person_id=person, setting=setting,
                                            stored_id=record.record_id if record else None, by_person_id=by_person_id)
        setattr(outcome, result, getattr(outcome, result) + 1)
        if record is None:
            session.add(ImportedRecord(source=parsed.source, kind="plan", source_id=row.source_id, record_id=plan_id))
        elif record.record_id != plan_id:
            record.record_id = plan_id
            session.add(record)
        session.flush()


def managed_units(session: Session, *, person_id: int) -> set[int]:
    """A unit manager imports into their own units only."""
    from portal.models import StaffMembership, StaffRole

    return set(session.exec(select(StaffMembership.unit_id).where(
        StaffMembership.person_id == person_id, StaffMembership.role == StaffRole.UNIT_MANAGER.value)).all())


def import_file(session: Session, *, raw: bytes, vault: IdentityCodeVault, person_id: int, today: date,
                request_id: str = "", ip_address: str = "") -> Outcome:
    """The command and the upload page: check and store, and log a change for every client touched."""
    from portal import access_log

    units = managed_units(session, person_id=person_id)
    if not units:
        return Outcome(problems=[RowProblem("file", 0, "", "not_unit_manager")])
    outcome = apply(session, raw=raw, vault=vault, unit_ids=units, by_person_id=person_id, today=today)
    if not outcome.problems:
        access_log.record_many(session, [
            {"action": "change", "object_type": "import", "actor_person_id": person_id, "actor_role": "unit_manager",
             "subject_person_id": subject, "request_id": request_id, "ip_address": ip_address}
            for subject in sorted(outcome.person_ids)])
    return outcome
