"""Keeping the rate table and benefit statuses: checks first, then store."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from portal.models import BenefitStatus, Rate
from portal.money.earnings import RateRow, rate_problems


def add_rate(session: Session, *, organisation_id: int, service: str, kind: str, amount: Decimal,
             valid_from: date, valid_until: date | None = None, part_day: str = "full",
             full_day_hours: Decimal = Decimal("6")) -> Rate | list[str]:
    """Store a rate, or say why not (a negative or absurd amount, overlapping validity).

    PostgreSQL refuses an overlap by itself too; this check gives SQLite the
    same rule and the person a clear message instead of an error."""
    new = RateRow(kind, service, amount, valid_from, valid_until, part_day, full_day_hours)
    existing = session.exec(
        select(Rate).where(Rate.organisation_id == organisation_id, Rate.service == service, Rate.kind == kind)
        .with_for_update()
    ).all()
    # A decision that changes the rate from a day on: the open-ended rate before it ends the day before.
    predecessor = None
    if valid_until is None:
        predecessor = next((r for r in existing if r.valid_until is None and r.valid_from < valid_from), None)
    problems = rate_problems(new, [
        RateRow(r.kind, r.service, r.amount, r.valid_from,
                valid_from - timedelta(days=1) if r is predecessor else r.valid_until) for r in existing])
    if problems:
        return problems
    if predecessor is not None:
        predecessor.valid_until = valid_from - timedelta(days=1)
        session.add(predecessor)
        session.flush()  # before the new row: PostgreSQL checks the exclusion constraint per statement
    rate = Rate(organisation_id=organisation_id, service=service, kind=kind, amount=amount, valid_from=valid_from,
                valid_until=valid_until, part_day=part_day, full_day_hours=full_day_hours)
    session.add(rate)
    session.flush()
    return rate


def set_benefit(session: Session, *, person_id: int, benefit: str, starts_on: date, by_person_id: int) -> BenefitStatus:
    """A new benefit status from a day on; the one before it ends the day before."""
    current = session.exec(
        select(BenefitStatus).where(BenefitStatus.person_id == person_id, col(BenefitStatus.starts_on) < starts_on,
                                    (col(BenefitStatus.ends_on).is_(None)) | (col(BenefitStatus.ends_on) >= starts_on))
    ).all()
    for row in current:
        row.ends_on = date.fromordinal(starts_on.toordinal() - 1)
        session.add(row)
    status = BenefitStatus(person_id=person_id, benefit=benefit, starts_on=starts_on, recorded_by_person_id=by_person_id)
    session.add(status)
    session.flush()
    return status


def benefit_history(session: Session, *, person_id: int) -> list[BenefitStatus]:
    return list(session.exec(select(BenefitStatus).where(BenefitStatus.person_id == person_id)
                             .order_by(col(BenefitStatus.starts_on).desc(), col(BenefitStatus.id).desc())).all())


def benefit_problems(session: Session, *, person_id: int, starts_on: date) -> list[str]:
    """A benefit status belongs to a rehabilitative work activity period, and a
    status already starting on that day is replaced only by a new day."""
    from portal.models import ClientPeriod, Service

    period = session.exec(select(ClientPeriod.id).where(
        ClientPeriod.person_id == person_id, ClientPeriod.service == Service.REHABILITATIVE_WORK.value,
        col(ClientPeriod.starts_on) <= starts_on, col(ClientPeriod.ends_on) >= starts_on)).first()
    if period is None:
        return ["benefit_outside_period"]
    if session.exec(select(BenefitStatus.id).where(BenefitStatus.person_id == person_id,
                                                   BenefitStatus.starts_on == starts_on)).first() is not None:
        return ["benefit_same_day"]
    return []


def organisation_of_manager(session: Session, *, person_id: int) -> int | None:
    """The organisation whose rates this person keeps: a unit manager's own."""
    from portal.models import StaffMembership, StaffRole, Unit

    return session.exec(select(Unit.organisation_id).join(StaffMembership, StaffMembership.unit_id == Unit.id)
                        .where(StaffMembership.person_id == person_id,
                               StaffMembership.role == StaffRole.UNIT_MANAGER.value)).first()


def rate_table(session: Session, *, organisation_id: int) -> list[Rate]:
    return list(session.exec(select(Rate).where(Rate.organisation_id == organisation_id)
                             .order_by(Rate.service, Rate.kind, col(Rate.valid_from).desc())).all())
