"""Kept forms: a form posted after the session ended is kept, sealed, for
after the next login, and given back once to the same page."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, exists, false
from sqlmodel import Session, col, select

from portal.models import FormDraft, LoginSession, Person


# Built once: every page view after login runs it (see db.rows on why).
_SESSION_PERSON_AND_KEPT_FORM = (
    select(LoginSession, Person,
           exists().where(col(FormDraft.person_id) == col(LoginSession.person_id),
                          col(FormDraft.path) == bindparam("path")))
    .join(Person, col(Person.id) == col(LoginSession.person_id))
    .where(LoginSession.token_hash == bindparam("token_hash"))
)


def session_person_and_kept_form(session: Session, *, token_hash: str, path: str) -> Any:
    """One query: the login session, its person, and whether a form was kept
    for this page (a row of the three, or None). The session and the person
    are the session's objects: the guard may touch the login session."""
    return session.exec(_SESSION_PERSON_AND_KEPT_FORM, params={"token_hash": token_hash, "path": path}).first()  # type: ignore[call-overload]


_SESSION_PERSON_BY_PREVIOUS_ID = (
    select(LoginSession, Person, false())
    .join(Person, col(Person.id) == col(LoginSession.person_id))
    .where(LoginSession.previous_token_hash == bindparam("token_hash"),
           col(LoginSession.rotated_at) >= bindparam("since"))
)


def session_person_by_previous_id(session: Session, *, token_hash: str, since: Any) -> Any:
    """As session_person_and_kept_form, for a session whose id changed at
    `since` or later, found by the id before the change (never a kept form)."""
    return session.exec(_SESSION_PERSON_BY_PREVIOUS_ID, params={"token_hash": token_hash, "since": since}).first()  # type: ignore[call-overload]


# A kept form is one person's unsent answers, not storage: a few, and small.
DRAFTS_PER_PERSON = 5
DRAFT_MAX_CHARS = 50_000


def keep(session: Session, *, vault: Any, person_id: int, path: str, form_data: list[tuple[str, str]]) -> bool:
    """Keep the form for after the next login; False when it is too big to keep."""
    fields = [(key, value) for key, value in form_data if key != "csrf_token"]
    data = json.dumps(fields)
    if len(data) > DRAFT_MAX_CHARS:
        return False
    existing = session.exec(
        select(FormDraft).where(FormDraft.person_id == person_id)
        .order_by(col(FormDraft.created_at).desc(), col(FormDraft.id).desc())
    ).all()
    others = [draft for draft in existing if draft.path != path]
    for old in [draft for draft in existing if draft.path == path] + others[DRAFTS_PER_PERSON - 1:]:
        session.delete(old)
    session.add(FormDraft(person_id=person_id, path=path, data_cipher=vault.seal(data, purpose=b"form-draft")))
    return True


def take(session: Session, *, vault: Any, person_id: int, path: str) -> list[tuple[str, str]] | None:
    """The kept form for this page, once; None when there is none."""
    draft = session.exec(
        select(FormDraft)
        .where(FormDraft.person_id == person_id, FormDraft.path == path)
        .order_by(col(FormDraft.created_at).desc())
    ).first()
    if draft is None:
        return None
    data = json.loads(vault.unseal(draft.data_cipher, purpose=b"form-draft"))
    session.delete(draft)
    return [(key, value) for key, value in data]
