"""Appending events: checked fields, a keyed MAC per event, no shared row.

Each event is written in the caller's transaction, so it exists exactly when
the change it records does. Nothing here takes a lock that another page view
needs: an event is a plain INSERT whose MAC depends only on its own fields.
Binding events together (so a removed one shows) is the sealer's job.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from portal import clock
from portal.access_log.keys import current_keys, mac
from portal.db import table
from portal.identity_code import is_valid as is_identity_code
from portal.access_log.models import AccessAction, AccessEvent, AccessEventSubject

# The fields an event's MAC covers, in this fixed order. Not the id: it comes
# from the database only after the insert; the random uid stands in for it.
MAC_FIELDS = (
    "uid",
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
    "subject_count",
)

_NAME = re.compile(r"^[a-z_]{1,60}$")
_ROLE = re.compile(r"^[a-z_]{1,40}$")
_TOKEN = re.compile(r"^[A-Za-z0-9._:-]{0,64}$")  # ids: never free text


def as_utc(value: datetime) -> datetime:
    # SQLite returns naive datetimes; every stored time is UTC.
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def event_mac(fields: Mapping[str, Any], subject_ids: Iterable[int] = (), *, key: bytes | None = None) -> str:
    values = {name: fields[name] for name in MAC_FIELDS}
    values["occurred_at"] = as_utc(values["occurred_at"]).isoformat(timespec="microseconds")
    values["subjects"] = sorted(subject_ids)
    canonical = json.dumps(values, separators=(",", ":"), ensure_ascii=True)
    return mac(key or current_keys().event, canonical)


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
    subject_person_ids: Sequence[int] | None = None,
    request_id: str = "",
    ip_address: str = "",
    now: datetime | None = None,
) -> Appended:
    """Append one event. Writes but does not commit: the caller's commit
    stores it together with the change it records.

    A read of many clients at once (a list) passes `subject_person_ids`:
    still one event, with one AccessEventSubject row per client shown.
    """
    if now is not None and now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if subject_person_ids is not None and subject_person_id is not None:
        raise ValueError("give subject_person_id or subject_person_ids, not both")
    checked_action = _checked(
        action=action, object_type=object_type, object_id=object_id, actor_role=actor_role,
        request_id=request_id, ip_address=ip_address,
    )
    subjects = sorted(set(subject_person_ids or ()))
    fields: dict[str, Any] = {
        "uid": secrets.token_hex(16),
        "occurred_at": (now or clock.now()).astimezone(UTC),
        "actor_person_id": actor_person_id,
        "actor_role": actor_role,
        "on_behalf_of_person_id": on_behalf_of_person_id,
        "subject_person_id": subject_person_id,
        "action": checked_action.value,
        "object_type": object_type,
        "object_id": object_id,
        "request_id": request_id,
        "ip_address": ip_address,
        "subject_count": len(subjects),
    }
    fields["mac"] = event_mac(fields, subjects)
    # One prepared INSERT ... RETURNING with parameters, not the ORM's unit
    # of work or a statement built per call: this runs on every page view.
    event_id = session.execute(_INSERT_EVENT, fields).scalar_one()
    if subjects:
        session.execute(_INSERT_SUBJECT, [{"person_id": person_id, "event_id": event_id} for person_id in subjects])
    return Appended(event_id, fields["uid"], fields["mac"])


@dataclass(frozen=True)
class Appended:
    """What record() wrote (the row itself is never changed afterwards)."""

    id: int
    uid: str
    mac: str


_EVENTS = table(AccessEvent)
_INSERT_EVENT = insert(_EVENTS).returning(_EVENTS.c.id)
_INSERT_SUBJECT = insert(table(AccessEventSubject))


def record_many(session: Session, events: Sequence[Mapping[str, Any]], *, now: datetime | None = None) -> list[Appended]:
    """Append several events (keyword arguments of `record` each). Kept for
    callers of the old API; a read of many clients is one event with
    `subject_person_ids` instead."""
    return [record(session, **event, now=now) for event in events]
