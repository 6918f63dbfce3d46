"""Enrolment codes: how a client with no bank ID gets an easy login.

An instructor of the client's unit, with the client present, confirms who
the person is and records how (and a guardian's consent where the client has
a guardian for personal matters). The portal gives a one-time code, valid for
15 minutes and shown once; the client types it on the kiosk (or on their own
phone) and chooses their own number code. Only the code's hash is kept.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from portal import clock
from portal.auth.sessions import as_utc
from portal.easy_login import accounts
from portal.easy_login.models import EasyLogin, EnrolmentCode

LIFETIME = timedelta(minutes=15)
DIGITS = 10  # typed with the kiosk's number keys; one code in 10^10, for 15 minutes, with a rate limit


class How(enum.StrEnum):
    DOCUMENT = "document"  # an identity document seen
    KNOWN = "known"  # known to the staff and confirmed by the guardian


def _hash(code: str) -> str:
    return hashlib.sha256(f"portal enrolment\n{code}".encode()).hexdigest()


def normalise(typed: str) -> str:
    """The digits of a typed code: spaces and dashes people add are fine."""
    return "".join(ch for ch in typed if ch not in " -\u00a0")


def give(session: Session, *, person_id: int, staff_person_id: int, how: How, guardian_consent: bool) -> str:
    """A new enrolment code for the client; an older unused one stops working."""
    now = clock.now()
    session.exec(update(EnrolmentCode).where(  # type: ignore[call-overload]
        col(EnrolmentCode.person_id) == person_id, col(EnrolmentCode.used_at).is_(None),
        col(EnrolmentCode.expires_at) > now).values(expires_at=now))
    accounts.begin(session, person_id=person_id, how=how.value, by_person_id=staff_person_id,
                   guardian_consent=guardian_consent)
    code = "".join(secrets.choice("0123456789") for _ in range(DIGITS))
    session.add(EnrolmentCode(person_id=person_id, code_hash=_hash(code), created_by_person_id=staff_person_id,
                              created_at=now, expires_at=now + LIFETIME))
    session.flush()
    return code


def shown(code: str) -> str:
    """The code as staff read it out: 12345 67890."""
    return f"{code[:5]} {code[5:]}"


class Problem(enum.StrEnum):
    UNKNOWN = "unknown"  # wrong, or never given
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True)
class Found:
    code: EnrolmentCode | None
    problem: Problem | None


def find(session: Session, typed: str) -> Found:
    """The enrolment code typed, if it may still be used."""
    code = normalise(typed)
    if not code.isascii() or not code.isdigit() or len(code) != DIGITS:
        return Found(None, Problem.UNKNOWN)
    row = session.exec(select(EnrolmentCode).where(EnrolmentCode.code_hash == _hash(code))).first()
    if row is None:
        return Found(None, Problem.UNKNOWN)
    if row.used_at is not None:
        return Found(None, Problem.USED)
    if clock.now() >= as_utc(row.expires_at):
        return Found(None, Problem.EXPIRED)
    return Found(row, None)


def use(session: Session, typed: str) -> tuple[EasyLogin | None, Problem | None]:
    """Use the code once: one statement marks it used only if it still was
    unused and valid, so two tabs (or two kiosks) cannot both use it."""
    found = find(session, typed)
    if found.code is None:
        return None, found.problem
    now = clock.now()
    used = session.exec(update(EnrolmentCode).where(  # type: ignore[call-overload]
        col(EnrolmentCode.id) == found.code.id, col(EnrolmentCode.used_at).is_(None),
        col(EnrolmentCode.expires_at) > now).values(used_at=now)).rowcount
    if used != 1:
        return None, Problem.USED
    login = accounts.current(session, found.code.person_id)
    if login is None:  # the easy login was ended after the code was given
        return None, Problem.EXPIRED
    return login, None
