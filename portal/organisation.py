"""Reads about the organisation and its activity centres."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from portal.identity_code import IdentityCodeVault, masked
from portal.models import ClientPeriod, Organisation, Person, Unit


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


_CLIENT_PERIODS = (  # built once: the start page reads it on every view
    select(ClientPeriod, Unit)
    .join(Unit, col(Unit.id) == col(ClientPeriod.unit_id))
    .where(ClientPeriod.person_id == bindparam("person_id"))
    .order_by(col(ClientPeriod.starts_on).desc())
)


def client_periods(session: Session, *, person_id: int) -> list[tuple[ClientPeriod, Unit]]:
    """The person's service periods with their units, newest first."""
    return list(session.exec(_CLIENT_PERIODS, params={"person_id": person_id}).all())  # type: ignore[call-overload]


def is_client(session: Session, *, person_id: int) -> bool:
    """True when the person has (or had) a service period."""
    return session.exec(select(ClientPeriod.id).where(ClientPeriod.person_id == person_id).limit(1)).first() is not None


def unit_ids_of_client(session: Session, person_id: int) -> frozenset[int]:
    """The units where the person is, or was, a client."""
    return frozenset(session.exec(select(ClientPeriod.unit_id).where(ClientPeriod.person_id == person_id)).all())


def birth_marks(session: Session, *, vault: IdentityCodeVault, person_ids: Iterable[int]) -> dict[int, str]:
    """The birth-date part of each person's identity code ('010280-****'), the
    usual way to tell namesakes apart; the rest of the code is never shown."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    rows = session.exec(select(Person.id, Person.identity_code_cipher).where(col(Person.id).in_(ids))).all()
    return {person_id: masked(vault.decrypt(cipher)) for person_id, cipher in rows}
