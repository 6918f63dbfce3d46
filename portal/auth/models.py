"""Login attempts, server-side sessions and form drafts kept over a timeout;
mandates (valtuutus): an agent handles a client's (principal's) matters."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from portal.clock import now as utc_now


class LoginAttempt(SQLModel, table=True):
    """One OpenID Connect authorization request; its state is single-use."""

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(max_length=64, unique=True, index=True)
    nonce: str = Field(max_length=100)
    code_verifier: str = Field(max_length=200)
    audience: str = Field(max_length=10)  # "client" or "staff"
    return_to: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utc_now)
    used_at: datetime | None = None


class LoginSession(SQLModel, table=True):
    """A logged-in browser. Only a hash of the cookie's random id is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    audience: str = Field(max_length=10)  # "client" or "staff"
    person_id: int = Field(foreign_key="person.id", index=True)
    # Whose matters the person handles: themself, a principal, or not chosen yet.
    acting_for_person_id: int | None = Field(default=None, foreign_key="person.id")
    kiosk: bool = False
    # How the person logged in: "strong" (bank credentials, mobile certificate)
    # or "easy" (portal.auth.levels). Which pages it opens is the routes' matter.
    level: str = Field(default="strong", max_length=10)
    created_at: datetime = Field(default_factory=utc_now)
    last_seen_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime  # the absolute lifetime
    revoked_at: datetime | None = None
    id_token_cipher: str = Field(default="", max_length=8000)  # for the provider's logout
    # Who and which sign-in at the provider, so that its back-channel logout
    # finds the session: a hash of issuer and sub (a pseudonym), and its sid.
    provider_subject_hash: str = Field(default="", max_length=64, index=True)
    provider_session_id: str = Field(default="", max_length=255, index=True)
    # The id before the last change of whose matters are handled, and when it
    # changed: a double click repeats the change with it (see sessions.rotate).
    previous_token_hash: str | None = Field(default=None, max_length=64, index=True)
    rotated_at: datetime | None = None


class FormDraft(SQLModel, table=True):
    """A form posted after the session had timed out, kept (encrypted) until
    the same person logs in again and lands back on it."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    path: str = Field(max_length=500)
    data_cipher: str = Field(max_length=200_000)
    created_at: datetime = Field(default_factory=utc_now)


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
