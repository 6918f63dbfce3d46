"""The month report of a unit (the payer's and payroll's input), its CSV,
and closing a month after payment."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from portal import clock
from portal.models import ClientPeriod, MoneyKind, MonthClosing, Person, Unit
from portal.money.statements import MonthStatement, month_bounds
from portal.money.statements_batch import statements_for
from portal.notifications import causes
from portal.plans.rules import Problem

KINDS = [kind.value for kind in MoneyKind]


@dataclass(frozen=True)
class ReportRow:
    person_id: int
    name: str
    service: str
    statement: MonthStatement


@dataclass(frozen=True)
class UnitReport:
    unit_id: int
    unit_name: str
    month: date
    closed_at: datetime | None
    rows: list[ReportRow] = field(default_factory=list)

    def total_for(self, kind: str) -> Decimal:
        return sum((row.statement.earnings.total_for(kind) for row in self.rows), Decimal("0.00"))

    @property
    def corrections_total(self) -> Decimal:
        return sum((row.statement.corrections_total for row in self.rows), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return sum((row.statement.total for row in self.rows), Decimal("0.00"))


def unit_reports(session: Session, *, unit_ids: list[int], month: date, today: date) -> list[UnitReport]:
    first, last = month_bounds(month)
    reports = []
    for unit in session.exec(select(Unit).where(col(Unit.id).in_(unit_ids)).order_by(Unit.name)).all():
        closed_at = session.exec(select(MonthClosing.closed_at).where(MonthClosing.unit_id == unit.id,
                                                                      MonthClosing.month == first)).first()
        clients = session.exec(
            select(ClientPeriod, Person).join(Person, col(Person.id) == col(ClientPeriod.person_id))
            .where(ClientPeriod.unit_id == unit.id, col(ClientPeriod.starts_on) <= last,
                   col(ClientPeriod.ends_on) >= first)
            .order_by(Person.family_name, Person.given_name)
        ).all()
        # All the unit's clients' statements at once: a few reads a 500 clients, not ten reads a client.
        statements = statements_for(session, [person.id for _period, person in clients], first=first, last=last,
                                    today=today)
        rows = [ReportRow(person.id, f"{person.given_name} {person.family_name}", period.service,  # type: ignore[arg-type]
                          statements[person.id])  # type: ignore[index]
                for period, person in clients]
        reports.append(UnitReport(unit.id, unit.name, first, closed_at, rows))  # type: ignore[arg-type]
    return reports


def close_month(session: Session, *, unit_id: int, month: date, by_person_id: int,
                today: date) -> MonthClosing | list[Problem]:
    """Lock a month after payment. Only a month that is over, and only once.
    Its statements are final now: "Kuukauden rahat ovat valmiina" goes to the
    unit's clients who want it, in this same transaction."""
    first, last = month_bounds(month)
    if last >= today:
        return [Problem("month", "month_not_over")]
    if session.exec(select(MonthClosing.id).where(MonthClosing.unit_id == unit_id,
                                                  MonthClosing.month == first)).first() is not None:
        return [Problem("month", "month_closed_already")]
    closing = MonthClosing(unit_id=unit_id, month=first, closed_by_person_id=by_person_id)
    session.add(closing)
    session.flush()
    causes.month_closed(session, unit_id=unit_id, month=first, last_day=last, now=clock.now())
    return closing


def is_closed(session: Session, *, unit_id: int, day: date) -> bool:
    return session.exec(select(MonthClosing.id).where(MonthClosing.unit_id == unit_id,
                                                      MonthClosing.month == day.replace(day=1))).first() is not None


def _amount(value: Decimal) -> str:
    """A decimal comma, two decimals, no thousands separator: what a Finnish spreadsheet reads as a number."""
    return f"{value.quantize(Decimal('0.01'))}".replace(".", ",")


def csv_bytes(reports: list[UnitReport], *, headers: list[str], service_names: Mapping[str, object]) -> bytes:
    """Semicolon-separated, decimal comma, UTF-8 with a byte order mark: opens
    correctly in a Finnish spreadsheet. One row a client, a total row a unit."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for report in reports:
        for row in report.rows:
            statement = row.statement
            writer.writerow([report.unit_name, report.month.strftime("%m/%Y"), row.name, str(service_names[row.service]),
                             statement.attended_days,
                             *[_amount(statement.earnings.total_for(kind)) for kind in KINDS],
                             _amount(statement.corrections_total), _amount(statement.total)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
