"""Hostile input: every POST route and every id route answers a 4xx (or its
normal answer), never a 5xx, and nothing typed comes back unescaped.

The fuzz test posts non-ASCII, NUL, markup, invalid UTF-8 and huge ids in the
CSRF token and every form field, as an anonymous browser, a client and a
staff member, and puts huge ids in every path that takes one.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlmodel import Session, select
from starlette.routing import Mount, Route
from wtforms.fields.core import UnboundField

from portal.auth import sessions
from portal.forms import PortalForm, csrf
from portal.models import AccessEvent, AccessibilityFeedback, LoginSession, Mandate, Person
from tests.support import factories
from tests.support.helpers import csrf_token, soup

AINO, LIISA, MARIA_TUPA = "010280-952L", "230495-936S", "180679-9737"
MARKUP = "<b>fuzz</b>"
HUGE_IDS = [str(2**63), "99999999999999999999999"]
PAYLOADS = ["ä€²😀", "a\x00b\x00", MARKUP + "\"'><", "²", *HUGE_IDS, " " * 3]
# Fields that are not in a PortalForm: the choose form, the kiosk switch, the
# test identity provider's OAuth endpoints.
OTHER_FIELDS = {"principal", "kiosk", "grant_type", "code", "redirect_uri", "client_id", "client_secret",
                "code_verifier", "state", "nonce", "id_token_hint", "post_logout_redirect_uri", "scope"}


def form_field_names() -> set[str]:
    names = set(OTHER_FIELDS)
    pending = list(PortalForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names |= {name for name, value in vars(form).items() if isinstance(value, UnboundField)}
    return names


def routes_of(app) -> list[tuple[str, Route]]:  # type: ignore[no-untyped-def]
    found = []
    for route in app.routes:
        if isinstance(route, Mount):
            found += [(route.path + inner.path, inner) for inner in route.routes if isinstance(inner, Route)]
        elif isinstance(route, Route):
            found.append((route.path, route))
    return found


def with_ids(path: str, valid_id: int) -> list[str]:
    if "{" not in path:
        return [path]
    return [re.sub(r"\{[a-z_]+:(?:id|int)\}", value, path) for value in [str(valid_id), *HUGE_IDS]]


@pytest.fixture
def identities(idp_app) -> dict[str, tuple[str, int] | None]:  # type: ignore[no-untyped-def]
    engine, vault = idp_app.state.engine, idp_app.state.vault
    aino, liisa = factories.person_id(engine, vault, AINO), factories.person_id(engine, vault, LIISA)
    maria = factories.person_id(engine, vault, MARIA_TUPA)
    return {"anonymous": None, "client": ("client", aino), "staff": ("staff", maria), "ids": (aino, liisa)}  # type: ignore[dict-item]


def test_fuzzed_posts_and_huge_ids_never_give_a_server_error(idp_app, idp_client, identities) -> None:
    engine = idp_app.state.engine
    fields = form_field_names()
    aino, liisa = identities.pop("ids")  # type: ignore[misc]
    statuses: Counter[int] = Counter()
    seed = csrf.new_seed()
    token = csrf.token_for(idp_app.state.settings.secret_key, seed)
    session_tokens: dict[str, str] = {}
    failures = []
    for who, login in identities.items():
        valid_id = liisa if who == "staff" else aino
        for pattern, route in routes_of(idp_app):
            methods = route.methods or {"GET"}
            for path in with_ids(pattern, valid_id):
                if "{" in pattern and "GET" in methods:
                    bodies: list[object] = [None]
                else:
                    bodies = []
                if "POST" in methods:
                    bodies += [("valid", payload) for payload in PAYLOADS] + [("token", payload) for payload in PAYLOADS]
                    bodies.append(b"csrf_token=\xff\xfe%ff&message=\xc3&principal=\xb2&identity_code=%00")
                for body in bodies:
                    idp_client.cookies.clear()
                    idp_client.cookies.set(csrf.COOKIE_NAME, seed)
                    if login is not None:
                        audience, person = login
                        if path.endswith("/logout") or audience not in session_tokens:  # a logout ends it
                            session_tokens[audience] = factories.start_session(
                                engine, audience=audience, person=person, acting_for=person if audience == "client" else None
                            )
                        idp_client.cookies.set(sessions.COOKIE_NAMES[audience], session_tokens[audience])
                    if body is None:
                        response = idp_client.get(path, follow_redirects=False)
                    elif isinstance(body, bytes):
                        response = idp_client.post(path, content=body, follow_redirects=False,
                                                   headers={"content-type": "application/x-www-form-urlencoded"})
                    else:
                        kind, payload = body  # type: ignore[misc]
                        data = {name: payload for name in fields}
                        data["csrf_token"] = token if kind == "valid" else payload
                        response = idp_client.post(path, data=data, follow_redirects=False)
                    statuses[response.status_code] += 1
                    html = response.headers.get("content-type", "").startswith("text/html")
                    if response.status_code >= 500 or (html and MARKUP in response.text):
                        failures.append((who, response.request.method, path, body, response.status_code))
    total = sum(statuses.values())
    print(f"\nfuzz: {total} requests, statuses {dict(sorted(statuses.items()))}, failures {len(failures)}")
    assert total > 500
    assert failures == []
    with Session(engine) as session:  # NUL never reached the database
        stored = [*session.exec(select(AccessibilityFeedback)).all(), *session.exec(select(Mandate)).all(),
                  *session.exec(select(Person)).all()]
        assert stored and not [row for row in stored if "\x00" in repr(row.model_dump())]


def test_non_ascii_csrf_token_is_a_plain_refusal(client) -> None:
    client.get("/accessibility/feedback")
    response = client.post("/accessibility/feedback", data={"csrf_token": "ä", "message": "Hei"})
    assert response.status_code == 403
    assert soup(response).h1.get_text(strip=True) == "Lomake on vanhentunut"


def test_nul_is_removed_from_every_text_field(client, engine) -> None:
    token = csrf_token(client.get("/accessibility/feedback"))
    response = client.post("/accessibility/feedback", data={"csrf_token": token, "message": "Nap\x00pi", "page": "\x00"},
                           follow_redirects=False)
    assert response.status_code == 303
    with Session(engine) as session:
        feedback = session.exec(select(AccessibilityFeedback)).one()
    assert (feedback.message, feedback.page) == ("Nappi", "")


@pytest.mark.parametrize("principal", ["²", "", str(2**63), "99999999999999999999999", "-1"])
def test_choose_with_a_bad_principal_is_400_and_nothing_breaks(idp_app, idp_client, principal) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    helena = factories.person_id(engine, vault, "120556-942L")
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], factories.start_session(engine, audience="client", person=helena))
    token = csrf_token(idp_client.get("/choose"))
    response = idp_client.post("/choose", data={"csrf_token": token, "principal": principal})
    assert response.status_code == 400


def test_choose_a_stranger_is_refused_and_the_refusal_is_logged(idp_app, idp_client) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    helena = factories.person_id(engine, vault, "120556-942L")
    mikko = factories.person_id(engine, vault, "150375-990C")
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], factories.start_session(engine, audience="client", person=helena))
    token = csrf_token(idp_client.get("/choose"))
    assert idp_client.post("/choose", data={"csrf_token": token, "principal": str(mikko)}).status_code == 403
    with Session(engine) as session:
        assert session.exec(select(AccessEvent).where(AccessEvent.object_type == "choose_principal")).one()


@pytest.mark.parametrize("path", [f"/staff/clients/{2**63}", "/staff/clients/99999999999999999999999"])
def test_huge_path_ids_are_missing_pages(idp_app, idp_client, path) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    maria = factories.person_id(engine, vault, MARIA_TUPA)
    idp_client.cookies.set(sessions.COOKIE_NAMES["staff"], factories.start_session(engine, audience="staff", person=maria))
    assert idp_client.get(path).status_code == 404
    assert idp_client.post(path + "/guardianships", data={}).status_code == 404


def test_huge_mandate_id_in_revoke_is_a_missing_page(idp_app, idp_client) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    aino = factories.person_id(engine, vault, AINO)
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"],
                       factories.start_session(engine, audience="client", person=aino, acting_for=aino))
    token = csrf_token(idp_client.get("/settings/mandates"))
    response = idp_client.post(f"/settings/mandates/{2**63}/revoke", data={"csrf_token": token})
    assert response.status_code == 404


def test_choose_with_an_id_that_names_nobody_is_refused_not_an_error(idp_app, idp_client) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    helena = factories.person_id(engine, vault, "120556-942L")
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], factories.start_session(engine, audience="client", person=helena))
    token = csrf_token(idp_client.get("/choose"))
    assert idp_client.post("/choose", data={"csrf_token": token, "principal": "999999"}).status_code == 403
    with Session(engine) as session:
        event = session.exec(select(AccessEvent).where(AccessEvent.object_type == "choose_principal")).one()
    assert (event.actor_person_id, event.subject_person_id) == (helena, None)


def _browser(app, cookies: dict[str, str]):  # type: ignore[no-untyped-def]
    from tests.support.page_sanity import CheckedClient

    client = CheckedClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False)
    for name, value in cookies.items():
        client.cookies.set(name, value)
    return client


def test_a_double_click_on_a_choice_gets_the_same_answer_twice(idp_app) -> None:
    """Two posts of the same choice at the same moment, as a double click sends
    them: both go to the home page with the same new session id, and it works.
    On PostgreSQL the two run at once; on SQLite one after the other, the
    second with the id that the first has just replaced."""
    import threading

    engine, vault = idp_app.state.engine, idp_app.state.vault
    aino = factories.person_id(engine, vault, AINO)
    helena = factories.person_id(engine, vault, "120556-942L")
    factories.add_mandate(engine, principal=aino, agent=helena)
    for _round in range(3):
        seed = csrf.new_seed()
        cookies = {sessions.COOKIE_NAMES["client"]: factories.start_session(engine, audience="client", person=helena),
                   csrf.COOKIE_NAME: seed}
        data = {"csrf_token": csrf.token_for(idp_app.state.settings.secret_key, seed), "principal": str(aino)}
        with _browser(idp_app, cookies) as server:
            # Two clients with the same cookies, served by one server process:
            # its one event loop, as in production (the app's transaction
            # slots belong to it).
            clicks = [_browser(idp_app, cookies), _browser(idp_app, cookies)]
            for click_client in clicks:
                click_client.portal = server.portal
            barrier = threading.Barrier(len(clicks))
            answers: list = [None] * len(clicks)

            def click(number: int) -> None:
                barrier.wait()
                answers[number] = clicks[number].post("/choose", data=data, follow_redirects=False)

            threads = [threading.Thread(target=click, args=(number,)) for number in range(len(clicks))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert [(answer.status_code, answer.headers["location"]) for answer in answers] == [(303, "/home")] * 2
        first, second = (answer.cookies.get(sessions.COOKIE_NAMES["client"]) for answer in answers)
        assert first and first == second != cookies[sessions.COOKIE_NAMES["client"]]
        with _browser(idp_app, {sessions.COOKIE_NAMES["client"]: first}) as browser:
            assert browser.get("/home").status_code == 200
        with _browser(idp_app, cookies) as old:  # the old id works for nothing else
            assert old.get("/home", follow_redirects=False).status_code == 403


def test_a_repeat_with_the_old_id_cannot_make_another_choice(idp_app, idp_client) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    aino = factories.person_id(engine, vault, AINO)
    helena = factories.person_id(engine, vault, "120556-942L")
    mikko = factories.person_id(engine, vault, "150375-990C")
    factories.add_mandate(engine, principal=aino, agent=helena)
    factories.add_mandate(engine, principal=mikko, agent=helena)
    old = factories.start_session(engine, audience="client", person=helena)
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], old)
    token = csrf_token(idp_client.get("/choose"))
    assert idp_client.post("/choose", data={"csrf_token": token, "principal": str(aino)},
                           follow_redirects=False).status_code == 303
    idp_client.cookies.delete(sessions.COOKIE_NAMES["client"])
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], old)
    response = idp_client.post("/choose", data={"csrf_token": token, "principal": str(mikko)}, follow_redirects=False)
    assert response.status_code == 403
    with Session(engine) as session:
        record = session.exec(select(LoginSession).where(LoginSession.person_id == helena)).one()
    assert record.acting_for_person_id == aino


def test_the_old_id_no_longer_repeats_a_choice_after_a_while(idp_app, idp_client) -> None:
    from datetime import timedelta

    from portal import clock

    engine, vault = idp_app.state.engine, idp_app.state.vault
    aino = factories.person_id(engine, vault, AINO)
    helena = factories.person_id(engine, vault, "120556-942L")
    factories.add_mandate(engine, principal=aino, agent=helena)
    old = factories.start_session(engine, audience="client", person=helena)
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], old)
    data = {"csrf_token": csrf_token(idp_client.get("/choose")), "principal": str(aino)}
    assert idp_client.post("/choose", data=data, follow_redirects=False).status_code == 303
    idp_client.cookies.delete(sessions.COOKIE_NAMES["client"])
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], old)
    with clock.moved_to(clock.now() + sessions.REPEAT_GRACE + timedelta(seconds=1)):
        assert idp_client.post("/choose", data=data, follow_redirects=False).status_code == 403


@pytest.mark.parametrize("person", ["9" * 19, "9" * 40, "²", "-1"])
def test_a_chosen_person_that_is_no_id_is_refused_next_to_the_field(idp_app, idp_client, person) -> None:
    # A number too big for any id reached the database: a 500 (issue 19's fuzz test).
    engine, vault = idp_app.state.engine, idp_app.state.vault
    liisa = factories.person_id(engine, vault, LIISA)
    group = factories.group_id(engine, person=liisa)
    timo = factories.person_id(engine, vault, "090965-9970")
    idp_client.cookies.set(sessions.COOKIE_NAMES["staff"], factories.start_session(engine, audience="staff", person=timo))
    token = csrf_token(idp_client.get(f"/staff/groups/{group}"))
    for form, dates in (("member_ends", {"member_ends-ends_on": "31.12.2027"}),
                        ("members", {"members-starts_on": "31.12.2027"})):
        response = idp_client.post(f"/staff/groups/{group}/{form}",
                                   data={f"{form}-csrf_token": token, f"{form}-person_id": person, **dates})
        assert response.status_code == 400
        assert soup(response).find(id=f"{form}-person_id-error") is not None


def test_characters_nobody_types_are_removed_from_every_text_field(client, engine) -> None:
    token = csrf_token(client.get("/accessibility/feedback"))
    response = client.post("/accessibility/feedback", data={"csrf_token": token, "message": "\x01", "page": "\x1f"})
    assert response.status_code == 400  # the message was only a control character: empty now, and asked for
    assert "\x01" not in response.text and "\x1f" not in response.text  # a page with them is not HTML
    text = "Na\x0bp\x7fpi\x9f\ufffe\U0010ffff\tja\r\nrivi"
    response = client.post("/accessibility/feedback", data={"csrf_token": token, "message": text},
                           follow_redirects=False)
    assert response.status_code == 303
    with Session(engine) as session:
        assert session.exec(select(AccessibilityFeedback.message)).one() == "Nappi\tja\r\nrivi"


def test_a_state_that_is_not_ascii_is_a_failed_login_not_an_error(idp_client) -> None:
    idp_client.cookies.set("portal_login_state", "x")
    assert idp_client.get("/login/callback?state=ä&code=x").status_code == 400  # compare_digest raised on it


def test_the_import_page_reads_only_ascii_counts(idp_app, idp_client) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    timo = factories.person_id(engine, vault, "090965-9970")
    idp_client.cookies.set(sessions.COOKIE_NAMES["staff"], factories.start_session(engine, audience="staff", person=timo))
    assert idp_client.get("/staff/import?created=²&changed=1&unchanged=1").status_code == 200
