"""The bundled test OpenID Connect provider, driven over HTTP like a browser and a client."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import secrets
import stat
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from portal.app import create_app
from portal.settings import LOA_FTN_HIGH, LOA_FTN_SUBSTANTIAL, LOA_HIGH, LOA_LOW, LOA_SUBSTANTIAL, Settings
from portal.test_idp import state
from tests.support.helpers import csrf_token, soup
from tests.support.page_sanity import CheckedClient
from tests.support.relying_party import (
    BASE_URL,
    CALLBACK,
    ISSUER,
    Login,
    code_from,
    hidden_fields,
    redeem,
    sign_in,
    submit,
)


@pytest.fixture
def idp_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, test_idp=True)


def open_client(settings: Settings):  # type: ignore[no-untyped-def]
    return CheckedClient(create_app(settings), base_url=BASE_URL, raise_server_exceptions=False)


@pytest.fixture
def idp(idp_settings: Settings) -> Iterator[CheckedClient]:
    with open_client(idp_settings) as client:
        yield client
        client.app.state.engine.dispose()


def verified_claims(client: CheckedClient, id_token: str) -> dict:  # type: ignore[type-arg]
    keys = KeySet.import_key_set(client.get("/test-idp/jwks").json())
    token = jwt.decode(id_token, keys, algorithms=["RS256"])
    assert token.header["kid"] == keys.keys[0].kid
    return dict(token.claims)


def test_discovery_document_names_the_endpoints_and_what_is_supported(idp, idp_settings) -> None:
    response = idp.get("/test-idp/.well-known/openid-configuration")
    assert response.status_code == 200
    document = response.json()
    assert document["issuer"] == ISSUER == idp_settings.test_idp_issuer
    for name, path in [
        ("authorization_endpoint", "/authorize"),
        ("token_endpoint", "/token"),
        ("userinfo_endpoint", "/userinfo"),
        ("jwks_uri", "/jwks"),
        ("end_session_endpoint", "/logout"),
    ]:
        assert document[name] == ISSUER + path
    assert document["response_types_supported"] == ["code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["id_token_signing_alg_values_supported"] == ["RS256"]
    assert document["token_endpoint_auth_methods_supported"] == ["client_secret_basic", "client_secret_post", "private_key_jwt"]
    assert document["backchannel_logout_supported"] is True and document["request_parameter_supported"] is True
    assert {LOA_LOW, LOA_SUBSTANTIAL, LOA_HIGH, LOA_FTN_SUBSTANTIAL, LOA_FTN_HIGH} == set(document["acr_values_supported"])
    assert {idp_settings.claim_identity_code, "acr", "nonce"} <= set(document["claims_supported"])
    assert document["scopes_supported"] == ["openid", "profile"]


def test_jwks_has_one_public_rsa_key_with_its_thumbprint_as_kid(idp, idp_settings) -> None:
    [key] = idp.get("/test-idp/jwks").json()["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert "d" not in key and "p" not in key  # nothing private
    assert key["kid"] == RSAKey.import_key(key).thumbprint()
    path = idp_settings.data_dir / "test-idp-signing-key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_full_login_issues_a_signed_id_token_and_userinfo(idp, idp_settings) -> None:
    login = Login(idp_settings)
    page = idp.get("/test-idp/authorize", params=login.params())
    assert page.status_code == 200
    html = soup(page)
    assert html.h1.get_text(strip=True) == "Testitunnistus"
    assert html.find("label", string="Aino Virtanen, 010280-952L") is not None
    carried = hidden_fields(page)
    assert carried["nonce"] == login.nonce and carried["code_challenge"] == login.challenge
    assert carried["state"] == login.state and carried["redirect_uri"] == CALLBACK

    posted = idp.post(
        "/test-idp/authorize",
        data={**carried, "person": "010280-952L", "level": LOA_HIGH},
        follow_redirects=False,
    )
    code = code_from(posted, login)

    response = redeem(idp, login, code)
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["token_type"] == "Bearer" and token["expires_in"] > 0
    claims = verified_claims(idp, token["id_token"])
    assert claims["iss"] == ISSUER
    assert claims["aud"] == idp_settings.client_oidc_client_id
    assert claims["nonce"] == login.nonce
    assert claims["acr"] == LOA_HIGH
    assert claims["exp"] - claims["iat"] == 300
    assert claims["auth_time"] <= claims["iat"]
    assert claims[idp_settings.claim_identity_code] == "010280-952L"
    assert claims[idp_settings.claim_given_name] == "Aino"
    assert claims[idp_settings.claim_family_name] == "Virtanen"
    expected_sub = hmac.new(idp_settings.secret_key.encode(), b"010280-952L", hashlib.sha256).hexdigest()
    assert claims["sub"] == expected_sub

    userinfo = idp.get("/test-idp/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert userinfo.status_code == 200
    assert userinfo.json() == {
        "sub": expected_sub,
        idp_settings.claim_identity_code: "010280-952L",
        idp_settings.claim_given_name: "Aino",
        idp_settings.claim_family_name: "Virtanen",
    }


def test_claims_use_the_configured_names_and_client_secret_post_works(settings) -> None:
    custom = dataclasses.replace(
        settings,
        test_idp=True,
        claim_identity_code="hetu",
        claim_given_name="etunimi",
        claim_family_name="sukunimi",
    )
    with open_client(custom) as idp:
        login = Login(custom)
        code = sign_in(idp, login, person="150375-990C", level=LOA_SUBSTANTIAL)
        response = idp.post(
            "/test-idp/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": CALLBACK,
                "code_verifier": login.verifier,
                "client_id": custom.client_oidc_client_id,
                "client_secret": custom.client_oidc_client_secret,
            },
        )
        assert response.status_code == 200, response.text
        claims = verified_claims(idp, response.json()["id_token"])
        idp.app.state.engine.dispose()
    assert (claims["hetu"], claims["etunimi"], claims["sukunimi"]) == ("150375-990C", "Mikko", "Korhonen")
    assert "urn:oid:1.2.246.21" not in claims


def test_a_typed_identity_code_gets_the_default_names(idp, idp_settings) -> None:
    login = Login(idp_settings)
    code = sign_in(idp, login, identity_code=" 311299-999e ", level=LOA_LOW)
    claims = verified_claims(idp, redeem(idp, login, code).json()["id_token"])
    assert claims[idp_settings.claim_identity_code] == "311299-999E"
    names = (claims[idp_settings.claim_given_name], claims[idp_settings.claim_family_name])
    assert names == ("Testi", "Henkilö")
    assert claims["acr"] == LOA_LOW


def test_a_replayed_code_is_refused_and_its_access_token_revoked(idp, idp_settings) -> None:
    login = Login(idp_settings)
    code = sign_in(idp, login)
    first = redeem(idp, login, code)
    assert first.status_code == 200
    again = redeem(idp, login, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert "id_token" not in again.json()
    bearer = {"Authorization": f"Bearer {first.json()['access_token']}"}
    assert idp.get("/test-idp/userinfo", headers=bearer).status_code == 401


def test_a_wrong_code_verifier_is_refused_and_uses_the_code_up(idp, idp_settings) -> None:
    login = Login(idp_settings)
    code = sign_in(idp, login)
    wrong = redeem(idp, login, code, verifier=secrets.token_urlsafe(48))
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    assert redeem(idp, login, code).json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_refused_and_leaves_the_code(idp, idp_settings) -> None:
    login = Login(idp_settings)
    code = sign_in(idp, login)
    response = redeem(idp, login, code, secret="not-the-secret")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic ")
    assert redeem(idp, login, code).status_code == 200


def test_a_code_works_for_60_seconds_only(idp, idp_settings, monkeypatch) -> None:
    login = Login(idp_settings)
    code = sign_in(idp, login)
    issued = state.now()
    monkeypatch.setattr(state, "now", lambda: issued + 61)
    response = redeem(idp, login, code)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_code_is_only_for_the_client_it_was_issued_to(idp, idp_settings) -> None:
    login = Login(idp_settings)
    code = sign_in(idp, login)
    response = idp.post(
        "/test-idp/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": login.verifier,
        },
        auth=(idp_settings.staff_oidc_client_id, idp_settings.staff_oidc_client_secret),
    )
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"nonce": None}, "invalid_request"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"prompt": "none"}, "login_required"),  # no sign-in session here, ever
    ],
    ids=["no code_challenge", "plain challenge", "no nonce", "no openid scope", "implicit flow", "prompt none"],
)
def test_a_faulty_authorization_request_goes_back_to_the_client_with_the_error(idp, idp_settings, changes, error) -> None:
    # RFC 6749 4.1.2.1 and OpenID Core 3.1.2.6: once the client and its
    # address check out, the error goes to the client with the state.
    login = Login(idp_settings)
    token = csrf_token(idp.get("/accessibility/feedback"))  # any form's token is this browser's
    answers = {"csrf_token": token, "person": "010280-952L", "level": LOA_SUBSTANTIAL}
    for response in [
        idp.get("/test-idp/authorize", params=login.params(**changes), follow_redirects=False),
        idp.post("/test-idp/authorize", data={**login.params(**changes), **answers}, follow_redirects=False),
    ]:
        assert response.status_code == 303
        location = urlsplit(response.headers["location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
        query = parse_qs(location.query)
        assert query["error"] == [error] and query["state"] == [login.state]
        assert "code" not in query


@pytest.mark.parametrize(
    "changes",
    [
        {"redirect_uri": "https://attacker.example/callback"},
        {"redirect_uri": CALLBACK + "/extra"},
        {"redirect_uri": f"{BASE_URL}/staff/login/callback"},  # the other client's
        {"redirect_uri": None},
        {"client_id": "unknown-client"},
        {"client_id": None},
    ],
)
def test_an_unknown_client_or_redirect_uri_gets_a_400_page_never_a_redirect(idp, idp_settings, changes) -> None:
    login = Login(idp_settings)
    response = idp.get("/test-idp/authorize", params=login.params(**changes), follow_redirects=False)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert soup(response).h1.get_text(strip=True) == "Tunnistus ei onnistunut"


def test_an_invalid_typed_identity_code_shows_the_error_next_to_the_field(idp, idp_settings) -> None:
    response = submit(idp, Login(idp_settings), identity_code="010280-952X", level=LOA_SUBSTANTIAL)
    assert response.status_code == 400
    assert "location" not in response.headers
    page = soup(response)
    assert page.title.get_text().startswith("Virhe: Testitunnistus")
    message = "Tarkista henkilötunnus. Siinä on virhe."
    assert message in page.find(id="identity_code-error").get_text()
    assert page.find("input", id="identity_code")["aria-invalid"] == "true"
    assert page.find("input", id="identity_code")["value"] == "010280-952X"  # kept for correcting
    link = page.find(class_="error-summary").find("a")
    assert (link["href"], link.get_text(strip=True)) == ("#identity_code", message)
    assert hidden_fields(response)["nonce"]  # the request is still carried


def test_choosing_nobody_shows_the_error_in_the_summary_and_next_to_the_field(idp, idp_settings) -> None:
    response = submit(idp, Login(idp_settings), level=LOA_SUBSTANTIAL)
    assert response.status_code == 400
    page = soup(response)
    message = "Valitse henkilö tai kirjoita henkilötunnus."
    link = page.find(class_="error-summary").find("a")
    assert (link["href"], link.get_text(strip=True)) == ("#person", message)
    assert message in page.find(id="person-error").get_text()
    assert "person-error" in page.find("fieldset", id="person")["aria-describedby"]


def test_choosing_a_person_and_typing_a_code_is_refused(idp, idp_settings) -> None:
    response = submit(idp, Login(idp_settings), person="010280-952L", identity_code="311299-999E")
    assert response.status_code == 400
    assert "Älä tee molempia." in soup(response).find(id="person-error").get_text()


def test_an_unknown_level_or_person_is_refused(idp, idp_settings) -> None:
    response = submit(idp, Login(idp_settings), person="010280-952L", level="http://example.com/LoA/none")
    assert response.status_code == 400
    assert soup(response).find(id="level-error") is not None
    response = submit(idp, Login(idp_settings), person="311299-999E")
    assert response.status_code == 400
    assert soup(response).find(id="person-error") is not None


def test_the_sign_in_form_needs_its_csrf_token(idp, idp_settings) -> None:
    login = Login(idp_settings)
    page = idp.get("/test-idp/authorize", params=login.params())
    fields = {name: value for name, value in hidden_fields(page).items() if name != "csrf_token"}
    response = idp.post("/test-idp/authorize", data={**fields, "person": "010280-952L"}, follow_redirects=False)
    assert response.status_code == 403
    assert "location" not in response.headers


def test_the_sign_in_page_offers_the_demo_people_and_levels_accessibly(idp, idp_settings) -> None:
    login = Login(idp_settings)
    page = soup(idp.get("/test-idp/authorize", params=login.params(acr_values=f"{LOA_HIGH} {LOA_SUBSTANTIAL}")))
    people = page.find("fieldset", id="person")
    assert people.legend.get_text(strip=True) == "Valitse testihenkilö"
    first = people.find("input", id="person-0")
    assert first["type"] == "radio" and first["value"] == "010280-952L"
    hint = page.find(id=first["aria-describedby"])
    assert hint.get_text(strip=True) == "client, work activity" and hint["lang"] == "en"
    levels = page.find("fieldset", id="level")
    labels = [label.get_text(strip=True) for label in levels.find_all("label")]
    assert labels == ["Korotettu", "Korkea", "Matala (portaali ei hyväksy tätä)"]
    assert levels.find("input", checked=True)["value"] == LOA_HIGH  # the first level asked for
    buttons = [button.get_text(strip=True) for button in page.find("main").find_all("button")]
    assert buttons == ["Tunnistaudu", "Peruuta ja palaa palveluun"]  # the first is what Enter sends
    assert page.find("main").find(style=True) is None and page.find("script") is None


def test_the_level_defaults_to_substantial(idp, idp_settings) -> None:
    page = soup(idp.get("/test-idp/authorize", params=Login(idp_settings).params()))
    assert page.find("fieldset", id="level").find("input", checked=True)["value"] == LOA_SUBSTANTIAL


def test_userinfo_needs_a_valid_bearer_token(idp) -> None:
    assert idp.get("/test-idp/userinfo").status_code == 401
    response = idp.get("/test-idp/userinfo", headers={"Authorization": "Bearer made-up"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_logout_redirects_to_a_registered_address_with_state_and_ends_the_tokens(idp, idp_settings) -> None:
    login = Login(idp_settings)
    token = redeem(idp, login, sign_in(idp, login)).json()
    response = idp.get(
        "/test-idp/logout",
        params={
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": f"{BASE_URL}/logged-out",
            "state": "bye",
        },
        follow_redirects=False,
    )
    assert response.status_code in (302, 303)
    assert response.headers["location"] == f"{BASE_URL}/logged-out?state=bye"
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert idp.get("/test-idp/userinfo", headers=bearer).status_code == 401


@pytest.mark.parametrize(
    "params",
    [
        {"post_logout_redirect_uri": "https://attacker.example/", "client_id": "portal-client"},
        {"post_logout_redirect_uri": f"{BASE_URL}/staff/logged-out", "client_id": "portal-client"},
        {"post_logout_redirect_uri": f"{BASE_URL}/logged-out"},  # whose address? nobody says
        {"post_logout_redirect_uri": f"{BASE_URL}/logged-out", "id_token_hint": "not.a.token"},
        {},
    ],
)
def test_logout_without_a_registered_address_shows_a_page(idp, params) -> None:
    response = idp.get("/test-idp/logout", params=params, follow_redirects=False)
    assert response.status_code == 200
    assert "location" not in response.headers
    assert soup(response).h1.get_text(strip=True) == "Kirjauduit ulos testitunnistuksesta"


def test_the_staff_client_logs_out_to_its_own_address(idp, idp_settings) -> None:
    response = idp.get(
        "/test-idp/logout",
        params={
            "client_id": idp_settings.staff_oidc_client_id,
            "post_logout_redirect_uri": f"{BASE_URL}/staff/logged-out",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == f"{BASE_URL}/staff/logged-out"


def test_the_signing_key_is_kept_across_restarts_and_new_for_a_new_data_dir(idp_settings, tmp_path) -> None:
    def kid(settings: Settings) -> str:
        with open_client(settings) as client:
            [key] = client.get("/test-idp/jwks").json()["keys"]
            client.app.state.engine.dispose()
        return str(key["kid"])

    first = kid(idp_settings)
    assert kid(idp_settings) == first
    other = dataclasses.replace(idp_settings, data_dir=tmp_path / "elsewhere" / "var")
    assert kid(other) != first
    assert (tmp_path / "elsewhere" / "var" / "test-idp-signing-key.pem").exists()


def test_an_id_token_from_before_a_restart_still_verifies(idp_settings) -> None:
    login = Login(idp_settings)
    with open_client(idp_settings) as first:
        id_token = redeem(first, login, sign_in(first, login)).json()["id_token"]
        first.app.state.engine.dispose()
    with open_client(idp_settings) as second:
        assert verified_claims(second, id_token)["nonce"] == login.nonce
        second.app.state.engine.dispose()


def test_the_test_provider_is_absent_unless_turned_on(client) -> None:
    assert client.get("/test-idp/.well-known/openid-configuration").status_code == 404


@pytest.mark.parametrize("secret", ["with space", "plus+slash/equals=", "percent%41"])
def test_client_secret_basic_is_read_form_decoded_as_rfc_6749_says(settings, secret) -> None:
    # RFC 6749 2.3.1: id and secret are form-encoded before base64; a space
    # arrives as '+', a '+' as '%2B'. (Authlib's own reader leaves '+' as it is.)
    from urllib.parse import quote_plus

    custom = dataclasses.replace(settings, test_idp=True, client_oidc_client_secret=secret)
    with open_client(custom) as idp:
        login = Login(custom)
        code = sign_in(idp, login)
        pair = f"{quote_plus(custom.client_oidc_client_id)}:{quote_plus(secret)}".encode()
        response = idp.post(
            "/test-idp/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
                  "code_verifier": login.verifier},
            headers={"Authorization": "Basic " + base64.b64encode(pair).decode()},
        )
        idp.app.state.engine.dispose()
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("name", "value"),
    [("response_type", "cöde"), ("response_type", 'co"de'), ("redirect_uri", CALLBACK + "\\ä"),
     ("state", "\x01"), ("scope", "openid\x7f"), ("code_challenge", "ä" * 43)],
)
def test_a_malformed_parameter_in_the_sign_in_form_gets_the_providers_400_page(idp, idp_settings, name, value) -> None:
    # Authlib quoted response_type and redirect_uri in its error descriptions
    # and raised ValueError on characters RFC 6749 does not allow there: a 500.
    login = Login(idp_settings)
    page = idp.get("/test-idp/authorize", params=login.params())
    fields = {**hidden_fields(page), name: value, "person": "010280-952L", "level": LOA_SUBSTANTIAL}
    response = idp.post("/test-idp/authorize", data=fields, follow_redirects=False)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert soup(response).h1.get_text(strip=True) == "Tunnistus ei onnistunut"
    assert f"invalid_request: Malformed '{name}'." in soup(response).find("code").get_text()
    query = idp.get("/test-idp/authorize", params=login.params(**{name: value}), follow_redirects=False)
    assert query.status_code == 400 and "location" not in query.headers


def test_cancel_goes_back_to_the_client_with_access_denied(idp, idp_settings) -> None:
    login = Login(idp_settings)
    response = submit(idp, login, cancel="1")  # nobody chosen: a cancel needs no answers
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    query = parse_qs(location.query)
    assert (query["error"], query["state"]) == (["access_denied"], [login.state])


def test_cancel_needs_the_csrf_token_too(idp, idp_settings) -> None:
    login = Login(idp_settings)
    page = idp.get("/test-idp/authorize", params=login.params())
    fields = {name: value for name, value in hidden_fields(page).items() if name != "csrf_token"}
    response = idp.post("/test-idp/authorize", data={**fields, "cancel": "1"}, follow_redirects=False)
    assert response.status_code == 403
    assert "location" not in response.headers
