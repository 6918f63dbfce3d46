"""Login attempts, server-side sessions and form drafts kept over a timeout."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from portal.models.feedback import utc_now


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
