"""Reads about the organisation and its activity centres."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from portal.models import ClientPeriod, Organisation, Unit


@dataclass(frozen=True)
class OrganisationContacts:
    organisation: Organisation
    units: list[Unit]


def contact_details(session: Session) -> list[OrganisationContacts]:
    organisations = session.exec(select(Organisation).order_by(Organisation.name)).all()
    units = session.exec(select(Unit).order_by(Unit.name)).all()
    return [
        OrganisationContacts(org, [unit for unit in units if unit.organisation_id == org.id])
        for org in organisations
    ]


def units_by_name(session: Session, *, unit_ids: list[int]) -> list[Unit]:
    return list(session.exec(select(Unit).where(col(Unit.id).in_(unit_ids)).order_by(Unit.name)).all())


def client_periods(session: Session, *, person_id: int) -> list[tuple[ClientPeriod, Unit]]:
    """The person's service periods with their units, newest first."""
    return list(session.exec(
        select(ClientPeriod, Unit)
        .join(Unit, col(Unit.id) == col(ClientPeriod.unit_id))
        .where(ClientPeriod.person_id == person_id)
        .order_by(col(ClientPeriod.starts_on).desc())
    ).all())


def is_client(session: Session, *, person_id: int) -> bool:
    """True when the person has (or had) a service period."""
    return session.exec(select(ClientPeriod.id).where(ClientPeriod.person_id == person_id).limit(1)).first() is not None


def unit_ids_of_client(session: Session, person_id: int) -> frozenset[int]:
    """The units where the person is, or was, a client."""
    return frozenset(session.exec(select(ClientPeriod.unit_id).where(ClientPeriod.person_id == person_id)).all())
