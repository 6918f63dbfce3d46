"""The easy login's records: kiosks, a client's easy login, enrolment codes,
passkeys and the passkey challenges waiting for an answer.

Nothing here can be read back into a secret: number codes are Argon2id
hashes, enrolment codes and kiosk secrets SHA-256 hashes of random values.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from portal.clock import now as utc_now


class Kiosk(SQLModel, table=True):
    """A shared device of one unit, marked by its staff. The device's cookie
    holds the id and a random secret; only the secret's hash is here, so
    removing the row's mark (revoked_at) makes the cookie useless."""

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=60)
    secret_hash: str = Field(max_length=64)
    marked_by_person_id: int = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=utc_now)
    revoked_at: datetime | None = None


class EasyLogin(SQLModel, table=True):
    """A client's easy login: at most one row a person, kept when it ends
    (ended_at) so that the access log's story stays readable."""

    __table_args__ = (Index("ix_easylogin_kiosk_list", "on_kiosk_list", "ended_at"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True)
    # The number code (Argon2id, portal.easy_login.codes); "" when none chosen.
    code_hash: str = Field(default="", max_length=200)
    code_set_at: datetime | None = None
    failed_tries: int = 0
    locked_at: datetime | None = None
    # On the kiosk's list of the client's units, with a picture to find oneself by.
    on_kiosk_list: bool = False
    symbol: str = Field(default="", max_length=20)
    # The client may ask an instructor at the kiosk to confirm them instead of
    # typing a code (WCAG 2.2 3.3.8: a way in that asks no memory).
    instructor_helps: bool = True
    # WebAuthn user handle: random, never the person id or the identity code.
    user_handle: str = Field(max_length=64, unique=True)
    # How it began: the client after a strong login ("self"), or staff with
    # the client present ("document" seen, or "known" to staff and confirmed
    # by the guardian); who confirmed, and a guardian's consent where needed.
    enrolled_how: str = Field(default="self", max_length=10)
    enrolled_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    guardian_consent: bool = False
    created_at: datetime = Field(default_factory=utc_now)
    last_used_at: datetime | None = None
    ended_at: datetime | None = None


class EnrolmentCode(SQLModel, table=True):
    """A one-time code staff gave a client to set up the easy login; valid for
    15 minutes, shown once, used once. A newer code replaces an older one."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    created_by_person_id: int = Field(foreign_key="person.id")
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime
    used_at: datetime | None = None


class Passkey(SQLModel, table=True):
    """A WebAuthn credential on a client's own device."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    credential_id: str = Field(max_length=1400, unique=True)  # base64url
    public_key: str = Field(max_length=2000)  # base64url COSE key
    sign_count: int = 0
    label: str = Field(default="", max_length=60)
    created_at: datetime = Field(default_factory=utc_now)
    last_used_at: datetime | None = None
    removed_at: datetime | None = None


class PasskeyChallenge(SQLModel, table=True):
    """A WebAuthn challenge the server gave; it answers once, within minutes."""

    id: int | None = Field(default=None, primary_key=True)
    challenge: str = Field(max_length=100, unique=True)  # base64url
    purpose: str = Field(max_length=10)  # "register" or "login"
    person_id: int | None = Field(default=None, foreign_key="person.id")
    # The browser it was given to (a hash of its CSRF cookie seed): an answer
    # from any other browser is refused.
    browser_hash: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime
    used_at: datetime | None = None


class KioskHelpRequest(SQLModel, table=True):
    """A client at a kiosk asked an instructor of the unit to confirm them
    ("Ohjaaja auttaa"); staff of the unit answer it, and the kiosk that asked
    (holding `kiosk_token_hash`'s secret) logs in with the answer once."""

    __table_args__ = (Index("ix_kioskhelprequest_unit_open", "unit_id", "answered_at", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kiosk_id: int = Field(foreign_key="kiosk.id")
    unit_id: int = Field(foreign_key="unit.id")
    person_id: int = Field(foreign_key="person.id")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime
    answer: str = Field(default="", max_length=10)  # "", "approved", "rejected", "cancelled"
    answered_at: datetime | None = None
    answered_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    used_at: datetime | None = None  # the kiosk logged in with it
