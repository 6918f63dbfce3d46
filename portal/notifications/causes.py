"""Notifications written in the same transaction as their cause, by the
area where it happens: a month's money made final (a unit manager closes the
month after payment, portal.money.month_report.close_month)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from portal.models import ClientPeriod
from portal.notifications import outbox
from portal.notifications.models import Category


def month_closed(session: Session, *, unit_id: int, month: date, last_day: date, now: datetime) -> int:
    """"Kuukauden rahat ovat valmiina" to the unit's clients of that month
    (a period in the unit during it), once per client, unit and month."""
    clients = sorted(set(session.exec(select(ClientPeriod.person_id).where(
        ClientPeriod.unit_id == unit_id, col(ClientPeriod.starts_on) <= last_day,
        col(ClientPeriod.ends_on) >= month)).all()))
    return outbox.enqueue_for_clients(session, client_ids=clients, category=Category.MONEY_READY.value,
                                      object_id=f"{month:%Y-%m}:{unit_id}", now=now)
