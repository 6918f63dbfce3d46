"""Writing, checking and reading the access log (client data act 703/2023).

Events are written in the caller's transaction, so an event exists exactly
when the change it records does. Each event's hash covers the previous
event's hash and the event's own fields: verify_chain finds a changed,
removed or inserted row.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from portal.identity_code import is_valid as is_identity_code
from portal.models import AccessAction, AccessEvent, AccessLogHead, Person
from portal.models.access_log import GENESIS_HASH

HEAD_ID = 1
PROCESSING = (AccessAction.READ, AccessAction.CHANGE, AccessAction.PRINT)

# The fields a row hash covers, in this fixed order. Not the id: it comes
# from the database only after the insert, and the chain already fixes order.
HASHED_FIELDS = (
    "occurred_at",
    "actor_person_id",
    "actor_role",
    "on_behalf_of_person_id",
    "subject_person_id",
    "action",
    "object_type",
    "object_id",
    "request_id",
    "ip_address",
)

_NAME = re.compile(r"^[a-z_]{1,60}$")
_ROLE = re.compile(r"^[a-z_]{1,40}$")
_TOKEN = re.compile(r"^[A-Za-z0-9._:-]{0,64}$")  # ids: never free text


def row_hash(previous_hash: str, fields: Mapping[str, Any]) -> str:
    values = {name: fields[name] for name in HASHED_FIELDS}
    values["occurred_at"] = values["occurred_at"].astimezone(UTC).isoformat(timespec="microseconds")
    canonical = json.dumps(values, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256((previous_hash + canonical).encode()).hexdigest()


def _checked(
    *, action: str, object_type: str, object_id: str, actor_role: str, request_id: str, ip_address: str
) -> AccessAction:
    try:
        checked_action = AccessAction(action)
    except ValueError:
        raise ValueError(f"unknown access log action: {action!r}") from None
    if not _NAME.match(object_type):
        raise ValueError("object_type must match ^[a-z_]{1,60}$")
    if not _ROLE.match(actor_role):
        raise ValueError("actor_role must match ^[a-z_]{1,40}$")
    for name, value in (("object_id", object_id), ("request_id", request_id)):
        # The identity code check keeps a hetu out even where the pattern fits.
        if not _TOKEN.match(value) or is_identity_code(value):
            raise ValueError(f"{name} must be a short id of letters, digits and ._:-")
    if len(ip_address) > 45:
        raise ValueError("ip_address is too long")
    if ip_address:
        ipaddress.ip_address(ip_address)  # raises ValueError for anything but an address
    return checked_action


def _lock_head(session: Session) -> str:
    """Take the head row's write lock and return the last hash.

    The UPDATE is what serialises appends on both SQLite and PostgreSQL; a
    plain SELECT would let two appends chain onto the same previous event.
    """
    statement = (
        update(AccessLogHead)
        .where(col(AccessLogHead.id) == HEAD_ID)
        .values(last_hash=AccessLogHead.last_hash)
        .returning(AccessLogHead.last_hash)
    )
    last_hash = session.exec(statement).scalar_one_or_none()
    if last_hash is None:
        # No head row (an emptied or create_all database): start the chain.
        # ON CONFLICT DO NOTHING lets two first appends race safely.
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        session.exec(
            insert(AccessLogHead)
            .values(id=HEAD_ID, last_event_id=None, last_hash=GENESIS_HASH)
            .on_conflict_do_nothing()
        )
        last_hash = session.exec(statement).scalar_one()
    return last_hash


def record(
    session: Session,
    *,
    action: str,
    object_type: str,
    object_id: str = "",
    actor_person_id: int | None = None,
    actor_role: str = "anonymous",
    on_behalf_of_person_id: int | None = None,
    subject_person_id: int | None = None,
    request_id: str = "",
    ip_address: str = "",
    now: datetime | None = None,
) -> AccessEvent:
    """Append one event. Flushes but does not commit: the caller's commit
    stores it together with the change it records."""
    [event] = record_many(
        session,
        [
            {
                "action": action,
                "object_type": object_type,
                "object_id": object_id,
                "actor_person_id": actor_person_id,
                "actor_role": actor_role,
                "on_behalf_of_person_id": on_behalf_of_person_id,
                "subject_person_id": subject_person_id,
                "request_id": request_id,
                "ip_address": ip_address,
            }
        ],
        now=now,
    )
    return event


def record_many(session: Session, events: Sequence[Mapping[str, Any]], *, now: datetime | None = None) -> list[AccessEvent]:
    """Append several events (keyword arguments of `record` each) with one
    lock of the head and one flush, for a page that reads many clients."""
    if now is not None and now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    occurred_at = (now or datetime.now(UTC)).astimezone(UTC)
    checked = []
    for event in events:
        fields: dict[str, Any] = {
            "occurred_at": occurred_at,
            "actor_person_id": event.get("actor_person_id"),
            "actor_role": event.get("actor_role", "anonymous"),
            "on_behalf_of_person_id": event.get("on_behalf_of_person_id"),
            "subject_person_id": event.get("subject_person_id"),
            "action": "",
            "object_type": event["object_type"],
            "object_id": event.get("object_id", ""),
            "request_id": event.get("request_id", ""),
            "ip_address": event.get("ip_address", ""),
        }
        fields["action"] = _checked(
            action=event["action"],
            object_type=fields["object_type"],
            object_id=fields["object_id"],
            actor_role=fields["actor_role"],
            request_id=fields["request_id"],
            ip_address=fields["ip_address"],
        ).value
        checked.append(fields)
    if not checked:
        return []
    previous_hash = _lock_head(session)
    appended = []
    for fields in checked:
        event_row = AccessEvent(**fields, previous_hash=previous_hash, row_hash=row_hash(previous_hash, fields))
        appended.append(event_row)
        previous_hash = event_row.row_hash
    session.add_all(appended)  # inserted in this order, so ids follow the chain
    session.flush()
    session.exec(
        update(AccessLogHead)
        .where(col(AccessLogHead.id) == HEAD_ID)
        .values(last_event_id=appended[-1].id, last_hash=appended[-1].row_hash)
    )
    return appended


@dataclass(frozen=True)
class ChainVerification:
    ok: bool
    checked: int
    first_broken_id: int | None
    problem: str = ""  # for people: what was wrong, never any logged data


def verify_chain(session: Session) -> ChainVerification:
    """Recompute every hash in id order, then check the head points at the end."""
    columns = [col(AccessEvent.id), col(AccessEvent.previous_hash), col(AccessEvent.row_hash)]
    columns += [getattr(AccessEvent, name) for name in HASHED_FIELDS]
    rows = session.exec(
        select(*columns).order_by(col(AccessEvent.id)).execution_options(yield_per=1000)
    )
    checked = 0
    last_id: int | None = None
    last_hash = GENESIS_HASH
    for row in rows:
        fields = row._mapping
        if fields["previous_hash"] != last_hash:
            return ChainVerification(
                False, checked, row.id, "it does not follow the event before it (one was removed or changed)"
            )
        if row_hash(last_hash, fields) != fields["row_hash"]:
            return ChainVerification(False, checked, row.id, "it was changed after it was written")
        checked += 1
        last_id, last_hash = row.id, fields["row_hash"]
    head = session.get(AccessLogHead, HEAD_ID)
    if head is None:
        if checked:
            return ChainVerification(False, checked, None, "the head row is missing")
    elif (head.last_event_id, head.last_hash) != (last_id, last_hash):
        problem = "the head does not match the last event (events removed from the end)"
        return ChainVerification(False, checked, head.last_event_id, problem)
    return ChainVerification(True, checked, None)


@dataclass(frozen=True)
class ProcessingEntry:
    """One line of "Kuka on katsonut tietojani" (who has processed my data)."""

    occurred_at: datetime
    actor_name: str
    actor_role: str
    action: str
    object_type: str
    on_behalf_of_person_id: int | None  # set when a delegate acted for the client
    on_behalf_of_name: str | None


def two_years_before(now: datetime | None = None) -> datetime:
    """The default period of "who has processed my data" (the last two years)."""
    now = now or datetime.now(UTC)
    try:
        return now.replace(year=now.year - 2)
    except ValueError:  # 29 February
        return now.replace(year=now.year - 2, day=28)


def processed_by_others(
    session: Session, *, subject_person_id: int, since: datetime
) -> list[ProcessingEntry]:
    """Reads, changes and prints of the client's data by anyone but the
    client, newest first. The client's own reads are not "processing by others"."""
    actor = aliased(Person)
    principal = aliased(Person)
    statement = (
        select(AccessEvent, actor, principal)
        .outerjoin(actor, col(actor.id) == col(AccessEvent.actor_person_id))
        .outerjoin(principal, col(principal.id) == col(AccessEvent.on_behalf_of_person_id))
        .where(
            col(AccessEvent.subject_person_id) == subject_person_id,
            col(AccessEvent.action).in_([action.value for action in PROCESSING]),
            col(AccessEvent.occurred_at) >= since,
            # NULL != x is not true in SQL: keep events with no known actor
            or_(
                col(AccessEvent.actor_person_id).is_(None),
                col(AccessEvent.actor_person_id) != subject_person_id,
            ),
        )
        .order_by(col(AccessEvent.occurred_at).desc(), col(AccessEvent.id).desc())
    )
    return [
        ProcessingEntry(
            occurred_at=event.occurred_at,
            actor_name=_display_name(actor_person),
            actor_role=event.actor_role,
            action=event.action,
            object_type=event.object_type,
            on_behalf_of_person_id=event.on_behalf_of_person_id,
            on_behalf_of_name=_display_name(principal_person) if principal_person else None,
        )
        for event, actor_person, principal_person in session.exec(statement)
    ]


def _display_name(person: Person | None) -> str:
    return f"{person.given_name} {person.family_name}" if person else ""
