"""A unit's bulletins: one message from staff to a group or to the whole
unit (for example a trip on Wednesday). Clients read them on the start page
and in "Viestit" from the day it is written to the last day it is shown.
Nobody answers a bulletin, and it notifies nobody."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, or_
from sqlalchemy import select as select_rows
from sqlmodel import Session, col, select

from portal.db import rows as read_rows, table
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


_BULLETIN, _PERIOD, _MEMBER = table(Bulletin), table(ClientPeriod), table(GroupMember)
_GROUP, _AUTHOR = table(Group), table(Person)
# Built once (the start page reads it on every view): the client's units today,
# the bulletins of those units shown today, to the whole unit or to a group the
# client is in today, with the group's and the author's names; newest first.
_ACTIVE_FOR_CLIENT = (
    select_rows(_BULLETIN.c.id, _BULLETIN.c.title, _BULLETIN.c.text, _BULLETIN.c.expires_on,
                func.coalesce(_GROUP.c.name, "").label("group_name"),
                func.coalesce(_AUTHOR.c.given_name + " " + _AUTHOR.c.family_name, "").label("author_name"))
    .select_from(_BULLETIN.outerjoin(_GROUP, _GROUP.c.id == _BULLETIN.c.group_id)
                 .outerjoin(_AUTHOR, _AUTHOR.c.id == _BULLETIN.c.author_person_id))
    .where(_BULLETIN.c.unit_id.in_(select_rows(_PERIOD.c.unit_id).where(
               _PERIOD.c.person_id == bindparam("person"), _PERIOD.c.starts_on <= bindparam("today"),
               _PERIOD.c.ends_on >= bindparam("today"))),
           _BULLETIN.c.expires_on >= bindparam("today"), _BULLETIN.c.shown_from <= bindparam("today"),
           _BULLETIN.c.removed_at.is_(None),
           or_(_BULLETIN.c.group_id.is_(None), _BULLETIN.c.group_id.in_(select_rows(_MEMBER.c.group_id).where(
               _MEMBER.c.person_id == bindparam("person"), _MEMBER.c.starts_on <= bindparam("today"),
               or_(_MEMBER.c.ends_on.is_(None), _MEMBER.c.ends_on >= bindparam("today"))))))
    .order_by(_BULLETIN.c.id.desc()).limit(STAFF_SHOWN)
)


def active_for_client(session: Session, *, person_id: int, today: date) -> list[BulletinView]:
    """The bulletins a client sees today: of the units where their period goes
    on today, to the whole unit or to a group they are in today. (Each view's
    `bulletin` is a row with the id, title, text and last day.)"""
    return [BulletinView(row, row.group_name, row.author_name)  # type: ignore[arg-type]
            for row in read_rows(session, _ACTIVE_FOR_CLIENT, person=person_id, today=today)]


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
