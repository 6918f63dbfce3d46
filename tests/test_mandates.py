"""Clients grant and revoke mandates; staff record guardianships."""

from __future__ import annotations

from sqlmodel import Session, select

from portal.models import AccessEvent, Mandate, Person
from tests.helpers import soup
from tests.login_flow import login

AINO, MIKKO, MARIA = "010280-952L", "150375-990C", "180679-9737"


def form_token(page) -> str:  # type: ignore[no-untyped-def]
    return soup(page).find("main").find("input", attrs={"name": "csrf_token"})["value"]


def test_client_grants_and_revokes_a_mandate(idp_client, idp_app) -> None:
    login(idp_client, AINO)
    page = idp_client.get("/settings/mandates")
    assert "Helena Virtanen" in page.text and "120556-****" in page.text  # the demo mandate, masked
    assert "120556-942L" not in page.text
    response = idp_client.post(
        "/settings/mandates",
        data={"csrf_token": form_token(page), "identity_code": "311299-999E", "given_name": "Testi",
              "family_name": "Ystävä", "scope": "view", "valid_until": "31.12.2030"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = idp_client.get(response.headers["location"])
    text = soup(page).find("main").get_text(" ", strip=True)
    assert "Lupa on annettu." in text and "Testi Ystävä (311299-****)" in text
    with Session(idp_app.state.engine) as session:
        mandate = session.exec(select(Mandate).where(Mandate.valid_until.is_not(None))).one()  # type: ignore[union-attr]
        assert mandate.scope == "view" and str(mandate.valid_until) == "2030-12-31"
        assert session.exec(select(AccessEvent).where(AccessEvent.object_type == "mandate")).first()
    revoke = soup(page).find("form", action=f"/settings/mandates/{mandate.id}/revoke")
    idp_client.post(revoke["action"], data={"csrf_token": revoke.find("input")["value"]})
    with Session(idp_app.state.engine) as session:
        assert session.get(Mandate, mandate.id).revoked_at is not None


def test_grant_form_errors_are_next_to_fields_and_nothing_is_saved(idp_client, idp_app) -> None:
    login(idp_client, AINO)
    page = idp_client.get("/settings/mandates")
    response = idp_client.post(
        "/settings/mandates",
        data={"csrf_token": form_token(page), "identity_code": "010280-952K", "given_name": "",
              "family_name": "X", "scope": "everything", "valid_until": "huomenna"},
    )
    assert response.status_code == 400
    errors = {p["id"]: p.get_text(" ", strip=True) for p in soup(response).find_all(class_="field__error")}
    assert set(errors) == {"identity_code-error", "given_name-error", "scope-error", "valid_until-error"}
    assert "31.12.2027" in errors["valid_until-error"]
    with Session(idp_app.state.engine) as session:
        assert len(session.exec(select(Mandate)).all()) == 1  # only the demo's


def test_name_must_match_an_existing_person(idp_client, idp_app) -> None:
    login(idp_client, AINO)
    page = idp_client.get("/settings/mandates")
    response = idp_client.post(
        "/settings/mandates",
        data={"csrf_token": form_token(page), "identity_code": MIKKO, "given_name": "Mikko",
              "family_name": "Väärä", "scope": "view"},
    )
    assert response.status_code == 400
    assert "Nimi ei vastaa henkilötunnusta." in soup(response).find(id="family_name-error").get_text()
    with Session(idp_app.state.engine) as session:
        assert session.exec(select(Person).where(Person.family_name == "Väärä")).first() is None


def test_staff_records_a_public_guardian_whose_code_is_never_shown(idp_client, idp_app) -> None:
    login(idp_client, MARIA, audience="staff")  # social instructor at Tupa
    staff_home = soup(idp_client.get("/staff"))
    liisa_link = staff_home.find("a", string="Liisa Mäkinen")["href"]
    page = idp_client.get(liisa_link)
    response = idp_client.post(
        f"{liisa_link}/guardianships",
        data={"csrf_token": form_token(page), "identity_code": "311299-999E", "given_name": "Yleinen",
              "family_name": "Edunvalvoja", "public_guardian": "y"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = idp_client.get(liisa_link)
    assert "Yleinen Edunvalvoja" in page.text and "311299" not in page.text
