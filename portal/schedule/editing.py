"""Staff keep the schedules of their own units: a group's weekly times, the
clients in it, and changes for one day or one week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlmodel import Session, col, select

from portal.auth.permissions import Actor, may_edit_unit_schedule
from portal.schedule.models import VALID_SINCE_ALWAYS
from portal.models import ClientPeriod, Group, GroupMember, GroupSlot, Person, SlotChange, StaffMembership, Unit
from portal.plans.rules import Problem
from portal.schedule.calendar_days import monday_of
from portal.schedule.week import not_ended, slot_covers

ENDED_SLOTS_SHOWN = 10  # a group's ended weekly times on its page, the latest first


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


@dataclass(frozen=True)
class GroupView:
    id: int
    name: str
    unit_id: int
    unit_name: str
    slots: list[SlotRow]  # in effect today or later
    members: list[MemberRow]
    ended_slots: list[SlotRow]  # the last day has passed; the latest first, at most ENDED_SLOTS_SHOWN


def group_for(session: Session, *, actor: Actor, group_id: int) -> Group | None:
    """The group, if this staff member may edit it; None otherwise (shown as not found)."""
    group = session.get(Group, group_id)
    if group is None or not may_edit_unit_schedule(actor, group.unit_id):
        return None
    return group


def views(session: Session, *, groups: list[Group], today: date) -> list[GroupView]:
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
    members: dict[int, list[MemberRow]] = {}
    for member, person in session.exec(
        select(GroupMember, Person).join(Person, col(Person.id) == col(GroupMember.person_id))
        .where(col(GroupMember.group_id).in_(ids), not_ended(GroupMember.ends_on, today))
        .order_by(Person.family_name, Person.given_name)
    ).all():
        members.setdefault(member.group_id, []).append(
            MemberRow(person.id, f"{person.given_name} {person.family_name}", member.starts_on, member.ends_on))  # type: ignore[arg-type]
    return [GroupView(group.id, group.name, group.unit_id, units[group.unit_id], slots.get(group.id, []),  # type: ignore[arg-type]
                      members.get(group.id, []),
                      sorted(ended.get(group.id, []), key=lambda row: row.valid_until, reverse=True)[:ENDED_SLOTS_SHOWN])  # type: ignore[arg-type, return-value]
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


def clients(session: Session, *, unit_id: int, today: date) -> list[tuple[int, str]]:
    """Clients with a service period in the unit that has not ended."""
    rows = session.exec(
        select(Person).join(ClientPeriod, col(ClientPeriod.person_id) == col(Person.id))
        .where(ClientPeriod.unit_id == unit_id, col(ClientPeriod.ends_on) >= today)
        .order_by(Person.family_name, Person.given_name)
    ).unique().all()
    return [(person.id, f"{person.given_name} {person.family_name}") for person in rows]  # type: ignore[misc]


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
    if person_id not in dict(clients(session, unit_id=group.unit_id, today=today)):
        return [Problem("person_id", "client")]
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
