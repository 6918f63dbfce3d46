"""Every route declares its access, and every protected route refuses
anonymous users, other clients, people without a mandate and staff of
another unit (403 or 404), with an access-log event for each refusal."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, func, select
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from portal.auth import sessions
from portal.auth.permissions import Action, Actor, Subject, can, may_edit_unit_schedule
from portal.easy_login.models import Kiosk
from portal.messages.models import Bulletin, MessageThread
from portal.models import AccessEvent, MandateScope
from portal.web.guard import Access
from tests.support import factories

AINO, MIKKO, LIISA, HELENA = "010280-952L", "150375-990C", "230495-936S", "120556-942L"
SANNA_VERSTAS, MARIA_TUPA = "300883-9617", "180679-9737"
PUBLIC_MOUNTS = {"/static", "/test-idp"}


def all_routes(app) -> list[Route]:  # type: ignore[no-untyped-def]
    routes = []
    for route in app.routes:
        if isinstance(route, Mount):
            assert route.path in PUBLIC_MOUNTS, f"unexpected mount {route.path}"
            continue
        routes.append(route)
    return routes


def test_every_route_declares_its_access(app) -> None:
    undeclared = [route.path for route in all_routes(app) if not isinstance(getattr(route.endpoint, "access", None), Access)]
    assert undeclared == []


@pytest.fixture
def people(app, engine, demo_data):  # type: ignore[no-untyped-def]
    vault = app.state.vault
    codes = (AINO, MIKKO, LIISA, HELENA, SANNA_VERSTAS, MARIA_TUPA)
    ids = {code: factories.person_id(engine, vault, code) for code in codes}
    # Aino has given Liisa a mandate: its id is the target of the revoke route.
    ids["aino_mandate"] = factories.add_mandate(engine, principal=ids[AINO], agent=ids[LIISA], scope=MandateScope.VIEW)
    # Aino's absence notice, a goal of her plan and her group: targets of the routes that take their ids.
    ids["aino_notice"] = factories.add_absence(engine, person=ids[AINO])
    ids["aino_goal"] = factories.goal_id(engine, person=ids[AINO])
    ids["aino_group"] = factories.group_id(engine, person=ids[AINO])
    ids["aino_slot"] = factories.add_slot(engine, group=ids["aino_group"], weekday=4, activity="Iltaryhmä")
    # Aino's sent assessment: the target of the assessment routes.
    ids["aino_assessment"] = factories.aino_assessment(engine, ids[AINO])
    ids["aino_feedback"] = factories.add_client_feedback(
        engine, person=ids[AINO], unit=factories.unit_id(engine, "Toimintakeskus Verstas"))
    # Tupa's kiosk in the demo: the target of the route that removes a kiosk.
    with Session(engine) as session:
        ids["tupa_kiosk"] = session.exec(select(Kiosk.id)).first()
    ids["aino_passkey"] = factories.add_passkey(engine, person=ids[AINO])
    # Aino's thread with Verstas and Verstas's bulletin (the demo's): targets of the message routes.
    with Session(engine) as session:
        ids["aino_thread"] = session.exec(select(MessageThread.id).where(MessageThread.client_person_id == ids[AINO])).first()
        ids["verstas_bulletin"] = session.exec(select(Bulletin.id).where(Bulletin.title == "Keskiviikkona retki")).one()
    ids["parked_notification"] = factories.add_parked_notification(engine, person=ids[AINO])
    return ids


def protected_requests(app, people) -> list[tuple[str, str, Access]]:  # type: ignore[no-untyped-def]
    result = []
    for route in all_routes(app):
        access = route.endpoint.access
        if access.audience == "public":
            continue
        path = (
            route.path.replace("{client_id:id}", str(people[AINO]))
            .replace("{mandate_id:id}", str(people["aino_mandate"]))
            .replace("{notice_id:id}", str(people["aino_notice"]))
            .replace("{goal_id:id}", str(people["aino_goal"]))
            .replace("{group_id:id}", str(people["aino_group"]))
            .replace("{slot_id:id}", str(people["aino_slot"]))
            .replace("{assessment_id:id}", str(people["aino_assessment"]))
            .replace("{question_id:key}", "sleep")
            .replace("{feedback_id:id}", str(people["aino_feedback"]))
            .replace("{kiosk_id:id}", str(people["tupa_kiosk"]))
            .replace("{request_id:id}", "1")
            .replace("{passkey_id:id}", str(people["aino_passkey"]))
            .replace("{thread_id:id}", str(people["aino_thread"]))
            .replace("{bulletin_id:id}", str(people["verstas_bulletin"]))
            .replace("{notification_id:id}", str(people["parked_notification"]))
        )
        assert "{" not in path, f"no test value for {route.path}"
        for method in sorted(route.methods or {"GET"}):
            if method != "HEAD":
                result.append((method, path, access))
    return result


def refused_events(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(AccessEvent).where(AccessEvent.action == "refused")).one()


def call(client: TestClient, method: str, path: str, token: str | None = None, cookie: str = ""):  # type: ignore[no-untyped-def]
    client.cookies.clear()
    if token:
        client.cookies.set(cookie, token)
    page = client.get("/")  # a CSRF cookie and token, so refusals are about access, not CSRF
    token_match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    data = {"csrf_token": token_match.group(1)} if token_match else {}
    if method == "POST":
        return client.post(path, data=data, follow_redirects=False)
    return client.get(path, follow_redirects=False)


def test_anonymous_is_refused_everywhere(app, client, engine, people) -> None:
    requests = protected_requests(app, people)
    assert len(requests) >= 10
    for method, path, _access in requests:
        before = refused_events(engine)
        response = call(client, method, path)
        assert response.status_code in (403, 404), (method, path, response.status_code)
        assert refused_events(engine) == before + 1, (method, path)


def test_staff_of_another_unit_is_refused_on_the_client(app, client, engine, people) -> None:
    token = factories.start_session(engine, audience="staff", person=people[MARIA_TUPA])
    for method, path, access in protected_requests(app, people):
        if access.audience != "staff" or "/clients/" not in path:
            continue
        response = call(client, method, path, token, sessions.COOKIE_NAMES["staff"])
        assert response.status_code in (403, 404), (method, path)
        assert "Aino" not in response.text


def test_staff_of_the_clients_unit_may_view(client, engine, people) -> None:
    token = factories.start_session(engine, audience="staff", person=people[SANNA_VERSTAS])
    response = call(client, "GET", f"/staff/clients/{people[AINO]}", token, sessions.COOKIE_NAMES["staff"])
    assert response.status_code == 200 and "Aino Virtanen" in response.text


def test_instructor_may_not_record_a_guardianship(client, engine, people) -> None:
    token = factories.start_session(engine, audience="staff", person=people[SANNA_VERSTAS])
    response = call(client, "POST", f"/staff/clients/{people[AINO]}/guardianships", token, sessions.COOKIE_NAMES["staff"])
    assert response.status_code in (403, 404)


def test_another_client_never_sees_the_clients_data(app, client, engine, people) -> None:
    token = factories.start_session(engine, audience="client", person=people[MIKKO], acting_for=people[MIKKO])
    for method, path, access in protected_requests(app, people):
        if access.audience != "client":
            continue
        response = call(client, method, path, token, sessions.COOKIE_NAMES["client"])
        assert "Aino" not in response.text, (method, path)
        if re.search(r"/(settings/mandates|absence|goals|passkeys|messages)/\d", path):  # Aino's records by id
            assert response.status_code in (403, 404), (method, path, response.status_code)


def test_person_without_a_mandate_is_refused(app, client, engine, people) -> None:
    # Mikko has no mandate from Aino, but his session claims to act for her.
    for method, path, access in protected_requests(app, people):
        if access.audience != "client":
            continue
        token = factories.start_session(engine, audience="client", person=people[MIKKO], acting_for=people[AINO])
        before = refused_events(engine)
        response = call(client, method, path, token, sessions.COOKIE_NAMES["client"])
        assert response.status_code in (403, 404), (method, path, response.status_code)
        assert "Aino" not in response.text
        assert refused_events(engine) > before


def test_staff_cookie_on_client_routes_and_client_cookie_on_staff_routes(app, client, engine, people) -> None:
    staff_token = factories.start_session(engine, audience="staff", person=people[SANNA_VERSTAS])
    client_token = factories.start_session(engine, audience="client", person=people[AINO], acting_for=people[AINO])
    for method, path, access in protected_requests(app, people):
        if access.audience == "client":
            response = call(client, method, path, staff_token, sessions.COOKIE_NAMES["client"])
        else:
            response = call(client, method, path, client_token, sessions.COOKIE_NAMES["staff"])
        assert response.status_code in (403, 404), (method, path)


def test_view_mandate_does_not_allow_acting_or_managing(client, engine, people) -> None:
    token = factories.start_session(engine, audience="client", person=people[LIISA], acting_for=people[AINO])
    assert call(client, "GET", "/home", token, sessions.COOKIE_NAMES["client"]).status_code == 200
    assert call(client, "GET", f"/assessment/{people['aino_assessment']}", token,
                sessions.COOKIE_NAMES["client"]).status_code == 200
    for path in ("/settings/mandates", "/access-log"):
        assert call(client, "GET", path, token, sessions.COOKIE_NAMES["client"]).status_code == 403
    for method, path in (("POST", "/assessment/start"), ("GET", f"/assessment/{people['aino_assessment']}/check"),
                         ("POST", f"/assessment/{people['aino_assessment']}/questions/sleep")):
        assert call(client, method, path, token, sessions.COOKIE_NAMES["client"]).status_code == 403


# The permission functions themselves ------------------------------------------------

OWN = Actor(person_id=1, audience="client", subject_person_id=1, footing="own")
VIEWER = Actor(person_id=2, audience="client", subject_person_id=1, footing="view")
AGENT = Actor(person_id=2, audience="client", subject_person_id=1, footing="act")
INSTRUCTOR = Actor(person_id=3, audience="staff", staff_roles={10: frozenset({"instructor"})})
SOCIAL = Actor(person_id=4, audience="staff", staff_roles={10: frozenset({"social_instructor"})})
OTHER_UNIT = Actor(person_id=5, audience="staff", staff_roles={20: frozenset({"unit_manager"})})
CLIENT = Subject(1, frozenset({10}))


@pytest.mark.parametrize(
    ("actor", "action", "allowed"),
    [
        (OWN, Action.VIEW, True),
        (OWN, Action.ACT, True),
        (OWN, Action.MANAGE_MANDATES, True),
        (VIEWER, Action.VIEW, True),
        (VIEWER, Action.ACT, False),
        (VIEWER, Action.MANAGE_MANDATES, False),
        (AGENT, Action.ACT, True),
        (AGENT, Action.VIEW_ACCESS_LOG, False),
        (INSTRUCTOR, Action.STAFF_VIEW_CLIENT, True),
        (INSTRUCTOR, Action.STAFF_RECORD_GUARDIANSHIP, False),
        (SOCIAL, Action.STAFF_RECORD_GUARDIANSHIP, True),
        (OTHER_UNIT, Action.STAFF_VIEW_CLIENT, False),
        (OTHER_UNIT, Action.STAFF_RECORD_GUARDIANSHIP, False),
        (INSTRUCTOR, Action.VIEW, False),
        (OWN, Action.STAFF_VIEW_CLIENT, False),
        (OWN, Action.MANAGE_CALENDAR, True),
        (AGENT, Action.MANAGE_CALENDAR, False),
        (VIEWER, Action.ACT, False),
        (INSTRUCTOR, Action.STAFF_EDIT_PLAN, True),
        (OTHER_UNIT, Action.STAFF_EDIT_PLAN, False),
        (OWN, Action.STAFF_EDIT_PLAN, False),
        (INSTRUCTOR, Action.STAFF_EDIT_SCHEDULE, True),
        (OWN, Action.STAFF_EDIT_SCHEDULE, False),
        (INSTRUCTOR, Action.STAFF_ASSESSMENT_QUEUE, True),
        (INSTRUCTOR, Action.STAFF_REVIEW_ASSESSMENT, True),
        (OTHER_UNIT, Action.STAFF_REVIEW_ASSESSMENT, False),
        (AGENT, Action.STAFF_REVIEW_ASSESSMENT, False),
        (OWN, Action.STAFF_ASSESSMENT_QUEUE, False),
        (INSTRUCTOR, Action.STAFF_KEEP_ATTENDANCE, True),
        (OTHER_UNIT, Action.STAFF_KEEP_ATTENDANCE, True),  # allowed to the page; the group is checked per unit
        (OWN, Action.STAFF_KEEP_ATTENDANCE, False),
        (VIEWER, Action.STAFF_KEEP_ATTENDANCE, False),
        (INSTRUCTOR, Action.STAFF_EDIT_BENEFIT, True),
        (OTHER_UNIT, Action.STAFF_EDIT_BENEFIT, False),
        (OWN, Action.STAFF_EDIT_BENEFIT, False),
        (INSTRUCTOR, Action.STAFF_HANDLE_FEEDBACK, True),
        (OWN, Action.STAFF_HANDLE_FEEDBACK, False),
        (AGENT, Action.STAFF_HANDLE_FEEDBACK, False),
        (OWN, Action.VIEW_MY_DATA, True),
        (AGENT, Action.VIEW_MY_DATA, True),
        (VIEWER, Action.VIEW_MY_DATA, False),
        (INSTRUCTOR, Action.VIEW_MY_DATA, False),
        (OWN, Action.MANAGE_EASY_LOGIN, True),
        (AGENT, Action.MANAGE_EASY_LOGIN, False),  # a delegate never adds a passkey for the client
        (VIEWER, Action.MANAGE_EASY_LOGIN, False),
        (INSTRUCTOR, Action.MANAGE_EASY_LOGIN, False),
        (INSTRUCTOR, Action.STAFF_MANAGE_EASY_LOGIN, True),
        (SOCIAL, Action.STAFF_MANAGE_EASY_LOGIN, True),
        (OTHER_UNIT, Action.STAFF_MANAGE_EASY_LOGIN, False),
        (OWN, Action.STAFF_MANAGE_EASY_LOGIN, False),
        (AGENT, Action.STAFF_MANAGE_EASY_LOGIN, False),
        (OWN, Action.MANAGE_NOTIFICATIONS, True),
        (AGENT, Action.MANAGE_NOTIFICATIONS, True),  # their own addresses, the categories the mandate covers
        (VIEWER, Action.MANAGE_NOTIFICATIONS, True),
        (INSTRUCTOR, Action.MANAGE_NOTIFICATIONS, False),
        (OTHER_UNIT, Action.STAFF_RETRY_NOTIFICATION, True),  # a unit manager: the outbox shows no client
        (INSTRUCTOR, Action.STAFF_RETRY_NOTIFICATION, False),
        (OWN, Action.STAFF_RETRY_NOTIFICATION, False),
    ],
)
def test_permission_rules(actor, action, allowed) -> None:
    assert can(actor, action, CLIENT) is allowed


def test_schedules_are_edited_only_in_ones_own_units() -> None:
    assert may_edit_unit_schedule(INSTRUCTOR, 10)
    assert not may_edit_unit_schedule(INSTRUCTOR, 20)
    assert not may_edit_unit_schedule(OWN, 10)


def test_client_actor_cannot_reach_another_subject() -> None:
    assert not can(OWN, Action.VIEW, Subject(99, frozenset({10})))
