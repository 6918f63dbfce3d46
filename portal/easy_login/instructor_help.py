""""Ohjaaja auttaa": a client at a kiosk asks an instructor to confirm them,
instead of typing a number code (WCAG 2.2 3.3.8: a way in that asks no
memory). Staff of the kiosk's unit, logged in strongly, approve or refuse;
on approval the kiosk that asked logs in at the easy level, once.

A request is bound to its kiosk (the kiosk cookie) and to a random secret in
that browser's cookie; one waits per kiosk; it waits WAIT, then the kiosk
offers to ask again with one button (WCAG 2.2.1: the person can extend it).
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from portal import access_log, clock
from portal.auth.sessions import as_utc
from portal.easy_login import sign_in
from portal.easy_login.models import EasyLogin, Kiosk, KioskHelpRequest
from portal.models import Person

WAIT = timedelta(minutes=10)


def _hash(token: str) -> str:
    return hashlib.sha256(f"portal kiosk help\n{token}".encode()).hexdigest()


class State(enum.StrEnum):
    WAITING = "waiting"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    USED = "used"  # approved and already logged in with


def ask(session: Session, *, kiosk: Kiosk, login_id: int, meta: dict[str, str]) -> str | None:
    """A new request from `kiosk` for the client `login_id` of its list; the
    secret the kiosk keeps. None when the client is not on this kiosk's list
    or chose not to be helped this way. An earlier waiting request of the
    kiosk is cancelled: one waits per kiosk."""
    entry = sign_in.entry(session, unit_id=kiosk.unit_id, login_id=login_id)
    login = session.get(EasyLogin, login_id) if entry else None
    if login is None or not login.instructor_helps:
        return None
    now = clock.now()
    cancel_waiting(session, kiosk=kiosk, meta=meta)
    token = secrets.token_urlsafe(32)
    session.add(KioskHelpRequest(kiosk_id=kiosk.id, unit_id=kiosk.unit_id, person_id=login.person_id,  # type: ignore[arg-type]
                                 token_hash=_hash(token), created_at=now, expires_at=now + WAIT))
    access_log.record(session, action="request", object_type="easy_login_help", object_id=f"kiosk:{kiosk.id}",
                      actor_role="kiosk", subject_person_id=login.person_id, **meta)
    return token


def cancel_waiting(session: Session, *, kiosk: Kiosk, meta: dict[str, str]) -> None:
    now = clock.now()
    waiting = session.exec(select(KioskHelpRequest).where(
        KioskHelpRequest.kiosk_id == kiosk.id, col(KioskHelpRequest.answered_at).is_(None),
        col(KioskHelpRequest.expires_at) > now)).all()
    for request in waiting:
        request.answer, request.answered_at = "cancelled", now
        session.add(request)
        access_log.record(session, action="request", object_type="easy_login_help_cancelled",
                          object_id=f"kiosk:{kiosk.id}", actor_role="kiosk", subject_person_id=request.person_id,
                          **meta)


@dataclass(frozen=True)
class Waiting:
    """One request as staff see it."""

    id: int
    person_id: int
    given_name: str
    family_name: str
    symbol: str
    kiosk_name: str
    asked_at: datetime
    minutes_ago: int = 0  # how long the client has waited, when the page was made


def waiting_for(session: Session, *, unit_ids: list[int] | frozenset[int]) -> list[Waiting]:
    """The waiting requests of these units' kiosks, oldest first. One waits
    per kiosk at most, so the list is never longer than the units' kiosks."""
    now = clock.now()
    rows = session.exec(
        select(KioskHelpRequest, Person, Kiosk, EasyLogin.symbol)
        .join(Person, col(Person.id) == KioskHelpRequest.person_id)
        .join(Kiosk, col(Kiosk.id) == KioskHelpRequest.kiosk_id)
        .join(EasyLogin, col(EasyLogin.person_id) == KioskHelpRequest.person_id)
        .where(col(KioskHelpRequest.unit_id).in_(list(unit_ids)), col(KioskHelpRequest.answered_at).is_(None),
               col(KioskHelpRequest.expires_at) > now, col(Kiosk.revoked_at).is_(None))
        .order_by(col(KioskHelpRequest.created_at), col(KioskHelpRequest.id))
    ).all()
    return [Waiting(request.id, person.id, person.given_name, person.family_name, symbol, kiosk.name,  # type: ignore[arg-type]
                    as_utc(request.created_at), int((now - as_utc(request.created_at)).total_seconds() // 60))
            for request, person, kiosk, symbol in rows]


class Answer(enum.StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


def answer(session: Session, *, request_id: int, unit_ids: list[int] | frozenset[int], staff_person_id: int,
           given: Answer) -> KioskHelpRequest | None:
    """Answer a waiting request of one of these units, once (one statement:
    two tabs cannot both answer). None: no such waiting request here."""
    now = clock.now()
    done = session.exec(update(KioskHelpRequest).where(  # type: ignore[call-overload]
        col(KioskHelpRequest.id) == request_id, col(KioskHelpRequest.unit_id).in_(list(unit_ids)),
        col(KioskHelpRequest.answered_at).is_(None), col(KioskHelpRequest.expires_at) > now,
    ).values(answer=given.value, answered_at=now, answered_by_person_id=staff_person_id)).rowcount
    return session.get(KioskHelpRequest, request_id) if done == 1 else None


def _mine(session: Session, *, kiosk: Kiosk | None, token: str) -> KioskHelpRequest | None:
    if kiosk is None or not token:
        return None
    request = session.exec(select(KioskHelpRequest).where(KioskHelpRequest.token_hash == _hash(token))).first()
    return request if request is not None and request.kiosk_id == kiosk.id else None


def state_of(session: Session, *, kiosk: Kiosk | None, token: str) -> tuple[State, KioskHelpRequest | None]:
    """How the kiosk's own request stands (reads only)."""
    request = _mine(session, kiosk=kiosk, token=token)
    if request is None:
        return State.EXPIRED, None
    if request.used_at is not None:
        return State.USED, request
    if request.answer:
        return State(request.answer), request
    if clock.now() >= as_utc(request.expires_at):
        return State.EXPIRED, request
    return State.WAITING, request


def log_in(session: Session, *, kiosk: Kiosk, token: str, meta: dict[str, str]) -> str | None:
    """The easy session an approved request opens, once; None otherwise."""
    state, request = state_of(session, kiosk=kiosk, token=token)
    if state is not State.APPROVED or request is None:
        return None
    used = session.exec(update(KioskHelpRequest).where(  # type: ignore[call-overload]
        col(KioskHelpRequest.id) == request.id, col(KioskHelpRequest.used_at).is_(None),
    ).values(used_at=clock.now())).rowcount
    login = session.exec(select(EasyLogin).where(EasyLogin.person_id == request.person_id)).first()
    if used != 1 or login is None or login.ended_at is not None:
        return None
    return sign_in.start(session, login=login, method=sign_in.Method.INSTRUCTOR, kiosk=kiosk, meta=meta)


def person_of(session: Session, request: KioskHelpRequest) -> sign_in.ListEntry | None:
    login = session.exec(select(EasyLogin).where(EasyLogin.person_id == request.person_id)).first()
    person = session.get(Person, request.person_id)
    if login is None or person is None:
        return None
    return sign_in.ListEntry(login.id, person.given_name, (person.family_name or " ")[0], login.symbol)  # type: ignore[arg-type]
