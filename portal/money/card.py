"""The start page's money card: this month's attended days and money so far,
kept per client so that a view does not work out the month's statement.

The statement (statements.this_month: the month's days with their rates and
benefit status, the month as it stood when it was closed, the corrections to
earlier closed months that are paid in it) took about a quarter of /home's
time. The card shows four things of it: the attended days, the total, the
kinds of money and the services. `MoneyMonthCard` keeps those per client
with the two version counters it was made at (`MoneyVersion`: the client's
own, raised by the triggers of migration 0019 on any write to their marks,
corrections, periods or benefit status, and everyone's, raised by rates,
month closings and a unit's organisation). A view reads the card and the
counters in one query; when a counter has moved on, or the month is another,
it works out the statement and keeps the card again.

The counters are read before the statement's rows, so a card is never
labelled with a newer version than the data it was made of: a write that
commits meanwhile raises a counter past the label and the next view makes
the card again. The statement page still works out the whole statement;
tests/unit/test_money_card.py shows the card and the statement always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from portal.db import rows, table
from portal.models import ClientPeriod, MoneyMonthCard, MoneyVersion, Unit
from portal.money import statements

EVERYONE = 0  # MoneyVersion's row for what concerns every client

_CARD, _VERSION = table(MoneyMonthCard), table(MoneyVersion)
_OWN = _VERSION.alias("own")
_PERSON = bindparam("person_id")
# The card and both counters in one read (the counters may be missing: version 0).
_READ = (select(_VERSION.c.version.label("everyone"), _OWN.c.version.label("own"), _CARD.c.month,
                _CARD.c.attended_days, _CARD.c.total, _CARD.c.kinds, _CARD.c.services, _CARD.c.person_version,
                _CARD.c.global_version)
         .select_from(_VERSION.outerjoin(_OWN, _OWN.c.person_id == _PERSON)
                      .outerjoin(_CARD, _CARD.c.person_id == _PERSON))
         .where(_VERSION.c.person_id == literal(EVERYONE)))


@dataclass(frozen=True)
class MonthCard:
    month: date
    attended_days: int
    total: Decimal
    kinds: tuple[str, ...]  # MoneyKind values its days earn, in MoneyKind order
    services: tuple[str, ...]  # the services of the month's periods, sorted

    @classmethod
    def of(cls, statement: statements.MonthStatement) -> MonthCard:
        return cls(statement.month, statement.attended_days, statement.total, tuple(statement.earnings.kinds),
                   statement.services)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split(",") if part)


def this_month(session: Session, *, person_id: int, today: date,
               periods: Sequence[tuple[ClientPeriod, Unit]] | None = None) -> MonthCard:
    """The card of today's month: kept, or worked out and kept."""
    month = statements.month_bounds(today)[0]
    found = rows(session, _READ, person_id=person_id)
    if not found:  # everyone's counter is gone (a table emptied by hand): start it again
        _start_everyone(session)
        found = rows(session, _READ, person_id=person_id)
    row = found[0]
    own, everyone = row.own or 0, row.everyone
    if row.month == month and row.person_version == own and row.global_version == everyone:
        return MonthCard(month, row.attended_days, Decimal(row.total).quantize(Decimal("0.01")), _split(row.kinds),
                         _split(row.services))
    card = MonthCard.of(statements.this_month(session, person_id=person_id, today=today, periods=periods))
    _keep(session, person_id=person_id, card=card, own=own, everyone=everyone)
    return card


def _insert(session: Session, table: Any) -> Any:
    return (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)


def _start_everyone(session: Session) -> None:
    session.connection().execute(_insert(session, _VERSION).values(person_id=EVERYONE, version=0)
                                 .on_conflict_do_nothing(index_elements=["person_id"]))


def _keep(session: Session, *, person_id: int, card: MonthCard, own: int, everyone: int) -> None:
    values: dict[str, Any] = {"person_id": person_id, "month": card.month, "attended_days": card.attended_days,
                              "total": card.total, "kinds": ",".join(card.kinds), "services": ",".join(card.services),
                              "person_version": own, "global_version": everyone}
    insert = _insert(session, _CARD)
    changed = {key: value for key, value in values.items() if key != "person_id"}
    session.connection().execute(insert.values(values).on_conflict_do_update(index_elements=["person_id"],
                                                                             set_=changed))
