"""Completing a login: the attempt's single-use state, the person, the session."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from portal import access_log
from portal.schedule import calendar_days
from portal.auth import sessions
from portal.auth.mandates import MandateSource, check_names_at_login
from portal.auth.oidc import AuthorizationRequest, Identity
from portal.identity_code import IdentityCodeVault, InvalidIdentityCode, validate
from portal.models import ClientPeriod, FormDraft, LoginAttempt, LoginSession, Person, StaffMembership

ATTEMPT_LIFETIME = timedelta(minutes=10)
DRAFT_LIFETIME = timedelta(days=7)  # a kept form waits this long for its author


def _state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def begin(session: Session, *, audience: str, request: AuthorizationRequest, return_to: str) -> None:
    session.add(
        LoginAttempt(
            state_hash=_state_hash(request.state),
            nonce=request.nonce,
            code_verifier=request.code_verifier,
            audience=audience,
            return_to=return_to,
        )
    )


@dataclass(frozen=True)
class PendingLogin:
    nonce: str
    code_verifier: str
    return_to: str


def claim(session: Session, *, state: str, audience: str, now: datetime | None = None) -> PendingLogin | None:
    """Use up the attempt with this state; None if unknown, used, stale or another audience's."""
    now = now or sessions.now_utc()
    attempt = session.exec(select(LoginAttempt).where(LoginAttempt.state_hash == _state_hash(state))).first()
    if attempt is None or attempt.used_at is not None or attempt.audience != audience:
        return None
    attempt.used_at = now
    session.add(attempt)
    if now - sessions.as_utc(attempt.created_at) > ATTEMPT_LIFETIME:
        return None
    return PendingLogin(attempt.nonce, attempt.code_verifier, attempt.return_to)


@dataclass(frozen=True)
class LoginResult:
    outcome: str  # "ok", "no_identity_code", "invalid_identity_code", "not_client", "not_staff"
    token: str | None = None
    person_id: int | None = None
    landing: str = "/"


def complete(
    session: Session,
    *,
    audience: str,
    identity: Identity,
    vault: IdentityCodeVault,
    mandates: MandateSource,
    kiosk: bool,
    replacing_token: str | None,
    return_to: str,
    meta: dict[str, str],
) -> LoginResult:
    if not identity.identity_code.strip():
        # Someone without a Finnish identity code, e.g. with another EU
        # country's eID through eIDAS: not an error in the code.
        access_log.record(session, action="login_failed", object_type="no_identity_code", **meta)
        return LoginResult("no_identity_code")
    try:
        code = validate(identity.identity_code)
    except InvalidIdentityCode:
        access_log.record(session, action="login_failed", object_type="invalid_identity_code", **meta)
        return LoginResult("invalid_identity_code")
    person = session.exec(select(Person).where(Person.identity_code_hash == vault.lookup_hash(code))).first()
    if person is not None and identity.given_name and identity.family_name:
        # The identity provider's names are authoritative.
        person.given_name, person.family_name = identity.given_name, identity.family_name
        session.add(person)

    if audience == "staff":
        is_staff = person is not None and session.exec(
            select(StaffMembership).where(StaffMembership.person_id == person.id)
        ).first()
        if not is_staff:
            access_log.record(
                session, action="login_failed", object_type="not_staff",
                actor_person_id=person.id if person else None, actor_role="staff", **meta,
            )
            return LoginResult("not_staff")
        acting_for = None
        landing = return_to or "/staff"
    else:
        if person is not None:
            _check_mandate_names(session, person=person, identity=identity, meta=meta)
        is_client = person is not None and session.exec(
            select(ClientPeriod).where(ClientPeriod.person_id == person.id)
        ).first() is not None
        has_mandates = person is not None and bool(
            mandates.for_agent(session, agent_person_id=person.id, today=calendar_days.today())  # type: ignore[arg-type]
        )
        if person is None or not (is_client or has_mandates):
            access_log.record(
                session, action="login_failed", object_type="not_client",
                actor_person_id=person.id if person else None, actor_role="client", **meta,
            )
            return LoginResult("not_client")
        acting_for = person.id if is_client and not has_mandates else None
        kept_form = session.exec(
            select(FormDraft.path).where(FormDraft.person_id == person.id).order_by(col(FormDraft.created_at).desc())
        ).first()  # a form kept over a timeout: back to it
        landing = return_to or kept_form or ("/home" if acting_for else "/choose")

    if replacing_token:  # a new login replaces this browser's old session of the audience
        old = sessions.find(session, token=replacing_token, audience=audience)
        if old.record is not None and old.record.revoked_at is None:
            sessions.revoke(session, old.record)
    assert person is not None and person.id is not None
    token, record = sessions.start(
        session,
        audience=audience,
        person_id=person.id,
        acting_for_person_id=acting_for,
        kiosk=kiosk,
        id_token_cipher=vault.seal(identity.id_token, purpose=b"id-token"),
    )
    record.provider_subject_hash = identity.subject_hash
    record.provider_session_id = identity.provider_session_id
    access_log.record(
        session, action="login", object_type=f"{audience}_session", object_id=str(record.id),
        actor_person_id=person.id, actor_role=audience, **meta,
    )
    return LoginResult("ok", token, person.id, landing)


def _check_mandate_names(session: Session, *, person: Person, identity: Identity, meta: dict[str, str]) -> None:
    """Mandates granted to this person by a typed name: the strong login settles them."""
    assert person.id is not None
    for mandate in check_names_at_login(
        session, agent_person_id=person.id, family_name=identity.family_name, now=sessions.now_utc()
    ):
        access_log.record(
            session, action="refused", object_type="mandate_name_mismatch", object_id=str(mandate.id),
            actor_person_id=person.id, actor_role="delegate", subject_person_id=mandate.principal_person_id, **meta,
        )


def logout(session: Session, *, token: str | None, audience: str, vault: IdentityCodeVault, meta: dict[str, str]) -> str:
    """Revoke the session; return the ID token for the provider's logout ('' if none)."""
    lookup = sessions.find(session, token=token, audience=audience)
    record: LoginSession | None = lookup.record
    if record is None or record.audience != audience or record.revoked_at is not None:
        return ""
    sessions.revoke(session, record)
    access_log.record(
        session, action="logout", object_type=f"{audience}_session", object_id=str(record.id),
        actor_person_id=record.person_id, actor_role=audience, **meta,
    )
    return vault.unseal(record.id_token_cipher, purpose=b"id-token") if record.id_token_cipher else ""


def prune(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Remove what has no use any more: old login attempts, ended sessions,
    forgotten drafts. The access log is never pruned here."""
    now = now or sessions.now_utc()
    removed = {}
    removed["login_attempts"] = session.exec(  # type: ignore[call-overload]
        delete(LoginAttempt).where(col(LoginAttempt.created_at) < now - timedelta(days=1))
    ).rowcount
    removed["sessions"] = session.exec(  # type: ignore[call-overload]
        delete(LoginSession).where(col(LoginSession.expires_at) < now - timedelta(days=30))
    ).rowcount
    removed["drafts"] = session.exec(  # type: ignore[call-overload]
        delete(FormDraft).where(col(FormDraft.created_at) < now - DRAFT_LIFETIME)
    ).rowcount
    return removed
