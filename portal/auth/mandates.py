"""Mandates: reading them through a source, granting and revoking them.

The source sits behind a small interface: the database by default, or
Suomi.fi-valtuudet (see portal.auth.suomifi_mandates) by configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlmodel import Session, col, or_, select

from portal.identity_code import IdentityCodeVault, masked
from portal.schedule import calendar_days
from portal.models import Mandate, MandateBasis, MandateScope, Person


@dataclass(frozen=True)
class ActiveMandate:
    mandate_id: int | None
    principal_person_id: int
    principal_name: str
    scope: str
    basis: str


class MandateSource(Protocol):
    def for_agent(self, session: Session, *, agent_person_id: int, today: date) -> list[ActiveMandate]: ...


def _in_force(today: date):  # type: ignore[no-untyped-def]
    return (
        col(Mandate.revoked_at).is_(None),
        col(Mandate.name_check_pending).is_(False),
        col(Mandate.valid_from) <= today,
        or_(col(Mandate.valid_until).is_(None), col(Mandate.valid_until) >= today),
    )


class DatabaseMandates:
    """Mandates granted in the portal or recorded by staff."""

    def for_agent(self, session: Session, *, agent_person_id: int, today: date,
                  principal_ids: list[int] | None = None) -> list[ActiveMandate]:
        query = (
            select(Mandate, Person)
            .join(Person, col(Person.id) == col(Mandate.principal_person_id))
            .where(Mandate.agent_person_id == agent_person_id, *_in_force(today))
            .order_by(Person.family_name, Person.given_name, Mandate.id)
        )
        if principal_ids is not None:
            query = query.where(col(Mandate.principal_person_id).in_(principal_ids))
        rows = session.exec(query).all()
        best: dict[int, ActiveMandate] = {}
        for mandate, principal in rows:
            current = best.get(principal.id)  # type: ignore[arg-type]
            if current is None or (current.scope == MandateScope.VIEW and mandate.scope == MandateScope.ACT):
                best[principal.id] = ActiveMandate(  # type: ignore[index]
                    mandate.id,
                    principal.id,  # type: ignore[arg-type]
                    f"{principal.given_name} {principal.family_name}",
                    mandate.scope,
                    mandate.basis,
                )
        return list(best.values())

    def between(self, session: Session, *, agent_person_id: int, principal_person_id: int,
                today: date) -> ActiveMandate | None:
        found = self.for_agent(session, agent_person_id=agent_person_id, today=today,
                               principal_ids=[principal_person_id])
        return found[0] if found else None

    def principals_page(self, session: Session, *, agent_person_id: int, today: date,
                        after_principal_id: int | None, page_size: int) -> list[int]:
        """Up to page_size + 1 principals, in id order after the cursor
        (keyset on ix_mandate_agent_principal)."""
        query = (
            select(Mandate.principal_person_id)
            .where(Mandate.agent_person_id == agent_person_id, *_in_force(today))
            .distinct()
            .order_by(col(Mandate.principal_person_id))
            .limit(page_size + 1)
        )
        if after_principal_id is not None:
            query = query.where(col(Mandate.principal_person_id) > after_principal_id)
        return list(session.exec(query).all())


def mandate_for(
    source: MandateSource, session: Session, *, agent_person_id: int, principal_person_id: int, today: date
) -> ActiveMandate | None:
    if isinstance(source, DatabaseMandates):  # one indexed lookup, not all of the agent's mandates
        return source.between(session, agent_person_id=agent_person_id, principal_person_id=principal_person_id,
                              today=today)
    for mandate in source.for_agent(session, agent_person_id=agent_person_id, today=today):
        if mandate.principal_person_id == principal_person_id:
            return mandate
    return None


@dataclass(frozen=True)
class MandateRow:
    mandate: Mandate
    agent_name: str
    agent_code_masked: str  # '' for a public guardian: their code is never shown


def for_principal(session: Session, *, principal_person_id: int, vault: IdentityCodeVault) -> list[MandateRow]:
    rows = session.exec(
        select(Mandate, Person)
        .join(Person, col(Person.id) == col(Mandate.agent_person_id))
        .where(Mandate.principal_person_id == principal_person_id)
        .order_by(col(Mandate.revoked_at).is_not(None), col(Mandate.created_at).desc())
    ).all()
    return [
        MandateRow(
            mandate,
            # The typed name until the agent's login has checked it: a known
            # person's real name is not revealed to the granter.
            f"{mandate.agent_given_name} {mandate.agent_family_name}"
            if mandate.agent_family_name
            else f"{agent.given_name} {agent.family_name}",
            "" if mandate.public_guardian else masked(vault.decrypt(agent.identity_code_cipher)),
        )
        for mandate, agent in rows
    ]


def find_or_add_person(
    session: Session, *, vault: IdentityCodeVault, identity_code: str, given_name: str, family_name: str
) -> Person:
    """The person with this identity code, added with the typed names if new.

    A known person's names are never compared or changed here: the answer
    would tell the sender who is known to this service.
    """
    person = session.exec(
        select(Person).where(Person.identity_code_hash == vault.lookup_hash(identity_code))
    ).first()
    if person is not None:
        return person
    person = Person(
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        identity_code_hash=vault.lookup_hash(identity_code),
        identity_code_cipher=vault.encrypt(identity_code),
    )
    session.add(person)
    session.flush()
    return person


def grant(
    session: Session,
    *,
    principal_person_id: int,
    agent_person_id: int,
    scope: MandateScope,
    basis: MandateBasis,
    created_by_person_id: int,
    valid_from: date,
    valid_until: date | None,
    public_guardian: bool = False,
) -> Mandate:
    mandate = Mandate(
        principal_person_id=principal_person_id,
        agent_person_id=agent_person_id,
        scope=scope.value,
        basis=basis.value,
        public_guardian=public_guardian,
        valid_from=valid_from,
        valid_until=valid_until,
        created_by_person_id=created_by_person_id,
    )
    session.add(mandate)
    session.flush()
    return mandate


def grant_to_named_person(
    session: Session,
    *,
    vault: IdentityCodeVault,
    identity_code: str,
    given_name: str,
    family_name: str,
    principal_person_id: int,
    scope: MandateScope,
    basis: MandateBasis,
    created_by_person_id: int,
    valid_until: date | None,
    public_guardian: bool = False,
) -> Mandate | None:
    """Grant to the person with this identity code (added if new); None for the principal's own code.

    Every other grant is answered alike. The mandate waits until the agent
    logs in and the strong login's name matches the typed one (check_names_at_login).
    """
    agent = find_or_add_person(
        session, vault=vault, identity_code=identity_code, given_name=given_name, family_name=family_name
    )
    assert agent.id is not None
    if agent.id == principal_person_id:
        return None
    mandate = grant(
        session,
        principal_person_id=principal_person_id,
        agent_person_id=agent.id,
        scope=scope,
        basis=basis,
        created_by_person_id=created_by_person_id,
        valid_from=calendar_days.today(),
        valid_until=valid_until,
        public_guardian=public_guardian,
    )
    mandate.agent_given_name = given_name.strip()
    mandate.agent_family_name = family_name.strip()
    mandate.name_check_pending = True
    session.add(mandate)
    return mandate


def _same_name(typed: str, official: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(official.split()).casefold()


def check_names_at_login(session: Session, *, agent_person_id: int, family_name: str, now: datetime) -> list[Mandate]:
    """Settle the agent's waiting mandates against the name their strong login gave.

    A matching family name puts the mandate in force; another name revokes it.
    Returns the revoked ones (for the access log).
    """
    if not family_name.strip():
        return []  # no name from the provider: the mandates keep waiting
    waiting = session.exec(
        select(Mandate).where(
            Mandate.agent_person_id == agent_person_id,
            col(Mandate.name_check_pending).is_(True),
            col(Mandate.revoked_at).is_(None),
        )
    ).all()
    revoked = []
    for mandate in waiting:
        mandate.name_check_pending = False
        if not _same_name(mandate.agent_family_name, family_name):
            mandate.revoked_at = now
            revoked.append(mandate)
        session.add(mandate)
    return revoked


def revoke(session: Session, *, mandate_id: int, principal_person_id: int, now: datetime) -> Mandate | None:
    """Revoke one of the principal's own mandates; None if it is not theirs."""
    mandate = session.get(Mandate, mandate_id)
    if mandate is None or mandate.principal_person_id != principal_person_id:
        return None
    if mandate.revoked_at is None:
        mandate.revoked_at = now
        session.add(mandate)
    return mandate


PAGE_SIZE = 50


@dataclass(frozen=True)
class ChoicePage:
    mandates: list[ActiveMandate]
    next_after: int | None  # the principal id to continue after, None on the last page


def choices_page(source: MandateSource, session: Session, *, agent_person_id: int, today: date,
                 after_principal_id: int | None = None, page_size: int = PAGE_SIZE) -> ChoicePage:
    """Whose matters the agent may handle, a page at a time (in principal id order)."""
    if isinstance(source, DatabaseMandates):
        ids = source.principals_page(session, agent_person_id=agent_person_id, today=today,
                                     after_principal_id=after_principal_id, page_size=page_size)
        mandates = source.for_agent(session, agent_person_id=agent_person_id, today=today,
                                    principal_ids=ids[:page_size]) if ids else []
        more = len(ids) > page_size
        return ChoicePage(mandates, ids[page_size - 1] if more else None)
    # An outside source (Suomi.fi) answers with the whole list: page it here.
    every = sorted(source.for_agent(session, agent_person_id=agent_person_id, today=today),
                   key=lambda mandate: mandate.principal_person_id)
    rest = [m for m in every if after_principal_id is None or m.principal_person_id > after_principal_id]
    return ChoicePage(rest[:page_size], rest[page_size - 1].principal_person_id if len(rest) > page_size else None)


@dataclass(frozen=True)
class MandatePage:
    rows: list[MandateRow]
    next_before: int | None  # the mandate id to continue before, None on the last page


def page_for_principal(session: Session, *, principal_person_id: int, vault: IdentityCodeVault,
                       before_id: int | None = None, page_size: int = PAGE_SIZE) -> MandatePage:
    """The client's mandates, newest first, a page at a time (keyset on
    ix_mandate_principal_id); only the agent's name and masked code are read."""
    query = (
        select(Mandate, Person.given_name, Person.family_name, Person.identity_code_cipher)
        .join(Person, col(Person.id) == col(Mandate.agent_person_id))
        .where(Mandate.principal_person_id == principal_person_id)
        .order_by(col(Mandate.id).desc())
        .limit(page_size + 1)
    )
    if before_id is not None:
        query = query.where(col(Mandate.id) < before_id)
    found = session.exec(query).all()
    rows = [
        MandateRow(mandate,
                   # The typed name until the agent's login has checked it: a
                   # known person's real name is not revealed to the granter.
                   f"{mandate.agent_given_name} {mandate.agent_family_name}" if mandate.agent_family_name
                   else f"{given} {family}",
                   "" if mandate.public_guardian else masked(vault.decrypt(cipher)))
        for mandate, given, family, cipher in found[:page_size]
    ]
    more = len(found) > page_size
    return MandatePage(rows, rows[-1].mandate.id if more else None)
