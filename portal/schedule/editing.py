"""Staff keep the schedules of their own units: a group's weekly times, the
clients in it, and changes for one day or one week."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, exists, or_, tuple_
from sqlalchemy import select as select_rows
from sqlmodel import Session, col, func, select

from portal.auth.permissions import Actor, may_edit_unit_schedule
from portal.db import rows, table
from portal.models.organisation import sort_name
from portal.schedule.models import VALID_SINCE_ALWAYS
from portal.models import ClientPeriod, Group, GroupMember, GroupSlot, Person, SlotChange, StaffMembership, Unit
from portal.plans.rules import Problem
from portal.schedule.calendar_days import monday_of
from portal.schedule.week import not_ended, slot_covers

ENDED_SLOTS_SHOWN = 10  # a group's ended weekly times on its page, the latest first
PAGE_SIZE = 50  # a group's page lists its clients, and the unit's clients to add, this many at a time


@dataclass(frozen=True)
class SlotRow:
    id: int
    weekday: int
    starts_at: time
    ends_at: time
    activity: str
    place: str
    guide_name: str
    valid_from: date | None  # None: not known (the time is older than its first-day field)
    valid_until: date | None


@dataclass(frozen=True)
class MemberRow:
    person_id: int
    name: str
    starts_on: date
    ends_on: date | None
    id: int = 0  # the membership's row
    sort_name: str = ""  # the name as the client list sorts and compares it (member_page fills it)


@dataclass(frozen=True)
class GroupView:
    id: int
    name: str
    unit_id: int
    unit_name: str
    slots: list[SlotRow]  # in effect today or later
    members: list[MemberRow]  # a group's page: the page of its clients shown (member_page); otherwise none
    ended_slots: list[SlotRow]  # the last day has passed; the latest first, at most ENDED_SLOTS_SHOWN
    member_count: int = 0  # its current clients (and those starting later)


def group_for(session: Session, *, actor: Actor, group_id: int) -> Group | None:
    """The group, if this staff member may edit it; None otherwise (shown as not found)."""
    group = session.get(Group, group_id)
    if group is None or not may_edit_unit_schedule(actor, group.unit_id):
        return None
    return group


def views(session: Session, *, groups: list[Group], today: date) -> list[GroupView]:
    """The groups with their weekly times and how many current clients each
    has (one count, no client's data read); a group's own page reads its
    clients a page at a time (member_page)."""
    ids = [group.id for group in groups]
    if not ids:
        return []
    units = {unit.id: unit.name for unit in session.exec(select(Unit).where(col(Unit.id).in_({g.unit_id for g in groups})))}
    slots: dict[int, list[SlotRow]] = {}
    ended: dict[int, list[SlotRow]] = {}
    for slot, guide in session.exec(
        select(GroupSlot, Person).join(Person, col(Person.id) == col(GroupSlot.guide_person_id), isouter=True)
        .where(col(GroupSlot.group_id).in_(ids)).order_by(GroupSlot.weekday, GroupSlot.starts_at)
    ).all():
        row = SlotRow(slot.id, slot.weekday, slot.starts_at, slot.ends_at, slot.activity, slot.place,  # type: ignore[arg-type]
                      f"{guide.given_name} {guide.family_name}" if guide else "",
                      None if slot.valid_from == VALID_SINCE_ALWAYS else slot.valid_from, slot.valid_until)
        (ended if slot.valid_until is not None and slot.valid_until < today else slots).setdefault(
            slot.group_id, []).append(row)
    counts = dict(session.exec(
        select(GroupMember.group_id, func.count()).where(col(GroupMember.group_id).in_(ids),  # type: ignore[call-overload]
                                                         not_ended(GroupMember.ends_on, today))
        .group_by(GroupMember.group_id)).all())
    return [GroupView(group.id, group.name, group.unit_id, units[group.unit_id], slots.get(group.id, []),  # type: ignore[arg-type]
                      [], sorted(ended.get(group.id, []), key=lambda row: row.valid_until, reverse=True)[:ENDED_SLOTS_SHOWN],  # type: ignore[arg-type, return-value]
                      counts.get(group.id, 0))
            for group in groups]


def groups_of(session: Session, *, actor: Actor, today: date) -> list[GroupView]:
    groups = list(session.exec(
        select(Group).where(col(Group.unit_id).in_(list(actor.staff_roles))).order_by(Group.unit_id, Group.name)
    ).all())
    return views(session, groups=groups, today=today)


def guides(session: Session, *, unit_id: int) -> list[tuple[int, str]]:
    rows = session.exec(
        select(Person).join(StaffMembership, col(StaffMembership.person_id) == col(Person.id))
        .where(StaffMembership.unit_id == unit_id).order_by(Person.family_name, Person.given_name)
    ).unique().all()
    return [(person.id, f"{person.given_name} {person.family_name}") for person in rows]  # type: ignore[misc]


# A group's page: its clients and the unit's clients to add, a page at a time -------------

_PERIOD, _PERSON, _MEMBER = table(ClientPeriod), table(Person), table(GroupMember)
_OTHER_PERIOD = _PERIOD.alias("other_period")
# The period's client is in the group now (or from a coming day): not offered again.
_IN_GROUP = exists().where(_MEMBER.c.group_id == bindparam("group"), _MEMBER.c.person_id == _PERIOD.c.person_id,
                           or_(_MEMBER.c.ends_on.is_(None), _MEMBER.c.ends_on >= bindparam("today")))
# A client with two current periods in the unit is offered once, by the first of them.
_EARLIER_PERIOD = exists().where(_OTHER_PERIOD.c.person_id == _PERIOD.c.person_id,
                                 _OTHER_PERIOD.c.unit_id == _PERIOD.c.unit_id,
                                 _OTHER_PERIOD.c.ends_on >= bindparam("today"), _OTHER_PERIOD.c.id < _PERIOD.c.id)


def _candidates_statement(searching: bool, after: bool) -> Select[Any]:
    """The unit's current clients not in the group, in name order through the client list's
    index (clientperiod (unit_id, sort_name, id)); `searching`: the name starts so,
    `after`: after that name and period (keyset)."""
    query = (
        select_rows(_PERIOD.c.id, _PERIOD.c.person_id, _PERIOD.c.sort_name, _PERSON.c.given_name,
                    _PERSON.c.family_name)
        .select_from(_PERIOD.join(_PERSON, _PERSON.c.id == _PERIOD.c.person_id))
        .where(_PERIOD.c.unit_id == bindparam("unit"), _PERIOD.c.ends_on >= bindparam("today"), ~_EARLIER_PERIOD,
               ~_IN_GROUP)
    )
    if searching:  # a range on the sort key rather than LIKE, so any collation uses the index
        query = query.where(_PERIOD.c.sort_name >= bindparam("prefix"), _PERIOD.c.sort_name < bindparam("prefix_end"))
    if after:
        query = query.where(tuple_(_PERIOD.c.sort_name, _PERIOD.c.id)
                            > tuple_(bindparam("after_name"), bindparam("after_id")))
    return query.order_by(_PERIOD.c.sort_name, _PERIOD.c.id).limit(bindparam("limit"))


_CANDIDATES = {(searching, after): _candidates_statement(searching, after)
               for searching in (False, True) for after in (False, True)}
_CANDIDATE_CURSOR = select_rows(_PERIOD.c.sort_name).where(_PERIOD.c.id == bindparam("period"),
                                                           _PERIOD.c.unit_id == bindparam("unit"))
_CURRENT_CLIENT = select_rows(_PERIOD.c.id).where(
    _PERIOD.c.person_id == bindparam("person"), _PERIOD.c.unit_id == bindparam("unit"),
    _PERIOD.c.ends_on >= bindparam("today")).limit(1)


def _members_statement(after: bool) -> Select[Any]:
    """The group's current clients by name; the sort is over the group's own rows (its index on group_id)."""
    query = (
        select_rows(_MEMBER.c.id, _MEMBER.c.person_id, _MEMBER.c.starts_on, _MEMBER.c.ends_on,
                    _PERSON.c.given_name, _PERSON.c.family_name)
        .select_from(_MEMBER.join(_PERSON, _PERSON.c.id == _MEMBER.c.person_id))
        .where(_MEMBER.c.group_id == bindparam("group"),
               or_(_MEMBER.c.ends_on.is_(None), _MEMBER.c.ends_on >= bindparam("today")))
    )
    if after:
        query = query.where(tuple_(_PERSON.c.family_name, _PERSON.c.given_name, _MEMBER.c.id)
                            > tuple_(bindparam("after_family"), bindparam("after_given"), bindparam("after_id")))
    return query.order_by(_PERSON.c.family_name, _PERSON.c.given_name, _MEMBER.c.id).limit(bindparam("limit"))


_MEMBERS = {after: _members_statement(after) for after in (False, True)}
_MEMBER_CURSOR = (select_rows(_PERSON.c.family_name, _PERSON.c.given_name)
                  .select_from(_MEMBER.join(_PERSON, _PERSON.c.id == _MEMBER.c.person_id))
                  .where(_MEMBER.c.id == bindparam("member"), _MEMBER.c.group_id == bindparam("group")))
# Those of the unit's current clients and the group's clients who carry one of these names.
_NAMESAKES = (select_rows(_PERIOD.c.person_id, _PERIOD.c.sort_name).distinct()
              .where(_PERIOD.c.unit_id == bindparam("unit"), _PERIOD.c.sort_name.in_(bindparam("names", expanding=True)),
                     or_(_PERIOD.c.ends_on >= bindparam("today"), _IN_GROUP)))


@dataclass(frozen=True)
class Candidate:
    """A client of the unit who can be added to the group."""

    period_id: int  # the keyset cursor
    person_id: int
    name: str
    sort_name: str


@dataclass(frozen=True)
class CandidatePage:
    rows: list[Candidate]
    next_after: int | None  # the period to continue after; None on the last page


@dataclass(frozen=True)
class MemberPage:
    rows: list[MemberRow]
    next_after: int | None  # the membership to continue after; None on the last page


def candidates(session: Session, *, group: Group, today: date, name_start: str = "",
               after_period_id: int | None = None, page_size: int = PAGE_SIZE) -> CandidatePage:
    """One page of the unit's current clients who are not in the group, by name (as the
    staff client list sorts and searches them). A cursor that is not a period of the
    unit starts from the beginning."""
    prefix = sort_name("", name_start).strip()
    params: dict[str, Any] = {"unit": group.unit_id, "group": group.id, "today": today, "limit": page_size + 1}
    if prefix:
        params.update(prefix=prefix, prefix_end=prefix + "\U0010ffff")
    after = None
    if after_period_id is not None:
        found = rows(session, _CANDIDATE_CURSOR, period=after_period_id, unit=group.unit_id)
        if found:
            after = found[0].sort_name
            params.update(after_name=after, after_id=after_period_id)
    listed = rows(session, _CANDIDATES[bool(prefix), after is not None], **params)
    page = [Candidate(row.id, row.person_id, f"{row.given_name} {row.family_name}", row.sort_name)
            for row in listed[:page_size]]
    return CandidatePage(page, page[-1].period_id if len(listed) > page_size else None)


def member_page(session: Session, *, group_id: int, today: date, after_member_id: int | None = None,
                page_size: int = PAGE_SIZE) -> MemberPage:
    """One page of the group's current clients (also those from a coming day), by name."""
    params: dict[str, Any] = {"group": group_id, "today": today, "limit": page_size + 1}
    after = None
    if after_member_id is not None:
        found = rows(session, _MEMBER_CURSOR, member=after_member_id, group=group_id)
        if found:
            after = found[0]
            params.update(after_family=after.family_name, after_given=after.given_name, after_id=after_member_id)
    listed = rows(session, _MEMBERS[after is not None], **params)
    page = [MemberRow(row.person_id, f"{row.given_name} {row.family_name}", row.starts_on, row.ends_on, row.id,
                      sort_name(row.given_name, row.family_name)) for row in listed[:page_size]]
    return MemberPage(page, page[-1].id if len(listed) > page_size else None)


def namesakes(session: Session, *, group: Group, today: date, people: list[tuple[int, str]]) -> list[int]:
    """Of these people (id, sort_name), those whose name another current client of the
    unit or client of the group also has: staff tell them apart by their birth date.
    Names are compared as the client list sorts them."""
    if not people:
        return []
    persons: dict[str, set[int]] = defaultdict(set)
    for person_id, key in people:
        persons[key].add(person_id)
    for row in rows(session, _NAMESAKES, unit=group.unit_id, group=group.id, today=today, names=sorted(persons)):
        persons[row.sort_name].add(row.person_id)
    return sorted({person_id for person_id, key in people if len(persons[key]) > 1})


def is_current_client(session: Session, *, unit_id: int, person_id: int, today: date) -> bool:
    """The person has a service period in the unit that has not ended."""
    return bool(rows(session, _CURRENT_CLIENT, person=person_id, unit=unit_id, today=today))


def add_slot(session: Session, *, group: Group, weekday: int, starts_at: time, ends_at: time, activity: str,
             place: str, guide_person_id: int | None, valid_from: date, today: date) -> GroupSlot | list[Problem]:
    """A new weekly time from its first day on. A past first day is refused: it would add
    the time to days whose attendance and money were already kept without it."""
    problems = []
    if valid_from < today:
        problems.append(Problem("valid_from", "slot_start_past"))
    if ends_at <= starts_at:
        problems.append(Problem("ends_at", "time_order"))
    if guide_person_id is not None and guide_person_id not in dict(guides(session, unit_id=group.unit_id)):
        problems.append(Problem("guide_person_id", "guide"))
    if problems:
        return problems
    slot = GroupSlot(group_id=group.id, weekday=weekday, starts_at=starts_at, ends_at=ends_at,  # type: ignore[arg-type]
                     activity=activity, place=place, guide_person_id=guide_person_id, valid_from=valid_from)
    session.add(slot)
    session.flush()
    return slot


def end_slot(session: Session, *, group: Group, slot_id: int, ends_on: date, today: date) -> GroupSlot | list[Problem] | None:
    """Set the last day of a weekly time; None when the time is not this group's.

    The row stays, so the days before it keep their history. A last day already set
    may be moved while it is still ahead; a time whose last day has passed is ended.
    A past last day is refused: attendance kept for those days must not lose its time.
    """
    slot = session.get(GroupSlot, slot_id)
    if slot is None or slot.group_id != group.id:
        return None
    if slot.valid_until is not None and slot.valid_until < today:
        return [Problem("ends_on", "slot_ended")]
    if ends_on < today:
        return [Problem("ends_on", "slot_end_past")]
    if ends_on < slot.valid_from:
        return [Problem("ends_on", "slot_end_before_start")]
    slot.valid_until = ends_on
    session.add(slot)
    session.flush()
    return slot


def assign(session: Session, *, group: Group, person_id: int, starts_on: date, today: date) -> GroupMember | list[Problem]:
    if not is_current_client(session, unit_id=group.unit_id, person_id=person_id, today=today):
        return [Problem("person_id", "client")]
    # One time in the group at a time: a time that has not ended by the new first day overlaps it.
    if session.exec(select(GroupMember.id).where(GroupMember.group_id == group.id, GroupMember.person_id == person_id,
                                                 not_ended(GroupMember.ends_on, starts_on))).first() is not None:
        return [Problem("person_id", "already_member")]
    member = GroupMember(group_id=group.id, person_id=person_id, starts_on=starts_on)  # type: ignore[arg-type]
    session.add(member)
    session.flush()
    return member


def end_membership(session: Session, *, group: Group, person_id: int, ends_on: date,
                   today: date) -> GroupMember | list[Problem]:
    """Set the last day of a client's current time in the group; the row is kept as history.

    A past last day is refused: attendance already kept for those days must not lose its group.
    """
    member = session.exec(
        select(GroupMember).where(GroupMember.group_id == group.id, GroupMember.person_id == person_id,
                                  not_ended(GroupMember.ends_on, today))
        .order_by(col(GroupMember.starts_on).desc())
    ).first()
    if member is None:
        return [Problem("person_id", "member")]
    if ends_on < today:
        return [Problem("ends_on", "member_end_past")]
    if ends_on < member.starts_on:
        return [Problem("ends_on", "ends_before_start")]
    member.ends_on = ends_on
    session.add(member)
    session.flush()
    return member


def change(session: Session, *, group: Group, on_date: date, whole_week: bool, cancelled: bool,
           starts_at: time | None, ends_at: time | None, activity: str, place: str, note: str, by_person_id: int,
           today: date) -> list[SlotChange] | list[Problem]:
    """Change the group's times on one day, or on every day of that week.

    A second change for the same time and day takes the place of the first.
    """
    if on_date < today:
        return [Problem("on_date", "change_past")]
    if starts_at and ends_at and ends_at <= starts_at:
        return [Problem("ends_at", "time_order")]
    days = [monday_of(on_date) + timedelta(days=offset) for offset in range(7)] if whole_week else [on_date]
    slots = session.exec(select(GroupSlot).where(GroupSlot.group_id == group.id)).all()
    targets = [(slot, day) for day in days if day >= today for slot in slots if slot_covers(slot, day)]
    if not targets:
        return [Problem("on_date", "change_no_slot")]
    existing = {(row.slot_id, row.on_date): row for row in session.exec(
        select(SlotChange).where(col(SlotChange.slot_id).in_([slot.id for slot in slots]),
                                 col(SlotChange.on_date).in_(days))
    ).all()}
    saved = []
    for slot, day in targets:
        row = existing.get((slot.id, day)) or SlotChange(slot_id=slot.id, on_date=day,  # type: ignore[arg-type]
                                                         created_by_person_id=by_person_id)
        row.cancelled, row.starts_at, row.ends_at = cancelled, starts_at, ends_at
        row.activity, row.place, row.note = activity, place, note
        row.created_by_person_id = by_person_id
        session.add(row)
        saved.append(row)
    session.flush()
    return saved
