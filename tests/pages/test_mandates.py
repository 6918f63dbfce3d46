"""Clients grant and revoke mandates; staff record guardianships."""

from __future__ import annotations

from sqlmodel import Session, select

from portal.models import AccessEvent, Mandate, Person
from tests.support import factories
from tests.support.helpers import soup
from portal.settings import LOA_SUBSTANTIAL
from tests.support.login_flow import login, provider_form

AINO, MIKKO, MARIA = "010280-952L", "150375-990C", "180679-9737"


def ainos_mandates(app) -> list[Mandate]:  # type: ignore[no-untyped-def]
    aino = factories.person_id(app.state.engine, app.state.vault, AINO)
    with Session(app.state.engine) as session:
        return list(session.exec(select(Mandate).where(Mandate.principal_person_id == aino)).all())


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
    assert len(ainos_mandates(idp_app)) == 1  # only the demo's


def grant(client, page, identity_code: str, given_name: str, family_name: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/settings/mandates",
        data={"csrf_token": form_token(page), "identity_code": identity_code, "given_name": given_name,
              "family_name": family_name, "scope": "view"},
        follow_redirects=False,
    )


def visible_answer(client, response) -> str:  # type: ignore[no-untyped-def]
    """What the granter sees after the post, with the typed details taken out."""
    main = soup(client.get(response.headers["location"])).find("main")
    text = main.find(role="status").get_text(" ", strip=True) + main.select_one(".mandate-list li").get_text(" ", strip=True)
    for typed in ("150375-****", "311299-****", "Mikko", "Testi"):
        text = text.replace(typed, "")
    return text


def test_known_and_unknown_identity_codes_get_the_same_answer(idp_client, idp_app) -> None:
    """No identity-code oracle: a known code with a wrong name answers like an unknown code."""
    login(idp_client, AINO)
    known = grant(idp_client, idp_client.get("/settings/mandates"), MIKKO, "Mikko", "Väärä")
    known_answer = (known.status_code, known.headers["location"], visible_answer(idp_client, known))
    unknown = grant(idp_client, idp_client.get("/settings/mandates"), "311299-999E", "Testi", "Väärä")
    unknown_answer = (unknown.status_code, unknown.headers["location"], visible_answer(idp_client, unknown))
    assert known_answer == unknown_answer
    assert known_answer[:2] == (303, "/settings/mandates?granted=1")
    assert "Lupa on annettu." in known_answer[2] and "Alkaa, kun henkilö kirjautuu palveluun." in known_answer[2]
    # The list shows the typed names, never a known person's real family name.
    page = soup(idp_client.get("/settings/mandates")).find("main")
    assert "Korhonen" not in page.get_text(" ", strip=True)
    names = [strong.get_text() for strong in page.select(".mandate-list strong")]
    assert names[:2] == ["Testi Väärä", "Mikko Väärä"]
    with Session(idp_app.state.engine) as session:
        mikko = session.get(Person, factories.person_id(idp_app.state.engine, idp_app.state.vault, MIKKO))
        assert (mikko.given_name, mikko.family_name) == ("Mikko", "Korhonen")  # not renamed
    assert len([mandate for mandate in ainos_mandates(idp_app) if mandate.name_check_pending]) == 2


def sign_in_with_names(client, identity_code: str, given_name: str, family_name: str):  # type: ignore[no-untyped-def]
    _page, action, fields = provider_form(client)
    back = client.post(action, data={**fields, "identity_code": identity_code, "given_name": given_name,
                                      "family_name": family_name, "level": LOA_SUBSTANTIAL}, follow_redirects=False)
    return client.get(back.headers["location"], follow_redirects=False)


def test_the_agents_strong_login_checks_the_typed_name(idp_client, idp_app) -> None:
    login(idp_client, AINO)
    grant(idp_client, idp_client.get("/settings/mandates"), "311299-999E", "Testi", "Ystävä")
    grant(idp_client, idp_client.get("/settings/mandates"), "010101-999X", "Väärä", "Nimi")
    idp_client.cookies.clear()
    # The right person logs in: the mandate comes into force.
    assert sign_in_with_names(idp_client, "311299-999E", "Testi", "Ystävä").headers["location"] == "/choose"
    assert "Aino Virtanen" in idp_client.get("/choose").text
    idp_client.cookies.clear()
    # Someone else has that code: their login revokes the mandate and they get nothing.
    response = sign_in_with_names(idp_client, "010101-999X", "Oikea", "Henkilö")
    assert response.status_code == 403
    with Session(idp_app.state.engine) as session:
        by_name = {m.agent_family_name: m for m in session.exec(select(Mandate)).all()}
        assert by_name["Ystävä"].revoked_at is None and not by_name["Ystävä"].name_check_pending
        assert by_name["Nimi"].revoked_at is not None
        assert session.exec(select(AccessEvent).where(AccessEvent.object_type == "mandate_name_mismatch")).one()


def test_a_client_cannot_grant_a_mandate_to_themself(idp_client, idp_app) -> None:
    login(idp_client, AINO)
    response = grant(idp_client, idp_client.get("/settings/mandates"), AINO, "Aino", "Virtanen")
    assert response.status_code == 400
    assert "oma henkilötunnuksesi" in soup(response).find(id="identity_code-error").get_text()
    assert len(ainos_mandates(idp_app)) == 1  # only the demo's


def test_grants_are_rate_limited_per_client(idp_client, idp_app) -> None:
    login(idp_client, AINO)
    page = idp_client.get("/settings/mandates")
    responses = [grant(idp_client, page, "311299-999E", "Testi", "Ystävä") for year in range(12)]
    statuses = [response.status_code for response in responses]
    assert statuses[:10] == [303] * 10 and statuses[10:] == [429, 429]
    assert len(ainos_mandates(idp_app)) == 11  # the demo's and ten
    # The form again, with what was written and what to do next to it.
    refused = soup(responses[-1])
    assert refused.find("input", attrs={"name": "given_name"})["value"] == "Testi"
    assert "Odota tunti" in refused.find(id="identity_code-error").get_text()


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


def test_the_demo_has_a_mandate_waiting_for_its_agents_login(idp_client, idp_app) -> None:
    from portal.demo.waiting_mandate import KALLE_CODE

    login(idp_client, MIKKO)
    main = soup(idp_client.get("/settings/mandates")).find("main")
    page = main.get_text(" ", strip=True)
    assert "Kalle Korhonen (121085-****)" in page and "Alkaa, kun henkilö kirjautuu palveluun." in page
    # The sentences as the page writes them, not joined by the test: one space between them.
    assert "palveluun. Voimassa toistaiseksi." in main.get_text()
    idp_client.cookies.clear()
    assert sign_in_with_names(idp_client, KALLE_CODE, "Kalle", "Korhonen").headers["location"] == "/choose"
    assert "Mikko Korhonen" in idp_client.get("/choose").text
