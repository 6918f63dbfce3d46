"""The staff client list: the service periods of one's own units, in name
order, 50 at a time (keyset on the index ix_clientperiod_unit_sort_name).

Current periods by default, ended ones on request, narrowed by the start of
the name. Showing the list is one access-log event that names every client
on the page, so each of them sees it on "who has processed my data".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import tuple_
from sqlmodel import Session, col, select

from portal import access_log
from portal.models import ClientPeriod, Person, Unit
from portal.models.organisation import sort_name

PAGE_SIZE = 50


@dataclass(frozen=True)
class ClientRow:
    period_id: int
    person_id: int
    name: str
    unit_name: str
    service: str
    ends_on: date


@dataclass(frozen=True)
class ClientPage:
    rows: list[ClientRow]
    next_after: int | None  # the period id to continue after, None on the last page


def client_page(
    session: Session,
    *,
    unit_ids: Collection[int],
    today: date,
    ended: bool = False,
    name_start: str = "",
    after_period_id: int | None = None,
    log_fields: dict[str, Any],
    page_size: int = PAGE_SIZE,
) -> ClientPage:
    """One page of clients; logs the read as one event listing them."""
    units = sorted(unit_ids)
    query = (
        select(ClientPeriod.id, ClientPeriod.person_id, ClientPeriod.service, ClientPeriod.ends_on,
               Person.given_name, Person.family_name, Unit.name)
        .join(Person, col(Person.id) == col(ClientPeriod.person_id))
        .join(Unit, col(Unit.id) == col(ClientPeriod.unit_id))
        .where(col(ClientPeriod.unit_id).in_(units))
        .where(col(ClientPeriod.ends_on) < today if ended else col(ClientPeriod.ends_on) >= today)
    )
    prefix = sort_name("", name_start).strip()
    if prefix:
        # A range on the sort key rather than LIKE, so any collation uses the index.
        query = query.where(col(ClientPeriod.sort_name) >= prefix,
                            col(ClientPeriod.sort_name) < prefix + "\U0010ffff")
    if after_period_id is not None:
        after = session.exec(
            select(ClientPeriod.sort_name).where(ClientPeriod.id == after_period_id,
                                                 col(ClientPeriod.unit_id).in_(units))
        ).first()
        if after is not None:
            query = query.where(tuple_(col(ClientPeriod.sort_name), col(ClientPeriod.id)) > (after, after_period_id))
    query = query.order_by(col(ClientPeriod.sort_name), col(ClientPeriod.id)).limit(page_size + 1)
    found = session.exec(query).all()
    more = len(found) > page_size
    rows = [
        ClientRow(period_id, person_id, f"{given} {family}", unit_name, service, ends_on)  # type: ignore[arg-type]
        for period_id, person_id, service, ends_on, given, family, unit_name in found[:page_size]
    ]
    if rows:
        access_log.record(session, **{**log_fields, "subject_person_ids": [row.person_id for row in rows]})
    return ClientPage(rows, rows[-1].period_id if more else None)
