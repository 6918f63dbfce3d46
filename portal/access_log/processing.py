"""Reading the log for the client: "Kuka on katsonut tietojani" (who has
processed my data), newest first, a page at a time (keyset on the event id)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, text, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from portal import clock
from portal.db import custom_plans
from portal.access_log.models import PROCESSING_ACTIONS, AccessEvent, AccessEventSubject
from portal.models import Person

PROCESSING_CONDITION = "accessevent.action IN ({})".format(", ".join(f"'{action}'" for action in PROCESSING_ACTIONS))

PAGE_SIZE = 50


@dataclass(frozen=True)
class ProcessingEntry:
    """One line of "Kuka on katsonut tietojani" (who has processed my data)."""

    event_id: int
    occurred_at: datetime
    actor_name: str
    actor_role: str
    action: str
    object_type: str
    on_behalf_of_person_id: int | None  # set when a delegate acted for the client
    on_behalf_of_name: str | None


@dataclass(frozen=True)
class ProcessingPage:
    entries: list[ProcessingEntry]
    next_before: int | None  # the id to continue from ("older events"), None at the end


def two_years_before(now: datetime | None = None) -> datetime:
    """The default period of "who has processed my data" (the last two years)."""
    now = now or clock.now()
    try:
        return now.replace(year=now.year - 2)
    except ValueError:  # 29 February
        return now.replace(year=now.year - 2, day=28)


def processed_by_others(
    session: Session, *, subject_person_id: int, since: datetime, before_id: int | None = None,
    page_size: int = PAGE_SIZE,
) -> ProcessingPage:
    """Reads, changes and prints of the client's data by anyone but the client,
    newest first. The client's own reads are not "processing by others".

    Two index-ordered arms, each limited: events about this client alone
    (the partial index ix_accessevent_processed_by_others) and list reads that
    showed them (AccessEventSubject's primary key). Only the ids are merged;
    the rows and names are read for one page.
    """
    ids_query, rows_query = _queries(with_before=before_id is not None, page_size=page_size)
    params = {"subject": subject_person_id, "since": since}
    if before_id is not None:
        params["before"] = before_id
    # A generic plan for the ids missed the partial index (0.2 ms became 12 ms at 1 M rows).
    custom_plans(session)
    ids = list(session.exec(ids_query, params=params).all())  # type: ignore[call-overload]
    more = len(ids) > page_size
    ids = ids[:page_size]
    if not ids:
        return ProcessingPage([], None)
    rows = session.exec(rows_query, params={"ids": ids}).all()  # type: ignore[call-overload]
    entries = [
        ProcessingEntry(
            event_id=event_id,  # type: ignore[arg-type]
            occurred_at=occurred_at,
            actor_name=_name(actor_given, actor_family),
            actor_role=role,
            action=action,
            object_type=object_type,
            on_behalf_of_person_id=on_behalf_of,
            on_behalf_of_name=_name(principal_given, principal_family) or None,
        )
        for (event_id, occurred_at, role, action, object_type, on_behalf_of,
             actor_given, actor_family, principal_given, principal_family) in rows
    ]
    return ProcessingPage(entries, ids[-1] if more else None)


@cache
def _queries(*, with_before: bool, page_size: int) -> tuple[Any, Any]:
    """The page's two queries, built once (see portal.db.rows on why)."""
    subject, since = bindparam("subject"), bindparam("since")
    own = select(col(AccessEvent.id).label("id")).where(
        col(AccessEvent.subject_person_id) == subject,
        # Written out as the partial index's own condition: with bound
        # parameters the planners cannot tell that the index covers the query.
        text(PROCESSING_CONDITION),
        # NULL != x is not true in SQL: keep events with no known actor
        col(AccessEvent.actor_person_id).is_distinct_from(col(AccessEvent.subject_person_id)),
        col(AccessEvent.occurred_at) >= since,
    )
    listed = (
        select(col(AccessEventSubject.event_id).label("id"))
        .join(AccessEvent, col(AccessEvent.id) == col(AccessEventSubject.event_id))
        .where(col(AccessEventSubject.person_id) == subject, col(AccessEvent.occurred_at) >= since)
    )
    if with_before:
        own = own.where(col(AccessEvent.id) < bindparam("before"))
        listed = listed.where(col(AccessEventSubject.event_id) < bindparam("before"))
    own = own.order_by(col(AccessEvent.id).desc()).limit(page_size + 1)
    listed = listed.order_by(col(AccessEventSubject.event_id).desc()).limit(page_size + 1)
    arms = union_all(own.subquery().select(), listed.subquery().select()).subquery()
    ids = select(arms.c.id).order_by(arms.c.id.desc()).limit(page_size + 1)

    actor = aliased(Person)
    principal = aliased(Person)
    rows = (
        select(
            AccessEvent.id, AccessEvent.occurred_at, AccessEvent.actor_role, AccessEvent.action,
            AccessEvent.object_type, AccessEvent.on_behalf_of_person_id,
            actor.given_name, actor.family_name, principal.given_name, principal.family_name,
        )
        .outerjoin(actor, col(actor.id) == col(AccessEvent.actor_person_id))
        .outerjoin(principal, col(principal.id) == col(AccessEvent.on_behalf_of_person_id))
        .where(col(AccessEvent.id).in_(bindparam("ids", expanding=True)))
        .order_by(col(AccessEvent.id).desc())
    )
    return ids, rows


def _name(given: str | None, family: str | None) -> str:
    return f"{given} {family}" if given is not None else ""

