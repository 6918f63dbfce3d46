""""Ohjaaja auttaa" (issue 25): a client at a kiosk asks an instructor to
confirm them instead of typing a code; staff of the kiosk's unit approve or
refuse; the kiosk that asked logs in once; nothing works from elsewhere."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from portal import clock
from portal.easy_login import instructor_help
from portal.easy_login.models import KioskHelpRequest
from portal.models import AccessEvent, LoginSession
from tests.support.kiosk import (JARI, LIISA, MARIA_TUPA, SANNA_VERSTAS, enrol, login_id, logout, mark_kiosk,
                                  staff_login, type_code)
from tests.support import factories
from tests.support.helpers import csrf_token, h1, soup

pytestmark = pytest.mark.usefixtures("activity_day")


@pytest.fixture
def app(idp_app):  # type: ignore[no-untyped-def]
    return idp_app


@pytest.fixture
def client(idp_client):  # type: ignore[no-untyped-def]
    return idp_client


def staff_browser(app, engine, code: str):  # type: ignore[no-untyped-def]
    """A second browser: a staff member logged in (strongly) elsewhere."""
    browser = factories_client(app)
    token = factories.start_session(engine, audience="staff", person=factories.person_id(engine, app.state.vault, code))
    browser.cookies.set("portal_staff_session", token)
    return browser


def factories_client(app):  # type: ignore[no-untyped-def]
    from tests.support.page_sanity import CheckedClient
    return CheckedClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False)


def ask(client, entry: int):  # type: ignore[no-untyped-def]
    page = client.get(f"/kiosk/{entry}")
    assert page.status_code == 200
    return client.post(f"/kiosk/{entry}/help", data={"csrf_token": csrf_token(page)}, follow_redirects=False)


def waiting_ids(engine) -> list[int]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return [row.id for row in session.exec(select(KioskHelpRequest).where(
            KioskHelpRequest.answered_at.is_(None))).all()]  # type: ignore[union-attr]


def answer(browser, request_id: int, what: str):  # type: ignore[no-untyped-def]
    page = browser.get("/staff/kiosk-requests")
    return browser.post(f"/staff/kiosk-requests/{request_id}/{what}", data={"csrf_token": csrf_token(page)},
                        follow_redirects=False)


def check(client):  # type: ignore[no-untyped-def]
    page = client.get("/easy/enrol")  # any page: this browser's form token
    return client.post("/kiosk/help/check", data={"csrf_token": csrf_token(page)}, follow_redirects=False)


def test_a_client_without_a_code_asks_and_an_instructor_of_the_unit_approves(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    mark_kiosk(client)
    jari = login_id(engine, JARI, app.state.vault)
    page = client.get(f"/kiosk/{jari}")
    assert "Pyydä ohjaajaa auttamaan" in page.text and 'name="code"' not in page.text  # he has no code
    assert ask(client, jari).headers["location"] == "/kiosk/help"
    waiting = client.get("/kiosk/help")
    assert waiting.status_code == 200 and h1(waiting) == "Odota, ohjaaja tulee" and "Jari N." in waiting.text
    assert "10 minuuttia" in waiting.text
    assert client.get("/kiosk/help/status").json() == {"state": "waiting"}
    # Not yet: the button says so, and nothing opens.
    not_yet = check(client)
    assert not_yet.status_code == 200 and "Ohjaaja ei ole vielä hyväksynyt." in not_yet.text
    # Maria (Tupa) sees him on her start page and approves.
    maria = staff_browser(app, engine, MARIA_TUPA)
    home = maria.get("/staff")
    assert "Asiakas odottaa kioskilla" in home.text and "Jari Nieminen" in home.text
    [request_id] = waiting_ids(engine)
    assert answer(maria, request_id, "approve").status_code == 303
    # A second tab's approval finds nothing left to answer.
    assert answer(maria, request_id, "approve").status_code == 404
    assert client.get("/kiosk/help/status").json() == {"state": "approved"}
    done = check(client)
    assert done.status_code == 303 and done.headers["location"] == "/home"
    home = client.get("/home")
    assert "Kirjauduit helposti" in home.text
    # Once: the same kiosk cannot log in again with it.
    client.cookies.delete("portal_client_session")
    assert check(client).status_code in (404, 410)
    with Session(engine) as session:
        sessions_of_jari = session.exec(select(LoginSession).where(LoginSession.level == "easy")).all()
        assert len(sessions_of_jari) == 1 and sessions_of_jari[0].kiosk
        kinds = [(event.action, event.object_type, event.actor_role) for event in session.exec(
            select(AccessEvent).where(AccessEvent.object_type.like("easy_login_help%")  # type: ignore[attr-defined]
                                      | (AccessEvent.object_type == "easy_login_instructor"))).all()]
    assert ("request", "easy_login_help", "kiosk") in kinds
    assert ("change", "easy_login_help_approved", "social_instructor") in kinds
    assert ("login", "easy_login_instructor", "client") in kinds


def test_a_refusal_says_so_and_shows_the_ways_in(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    mark_kiosk(client)
    jari = login_id(engine, JARI, app.state.vault)
    ask(client, jari)
    [request_id] = waiting_ids(engine)
    assert answer(staff_browser(app, engine, MARIA_TUPA), request_id, "reject").status_code == 303
    refused = check(client)
    assert refused.status_code == 403 and h1(refused) == "Ohjaaja ei vahvistanut kirjautumista"
    assert client.get("/home").status_code != 200


def test_another_units_staff_never_see_or_answer_it(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    mark_kiosk(client)
    ask(client, login_id(engine, JARI, app.state.vault))
    [request_id] = waiting_ids(engine)
    sanna = staff_browser(app, engine, SANNA_VERSTAS)
    assert "Jari" not in sanna.get("/staff").text
    assert "Jari" not in sanna.get("/staff/kiosk-requests").text
    assert sanna.get("/staff/kiosk-requests/count").json() == {"waiting": 0}
    assert staff_browser(app, engine, MARIA_TUPA).get("/staff/kiosk-requests/count").json() == {"waiting": 1}
    assert answer(sanna, request_id, "approve").status_code == 404
    assert answer(sanna, 999999, "approve").status_code == 404
    assert client.get("/kiosk/help/status").json() == {"state": "waiting"}
    # A client's session is not staff: the staff route refuses it.
    aino = factories.person_id(engine, app.state.vault, "010280-952L")
    other = factories_client(app)
    other.cookies.set("portal_client_session", factories.start_session(engine, audience="client", person=aino,
                                                                        acting_for=aino))
    page = other.get("/home")
    assert other.post(f"/staff/kiosk-requests/{request_id}/approve",
                      data={"csrf_token": csrf_token(page)}).status_code in (401, 403)
    assert waiting_ids(engine) == [request_id]


def test_a_request_expires_and_can_be_asked_again(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    mark_kiosk(client)
    jari = login_id(engine, JARI, app.state.vault)
    ask(client, jari)
    [request_id] = waiting_ids(engine)
    with clock.moved_to(clock.now() + instructor_help.WAIT + timedelta(seconds=1)):
        assert client.get("/kiosk/help/status").json() == {"state": "expired"}
        gone = check(client)
        assert gone.status_code == 410 and "Pyydä uudelleen" in gone.text
        assert answer(staff_browser(app, engine, MARIA_TUPA), request_id, "approve").status_code == 404
        again = client.post(f"/kiosk/{jari}/help", data={"csrf_token": csrf_token(gone)}, follow_redirects=False)
        assert again.status_code == 303


def test_one_waiting_request_a_kiosk_and_cancel(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    mark_kiosk(client)
    ask(client, login_id(engine, JARI, app.state.vault))
    ask(client, login_id(engine, LIISA, app.state.vault))
    assert len(waiting_ids(engine)) == 1  # Jari's was cancelled by Liisa's
    page = client.get("/kiosk/help")
    assert "Liisa M." in page.text
    assert client.post("/kiosk/help/cancel", data={"csrf_token": csrf_token(page)},
                       follow_redirects=False).status_code == 303
    assert waiting_ids(engine) == []


def test_a_forgotten_code_is_no_dead_end(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    mark_kiosk(client)
    liisa = login_id(engine, LIISA, app.state.vault)
    for _ in range(5):
        type_code(client, liisa, "9753")
    locked = client.get(f"/kiosk/{liisa}")
    assert "lukossa" in locked.text and "Pyydä ohjaajaa auttamaan" in locked.text
    ask(client, liisa)
    [request_id] = waiting_ids(engine)
    assert answer(staff_browser(app, engine, MARIA_TUPA), request_id, "approve").status_code == 303
    assert check(client).status_code == 303


def test_requests_come_only_from_a_kiosk_for_a_client_on_its_list(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    jari = login_id(engine, JARI, app.state.vault)
    token = csrf_token(client.get("/easy/enrol"))
    assert client.post(f"/kiosk/{jari}/help", data={"csrf_token": token}).status_code == 403  # not a kiosk
    mark_kiosk(client, staff=SANNA_VERSTAS)  # Verstas: Jari is not on its list
    token = csrf_token(client.get("/easy/enrol"))  # logging out gave the browser a new form key
    assert client.post(f"/kiosk/{jari}/help", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/kiosk/{jari}/help", data={}).status_code in (400, 403)  # no form token
    assert waiting_ids(engine) == []
    # Another browser cannot ride on a request: the secret is this kiosk's cookie.
    assert factories_client(app).get("/kiosk/help/status").json() == {"state": "expired"}


def test_a_client_who_chose_no_code_enrols_with_instructor_help(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    jari = factories.person_id(engine, app.state.vault, JARI)
    staff_login(client, MARIA_TUPA)
    code = enrol(client, jari)
    logout(client)
    page = client.get("/easy/enrol")
    chooser = client.post("/easy/enrol", data={"csrf_token": csrf_token(page), "enrolment_code": code})
    refused = client.post("/easy/enrol/code", data={"csrf_token": csrf_token(chooser), "enrolment_code": code,
                                                    "on_list": "y", "symbol": "car"})
    assert refused.status_code == 400 and "ohjaaja saa auttaa" in soup(refused).select_one(".field__error").get_text()
    done = client.post("/easy/enrol/code", data={"csrf_token": csrf_token(chooser), "enrolment_code": code,
                                                 "on_list": "y", "symbol": "car", "instructor_helps": "y"},
                       follow_redirects=False)
    assert done.status_code == 303
