"""A unit's bulletins: one message from staff to a group or to the whole
unit (for example a trip on Wednesday). Clients read them on the start page
and in "Viestit" from the day it is written to the last day it is shown.
Nobody answers a bulletin, and it notifies nobody."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from portal.messages.models import Bulletin
from portal.models import ClientPeriod, Group, GroupMember, Person

TITLE_MAX = 100
TEXT_MAX = 2000
LONGEST = timedelta(days=366)  # the last day is within a year
STAFF_SHOWN = 50  # a unit's bulletins on the staff's page, newest first


def write(session: Session, *, unit_id: int, group_id: int | None, author_person_id: int, title: str, text: str,
          expires_on: date, today: date, now: datetime) -> Bulletin:
    if expires_on < today or expires_on > today + LONGEST:
        raise ValueError("expires_on")
    if group_id is not None:
        group = session.get(Group, group_id)
        if group is None or group.unit_id != unit_id:
            raise ValueError("group")
    bulletin = Bulletin(unit_id=unit_id, group_id=group_id, author_person_id=author_person_id, title=title[:TITLE_MAX],
                        text=text[:TEXT_MAX], created_at=now, shown_from=today, expires_on=expires_on)
    session.add(bulletin)
    session.flush()
    return bulletin


def remove(session: Session, *, bulletin_id: int, unit_ids: frozenset[int] | set[int], by_person_id: int,
           now: datetime) -> Bulletin | None:
    """Take a bulletin of one's own unit off the clients' pages; None when not one's own."""
    bulletin = session.get(Bulletin, bulletin_id) if bulletin_id < 2**31 else None
    if bulletin is None or bulletin.unit_id not in unit_ids:
        return None
    if bulletin.removed_at is None:
        bulletin.removed_at, bulletin.removed_by_person_id = now, by_person_id
        session.add(bulletin)
    return bulletin


@dataclass(frozen=True)
class BulletinView:
    bulletin: Bulletin
    group_name: str  # "" for the whole unit
    author_name: str


def _views(session: Session, rows: list[Bulletin]) -> list[BulletinView]:
    groups = {group.id: group.name for group in session.exec(
        select(Group).where(col(Group.id).in_({row.group_id for row in rows if row.group_id is not None})))}
    people = {person.id: f"{person.given_name} {person.family_name}" for person in session.exec(
        select(Person).where(col(Person.id).in_({row.author_person_id for row in rows})))}
    return [BulletinView(row, groups.get(row.group_id, ""), people.get(row.author_person_id, "")) for row in rows]


def active_for_client(session: Session, *, person_id: int, today: date) -> list[BulletinView]:
    """The bulletins a client sees today: of the units where their period goes
    on today, to the whole unit or to a group they are in today."""
    unit_ids = list(session.exec(select(ClientPeriod.unit_id).where(
        ClientPeriod.person_id == person_id, col(ClientPeriod.starts_on) <= today, col(ClientPeriod.ends_on) >= today)).all())
    if not unit_ids:
        return []
    group_ids = list(session.exec(select(GroupMember.group_id).where(
        GroupMember.person_id == person_id, col(GroupMember.starts_on) <= today,
        or_(col(GroupMember.ends_on).is_(None), col(GroupMember.ends_on) >= today))).all())
    rows = session.exec(
        select(Bulletin).where(col(Bulletin.unit_id).in_(unit_ids), col(Bulletin.expires_on) >= today,
                               col(Bulletin.shown_from) <= today, col(Bulletin.removed_at).is_(None),
                               or_(col(Bulletin.group_id).is_(None), col(Bulletin.group_id).in_(group_ids)))
        .order_by(col(Bulletin.id).desc()).limit(STAFF_SHOWN)
    ).all()
    return _views(session, list(rows))


def of_unit(session: Session, *, unit_id: int, today: date) -> list[BulletinView]:
    """The unit's bulletins still shown or to come, newest first (the staff's page)."""
    rows = session.exec(
        select(Bulletin).where(Bulletin.unit_id == unit_id, col(Bulletin.expires_on) >= today,
                               col(Bulletin.removed_at).is_(None))
        .order_by(col(Bulletin.id).desc()).limit(STAFF_SHOWN)
    ).all()
    return _views(session, list(rows))


def reached_client(session: Session, *, person_id: int, limit: int = 200) -> list[BulletinView]:
    """Every bulletin that was shown to the client ("Omat tietoni"): of a
    unit while their period there went on, to the whole unit or to a group
    while they were in it; the newest `limit`."""
    periods = session.exec(select(ClientPeriod).where(ClientPeriod.person_id == person_id)).all()
    memberships = session.exec(select(GroupMember).where(GroupMember.person_id == person_id)).all()
    if not periods:
        return []
    candidates = session.exec(
        select(Bulletin).where(col(Bulletin.unit_id).in_({period.unit_id for period in periods}))
        .order_by(col(Bulletin.id).desc())
    ).all()
    reached = []
    for row in candidates:
        first, last = row.shown_from, row.expires_on

        def overlaps(starts: date, ends: date | None) -> bool:
            return starts <= last and (ends is None or ends >= first)

        if not any(period.unit_id == row.unit_id and overlaps(period.starts_on, period.ends_on) for period in periods):
            continue
        if row.group_id is not None and not any(
                member.group_id == row.group_id and overlaps(member.starts_on, member.ends_on) for member in memberships):
            continue
        reached.append(row)
        if len(reached) >= limit:
            break
    return _views(session, reached)


def unit_groups(session: Session, *, unit_id: int) -> list[tuple[int, str]]:
    """The unit's groups a bulletin can go to, by name: (id, name)."""
    return [(group.id, group.name) for group in session.exec(  # type: ignore[misc]
        select(Group).where(Group.unit_id == unit_id).order_by(col(Group.name), col(Group.id))).all()]
