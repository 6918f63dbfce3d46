"""Who may reach a page, decided without the request: the session and its
person, the mandate a delegate acts on, the permission of the route's
action, the level of login, a form kept over a timeout. portal.web.guard
reads the request (cookie, path, form) and turns a refusal into a page;
everything between is here, and is tested without Starlette
(tests/unit/test_access_decision.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session

from portal import access_log, clock, organisation
from portal.auth import actors, drafts, sessions
from portal.auth.levels import Level, easy_may_act, opens
from portal.auth.mandates import MandateSource, mandate_for
from portal.auth.permissions import Action, Actor, Subject, can
from portal.models import LoginSession, Person
from portal.schedule import calendar_days


@dataclass(frozen=True)
class Access:
    audience: str  # "public", "client" or "staff"
    action: Action | None = None
    needs_subject: bool = True  # False: a logged-in client who has not chosen whose matters yet
    long: bool = False  # a report, export or import: works in the long requests' lane (db.transaction_slots)
    # The level of login the route needs; None only for public routes (no login).
    level: Level | None = None
    # A post that gives the session a new id: the same post repeated with the
    # old id (a double click) reaches the page for REPEAT_GRACE, flagged as a repeat.
    repeatable: bool = False


@dataclass(frozen=True)
class Viewer:
    """The logged-in person and whose matters they handle, for one request."""

    actor: Actor
    person: Person
    subject: Person | None
    session_id: int
    session_ends_at: Any  # datetime
    kiosk: bool
    draft: list[tuple[str, str]] | None = None  # a form kept over a timeout
    repeat: bool = False  # the request carries the session's previous id (Access.repeatable)

    @property
    def session_seconds_left(self) -> int:
        """Seconds until the session ends: the page's script counts from its own
        clock with this, so a device whose clock is wrong still warns in time."""
        return max(0, int((self.session_ends_at - clock.now()).total_seconds()))

    @property
    def easy(self) -> bool:
        """Logged in the easy way: the pages show only what that level opens."""
        return self.actor.level is Level.EASY

    @property
    def acting_for_other(self) -> bool:
        """A family member or guardian handling a client's matters (not staff)."""
        return self.actor.audience == "client" and self.subject is not None and self.subject.id != self.person.id

    @property
    def staff_client(self) -> Person | None:
        """The client whose page a staff member has open."""
        return self.subject if self.actor.audience == "staff" else None


def log_event(
    session: Session,
    actor: Actor,
    meta: dict[str, str],
    *,
    action: str,
    object_type: str,
    subject_id: int | None,
    object_id: str = "",
) -> None:
    """Record what this actor did to (or was refused on) a client's data."""
    access_log.record(session, **event_fields(actor, meta, action=action, object_type=object_type,
                                               subject_id=subject_id, object_id=object_id))


def event_fields(
    actor: Actor, meta: dict[str, str], *, action: str, object_type: str, subject_id: int | None, object_id: str = ""
) -> dict[str, Any]:
    return {
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "actor_person_id": actor.person_id,
        "actor_role": actor.log_role,
        "on_behalf_of_person_id": actor.on_behalf_of,
        "subject_person_id": subject_id,
        **meta,
    }


@dataclass(frozen=True)
class Refusal:
    kind: str  # "login_needed", "draft_saved", "forbidden", "not_found", "choose", "step_up"
    status_code: int = 403
    viewer: Viewer | None = None  # step_up: the page keeps the person's header and menu


def decide_and_settle(session: Session, **kwargs: Any) -> Viewer | Refusal:
    """Decide; a refusal (and its log event) is committed at once, in this
    thread, so no write lock is held while the refusal page renders."""
    outcome = decide(session, **kwargs)
    if isinstance(outcome, Refusal):
        session.commit()
    return outcome


def decide(
    session: Session,
    *,
    access: Access,
    token: str | None,
    path: str,
    path_params: dict[str, Any],
    form_data: list[tuple[str, str]] | None,
    mandates: MandateSource,
    vault: Any,
    meta: dict[str, str],
) -> Viewer | Refusal:
    # One query: the session, its person, and whether a form was kept for this page.
    found = drafts.session_person_and_kept_form(session, token_hash=sessions.token_hash(token), path=path) if token else None
    repeat = False
    if found is None and token and access.repeatable and form_data:
        found = drafts.session_person_by_previous_id(
            session, token_hash=sessions.token_hash(token), since=sessions.now_utc() - sessions.REPEAT_GRACE
        )
        repeat = found is not None
    lookup = sessions.classify(found[0] if found else None, audience=access.audience)
    if lookup.state is sessions.SessionState.MISSING:
        access_log.record(session, action="refused", object_type="route_without_session", **meta)
        return Refusal("login_needed")
    record = lookup.record
    assert record is not None and found is not None
    if lookup.state is not sessions.SessionState.ACTIVE:
        access_log.record(
            session,
            action="refused",
            object_type=f"session_{lookup.state.value}",
            actor_person_id=record.person_id,
            actor_role=record.audience,
            **meta,
        )
        if lookup.state is sessions.SessionState.EXPIRED and form_data and drafts.keep(
            session, vault=vault, person_id=record.person_id, path=path, form_data=form_data
        ):
            return Refusal("draft_saved")
        return Refusal("login_needed" if lookup.state is sessions.SessionState.EXPIRED else "forbidden")

    person, has_draft = found[1], found[2]
    if record.level != Level.STRONG and not easy_may_act(
        audience=record.audience, person_id=person.id, subject_person_id=record.acting_for_person_id
    ):
        # An easy login is a client acting for themselves, never a delegate or
        # staff: a session that claims otherwise is refused whatever the page.
        access_log.record(session, action="refused", object_type="easy_login_not_own", actor_person_id=person.id,
                          actor_role=record.audience, subject_person_id=record.acting_for_person_id, **meta)
        return Refusal("forbidden")
    if access.audience == "staff":
        outcome = _staff_viewer(session, access=access, record=record, person=person, path_params=path_params, meta=meta)
    else:
        outcome = _client_viewer(session, access=access, record=record, person=person, mandates=mandates, meta=meta)
    if isinstance(outcome, Viewer) and repeat:
        outcome = replace(outcome, repeat=True)
    if isinstance(outcome, Viewer) and form_data is None and has_draft:
        draft = drafts.take(session, vault=vault, person_id=person.id, path=path)  # type: ignore[arg-type]
        if draft is not None:
            outcome = replace(outcome, draft=draft)
    # Last, so the (rare) write is flushed by the page's own transaction step
    # rather than by one of the queries above; every TOUCH_INTERVAL at most.
    sessions.touch(record)
    return outcome


def _client_viewer(
    session: Session,
    *,
    access: Access,
    record: LoginSession,
    person: Person,
    mandates: MandateSource,
    meta: dict[str, str],
) -> Viewer | Refusal:
    subject_id = record.acting_for_person_id
    footing = None
    if subject_id == person.id:
        footing = "own"
    elif subject_id is not None:
        mandate = mandate_for(
            mandates, session, agent_person_id=person.id, principal_person_id=subject_id, today=calendar_days.today()  # type: ignore[arg-type]
        )
        if mandate is None:  # expired or revoked since it was chosen
            access_log.record(
                session,
                action="refused",
                object_type="mandate_not_in_force",
                actor_person_id=person.id,
                actor_role="delegate",
                subject_person_id=subject_id,
                **meta,
            )
            record.acting_for_person_id = None  # the next page offers a new choice
            session.add(record)
            return Refusal("forbidden")
        footing = mandate.scope
    actor = Actor(person_id=person.id, audience="client", subject_person_id=subject_id, footing=footing,  # type: ignore[arg-type]
                  level=Level(record.level))
    subject = person if subject_id == person.id else session.get(Person, subject_id) if subject_id is not None else None
    viewer = Viewer(actor, person, subject, record.id, sessions.ends_at(record), record.kiosk)  # type: ignore[arg-type]
    if not access.needs_subject:
        return _level_check(session, access=access, viewer=viewer, meta=meta)
    if subject_id is None:
        return Refusal("choose")
    assert access.action is not None
    # A client's permissions do not depend on units: no query for them here.
    if not can(actor, access.action, Subject(subject_id)):
        log_event(session, actor, meta, action="refused", object_type=access.action.value, subject_id=subject_id)
        return Refusal("forbidden")
    # Last: the step-up page only where logging in strongly would open the page.
    return _level_check(session, access=access, viewer=viewer, meta=meta)


def _level_check(session: Session, *, access: Access, viewer: Viewer, meta: dict[str, str]) -> Viewer | Refusal:
    assert access.level is not None
    if opens(viewer.actor.level, access.level):
        return viewer
    log_event(session, viewer.actor, meta, action="refused", object_type="strong_login_needed",
              subject_id=viewer.subject.id if viewer.subject else None)
    return Refusal("step_up", viewer=viewer)


def _staff_viewer(
    session: Session,
    *,
    access: Access,
    record: LoginSession,
    person: Person,
    path_params: dict[str, Any],
    meta: dict[str, str],
) -> Viewer | Refusal:
    actor = actors.staff_actor(session, person.id)  # type: ignore[arg-type]
    subject = None
    subject_person = None
    if "client_id" in path_params:
        subject_person = session.get(Person, int(path_params["client_id"]))
        if subject_person is None:
            return Refusal("not_found", 404)
        subject = Subject(subject_person.id, organisation.unit_ids_of_client(session, subject_person.id))  # type: ignore[arg-type]
    assert access.action is not None
    if not can(actor, access.action, subject):
        log_event(session, actor, meta, action="refused", object_type=access.action.value,
                  subject_id=subject.person_id if subject else None)
        # Not revealing whether a client exists in another unit.
        return Refusal("not_found", 404) if subject is not None else Refusal("forbidden")
    return Viewer(actor, person, subject_person, record.id, sessions.ends_at(record), record.kiosk)  # type: ignore[arg-type]


def header_viewer(session: Session, *, tokens: dict[str, str | None], mandates: MandateSource) -> Viewer | None:
    """The logged-in person for a public page's header, or None; reads only."""
    for audience in ("client", "staff"):
        lookup = sessions.find(session, token=tokens.get(audience), audience=audience)
        if lookup.state is not sessions.SessionState.ACTIVE:
            continue
        record = lookup.record
        assert record is not None
        person = session.get(Person, record.person_id)
        if person is None:
            continue
        if record.level != Level.STRONG and not easy_may_act(
            audience=audience, person_id=person.id, subject_person_id=record.acting_for_person_id
        ):
            continue  # an easy login that is not a client's own: refused by every guarded page, no header here
        if audience == "staff":
            actor = actors.staff_actor(session, person.id)  # type: ignore[arg-type]
            return Viewer(actor, person, None, record.id, sessions.ends_at(record), record.kiosk)  # type: ignore[arg-type]
        subject_id, footing = record.acting_for_person_id, None
        if subject_id == person.id:
            footing = "own"
        elif subject_id is not None:
            mandate = mandate_for(
                mandates, session, agent_person_id=person.id, principal_person_id=subject_id, today=calendar_days.today()  # type: ignore[arg-type]
            )
            # A mandate that has ended: no name in the header; the next
            # protected page refuses and logs it (see _client_viewer).
            subject_id, footing = (subject_id, mandate.scope) if mandate is not None else (None, None)
        actor = Actor(person_id=person.id, audience="client", subject_person_id=subject_id, footing=footing,  # type: ignore[arg-type]
                      level=Level(record.level))
        subject = session.get(Person, subject_id) if subject_id is not None else None
        return Viewer(actor, person, subject, record.id, sessions.ends_at(record), record.kiosk)  # type: ignore[arg-type]
    return None
