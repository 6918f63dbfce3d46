"""portal.auth.access decides who may reach a page from the session, the
route's declared access and the person's rights, with no request and no
Starlette: a database session and plain values in, a Viewer or a Refusal
out, and the refusals in the access log."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from portal import clock
from portal.auth import sessions
from portal.auth.access import Access, Refusal, Viewer, decide
from portal.auth.levels import Level
from portal.auth.mandates import DatabaseMandates
from portal.auth.permissions import Action
from portal.db import transaction
from portal.models import AccessEvent
from tests.support import factories

AINO, SANNA = "010280-952L", "300883-9617"
META = {"request_id": "test", "ip_address": ""}
CLIENT_PAGE = Access("client", Action.VIEW, level=Level.STRONG)
EASY_CLIENT_PAGE = Access("client", Action.VIEW, level=Level.EASY)


def decide_for(session: Session, access: Access, token: str | None, app) -> Viewer | Refusal:  # type: ignore[no-untyped-def]
    return decide(session, access=access, token=token, path="/home", path_params={}, form_data=None,
                  mandates=DatabaseMandates(), vault=app.state.vault, meta=META)


def refused_events(engine, object_type: str) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return len(session.exec(select(AccessEvent).where(AccessEvent.object_type == object_type)).all())


def test_no_session_is_login_needed_and_logged(app, engine, demo_data) -> None:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        assert decide_for(session, CLIENT_PAGE, None, app) == Refusal("login_needed")
        assert decide_for(session, CLIENT_PAGE, "not-a-session", app) == Refusal("login_needed")
    assert refused_events(engine, "route_without_session") == 2


def test_a_clients_own_session_gets_a_viewer_of_herself(app, engine, demo_data) -> None:  # type: ignore[no-untyped-def]
    aino = factories.person_id(engine, app.state.vault, AINO)
    with transaction(engine) as session:
        token, _record = sessions.start(session, audience="client", person_id=aino, acting_for_person_id=aino,
                                        kiosk=False)
    with transaction(engine) as session:
        viewer = decide_for(session, CLIENT_PAGE, token, app)
        assert isinstance(viewer, Viewer)
        assert (viewer.person.id, viewer.subject.id if viewer.subject else None, viewer.easy) == (aino, aino, False)


def test_an_easy_login_gets_the_step_up_on_a_strong_page_only(app, engine, demo_data) -> None:  # type: ignore[no-untyped-def]
    aino = factories.person_id(engine, app.state.vault, AINO)
    with transaction(engine) as session:
        token, _record = sessions.start(session, audience="client", person_id=aino, acting_for_person_id=aino,
                                        kiosk=True, level=Level.EASY)
    with transaction(engine) as session:
        refusal = decide_for(session, CLIENT_PAGE, token, app)
        assert isinstance(refusal, Refusal) and refusal.kind == "step_up"
        assert isinstance(decide_for(session, EASY_CLIENT_PAGE, token, app), Viewer)
    assert refused_events(engine, "strong_login_needed") == 1


def test_a_staff_session_is_refused_on_a_client_page_and_an_expired_one_asks_to_log_in(app, engine, demo_data) -> None:  # type: ignore[no-untyped-def]
    sanna = factories.person_id(engine, app.state.vault, SANNA)
    aino = factories.person_id(engine, app.state.vault, AINO)
    with transaction(engine) as session:
        staff_token, _ = sessions.start(session, audience="staff", person_id=sanna, acting_for_person_id=None,
                                        kiosk=False)
        old_token, _ = sessions.start(session, audience="client", person_id=aino, acting_for_person_id=aino,
                                      kiosk=False, now=clock.now() - timedelta(days=2))
    with transaction(engine) as session:
        assert decide_for(session, CLIENT_PAGE, staff_token, app) == Refusal("forbidden")  # a session of the other audience
        assert decide_for(session, CLIENT_PAGE, old_token, app) == Refusal("login_needed")
