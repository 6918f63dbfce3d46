"""Signing in the easy way: the kiosk's list, the number code, and the easy
session every easy way (code, passkey, an instructor's confirmation) starts.

The session is an ordinary login session at the `easy` level
(portal.auth.levels): a client acting for themselves, 30 minutes at most,
with the kiosk's short idle time on a kiosk."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlmodel import Session, col, select

from portal import access_log, clock, organisation
from portal.auth import sessions
from portal.auth.levels import Level
from portal.easy_login import accounts, codes
from portal.easy_login.models import EasyLogin, Kiosk
from portal.models import ClientPeriod, Person


class Method(enum.StrEnum):
    CODE = "code"
    PASSKEY = "passkey"
    INSTRUCTOR = "instructor"


@dataclass(frozen=True)
class ListEntry:
    """One client on a kiosk's list: 'Liisa M.' and their picture."""

    login_id: int
    given_name: str
    initial: str
    symbol: str

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.initial}."


def kiosk_list(session: Session, *, unit_id: int) -> list[ListEntry]:
    """The unit's clients in service today who chose to be on its kiosk list,
    by first name. A unit has tens of clients, not thousands: one query."""
    today = clock.today()
    rows = session.exec(
        select(EasyLogin.id, Person.given_name, Person.family_name, EasyLogin.symbol)
        .join(Person, col(Person.id) == EasyLogin.person_id)
        .where(col(EasyLogin.on_kiosk_list).is_(True), col(EasyLogin.ended_at).is_(None),
               select(ClientPeriod.id).where(ClientPeriod.person_id == EasyLogin.person_id,
                                             ClientPeriod.unit_id == unit_id, col(ClientPeriod.starts_on) <= today,
                                             col(ClientPeriod.ends_on) >= today).exists())
        .order_by(Person.given_name, Person.family_name, EasyLogin.id)
    ).all()
    return [ListEntry(login_id, given, (family or " ")[0], symbol) for login_id, given, family, symbol in rows]


def entry(session: Session, *, unit_id: int, login_id: int) -> ListEntry | None:
    """One entry of the unit's kiosk list (None: not on this kiosk's list)."""
    return next((item for item in kiosk_list(session, unit_id=unit_id) if item.login_id == login_id), None)


class Outcome(enum.StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    NO_CODE = "no_code"


@dataclass(frozen=True)
class CodeResult:
    outcome: Outcome
    tries_left: int = codes.TRIES
    token: str | None = None


def try_code(session: Session, *, kiosk: Kiosk, login_id: int, code: str, meta: dict[str, str]) -> CodeResult | None:
    """Check a number code typed on `kiosk` for the client `login_id` of its
    list; None when the client is not on this kiosk's list."""
    if entry(session, unit_id=kiosk.unit_id, login_id=login_id) is None:
        return None
    login = session.get(EasyLogin, login_id)
    assert login is not None
    where = {"object_id": f"kiosk:{kiosk.id}", "actor_person_id": login.person_id, "actor_role": "client",
             "subject_person_id": login.person_id, **meta}
    if login.locked_at is not None:
        access_log.record(session, action="refused", object_type="easy_login_code_locked", **where)
        return CodeResult(Outcome.LOCKED, 0)
    if not login.code_hash:
        return CodeResult(Outcome.NO_CODE)
    if not codes.check(login.code_hash, code):
        left = accounts.record_wrong_code(session, login)
        access_log.record(session, action="login_failed", object_type="easy_login_code", **where)
        if left == 0:
            access_log.record(session, action="change", object_type="easy_login_code_locked", **where)
            return CodeResult(Outcome.LOCKED, 0)
        return CodeResult(Outcome.WRONG, left)
    if codes.needs_rehash(login.code_hash):
        login.code_hash = codes.hash_code(code)
    token = start(session, login=login, method=Method.CODE, kiosk=kiosk, meta=meta)
    return CodeResult(Outcome.OK, codes.TRIES, token)


def start(session: Session, *, login: EasyLogin, method: Method, kiosk: Kiosk | None, meta: dict[str, str]) -> str:
    """An easy session for the client of `login`; its cookie value. Logged
    with the way in and the kiosk, for the client to read in the access log."""
    accounts.record_use(session, login, reset_tries=method is Method.CODE)
    token, record = sessions.start(session, audience="client", person_id=login.person_id,
                                   acting_for_person_id=login.person_id, kiosk=kiosk is not None, level=Level.EASY)
    access_log.record(session, action="login", object_type=f"easy_login_{method.value}",
                      object_id=f"kiosk:{kiosk.id}" if kiosk else "", actor_person_id=login.person_id,
                      actor_role="client", subject_person_id=login.person_id, **meta)
    return token


def may_use_here(session: Session, *, person_id: int, kiosk: Kiosk) -> bool:
    """A client's code works only on a kiosk of their own unit."""
    return kiosk.unit_id in organisation.unit_ids_of_client(session, person_id)
