"""Server-side login sessions: a random 256-bit id in the cookie, its hash in
the database; idle timeouts per audience and device, an absolute lifetime per
level of login."""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from portal import clock
from portal.auth.levels import Level, easy_may_act
from portal.models import LoginSession

IDLE_TIMEOUT = {"client": timedelta(minutes=20), "staff": timedelta(minutes=30)}
KIOSK_IDLE_TIMEOUT = timedelta(minutes=5)
ABSOLUTE_LIFETIME = timedelta(hours=10)
# An easy login (portal.auth.levels) proves less: it lasts one short visit,
# active or not. The idle timeouts above still apply within it.
EASY_ABSOLUTE_LIFETIME = timedelta(minutes=30)
WARN_BEFORE = timedelta(minutes=3)  # the header and the dialog warn this long before
COOKIE_NAMES = {"client": "portal_client_session", "staff": "portal_staff_session"}
# Writing last_seen_at on every request would make each page a write.
TOUCH_INTERVAL = timedelta(seconds=30)
# How long a session's previous id may repeat the change that replaced it (a
# double click, a slow network's retry); nothing else works with it.
REPEAT_GRACE = timedelta(seconds=30)


class SessionState(enum.StrEnum):
    ACTIVE = "active"
    MISSING = "missing"
    EXPIRED = "expired"
    REVOKED = "revoked"
    WRONG_AUDIENCE = "wrong_audience"


@dataclass(frozen=True)
class SessionLookup:
    state: SessionState
    record: LoginSession | None = None


def now_utc() -> datetime:
    return clock.now()


def as_utc(value: datetime) -> datetime:
    # SQLite returns naive datetimes; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_timeout(record: LoginSession) -> timedelta:
    return KIOSK_IDLE_TIMEOUT if record.kiosk else IDLE_TIMEOUT[record.audience]


def absolute_lifetime(level: Level | str) -> timedelta:
    return EASY_ABSOLUTE_LIFETIME if Level(level) is Level.EASY else ABSOLUTE_LIFETIME


def ends_at(record: LoginSession) -> datetime:
    """When the session ends if the person does nothing more."""
    # The level's lifetime from the start as well as the stored expiry: a row
    # written with a longer expiry still ends an easy login in time.
    return min(as_utc(record.last_seen_at) + idle_timeout(record), as_utc(record.expires_at),
               as_utc(record.created_at) + absolute_lifetime(record.level))


def start(
    session: Session,
    *,
    audience: str,
    person_id: int,
    acting_for_person_id: int | None,
    kiosk: bool,
    id_token_cipher: str = "",
    level: Level = Level.STRONG,
    now: datetime | None = None,
) -> tuple[str, LoginSession]:
    if level is Level.EASY and not easy_may_act(audience=audience, person_id=person_id,
                                                 subject_person_id=acting_for_person_id):
        raise ValueError("an easy login is only for a client acting for themselves")
    now = now or now_utc()
    token = secrets.token_urlsafe(32)  # 256 bits
    record = LoginSession(
        token_hash=token_hash(token),
        audience=audience,
        person_id=person_id,
        acting_for_person_id=acting_for_person_id,
        kiosk=kiosk,
        created_at=now,
        last_seen_at=now,
        expires_at=now + absolute_lifetime(level),
        id_token_cipher=id_token_cipher,
        level=level.value,
    )
    session.add(record)
    session.flush()
    return token, record


def find(session: Session, *, token: str | None, audience: str, now: datetime | None = None) -> SessionLookup:
    if not token:
        return SessionLookup(SessionState.MISSING)
    record = session.exec(select(LoginSession).where(LoginSession.token_hash == token_hash(token))).first()
    return classify(record, audience=audience, now=now)


def classify(record: LoginSession | None, *, audience: str, now: datetime | None = None) -> SessionLookup:
    """The state of a session record already read (None: no such session)."""
    if record is None:
        return SessionLookup(SessionState.MISSING)
    now = now or now_utc()
    if record.audience != audience:
        return SessionLookup(SessionState.WRONG_AUDIENCE, record)
    if record.revoked_at is not None:
        return SessionLookup(SessionState.REVOKED, record)
    if now >= ends_at(record):
        return SessionLookup(SessionState.EXPIRED, record)
    return SessionLookup(SessionState.ACTIVE, record)


def touch(record: LoginSession, *, now: datetime | None = None, force: bool = False) -> None:
    now = now or now_utc()
    if force or now - as_utc(record.last_seen_at) >= TOUCH_INTERVAL:
        record.last_seen_at = now


def next_token(*, secret: str, token: str, change: str) -> str:
    """The session's id after `change`, derived from its id before it.

    Not random: the same change posted twice with the same id (a double
    click, two requests at the same moment) gives both answers the same new
    id, whichever of them commits last. Only someone with the old id and the
    server's secret can derive it, and the old id stops working at the change."""
    key = hmac.new(secret.encode(), b"portal session rotation", hashlib.sha256).digest()
    digest = hmac.new(key, f"{token}\n{change}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()  # 256 bits, like token_urlsafe(32)


def rotate(session: Session, record: LoginSession, *, token: str, secret: str, change: str,
           now: datetime | None = None) -> str:
    """Give the session a new id (after switching whose matters are handled);
    `token` is its id now. The old id's hash is kept: for REPEAT_GRACE the
    guard lets it repeat the same change (Access.repeatable, is_repeat)."""
    new = next_token(secret=secret, token=token, change=change)
    record.previous_token_hash = token_hash(token)
    record.rotated_at = now or now_utc()
    record.token_hash = token_hash(new)
    session.add(record)
    return new


def is_repeat(record: LoginSession, *, token: str, secret: str, change: str) -> bool:
    """True when `token` is the session's previous id and `change` the one
    that replaced it: the answer to the repeat is the session's id now."""
    return record.previous_token_hash == token_hash(token) and record.token_hash == token_hash(
        next_token(secret=secret, token=token, change=change)
    )


def revoke(session: Session, record: LoginSession, *, now: datetime | None = None) -> None:
    record.revoked_at = now or now_utc()
    session.add(record)
