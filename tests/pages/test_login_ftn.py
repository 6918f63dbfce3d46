"""The trust network's profile (FTN; Suomi.fi e-Identification's OIDC
interface) against the bundled test provider: the portal's keys and JWKS,
private_key_jwt, signed request objects, encrypted ID tokens and userinfo,
key rotation and back-channel logout."""

from __future__ import annotations

import dataclasses
import json
import stat
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from sqlmodel import Session, select

from portal.app import create_app
from portal.auth.keys import JWKS_MAX_AGE, RETIRED_KEY_KEPT, PortalKeys
from portal.db import transaction
from portal.demo import load_demo_data
from portal.identity_code import IdentityCodeVault
from portal.models import AccessEvent, LoginSession
from portal.settings import LOA_FTN_HIGH, LOA_FTN_SUBSTANTIAL
from tests.support.bad_logins import (  # noqa: F401  (tamper is a fixture)
    failures,
    payload,
    reissue,
    sessions_count,
    tamper,
)
from tests.support.helpers import soup
from tests.support.login_flow import login
from tests.support.page_sanity import CheckedClient

AINO = "010280-952L"
BASE_URL = "http://127.0.0.1:8000"


class Recording(httpx2.AsyncBaseTransport):
    """The portal's back-channel calls, kept for the test to look at."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.calls: list[tuple[httpx2.Request, httpx2.Response, bytes]] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        self.calls.append((request, response, body))
        return httpx2.Response(response.status_code, headers=response.headers, content=body)

    def to(self, path: str) -> list[tuple[httpx2.Request, httpx2.Response, bytes]]:
        return [call for call in self.calls if call[0].url.path.endswith(path)]


def ftn_app(settings, profile: str = "ftn", **changes):  # type: ignore[no-untyped-def]
    app = create_app(dataclasses.replace(settings, test_idp=True, client_oidc_profile=profile, **changes))
    recording = Recording(httpx2.ASGITransport(app=app))
    for provider in app.state.oidc.values():
        provider.transport = recording
    with transaction(app.state.engine) as session:
        load_demo_data(session, vault=IdentityCodeVault(settings.identity_key))
    app.state.recording = recording
    return app


@pytest.fixture
def ftn(settings):  # type: ignore[no-untyped-def]
    app = ftn_app(settings)
    with CheckedClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()


def test_the_whole_ftn_login_works(ftn) -> None:
    start = ftn.get("/login", follow_redirects=False)
    query = parse_qs(urlsplit(start.headers["location"]).query)
    # JAR: only the request object and what OpenID Core wants beside it
    assert set(query) == {"client_id", "response_type", "scope", "request"}
    request_object = jwt.decode(query["request"][0], KeySet.import_key_set(ftn.get("/.well-known/jwks.json").json()))
    assert request_object.header["typ"] == "oauth-authz-req+jwt"
    assert request_object.claims["aud"] == f"{BASE_URL}/test-idp"
    assert request_object.claims["code_challenge_method"] == "S256" and request_object.claims["nonce"]

    assert login(ftn, AINO).headers["location"] == "/home"
    recording = ftn.app.state.recording
    [(token_request, _response, token_body)] = recording.to("/token")
    form = parse_qs(token_request.content.decode())
    assert "authorization" not in token_request.headers and "client_secret" not in form
    assert form["client_assertion_type"] == ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"]
    assertion = jwt.decode(form["client_assertion"][0], KeySet.import_key_set(ftn.get("/.well-known/jwks.json").json()))
    assert assertion.header["kid"] and assertion.claims["jti"] and assertion.claims["sub"] == "portal-client"
    id_token = json.loads(token_body)["id_token"]
    assert id_token.count(".") == 4  # a JWE
    [(_request, userinfo, userinfo_body)] = recording.to("/userinfo")
    assert userinfo.headers["content-type"] == "application/jwt" and userinfo_body.count(b".") == 4


def test_each_client_assertion_has_its_own_jti(ftn) -> None:
    login(ftn, AINO)
    login(ftn, AINO)
    recording = ftn.app.state.recording
    jtis = [
        jwt.decode(parse_qs(request.content.decode())["client_assertion"][0],
                   KeySet.import_key_set(ftn.get("/.well-known/jwks.json").json())).claims["jti"]
        for request, _, _ in recording.to("/token")
    ]
    assert len(jtis) == 2 and jtis[0] != jtis[1]


def test_the_test_provider_refuses_a_replayed_client_assertion(ftn) -> None:
    login(ftn, AINO)
    [(request, _, _)] = ftn.app.state.recording.to("/token")
    again = ftn.post("/test-idp/token", content=request.content,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert again.status_code == 400  # a used code, but first a used assertion
    assert again.json()["error"] in {"invalid_client", "invalid_grant"}


def test_the_test_provider_refuses_a_client_secret_for_an_ftn_client(ftn, settings) -> None:
    response = ftn.post("/test-idp/token", data={"grant_type": "authorization_code", "code": "x",
                                                 "redirect_uri": f"{BASE_URL}/login/callback"},
                        auth=(settings.client_oidc_client_id, settings.client_oidc_client_secret))
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_the_test_provider_wants_a_request_object_from_an_ftn_client(ftn, settings) -> None:
    params = {"response_type": "code", "client_id": "portal-client", "redirect_uri": f"{BASE_URL}/login/callback",
              "scope": "openid", "state": "s", "nonce": "n", "code_challenge": "x" * 43, "code_challenge_method": "S256"}
    response = ftn.get("/test-idp/authorize", params=params, follow_redirects=False)
    assert response.status_code == 303
    assert parse_qs(urlsplit(response.headers["location"]).query)["error"] == ["invalid_request"]


def test_an_unencrypted_id_token_is_refused_in_the_ftn_profile(settings) -> None:
    app = ftn_app(settings)
    provider = app.state.test_idp
    # The provider sends it signed only: a downgrade the profile does not allow.
    provider.clients["portal-client"] = dataclasses.replace(provider.clients["portal-client"], encrypted=False)
    with CheckedClient(app, base_url=BASE_URL) as client:
        response = login(client, AINO)
        assert response.status_code == 400 and "Uusi yritys ei auta." in response.text
    assert failures(app.state.engine) == ["id_token_not_encrypted"]
    assert sessions_count(app.state.engine) == 0
    app.state.engine.dispose()


def test_an_unencrypted_userinfo_is_refused_in_the_ftn_profile(settings) -> None:
    app = ftn_app(settings)
    inner = app.state.recording.inner

    class PlainUserinfo(httpx2.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            response = await inner.handle_async_request(request)
            if request.url.path.endswith("/userinfo"):
                return httpx2.Response(200, json={"sub": "x"})
            return response

    app.state.recording.inner = PlainUserinfo()
    with CheckedClient(app, base_url=BASE_URL) as client:
        assert login(client, AINO).status_code == 400
    assert failures(app.state.engine) == ["userinfo_not_encrypted"]
    app.state.engine.dispose()


@pytest.mark.parametrize("level", [LOA_FTN_SUBSTANTIAL, LOA_FTN_HIGH])
def test_the_ftn_levels_of_assurance_are_accepted(idp_client, tamper, level) -> None:  # noqa: F811
    tamper(lambda k: reissue(k.private_key, k.kid, acr=level))
    assert login(idp_client, AINO).headers["location"] == "/home"


@pytest.mark.parametrize("algorithm", ["RS256", "PS256", "ES256"])
def test_the_portals_own_signing_algorithm_is_configurable(settings, algorithm) -> None:
    app = ftn_app(settings, oidc_signing_algorithm=algorithm, test_idp_algorithm=algorithm)
    with CheckedClient(app, base_url=BASE_URL) as client:
        keys = client.get("/.well-known/jwks.json").json()["keys"]
        assert [key["alg"] for key in keys if key["use"] == "sig"] == [algorithm]
        assert login(client, AINO).headers["location"] == "/home"
    app.state.engine.dispose()


def test_the_jwks_is_public_keys_only_at_a_stable_address(client, settings) -> None:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200 and "max-age" in response.headers["cache-control"]
    keys = response.json()["keys"]
    assert sorted(key["use"] for key in keys) == ["enc", "sig"]
    assert all(set(key) & {"d", "p", "q", "dp", "dq", "qi"} == set() for key in keys)
    assert [key["alg"] for key in keys if key["use"] == "enc"] == ["RSA-OAEP-256"]
    for path in (settings.data_dir / "oidc-keys").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert client.get("/.well-known/jwks.json").json() == response.json()  # the same keys again


def test_rotation_keeps_the_old_key_published_until_it_expires(tmp_path) -> None:
    keys = PortalKeys(tmp_path)
    now = 1_800_000_000.0
    first = {key["kid"] for key in keys.public_jwks(now)["keys"]}
    new = keys.rotate(now + 60)
    assert len(new) == 2
    published = {key["kid"] for key in keys.public_jwks(now + 120)["keys"]}
    assert published == first | set(new)
    # The new key signs once providers have had time to fetch the JWKS again.
    assert keys.signing_key(now + 120).kid in first
    assert keys.signing_key(now + 60 + JWKS_MAX_AGE).kid in new
    later = now + 60 + RETIRED_KEY_KEPT.total_seconds() + 1
    assert {key["kid"] for key in keys.public_jwks(later)["keys"]} == set(new)
    keys.rotate(later)  # removes the files of keys no longer published
    assert len(list(keys.directory.iterdir())) == 4


def test_a_token_encrypted_to_the_previous_key_still_opens_after_rotation(tmp_path) -> None:
    from joserfc import jwe

    from portal.auth.tokens import decrypt

    keys = PortalKeys(tmp_path)
    [old] = [key for key in keys.public_jwks()["keys"] if key["use"] == "enc"]
    sealed = jwe.encrypt_compact({"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": old["kid"]}, b"inner",
                                 KeySet.import_key_set({"keys": [old]}).keys[0], algorithms=["RSA-OAEP-256", "A256GCM"])
    keys.rotate()
    assert decrypt(sealed, keys.decryption_keys(), what="id_token") == "inner"
    assert old["kid"] in {key["kid"] for key in keys.public_jwks()["keys"]}


# Back-channel logout ----------------------------------------------------------


def logout_token(app, **changes):  # type: ignore[no-untyped-def]
    from portal.test_idp import profile

    provider = app.state.test_idp
    with Session(app.state.engine) as session:
        record = session.exec(select(LoginSession)).one()
    claims = json.loads(payload(profile.logout_token(
        provider, provider.clients["portal-client"], subject=provider.subject(AINO), sid=record.provider_session_id,
    )))
    claims.update(changes)
    return provider.sign({name: value for name, value in claims.items() if value is not None}, typ="logout+jwt")


@pytest.mark.parametrize("profile_name", ["basic", "ftn"])
def test_backchannel_logout_ends_the_session(settings, profile_name) -> None:
    app = ftn_app(settings, profile=profile_name)
    with CheckedClient(app, base_url=BASE_URL) as client:
        login(client, AINO)
        assert client.get("/home").status_code == 200
        response = client.post("/login/backchannel-logout", data={"logout_token": logout_token(app)})
        assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
        assert client.get("/home").status_code == 403
    with Session(app.state.engine) as session:
        event = session.exec(select(AccessEvent).where(AccessEvent.action == "logout")).one()
    assert event.actor_role == "identity_provider"
    app.state.engine.dispose()


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "another-client"},
        {"iss": "https://evil.example"},
        {"events": None},
        {"nonce": "an-id-token"},
        {"sub": None, "sid": None},
        {"jti": None},
    ],
    ids=["other audience", "other issuer", "no event", "has a nonce", "nobody named", "no jti"],
)
def test_a_bad_logout_token_is_refused_and_ends_nothing(settings, changes) -> None:
    app = ftn_app(settings, profile="basic")
    with CheckedClient(app, base_url=BASE_URL) as client:
        login(client, AINO)
        response = client.post("/login/backchannel-logout", data={"logout_token": logout_token(app, **changes)})
        assert response.status_code == 400 and response.json() == {"error": "invalid_request"}
        assert client.get("/home").status_code == 200
    app.state.engine.dispose()


def test_a_logout_token_for_the_staff_client_does_not_end_a_client_session(settings) -> None:
    app = ftn_app(settings, profile="basic")
    with CheckedClient(app, base_url=BASE_URL) as client:
        login(client, AINO)
        response = client.post("/staff/login/backchannel-logout", data={"logout_token": logout_token(app)})
        assert response.status_code == 400  # its aud is the client registration
        assert client.get("/home").status_code == 200
    app.state.engine.dispose()


def test_a_logout_post_without_a_token_is_400(client) -> None:
    assert client.post("/login/backchannel-logout", data={}).status_code == 400


def test_staff_log_in_through_the_ftn_profile_too(settings) -> None:
    app = ftn_app(settings, profile="basic", staff_oidc_profile="ftn")
    with CheckedClient(app, base_url=BASE_URL) as client:
        assert login(client, "300883-9617", audience="staff").headers["location"] == "/staff"
        assert login(client, AINO).headers["location"] == "/home"  # clients in the basic profile beside it
    [(staff_token, _, _), (client_token, _, _)] = app.state.recording.to("/token")
    assert "client_assertion" in parse_qs(staff_token.content.decode())
    assert client_token.headers["authorization"].startswith("Basic ")
    app.state.engine.dispose()


def test_a_registration_the_provider_refuses_says_to_tell_the_centre(settings) -> None:
    app = ftn_app(settings, profile="basic")
    provider = app.state.oidc["client"]
    provider.registration = dataclasses.replace(provider.registration, client_secret="not-the-registered-one")
    with CheckedClient(app, base_url=BASE_URL) as client:
        response = login(client, AINO)
    assert response.status_code == 400 and "Uusi yritys ei auta." in response.text
    assert failures(app.state.engine) == ["client_rejected"]
    app.state.engine.dispose()


def test_forged_logout_tokens_with_unknown_kids_fetch_the_jwks_at_most_once_a_minute(settings) -> None:
    from joserfc.jwk import RSAKey

    app = ftn_app(settings, profile="basic")
    forger = RSAKey.generate_key(2048)
    with CheckedClient(app, base_url=BASE_URL) as client:
        login(client, AINO)
        fetched = len(app.state.recording.to("/jwks"))
        for number in range(5):
            claims = json.loads(payload(logout_token(app)))
            forged = jwt.encode({"alg": "RS256", "kid": f"forged-{number}"}, claims, forger)
            assert client.post("/login/backchannel-logout", data={"logout_token": forged}).status_code == 400
        assert len(app.state.recording.to("/jwks")) == fetched  # the login fetched it just now
        assert client.get("/home").status_code == 200
    app.state.engine.dispose()


def test_logging_out_in_the_ftn_profile_returns_from_the_provider(ftn) -> None:
    # The logout's id_token_hint is the signed ID token: the provider cannot
    # open the encrypted one, so it would not know where to send the person.
    login(ftn, AINO)
    csrf = soup(ftn.get("/home")).find("form", action="/logout").find("input", attrs={"name": "csrf_token"})["value"]
    out = ftn.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    hint = parse_qs(urlsplit(out.headers["location"]).query)["id_token_hint"][0]
    assert hint.count(".") == 2  # a JWS, not the JWE
    ended = ftn.get(out.headers["location"], follow_redirects=False)
    assert ended.status_code == 303 and ended.headers["location"].endswith("/logged-out")
