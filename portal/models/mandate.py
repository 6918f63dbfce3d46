"""Mandates (valtuutus): an agent handles a client's (principal's) matters."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from portal.models.feedback import utc_now


class MandateScope(enum.StrEnum):
    VIEW = "view"  # may see the client's data
    ACT = "act"  # may also act: report absences, fill in forms


class MandateBasis(enum.StrEnum):
    CLIENT_GRANTED = "client_granted"  # the client gave it in the portal
    GUARDIANSHIP = "guardianship"  # edunvalvonta, recorded by staff
    SUOMIFI = "suomifi"  # Suomi.fi-valtuudet


class Mandate(SQLModel, table=True):
    # Keyset pages: a client's mandates newest first (principal, id); whose
    # matters an agent may handle, and the check on every page view (agent, principal).
    __table_args__ = (
        Index("ix_mandate_principal_id", "principal_person_id", "id"),
        Index("ix_mandate_agent_principal", "agent_person_id", "principal_person_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    principal_person_id: int = Field(foreign_key="person.id")
    agent_person_id: int = Field(foreign_key="person.id")
    scope: str = Field(max_length=10)  # a MandateScope value
    basis: str = Field(max_length=20)  # a MandateBasis value
    public_guardian: bool = False  # yleinen edunvalvoja: identity code never shown
    valid_from: date
    valid_until: date | None = None
    revoked_at: datetime | None = None
    # The agent's name as the client or staff member typed it. The form
    # answers every grant alike, known identity code or not (no oracle), so
    # the name is checked only when the agent logs in with strong
    # identification; until then the mandate is not in force.
    agent_given_name: str = Field(default="", max_length=100)
    agent_family_name: str = Field(default="", max_length=100)
    name_check_pending: bool = False
    created_by_person_id: int = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=utc_now)
