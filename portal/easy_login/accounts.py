"""A client's easy login: set up, number code, kiosk list, lock, end.

Only the client chooses their number code (after a strong login, or with an
enrolment code staff gave them); staff may open a locked code and end the
easy login, never see or set the code."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from portal import clock
from portal.auth.levels import Level
from portal.easy_login import codes
from portal.easy_login.models import EasyLogin, Passkey
from portal.models import LoginSession, Mandate, MandateBasis


def current(session: Session, person_id: int) -> EasyLogin | None:
    """The person's easy login in force, or None."""
    login = session.exec(select(EasyLogin).where(EasyLogin.person_id == person_id)).first()
    return login if login is not None and login.ended_at is None else None


def begin(session: Session, *, person_id: int, how: str, by_person_id: int | None,
          guardian_consent: bool = False) -> EasyLogin:
    """The person's easy login, set up now or kept as it is if in force.

    `how`: "self" (after the client's own strong login), "document" (staff saw
    an identity document) or "known" (known to staff, confirmed by the guardian)."""
    login = session.exec(select(EasyLogin).where(EasyLogin.person_id == person_id)).first()
    if login is None:
        login = EasyLogin(person_id=person_id, user_handle=secrets.token_urlsafe(32), created_at=clock.now())
    elif login.ended_at is None and how == "self":
        return login
    if login.ended_at is not None:  # set up again after it ended: nothing of the old one carries over
        login.code_hash, login.code_set_at, login.failed_tries, login.locked_at = "", None, 0, None
        login.on_kiosk_list, login.symbol, login.ended_at = False, "", None
        login.user_handle = secrets.token_urlsafe(32)
        login.created_at = clock.now()
    login.enrolled_how, login.enrolled_by_person_id = how, by_person_id
    login.guardian_consent = guardian_consent
    session.add(login)
    session.flush()
    return login


def set_code(session: Session, login: EasyLogin, code: str) -> None:
    """The client's new number code (checked for weakness by the form)."""
    login.code_hash = codes.hash_code(code)
    login.code_set_at = clock.now()
    login.failed_tries, login.locked_at = 0, None
    session.add(login)


def choose_kiosk_list(session: Session, login: EasyLogin, *, on_list: bool, symbol: str,
                      instructor_helps: bool) -> None:
    login.on_kiosk_list, login.symbol, login.instructor_helps = on_list, symbol, instructor_helps
    session.add(login)


def record_wrong_code(session: Session, login: EasyLogin) -> int:
    """Count a wrong code in one statement (two kiosks at once both count);
    lock at the TRIES-th. Returns the tries left (0: locked now)."""
    row = session.exec(  # type: ignore[call-overload]
        update(EasyLogin).where(col(EasyLogin.id) == login.id)
        .values(failed_tries=EasyLogin.failed_tries + 1).returning(col(EasyLogin.failed_tries))
    ).first()
    tries = row[0]
    left = max(0, codes.TRIES - tries)
    if left == 0:
        session.exec(update(EasyLogin).where(col(EasyLogin.id) == login.id, col(EasyLogin.locked_at).is_(None))  # type: ignore[call-overload]
                     .values(locked_at=clock.now()))
    session.refresh(login)
    return left


def record_use(session: Session, login: EasyLogin, *, reset_tries: bool) -> None:
    login.last_used_at = clock.now()
    if reset_tries:
        login.failed_tries = 0
    session.add(login)


def open_lock(session: Session, login: EasyLogin) -> bool:
    """Staff open a locked code; False when it was not locked."""
    if login.locked_at is None:
        return False
    login.locked_at, login.failed_tries = None, 0
    session.add(login)
    return True


def end(session: Session, login: EasyLogin) -> None:
    """End the easy login: the code, the passkeys and the easy sessions now."""
    now = clock.now()
    login.ended_at, login.code_hash, login.on_kiosk_list = now, "", False
    session.add(login)
    session.exec(update(Passkey).where(col(Passkey.person_id) == login.person_id, col(Passkey.removed_at).is_(None))  # type: ignore[call-overload]
                 .values(removed_at=now))
    end_easy_sessions(session, login.person_id)


def end_easy_sessions(session: Session, person_id: int) -> None:
    session.exec(update(LoginSession).where(  # type: ignore[call-overload]
        col(LoginSession.person_id) == person_id, col(LoginSession.level) == Level.EASY.value,
        col(LoginSession.revoked_at).is_(None),
    ).values(revoked_at=clock.now()))


@dataclass(frozen=True)
class Status:
    """What staff and the client see of an easy login."""

    in_force: bool
    has_code: bool
    locked: bool
    tries_left: int
    passkeys: int
    on_kiosk_list: bool
    symbol: str
    instructor_helps: bool
    enrolled_how: str
    last_used_at: datetime | None


def status(session: Session, person_id: int) -> Status:
    login = current(session, person_id)
    if login is None:
        return Status(False, False, False, codes.TRIES, 0, False, "", False, "", None)
    passkeys = session.exec(select(func.count()).select_from(Passkey).where(
        Passkey.person_id == person_id, col(Passkey.removed_at).is_(None))).one()
    return Status(True, bool(login.code_hash), login.locked_at is not None, max(0, codes.TRIES - login.failed_tries),
                  passkeys, login.on_kiosk_list, login.symbol, login.instructor_helps, login.enrolled_how,
                  login.last_used_at)


def has_guardian(session: Session, person_id: int) -> bool:
    """A guardianship (edunvalvonta) in force for the client today."""
    today = clock.today()
    return session.exec(select(Mandate.id).where(
        Mandate.principal_person_id == person_id, Mandate.basis == MandateBasis.GUARDIANSHIP,
        col(Mandate.revoked_at).is_(None), col(Mandate.valid_from) <= today,
        (col(Mandate.valid_until).is_(None)) | (col(Mandate.valid_until) >= today),
    ).limit(1)).first() is not None
