"""Idle timeouts, the warning, drafts kept over a timeout, kiosks, and the access log page."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from portal import access_log
from portal.auth import sessions
from portal.db import transaction
from portal.models import FormDraft, LoginSession, Mandate
from tests.support import factories
from tests.support.helpers import h1, soup
from tests.support.login_flow import login
from tests.support.signed_in import age_sessions

AINO, HELENA, SANNA = "010280-952L", "120556-942L", "300883-9617"


def test_client_session_ends_after_20_idle_minutes(idp_client, idp_app) -> None:
    login(idp_client, AINO)
    age_sessions(idp_app.state.engine, 19)
    assert idp_client.get("/home").status_code == 200  # and this counts as activity
    age_sessions(idp_app.state.engine, 21)
    response = idp_client.get("/home")
    assert response.status_code == 403
    assert h1(response) == "Kirjaudu ensin sisään"
    assert soup(response).find("a", href="/login?next=/home")


def test_every_page_tells_when_the_session_ends_and_offers_to_continue(idp_client, idp_app) -> None:
    login(idp_client, AINO)
    page = soup(idp_client.get("/home"))
    assert "Istunto päättyy kello" in page.find(class_="account__session").get_text()
    assert page.find("a", href="/session?next=/home")
    assert 1140 <= int(page.body["data-session-seconds"]) <= 1200  # 20 minutes idle; the script counts from its own clock
    assert page.find("dialog", id="session-dialog").find("form")
    age_sessions(idp_app.state.engine, 18)
    session_page = idp_client.get("/session?next=/home")
    token = soup(session_page).find("main").find("input", attrs={"name": "csrf_token"})["value"]
    response = idp_client.post("/session?next=/home", data={"csrf_token": token}, follow_redirects=False)
    assert response.headers["location"] == "/home"
    age_sessions(idp_app.state.engine, 5)  # 23 minutes since login, 5 since continuing
    assert idp_client.get("/home").status_code == 200


def test_a_form_posted_after_timeout_is_kept_and_restored_after_login(idp_client, idp_app) -> None:
    login(idp_client, AINO)
    form_page = idp_client.get("/settings/mandates")
    token = soup(form_page).find("input", attrs={"name": "csrf_token"})["value"]
    age_sessions(idp_app.state.engine, 25)
    with Session(idp_app.state.engine) as session:
        mandates_before = len(session.exec(select(Mandate)).all())
    response = idp_client.post(
        "/settings/mandates",
        data={"csrf_token": token, "identity_code": HELENA, "given_name": "Helena", "family_name": "Virtanen", "scope": "act"},
    )
    assert response.status_code == 403
    assert "Tallensimme sen, mitä kirjoitit." in response.text
    with Session(idp_app.state.engine) as session:
        draft = session.exec(select(FormDraft)).one()
        assert "Helena" not in draft.data_cipher and HELENA not in draft.data_cipher  # encrypted
        assert len(session.exec(select(Mandate)).all()) == mandates_before  # nothing half-saved
    back = login(idp_client, AINO, next_path="/settings/mandates")
    assert back.headers["location"] == "/settings/mandates"
    page = soup(idp_client.get("/settings/mandates"))
    assert page.find("input", id="identity_code")["value"] == HELENA
    assert page.find("input", id="family_name")["value"] == "Virtanen"
    assert page.find("input", attrs={"name": "scope", "value": "act"}).has_attr("checked")
    # The draft is used once.
    assert soup(idp_client.get("/settings/mandates")).find("input", id="identity_code").get("value", "") == ""


def test_kiosk_has_a_short_timeout_and_returns_to_the_start_page(idp_client, idp_app) -> None:
    login(idp_client, SANNA, audience="staff")
    device = idp_client.get("/staff/device")
    token = soup(device).find("main").find("input", attrs={"name": "csrf_token"})["value"]
    unit = soup(device).find("select", attrs={"name": "unit"}).find("option")["value"]
    idp_client.post("/staff/device", data={"csrf_token": token, "name": "Aulan kone", "unit": unit})
    assert "Tämä laite on kioski: Aulan kone." in idp_client.get("/staff/device").text
    login(idp_client, AINO)
    with Session(idp_app.state.engine) as session:
        client_session = session.exec(select(LoginSession).where(LoginSession.audience == "client")).one()
    assert client_session.kiosk
    age_sessions(idp_app.state.engine, 6)
    assert idp_client.get("/home").status_code == 403
    login(idp_client, AINO)
    home = idp_client.get("/home")
    assert soup(home).find("form", action="/logout").find("button")  # logout always visible
    csrf = soup(home).find("form", action="/logout").find("input", attrs={"name": "csrf_token"})["value"]
    out = idp_client.post("/logout", data={"csrf_token": csrf}, follow_redirects=True)
    assert str(out.url).endswith("/") and h1(out) == "Tervetuloa Oma työtoiminta -palveluun"


def test_forged_kiosk_cookie_is_ignored(idp_client, idp_app) -> None:
    idp_client.cookies.set("portal_kiosk", "eyJraW9zayI6dHJ1ZX0.forged")
    login(idp_client, AINO)
    with Session(idp_app.state.engine) as session:
        assert not session.exec(select(LoginSession)).one().kiosk


def test_client_sees_delegate_and_staff_reads_and_the_chain_verifies(idp_client, idp_app) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    aino = factories.person_id(engine, vault, AINO)
    helena = factories.person_id(engine, vault, HELENA)
    factories.add_mandate(engine, principal=aino, agent=helena)
    # Helena reads Aino's page as her delegate.
    login(idp_client, HELENA)
    choose = soup(idp_client.get("/choose"))
    form = choose.find("button", string="Aino Virtanen").find_parent("form")
    idp_client.post("/choose", data={f["name"]: f["value"] for f in form.find_all("input")})
    assert idp_client.get("/home").status_code == 200
    # Sanna (staff of Aino's unit) opens Aino's page.
    login(idp_client, SANNA, audience="staff")
    assert idp_client.get(f"/staff/clients/{aino}").status_code == 200
    # Aino looks at who has seen her data.
    idp_client.cookies.clear()
    login(idp_client, AINO)
    page = soup(idp_client.get("/access-log"))
    text = page.find("main").get_text(" ", strip=True)
    assert "Helena Virtanen , valtuutettu" in text or "Helena Virtanen, valtuutettu" in text
    assert "Sanna Laine" in text and "ohjaaja" in text
    assert "Aino Virtanen" not in text  # her own reads are not listed
    with Session(engine) as session:
        result = access_log.verify_chain(session)
    assert result.ok and result.checked > 5


def test_login_without_next_lands_on_a_kept_form(idp_client, idp_app) -> None:
    login(idp_client, AINO)
    token = soup(idp_client.get("/settings/mandates")).find("input", attrs={"name": "csrf_token"})["value"]
    age_sessions(idp_app.state.engine, 25)
    idp_client.post("/settings/mandates", data={"csrf_token": token, "given_name": "Kesken"})
    assert login(idp_client, AINO).headers["location"] == "/settings/mandates"


def test_prune_removes_only_what_has_no_use(idp_client, idp_app) -> None:
    from portal.auth import login as login_rules

    login(idp_client, AINO)
    with transaction(idp_app.state.engine) as session:
        assert login_rules.prune(session) == {"login_attempts": 0, "sessions": 0, "drafts": 0}
        later = sessions.now_utc() + timedelta(days=31)
        assert login_rules.prune(session, now=later) == {"login_attempts": 1, "sessions": 1, "drafts": 0}


def test_the_session_answer_for_the_script_is_not_cached(idp_client) -> None:
    login(idp_client, AINO)
    token = soup(idp_client.get("/session")).find("main").find("input", attrs={"name": "csrf_token"})["value"]
    response = idp_client.post("/session", data={"csrf_token": token}, headers={"accept": "application/json"})
    assert response.status_code == 200 and "ends_at" in response.json()
    assert 1140 <= response.json()["seconds_left"] <= 1200
    assert response.headers["cache-control"] == "no-store"


def test_an_expired_session_keeps_no_draft_without_this_browsers_token(idp_client, idp_app) -> None:
    login(idp_client, AINO)
    age_sessions(idp_app.state.engine, 25)
    for token in ("", "forged", "ä"):
        response = idp_client.post("/settings/mandates", data={"csrf_token": token, "given_name": "x" * 1000})
        assert response.status_code == 403
        assert "Tallensimme sen, mitä kirjoitit." not in response.text
    with Session(idp_app.state.engine) as session:
        assert session.exec(select(FormDraft)).all() == []


def test_drafts_are_few_and_small(idp_client, idp_app) -> None:
    from portal.auth.drafts import DRAFT_MAX_CHARS, DRAFTS_PER_PERSON

    login(idp_client, AINO)
    token = soup(idp_client.get("/settings/mandates")).find("input", attrs={"name": "csrf_token"})["value"]
    age_sessions(idp_app.state.engine, 25)
    for mandate_id in range(1, 40):  # one path per id, as an attacker would
        idp_client.post(f"/settings/mandates/{mandate_id}/revoke", data={"csrf_token": token, "note": "x" * 100})
    too_big = idp_client.post("/settings/mandates", data={"csrf_token": token, "given_name": "x" * DRAFT_MAX_CHARS})
    assert too_big.status_code == 403 and "Tallensimme sen, mitä kirjoitit." not in too_big.text
    with Session(idp_app.state.engine) as session:
        drafts = session.exec(select(FormDraft)).all()
    assert len(drafts) == DRAFTS_PER_PERSON
    assert all(len(draft.data_cipher) < 2000 for draft in drafts)  # the oversized one was not kept
