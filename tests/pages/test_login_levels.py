"""Two levels of login: every route declares the level it needs, an easy
session opens only the client's everyday pages, gets the step-up page
elsewhere (and never the data), ends within 30 minutes, and is only ever a
client acting for themself."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from starlette.routing import Mount, Route

from portal.auth import sessions
from portal.auth.levels import Level
from portal.auth.permissions import Action, Actor, Subject, can
from portal.db import transaction
from portal.models import AccessEvent, LoginSession
from portal.web.guard import Access
from tests.pages import test_route_permissions as route_permissions
from tests.pages.test_navigation import menu
from tests.pages.test_route_permissions import (
    AINO,
    LIISA,
    SANNA_VERSTAS,
    call,
    protected_requests,
)
from tests.support import factories
from tests.support.helpers import h1, soup
from tests.support.login_flow import login
from tests.support.signed_in import as_easy

people = route_permissions.people  # the fixture: Aino, her mandate to Liisa, her goal, staff of her unit

README = Path(__file__).resolve().parents[2] / "README.md"
# The test identity provider stands in for Suomi.fi: its routes are not the portal's.
OUTSIDE_THE_PORTAL = {"/test-idp"}
STEP_UP_TITLE = "Kirjaudu pankkitunnuksilla"
# Aino's data that only a strong login may see: a goal of her plan, the money
# card and the service periods of the start page, the self-assessment card,
# her earlier feedback and its answers.
STRONG_ONLY = ("Opin käyttämään hiomakonetta itse.", 'id="money-title"', 'id="plan-title"',
               'id="assessment-card-title"', "Palautteesi ja vastaukset", "Toimintakeskus Verstas")
EXPECTED_EASY = {
    ("GET", "/home"), ("GET", "/week"), ("GET", "/absence"), ("POST", "/absence"), ("POST", "/absence/today"),
    ("POST", "/absence/{notice_id}/cancel"), ("GET", "/feedback"), ("POST", "/feedback"), ("GET", "/feedback/thanks"),
    ("GET", "/session"), ("POST", "/session"),
    ("GET", "/messages"), ("GET", "/messages/new"), ("POST", "/messages/new"), ("GET", "/messages/{thread_id}"),
    ("POST", "/messages/{thread_id}/reply"),
}


def every_route(routes, prefix: str = "") -> list[tuple[str, Route]]:  # type: ignore[no-untyped-def]
    """(full path, route) of every route, mounted ones included."""
    found = []
    for route in routes:
        if isinstance(route, Mount):
            if route.path in OUTSIDE_THE_PORTAL:
                continue
            inner = getattr(route.app, "routes", None)
            if inner is None:  # static files: a whole app, not routes
                assert route.path == "/static", f"unexpected mount {route.path}"
                continue
            found.extend(every_route(inner, prefix + route.path))
        else:
            found.append((prefix + route.path, route))
    return found


def easy_routes(app) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(method, re.sub(r"\{(\w+):\w+\}", r"{\1}", path))
            for path, route in every_route(app.routes)
            if route.endpoint.access.level is Level.EASY
            for method in route.methods or {"GET"} if method != "HEAD"}


def test_every_route_declares_its_level(idp_app) -> None:
    routes = every_route(idp_app.routes)
    assert len(routes) > 50
    for path, route in routes:
        access = getattr(route.endpoint, "access", None)
        assert isinstance(access, Access), path
        if access.audience == "public":
            assert access.level is None, path  # no login needed at all
        else:
            assert isinstance(access.level, Level), path
        if access.audience == "staff":
            assert access.level is Level.STRONG, path


def test_the_easy_routes_are_the_expected_ones(app) -> None:
    assert easy_routes(app) == EXPECTED_EASY


def test_the_readme_lists_the_easy_routes(app) -> None:
    text = README.read_text(encoding="utf-8")
    listed = text.split("<!-- easy-routes -->")[1].split("<!-- /easy-routes -->")[0]
    pairs = re.findall(r"^- `(GET|POST) (/\S*)`$", listed, flags=re.MULTILINE)
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == easy_routes(app)


def test_an_easy_actor_is_only_ever_a_client_for_themself() -> None:
    own = Actor(person_id=1, audience="client", subject_person_id=1, footing="own", level=Level.EASY)
    delegate = Actor(person_id=2, audience="client", subject_person_id=1, footing="act", level=Level.EASY)
    staff = Actor(person_id=3, audience="staff", staff_roles={10: frozenset({"instructor"})}, level=Level.EASY)
    assert can(own, Action.VIEW, Subject(1))
    assert not can(delegate, Action.VIEW, Subject(1))
    assert not can(staff, Action.STAFF_VIEW_CLIENT, Subject(1, frozenset({10})))


def test_an_easy_session_cannot_be_started_for_anyone_else(engine, app, demo_data) -> None:
    aino = factories.person_id(engine, app.state.vault, AINO)
    liisa = factories.person_id(engine, app.state.vault, LIISA)
    with pytest.raises(ValueError):
        factories.start_session(engine, audience="client", person=liisa, acting_for=aino, level=Level.EASY)
    with pytest.raises(ValueError):
        factories.start_session(engine, audience="client", person=aino, acting_for=None, level=Level.EASY)
    with pytest.raises(ValueError):
        factories.start_session(engine, audience="staff", person=aino, acting_for=aino, level=Level.EASY)


# Every client route, every kind of session ------------------------------------------


def session_tokens(engine, people) -> dict[str, tuple[str | None, str]]:  # type: ignore[no-untyped-def]
    """Kind of session: (cookie value, cookie name)."""
    client_cookie, staff_cookie = sessions.COOKIE_NAMES["client"], sessions.COOKIE_NAMES["staff"]
    aino = people[AINO]
    return {
        "none": (None, client_cookie),
        "easy": (factories.start_session(engine, audience="client", person=aino, acting_for=aino, level=Level.EASY),
                 client_cookie),
        "strong": (factories.start_session(engine, audience="client", person=aino, acting_for=aino), client_cookie),
        # Liisa has a mandate to view Aino's matters.
        "delegate": (factories.start_session(engine, audience="client", person=people[LIISA], acting_for=aino),
                     client_cookie),
        "staff": (factories.start_session(engine, audience="staff", person=people[SANNA_VERSTAS]), staff_cookie),
    }


def test_every_client_route_for_every_kind_of_session(app, client, engine, people) -> None:
    tokens = session_tokens(engine, people)
    requests = [(method, path, access) for method, path, access in protected_requests(app, people)
                if access.audience == "client"]
    assert len(requests) > 20
    # The markers are real: a strong login sees them.
    strong_token, cookie = tokens["strong"]
    assert "Opin käyttämään hiomakonetta itse." in call(client, "GET", "/plan", strong_token, cookie).text
    assert 'id="money-title"' in call(client, "GET", "/home", strong_token, cookie).text
    for kind, (token, cookie) in tokens.items():
        for method, path, access in requests:
            response = call(client, method, path, token, cookie)
            where = (kind, method, path, response.status_code)
            assert response.status_code in (200, 303, 400, 403, 404), where
            step_up = response.status_code == 403 and h1(response) == STEP_UP_TITLE
            if kind == "easy":
                assert not any(marker in response.text for marker in STRONG_ONLY), where
                if access.level is Level.EASY:
                    assert response.status_code in (200, 303, 400), where  # the page, or its form's answer
                else:
                    assert step_up, where
            else:
                assert not step_up, where  # a strong login never needs to step up
            if kind in ("none", "staff"):  # no client session: log in first
                assert response.status_code == 403 and h1(response) == "Kirjaudu ensin sisään", where


def plant_session(engine, *, person: int, acting_for: int | None, audience: str = "client") -> str:  # type: ignore[no-untyped-def]
    """An easy session row that no code path would write: for someone else, or staff."""
    token = factories.start_session(engine, audience=audience, person=person, acting_for=acting_for)
    with transaction(engine) as session:
        record = session.exec(select(LoginSession).where(LoginSession.token_hash == sessions.token_hash(token))).one()
        record.level = Level.EASY.value
        session.add(record)
    return token


def test_the_guard_refuses_an_easy_session_that_is_not_a_clients_own(client, engine, people) -> None:
    cases = [
        (plant_session(engine, person=people[LIISA], acting_for=people[AINO]), "client", "/home"),
        (plant_session(engine, person=people[SANNA_VERSTAS], acting_for=None, audience="staff"), "staff", "/staff"),
    ]
    for token, audience, path in cases:
        response = call(client, "GET", path, token, sessions.COOKIE_NAMES[audience])
        assert response.status_code == 403 and h1(response) == "Sinulla ei ole pääsyä tälle sivulle", path
        assert "Aino" not in response.text
    with Session(engine) as session:
        refused = session.exec(select(AccessEvent).where(AccessEvent.object_type == "easy_login_not_own")).all()
    assert len(refused) == 2


# What an easy session sees ----------------------------------------------------------


def test_an_easy_session_sees_its_everyday_pages_and_says_so(client, engine, people) -> None:
    as_easy(client, engine, people[AINO])
    home = client.get("/home")
    assert home.status_code == 200 and h1(home) == "Oma sivu"
    page = soup(home)
    assert "Kirjauduit helposti" in page.find(class_="account").get_text()
    assert page.main.find("h2", string="Tänään") is not None
    assert page.main.find("a", href="/login?next=/home", string=STEP_UP_TITLE) is not None
    # The menu offers only what opens, and so do the links of the start page.
    assert menu(home) == [("/home", "Oma sivu", "page"), ("/week", "Viikkoni", None),
                          ("/messages", "Viestit", None)]
    assert {a["href"] for a in page.main.select(".link-list a")} <= {"/week", "/absence", "/messages"}
    week = client.get("/week")
    assert week.status_code == 200 and "Kalenteri puhelimeen" not in week.text
    assert client.get("/feedback").status_code == 200


def test_a_strong_session_does_not_say_easy(client, engine, people) -> None:
    aino = people[AINO]
    client.cookies.set(sessions.COOKIE_NAMES["client"],
                       factories.start_session(engine, audience="client", person=aino, acting_for=aino))
    assert "Kirjauduit helposti" not in client.get("/home").text


def test_an_easy_session_ends_30_minutes_after_it_began_even_when_active(client, engine, people) -> None:
    token = as_easy(client, engine, people[AINO])
    with Session(engine) as session:
        record = session.exec(select(LoginSession).where(LoginSession.token_hash == sessions.token_hash(token))).one()
    assert record.level == "easy"
    assert sessions.as_utc(record.expires_at) - sessions.as_utc(record.created_at) == timedelta(minutes=30)
    assert client.get("/home").status_code == 200
    # 31 minutes ago, and active a moment ago; even a stored expiry of hours does not keep it.
    with transaction(engine) as session:
        record = session.exec(select(LoginSession).where(LoginSession.token_hash == sessions.token_hash(token))).one()
        record.created_at = sessions.now_utc() - timedelta(minutes=31)
        record.last_seen_at = sessions.now_utc()
        record.expires_at = sessions.now_utc() + timedelta(hours=9)
        session.add(record)
    response = client.get("/home")
    assert response.status_code == 403 and h1(response) == "Kirjaudu ensin sisään"


def test_a_strong_session_is_not_cut_at_30_minutes(client, engine, people) -> None:
    aino = people[AINO]
    token = factories.start_session(engine, audience="client", person=aino, acting_for=aino)
    client.cookies.set(sessions.COOKIE_NAMES["client"], token)
    with transaction(engine) as session:
        record = session.exec(select(LoginSession).where(LoginSession.token_hash == sessions.token_hash(token))).one()
        record.created_at = sessions.now_utc() - timedelta(minutes=31)
        session.add(record)
    assert client.get("/home").status_code == 200


# Stepping up ----------------------------------------------------------------------------


def test_step_up_from_an_easy_session_lands_on_the_wanted_page(idp_client, idp_app) -> None:
    engine = idp_app.state.engine
    aino = factories.person_id(engine, idp_app.state.vault, AINO)
    easy_token = as_easy(idp_client, engine, aino)
    response = idp_client.get("/money")
    assert response.status_code == 403 and h1(response) == STEP_UP_TITLE
    page = soup(response)
    text = page.main.get_text(" ")
    assert "Tämä sivu vaatii kirjautumisen pankkitunnuksilla tai mobiilivarmenteella." in text
    assert "ohjaajaltasi" in text
    button = page.main.find("a", class_="button", string=STEP_UP_TITLE)
    assert button["href"] == "/login?next=/money"
    assert "Kirjauduit helposti" in page.find(class_="account").get_text()  # still logged in, header and menu kept

    landed = login(idp_client, AINO, next_path="/money")  # the button's login, through the test provider
    assert landed.status_code == 303 and landed.headers["location"] == "/money"
    money = idp_client.get("/money")
    assert money.status_code == 200 and h1(money).startswith("Rahani")
    assert "Kirjauduit helposti" not in money.text
    with Session(engine) as session:
        rows = {row.token_hash: row for row in session.exec(select(LoginSession)).all()}
    assert rows[sessions.token_hash(easy_token)].revoked_at is not None  # the strong login replaced it
    assert rows[sessions.token_hash(idp_client.cookies.get("portal_client_session"))].level == "strong"


def test_a_refused_post_steps_up_to_the_start_page(client, engine, people) -> None:
    as_easy(client, engine, people[AINO])
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get("/home").text).group(1)  # type: ignore[union-attr]
    response = client.post(f"/plan/goals/{people['aino_goal']}/thoughts", data={"csrf_token": token})
    assert response.status_code == 403 and h1(response) == STEP_UP_TITLE
    assert soup(response).main.find("a", class_="button")["href"] == "/login?next=/home"
