"""The portal as a relying party, for the eight findings of issue 12 that
a certified provider showed (1-6 here; 7 in test_login_bad_input, 8 in
test_test_idp). Each test failed before its fix."""

from __future__ import annotations

import base64
import dataclasses
import json
from urllib.parse import unquote_plus

import httpx2
import pytest
from joserfc import jwt

from portal.app import create_app
from portal.auth import oidc
from portal.db import transaction
from portal.demo import load_demo_data
from portal.identity_code import IdentityCodeVault
from tests.support.bad_logins import (  # noqa: F401  (tamper is a fixture)
    failures,
    payload,
    reissue,
    sessions_count,
    tamper,
)
from tests.support.login_flow import login
from tests.support.page_sanity import CheckedClient

AINO, MIKKO = "010280-952L", "150375-990C"


def without_identity(settings, key):  # type: ignore[no-untyped-def]
    """An ID token with only the sub and the login's claims: the portal must ask userinfo."""

    def change(id_token: str) -> str:
        claims = json.loads(payload(id_token))
        for name in (settings.claim_identity_code, settings.claim_given_name, settings.claim_family_name):
            claims.pop(name, None)
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key.private_key)

    return change


def test_1_userinfo_of_another_person_is_refused(idp_client, idp_app, tamper, settings) -> None:  # noqa: F811
    someone_else = {"sub": "another-sub", settings.claim_identity_code: MIKKO,
                    settings.claim_given_name: "Mikko", settings.claim_family_name: "Korhonen"}
    tamper(lambda k: without_identity(settings, k), userinfo=lambda _claims: httpx2.Response(200, json=someone_else))
    response = login(idp_client, AINO)
    assert response.status_code == 400
    assert failures(idp_app.state.engine) == ["userinfo_sub"]
    assert sessions_count(idp_app.state.engine) == 0


def test_1_userinfo_of_the_same_person_completes_the_login(idp_client, idp_app, tamper, settings) -> None:  # noqa: F811
    tamper(lambda k: without_identity(settings, k))
    response = login(idp_client, AINO)
    assert response.headers["location"] == "/home"


def test_2_userinfo_as_a_signed_jwt_is_read(idp_client, idp_app, tamper, settings) -> None:  # noqa: F811
    from portal.test_idp.keys import SigningKey

    key = SigningKey(settings.data_dir)

    def as_jwt(claims: dict) -> httpx2.Response:  # type: ignore[type-arg]
        signed = {**claims, "iss": settings.test_idp_issuer, "aud": settings.client_oidc_client_id}
        body = jwt.encode({"alg": "RS256", "kid": key.kid}, signed, key.private_key)
        return httpx2.Response(200, content=body, headers={"Content-Type": "application/jwt"})

    tamper(lambda k: without_identity(settings, k), userinfo=as_jwt)
    response = login(idp_client, AINO)
    assert response.status_code == 303 and response.headers["location"] == "/home"


def test_2_userinfo_jwt_for_another_client_is_refused(idp_client, idp_app, tamper, settings) -> None:  # noqa: F811
    from portal.test_idp.keys import SigningKey

    key = SigningKey(settings.data_dir)

    def as_jwt(claims: dict) -> httpx2.Response:  # type: ignore[type-arg]
        signed = {**claims, "iss": settings.test_idp_issuer, "aud": "another-client"}
        body = jwt.encode({"alg": "RS256", "kid": key.kid}, signed, key.private_key)
        return httpx2.Response(200, content=body, headers={"Content-Type": "application/jwt; charset=utf-8"})

    tamper(lambda k: without_identity(settings, k), userinfo=as_jwt)
    assert login(idp_client, AINO).status_code == 400
    assert failures(idp_app.state.engine) == ["userinfo_aud"]


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({"aud": ["portal-client", "another-client"]}, "id_token_azp"),
        ({"aud": ["portal-client", "another-client"], "azp": "another-client"}, "id_token_azp"),
        ({"aud": "portal-client", "azp": "another-client"}, "id_token_azp"),
        ({"aud": ["portal-client", "another-client"], "azp": "portal-client"}, "ok"),
    ],
    ids=["two audiences, no azp", "azp of the other", "azp of another, one audience", "azp of the portal"],
)
def test_3_other_audiences_need_azp_naming_the_portal(idp_client, idp_app, tamper, changes, outcome) -> None:  # noqa: F811
    tamper(lambda k: reissue(k.private_key, k.kid, **changes))
    response = login(idp_client, AINO)
    if outcome == "ok":
        assert response.headers["location"] == "/home"
    else:
        assert response.status_code == 400
        assert failures(idp_app.state.engine) == [outcome]


class Rewriting(httpx2.AsyncBaseTransport):
    """Changes the discovery document, and counts how often it was fetched."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, **changes: str) -> None:
        self.inner, self.changes, self.fetched = inner, changes, 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        if not request.url.path.endswith("/openid-configuration"):
            return response
        self.fetched += 1
        return httpx2.Response(200, json={**json.loads(await response.aread()), **self.changes})


def test_4_a_discovery_document_of_another_issuer_is_refused(idp_client, idp_app) -> None:
    transport = Rewriting(httpx2.ASGITransport(app=idp_app), issuer="https://evil.example")
    idp_app.state.oidc["client"].transport = transport
    response = idp_client.get("/login", follow_redirects=False)
    assert response.status_code == 502
    assert "Uusi yritys ei auta." in response.text
    assert failures(idp_app.state.engine) == ["discovery_issuer"]


def test_4_the_discovery_document_is_fetched_again_after_an_hour(idp_client, idp_app, monkeypatch) -> None:
    transport = Rewriting(httpx2.ASGITransport(app=idp_app))
    idp_app.state.oidc["client"].transport = transport
    clock = [1000.0]
    monkeypatch.setattr(oidc.time, "monotonic", lambda: clock[0])
    idp_client.get("/login", follow_redirects=False)
    idp_client.get("/login", follow_redirects=False)
    assert transport.fetched == 1
    clock[0] += oidc.METADATA_MAX_AGE + 1
    idp_client.get("/login", follow_redirects=False)
    assert transport.fetched == 2


class Capturing(httpx2.AsyncBaseTransport):
    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner, self.token_requests = inner, []  # type: ignore[var-annotated]

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/token"):
            self.token_requests.append(request)
        return await self.inner.handle_async_request(request)


SECRET = "p+s/w= rd%26ä"  # every character RFC 6749 2.3.1's form encoding changes


@pytest.fixture
def special_secret_app(settings):  # type: ignore[no-untyped-def]
    app = create_app(dataclasses.replace(settings, test_idp=True, client_oidc_client_secret=SECRET))
    with transaction(app.state.engine) as session:
        load_demo_data(session, vault=IdentityCodeVault(settings.identity_key))
    yield app
    app.state.engine.dispose()


def test_5_client_secret_basic_form_encodes_before_base64(special_secret_app) -> None:
    transport = Capturing(httpx2.ASGITransport(app=special_secret_app))
    special_secret_app.state.oidc["client"].transport = transport
    with CheckedClient(special_secret_app, base_url="http://127.0.0.1:8000") as client:
        assert login(client, AINO).headers["location"] == "/home"  # and the test provider agrees
    [request] = transport.token_requests
    kind, value = request.headers["authorization"].split(" ")
    client_id, secret = base64.b64decode(value).decode().split(":")
    assert kind == "Basic" and "+" not in secret.replace("+rd", "")  # the space became +, the + %2B
    assert (unquote_plus(client_id), unquote_plus(secret)) == ("portal-client", SECRET)


def test_5_client_secret_post_is_configurable(settings) -> None:
    custom = dataclasses.replace(
        settings, test_idp=True, client_oidc_client_secret=SECRET, client_oidc_auth_method="client_secret_post"
    )
    app = create_app(custom)
    with transaction(app.state.engine) as session:
        load_demo_data(session, vault=IdentityCodeVault(settings.identity_key))
    transport = Capturing(httpx2.ASGITransport(app=app))
    app.state.oidc["client"].transport = transport
    with CheckedClient(app, base_url="http://127.0.0.1:8000") as client:
        assert login(client, AINO).headers["location"] == "/home"
    [request] = transport.token_requests
    assert "authorization" not in request.headers
    body = dict(item.split("=", 1) for item in request.content.decode().split("&"))
    assert unquote_plus(body["client_secret"]) == SECRET
    app.state.engine.dispose()


def idp_app_with(settings, **changes):  # type: ignore[no-untyped-def]
    app = create_app(dataclasses.replace(settings, test_idp=True, **changes))
    transport = httpx2.ASGITransport(app=app)
    for provider in app.state.oidc.values():
        provider.transport = transport
    with transaction(app.state.engine) as session:
        load_demo_data(session, vault=IdentityCodeVault(settings.identity_key))
    return app


@pytest.mark.parametrize("algorithm", ["RS256", "PS256", "ES256"])
def test_6_the_providers_algorithm_is_configurable(settings, algorithm) -> None:
    app = idp_app_with(settings, test_idp_algorithm=algorithm)
    with CheckedClient(app, base_url="http://127.0.0.1:8000") as client:
        assert login(client, AINO).headers["location"] == "/home"
    app.state.engine.dispose()


def test_6_an_algorithm_left_out_of_the_settings_is_refused(settings) -> None:
    app = idp_app_with(settings, test_idp_algorithm="ES256", oidc_algorithms=("RS256", "PS256"))
    with CheckedClient(app, base_url="http://127.0.0.1:8000") as client:
        assert login(client, AINO).status_code == 400
    assert failures(app.state.engine) == ["id_token_algorithm"]
    app.state.engine.dispose()


def test_6_an_unsigned_or_hmac_id_token_is_refused(idp_client, idp_app, tamper) -> None:  # noqa: F811
    from joserfc.jwk import OctKey

    def hmac_signed(k):  # type: ignore[no-untyped-def]
        def change(id_token: str) -> str:
            claims = json.loads(payload(id_token))
            return jwt.encode({"alg": "HS256"}, claims, OctKey.import_key("a" * 32))
        return change

    tamper(hmac_signed)
    assert login(idp_client, AINO).status_code == 400
    assert failures(idp_app.state.engine) == ["id_token_algorithm"]


def test_a_callback_naming_another_issuer_is_refused_before_the_code_is_used(idp_client, idp_app) -> None:
    from urllib.parse import urlencode

    from tests.support.login_flow import authenticate, callback_query

    back = authenticate(idp_client, AINO)
    query = {**callback_query(back), "iss": "https://evil.example"}  # RFC 9207: a mix-up
    response = idp_client.get("/login/callback?" + urlencode(query), follow_redirects=False)
    assert response.status_code == 400
    assert failures(idp_app.state.engine) == ["callback_iss"]
