"""Reads about the organisation and its activity centres."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from portal.models import Organisation, Unit


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
