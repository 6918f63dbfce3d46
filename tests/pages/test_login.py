"""Logins through real redirects against the bundled test identity provider."""

from __future__ import annotations

from sqlmodel import Session, select

from portal.auth import sessions
from portal.models import AccessEvent, LoginSession
from portal.schedule import calendar_days
from portal.settings import LOA_HIGH, LOA_LOW
from tests.support.helpers import h1, soup
from tests.support.login_flow import authenticate, login

AINO, HELENA, SANNA = "010280-952L", "120556-942L", "300883-9617"


def events(engine, action: str) -> list[AccessEvent]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(AccessEvent).where(AccessEvent.action == action)).all())


def test_client_logs_in_and_reaches_own_start_page(idp_client, idp_app) -> None:
    response = login(idp_client, AINO)
    assert response.status_code == 303 and response.headers["location"] == "/home"
    cookie = response.headers["set-cookie"]
    assert "portal_client_session=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    home = idp_client.get("/home")
    assert home.status_code == 200
    assert h1(home) == "Oma sivu"
    text = soup(home).get_text()
    assert "Työtoiminta" in text and "Toimintakeskus Verstas" in text
    assert home.headers["cache-control"] == "no-store"
    assert len(events(idp_app.state.engine, "login")) == 1


def test_high_level_of_assurance_is_accepted(idp_client) -> None:
    assert login(idp_client, AINO, level=LOA_HIGH).headers["location"] == "/home"


def test_low_level_of_assurance_is_refused_with_a_clear_page(idp_client, idp_app) -> None:
    response = login(idp_client, AINO, level=LOA_LOW)
    assert response.status_code == 403
    assert "Tunnistustapa ei ole tarpeeksi vahva." in response.text
    assert "portal_client_session" not in response.headers.get("set-cookie", "")
    assert [e.object_type for e in events(idp_app.state.engine, "login_failed")] == ["level_of_assurance"]


def test_session_cookie_is_stored_only_as_a_hash(idp_client, idp_app) -> None:
    login(idp_client, AINO)
    token = idp_client.cookies.get("portal_client_session")
    assert token and len(token) >= 43  # 256 bits in base64
    with Session(idp_app.state.engine) as session:
        record = session.exec(select(LoginSession)).one()
    assert record.token_hash == sessions.token_hash(token) and token not in record.token_hash


def test_login_rotates_the_session(idp_client) -> None:
    login(idp_client, AINO)
    first = idp_client.cookies.get("portal_client_session")
    login(idp_client, AINO)
    second = idp_client.cookies.get("portal_client_session")
    assert first != second
    idp_client.cookies.clear()
    idp_client.cookies.set("portal_client_session", first)
    assert idp_client.get("/home").status_code == 403  # the old one was revoked


def test_person_who_is_not_a_client_gets_a_kind_page(idp_client) -> None:
    response = login(idp_client, "311299-999E")  # a valid test code of nobody in the demo
    assert response.status_code == 403
    assert "Et ole vielä asiakkaana" in response.text
    assert soup(response).find("a", href="/contact")


def test_staff_member_logs_in_to_staff_pages(idp_client) -> None:
    response = login(idp_client, SANNA, audience="staff")
    assert response.headers["location"] == "/staff"
    page = idp_client.get("/staff")
    assert page.status_code == 200 and "Aino Virtanen" in page.text
    assert "Liisa" not in page.text  # Liisa is a client of another unit
    # the staff session is not a client session
    assert idp_client.get("/home").status_code == 403


def test_client_cannot_log_in_as_staff(idp_client) -> None:
    response = login(idp_client, AINO, audience="staff")
    assert response.status_code == 403
    assert h1(response) == "Sinulla ei ole työntekijän tunnuksia"


def test_logout_revokes_session_and_back_shows_nothing(idp_client, idp_app) -> None:
    login(idp_client, AINO)
    token = idp_client.cookies.get("portal_client_session")
    home = idp_client.get("/home")
    csrf = soup(home).find("form", action="/logout").find("input", attrs={"name": "csrf_token"})["value"]
    response = idp_client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert "/test-idp/" in response.headers["location"]  # the provider's end_session_endpoint
    ended = idp_client.get(response.headers["location"], follow_redirects=False)
    assert ended.headers["location"].endswith("/logged-out")
    assert h1(idp_client.get("/logged-out")) == "Olet kirjautunut ulos"
    idp_client.cookies.clear()
    idp_client.cookies.set("portal_client_session", token)  # replayed after logout
    replay = idp_client.get("/home")
    assert replay.status_code == 403 and "Aino" not in replay.text
    assert [e.object_type for e in events(idp_app.state.engine, "refused")][-1] == "session_revoked"


def test_login_returns_to_the_page_asked_for(idp_client) -> None:
    response = login(idp_client, AINO, next_path="/access-log")
    assert response.headers["location"] == "/access-log"


def test_delegate_picks_whose_matters_and_sees_it_on_every_page(idp_client, idp_app) -> None:
    from tests.support import factories

    engine, vault = idp_app.state.engine, idp_app.state.vault
    aino = factories.person_id(engine, vault, AINO)
    helena = factories.person_id(engine, vault, HELENA)
    factories.add_mandate(engine, principal=aino, agent=helena)
    response = login(idp_client, HELENA)
    assert response.headers["location"] == "/choose"
    choose = idp_client.get("/choose")
    before = idp_client.cookies.get("portal_client_session")
    form = soup(choose).find("button", string="Aino Virtanen").find_parent("form")
    data = {field["name"]: field["value"] for field in form.find_all("input")}
    picked = idp_client.post("/choose", data=data, follow_redirects=False)
    assert picked.headers["location"] == "/home"
    assert idp_client.cookies.get("portal_client_session") != before  # rotated
    home = idp_client.get("/home")
    banner = soup(home).find(class_="acting-for")
    assert "Asioit henkilön Aino Virtanen puolesta." in banner.get_text(" ", strip=True)
    assert banner.find("a", href="/choose")


def test_someone_without_a_finnish_identity_code_gets_a_page_of_their_own(idp_client, idp_app) -> None:
    # The test provider's "Erika Mustermann" logs in as through eIDAS from abroad.
    response = login(idp_client, "eidas")
    assert response.status_code == 403
    assert h1(response) == "Tarvitset suomalaisen henkilötunnuksen"
    assert soup(response).find("a", href="/contact")
    assert [e.object_type for e in events(idp_app.state.engine, "login_failed")] == ["no_identity_code"]


def test_logging_out_as_staff_ends_the_same_persons_client_session_too(idp_client, idp_app) -> None:
    """Single logout: the test provider tells every client the person signed
    in to (back-channel logout), like a real identity service."""
    from datetime import timedelta

    from portal.db import transaction
    from portal.models import ClientPeriod
    from tests.support import factories

    engine = idp_app.state.engine
    sanna = factories.person_id(engine, idp_app.state.vault, SANNA)
    with transaction(engine) as session:  # Sanna is also a client here, in another unit
        session.add(ClientPeriod(person_id=sanna, unit_id=factories.unit_id(engine, "Toimintakeskus Tupa"),
                                 service="day_activity", starts_on=calendar_days.today() - timedelta(days=1),
                                 ends_on=calendar_days.today() + timedelta(days=30)))
    login(idp_client, SANNA)
    login(idp_client, SANNA, audience="staff")
    assert idp_client.get("/home").status_code == 200
    staff = idp_client.get("/staff")
    csrf = soup(staff).find("form", action="/staff/logout").find("input", attrs={"name": "csrf_token"})["value"]
    out = idp_client.post("/staff/logout", data={"csrf_token": csrf}, follow_redirects=False)
    idp_client.get(out.headers["location"], follow_redirects=False)  # the provider's logout
    assert idp_client.get("/home").status_code == 403  # the client session ended too
    roles = [event.actor_role for event in events(idp_app.state.engine, "logout")]
    assert sorted(roles) == ["identity_provider", "staff"]
