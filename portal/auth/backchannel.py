"""Back-channel logout (OpenID Connect Back-Channel Logout 1.0): the identity
service tells the portal that a person logged out there, and the portal ends
that person's sessions of the audience, so one logout ends them all."""

from __future__ import annotations

from sqlmodel import Session, col, select

from portal import access_log
from portal.auth import sessions
from portal.auth.oidc import LogoutRequest
from portal.models import LoginSession


def end_sessions(session: Session, *, audience: str, logout: LogoutRequest, meta: dict[str, str]) -> int:
    """Revoke the sessions the logout token names; return how many ended."""
    query = select(LoginSession).where(LoginSession.audience == audience, col(LoginSession.revoked_at).is_(None))
    if logout.provider_session_id:  # one sign-in at the provider
        query = query.where(LoginSession.provider_session_id == logout.provider_session_id)
    if logout.subject_hash:  # without a sid: all of the person's sign-ins
        query = query.where(LoginSession.provider_subject_hash == logout.subject_hash)
    records = list(session.exec(query).all())
    for record in records:
        sessions.revoke(session, record)
    if records:
            access_log.record_many(
            session,
            [
                {"action": "logout", "object_type": f"{audience}_session", "object_id": str(record.id),
                 "actor_person_id": record.person_id, "actor_role": "identity_provider", **meta}
                for record in records
            ],
        )
    return len(records)
