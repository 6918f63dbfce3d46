"""Every way a login can be wrong gets a plain-language 4xx page and an
access-log event, and no session."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode, urlsplit

import httpx2
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlmodel import Session, select

from portal.models import AccessEvent
from portal.schedule import calendar_days
from tests.support.bad_logins import failures, payload, reissue, sessions_count, tamper  # noqa: F401  (tamper is a fixture)
from tests.support.helpers import soup
from tests.support.login_flow import authenticate, callback_query, login

AINO = "010280-952L"


OTHER_KEY = RSAKey.generate_key(2048)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda k: reissue(k.private_key, k.kid, iss="https://evil.example"), "id_token_iss"),
        (lambda k: reissue(k.private_key, k.kid, aud="someone-else"), "id_token_aud"),
        (lambda k: reissue(k.private_key, k.kid, nonce="not-the-nonce"), "id_token_nonce"),
        (lambda k: reissue(k.private_key, k.kid, exp=int(time.time()) - 3600), "id_token_exp"),
        (lambda k: reissue(OTHER_KEY, k.kid), "id_token_signature"),
        (lambda k: reissue(OTHER_KEY, "unknown-kid"), "unknown_kid"),
        (lambda k: (lambda token: token[:-8] + "AAAAAAAA"), "id_token_signature"),
    ],
    ids=["wrong issuer", "wrong audience", "nonce mismatch", "expired", "bad signature", "unknown kid", "garbled"],
)
def test_bad_id_token_is_refused(idp_client, idp_app, tamper, change, reason) -> None:
    tamper(change)
    response = login(idp_client, AINO)
    assert response.status_code == 400
    assert "Kirjautuminen ei onnistunut" in response.text
    assert failures(idp_app.state.engine) == [reason]
    assert sessions_count(idp_app.state.engine) == 0
    # Trying again cannot help: the page says whom to tell, with a reference.
    assert "eivät nyt toimi yhdessä" in response.text and "Uusi yritys ei auta." in response.text
    assert "Aloita kirjautuminen alusta." not in response.text
    assert reference_on(response) == response.headers["x-request-id"]


def reference_on(response) -> str:  # type: ignore[no-untyped-def]

    return soup(response).find(class_="reference").get_text(strip=True)


def test_the_reference_is_the_failed_login_event_in_the_access_log(idp_client, idp_app, tamper, caplog) -> None:
    tamper(lambda k: reissue(OTHER_KEY, k.kid))
    response = login(idp_client, AINO)
    reference = reference_on(response)
    with Session(idp_app.state.engine) as session:
        event = session.exec(select(AccessEvent).where(AccessEvent.action == "login_failed")).one()
    assert event.request_id == reference and event.object_type == "id_token_signature"
    assert f"reason=id_token_signature reference={reference}" in caplog.text


def test_an_interrupted_login_says_to_start_again(idp_client, idp_app) -> None:
    response = idp_client.get("/login/callback?state=x&code=y")
    assert response.status_code == 400
    assert "Aloita kirjautuminen alusta." in response.text
    assert soup_links(response)["Kirjaudu uudelleen"] == "/login"
    assert "Uusi yritys ei auta." not in response.text


def soup_links(response) -> dict[str, str]:  # type: ignore[no-untyped-def]

    return {link.get_text(strip=True): link["href"] for link in soup(response).find("main").find_all("a")}


def test_identity_code_with_wrong_checksum_is_refused(idp_client, idp_app, tamper, settings) -> None:
    tamper(lambda k: reissue(k.private_key, k.kid, **{settings.claim_identity_code: "010280-952K"}))
    response = login(idp_client, AINO)
    assert response.status_code == 400
    assert "Uusi yritys ei auta." in response.text  # the provider sent it: only the centre can help
    assert failures(idp_app.state.engine) == ["invalid_identity_code"]
    assert sessions_count(idp_app.state.engine) == 0


def test_a_person_without_a_finnish_identity_code_gets_a_kind_page(idp_client, idp_app, tamper, settings) -> None:
    # e.g. another EU country's eID through eIDAS: no identity code claim at all
    def without_code(k):  # type: ignore[no-untyped-def]
        def change(id_token: str) -> str:
            claims = json.loads(payload(id_token))
            del claims[settings.claim_identity_code]
            return jwt.encode({"alg": "RS256", "kid": k.kid}, claims, k.private_key)
        return change

    tamper(without_code, userinfo=lambda claims: httpx2.Response(200, json={"sub": claims["sub"]}))
    response = login(idp_client, AINO)
    assert response.status_code == 403
    assert "Tarvitset suomalaisen henkilötunnuksen" in response.text
    assert "Henkilötunnuksessa on virhe" not in response.text
    assert failures(idp_app.state.engine) == ["no_identity_code"]
    assert sessions_count(idp_app.state.engine) == 0


def test_tampered_state_is_refused(idp_client, idp_app) -> None:
    back = authenticate(idp_client, AINO)
    query = callback_query(back)
    response = idp_client.get("/login/callback?" + urlencode({**query, "state": query["state"][:-2] + "xx"}))
    assert response.status_code == 400
    assert failures(idp_app.state.engine) == ["state_mismatch"]
    assert sessions_count(idp_app.state.engine) == 0


def test_missing_state_is_refused(idp_client, idp_app) -> None:
    back = authenticate(idp_client, AINO)
    response = idp_client.get("/login/callback?" + urlencode({"code": callback_query(back)["code"]}))
    assert response.status_code == 400
    assert failures(idp_app.state.engine) == ["state_mismatch"]


def test_state_from_another_browser_is_refused(idp_client, idp_app) -> None:
    back = authenticate(idp_client, AINO)
    idp_client.cookies.clear()  # the callback arrives in a browser that did not start this login
    response = idp_client.get(back.headers["location"])
    assert response.status_code == 400
    assert sessions_count(idp_app.state.engine) == 0


def test_replayed_callback_is_refused(idp_client, idp_app) -> None:
    back = authenticate(idp_client, AINO)
    assert idp_client.get(back.headers["location"], follow_redirects=False).status_code == 303
    state = callback_query(back)["state"]
    idp_client.cookies.set("portal_login_state", state)
    again = idp_client.get(back.headers["location"], follow_redirects=False)
    assert again.status_code == 400
    assert failures(idp_app.state.engine) == ["state_unknown"]
    assert sessions_count(idp_app.state.engine) == 1


def test_replayed_code_is_refused_by_the_provider(idp_client, idp_app) -> None:
    first = authenticate(idp_client, AINO)
    old_code = callback_query(first)["code"]
    idp_client.get(first.headers["location"], follow_redirects=False)
    second = authenticate(idp_client, AINO)
    query = {**callback_query(second), "code": old_code}
    response = idp_client.get("/login/callback?" + urlencode(query), follow_redirects=False)
    assert response.status_code == 400
    assert failures(idp_app.state.engine) == ["code_rejected"]
    assert sessions_count(idp_app.state.engine) == 1


def test_provider_error_is_refused(idp_client, idp_app) -> None:
    back = authenticate(idp_client, AINO)
    query = {"state": callback_query(back)["state"], "error": "access_denied"}
    response = idp_client.get("/login/callback?" + urlencode(query))
    assert response.status_code == 400
    assert failures(idp_app.state.engine) == ["provider_error"]


def test_too_many_failed_callbacks_from_one_address_are_slowed_down(idp_client, idp_app) -> None:
    from portal.rate_limit import FAILED_CALLBACK_PER_ADDRESS

    most = FAILED_CALLBACK_PER_ADDRESS.max_hits
    statuses = [idp_client.get("/login/callback?state=x&code=y").status_code for _ in range(most + 2)]
    assert statuses[:most] == [400] * most
    assert statuses[most:] == [429, 429]


def test_expired_mandate_and_revoked_mandate_are_refused(idp_client, idp_app) -> None:
    from datetime import timedelta

    from tests.support import factories

    from portal.db import transaction
    from portal.models import Mandate

    engine, vault = idp_app.state.engine, idp_app.state.vault
    with transaction(engine) as session:  # the demo's mandate ends
        for mandate in session.exec(select(Mandate)).all():
            mandate.valid_until = calendar_days.today() - timedelta(days=2)
            session.add(mandate)
    aino = factories.person_id(engine, vault, AINO)
    helena = factories.person_id(engine, vault, "120556-942L")
    factories.add_mandate(engine, principal=aino, agent=helena, valid_until=calendar_days.today() - timedelta(days=1))
    factories.add_mandate(engine, principal=aino, agent=helena, revoked=True)
    response = login(idp_client, "120556-942L")
    assert response.status_code == 403  # no mandate in force: not a client of anyone
    assert failures(idp_app.state.engine) == ["not_client"]
    assert urlsplit(response.url.path).path == "/login/callback"


def test_failed_logins_at_a_too_low_level_count_per_identity(idp_client, idp_app) -> None:
    from portal.rate_limit import FAILED_LOGIN_PER_IDENTITY
    from portal.settings import LOA_LOW

    statuses = [login(idp_client, AINO, level=LOA_LOW).status_code for _ in range(FAILED_LOGIN_PER_IDENTITY.max_hits + 1)]
    assert statuses == [403] * FAILED_LOGIN_PER_IDENTITY.max_hits + [429]
    # Another person from the same address is not slowed down by Aino's failures.
    assert login(idp_client, "150375-990C", level=LOA_LOW).status_code == 403


def test_the_csrf_seed_is_rotated_at_login_and_logout(idp_client) -> None:
    from portal.forms.csrf import COOKIE_NAME
    from tests.support.helpers import csrf_token

    old_token = csrf_token(idp_client.get("/accessibility/feedback"))
    before = idp_client.cookies[COOKIE_NAME]
    back = login(idp_client, AINO)
    after_login = idp_client.cookies[COOKIE_NAME]
    assert COOKIE_NAME in back.headers["set-cookie"] and after_login != before
    # A token read before the login no longer works.
    assert idp_client.post("/logout", data={"csrf_token": old_token}).status_code == 403
    token = csrf_token(idp_client.get("/home"))
    assert idp_client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert idp_client.cookies[COOKIE_NAME] not in (before, after_login)
