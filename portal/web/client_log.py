"""The client a page is about, and access-log events about them: shared by
the client pages of every area (the week, the plan, the money, the
self-assessment, feedback, Omat tietoni)."""

from __future__ import annotations

from sqlmodel import Session

from portal.web.guard import Viewer, log_event


def subject_id(viewer: Viewer) -> int:
    """The client whose matters the viewer handles (themselves, or the one a delegate acts for)."""
    assert viewer.subject is not None and viewer.subject.id is not None
    return viewer.subject.id


def log_for_client(session: Session, viewer: Viewer, meta: dict[str, str], *, action: str, object_type: str,
                   object_id: str = "") -> None:
    """Log about whoever's matters the viewer handles."""
    log_event(session, viewer.actor, meta, action=action, object_type=object_type,
              subject_id=viewer.subject.id if viewer.subject else None, object_id=object_id)
