"""Authlib's authorization server, adapted to Starlette for the test provider.

Authlib has no Starlette server integration, so this module supplies the
adapter: HttpRequest carries a request whose body has already been read,
because Authlib's server classes are synchronous and cannot await it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from authlib.consts import default_json_headers
from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    InvalidRequestError,
    OAuth2Payload,
    OAuth2Request,
    ResourceProtector,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint, EndSessionRequest
from sqlalchemy.engine import Engine
from starlette.datastructures import FormData, Headers, QueryParams
from starlette.requests import Request
from starlette.responses import Response

from portal.auth.keys import PortalKeys
from portal.identity_code import IdentityCodeVault
from portal.settings import Settings
from portal.test_idp import profile, state
from portal.test_idp.keys import SigningKey
from portal.test_idp.store import Store


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: Headers
    query: QueryParams
    form: FormData

    @classmethod
    async def read(cls, request: Request) -> HttpRequest:
        form = await request.form() if request.method == "POST" else FormData()
        return cls(request.method, str(request.url), request.headers, request.query_params, form)


class Payload(OAuth2Payload):
    """Query and form parameters together, as OAuth 2 reads them."""

    def __init__(self, http: HttpRequest) -> None:
        self._datalist: defaultdict[str, list] = defaultdict(list)
        for source in (http.query, http.form):
            for name, value in source.multi_items():
                if isinstance(value, str):  # an uploaded file is never a parameter
                    self._datalist[name].append(value)
        self._data = {name: values[0] for name, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list]:
        return self._datalist


class StarletteOAuth2Request(OAuth2Request):
    def __init__(self, http: HttpRequest) -> None:
        # Authlib refuses plain http here except on a loopback address.
        super().__init__(method=http.method, uri=http.url, headers=http.headers)
        self.payload = Payload(http)
        self._http = http

    @property
    def args(self) -> QueryParams:
        return self._http.query

    @property
    def form(self) -> FormData:
        return self._http.form


class CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(state.AUTH_METHODS)
    server: Provider

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.server.store.add_code(
            state.AuthorizationCode(
                code=code,
                client_id=request.client.client_id,
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope,
                nonce=data["nonce"],
                code_challenge=data["code_challenge"],
                code_challenge_method=data["code_challenge_method"],
                sign_in=request.user,
                expires_at=state.now() + state.CODE_LIFETIME,
            )
        )

    def query_authorization_code(self, code: str, client: state.Client) -> state.AuthorizationCode | None:
        return self.server.store.redeem_code(code, client.client_id)

    def delete_authorization_code(self, authorization_code: state.AuthorizationCode) -> None:
        pass  # redeem_code used it up already (kept until it expires, so that a replay is noticed)

    def authenticate_user(self, authorization_code: state.AuthorizationCode) -> state.SignIn:
        return authorization_code.sign_in


class S256Challenge(CodeChallenge):
    """PKCE for every client, and only S256: Authlib's CodeChallenge alone
    lets a confidential client leave the challenge out, and allows plain."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: CodeGrant, redirect_uri: str) -> None:
        data = grant.request.payload.data
        # The client and its address are known by now: the error goes back
        # to the client (RFC 6749, 4.1.2.1), not to a page at the provider.
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge'.", redirect_uri=redirect_uri)
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Use 'code_challenge_method=S256'.", redirect_uri=redirect_uri)
        try:
            super().validate_code_challenge(grant, redirect_uri)
        except InvalidRequestError as error:
            error.redirect_uri = redirect_uri
            raise


class IdTokens(OpenIDCode):
    """Signs the ID token with the provider's key, under the configured claim names."""

    def __init__(self, provider: Provider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider
        self.client_encrypted = False  # the token call's client, for generate_user_info

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return self.provider.store.nonce_in_use(request.payload.client_id, nonce)

    def resolve_client_private_key(self, client: state.Client) -> Any:
        return self.provider.signing_key.private_key

    def get_client_algorithm(self, client: state.Client) -> str:
        return self.provider.signing_key.algorithm

    def get_encode_header(self, client: state.Client) -> dict[str, str]:
        return {"alg": self.provider.signing_key.algorithm, "kid": self.provider.signing_key.kid}

    def encode_id_token(self, token: dict[str, Any], request: OAuth2Request) -> str:
        signed = super().encode_id_token(token, request)
        return profile.encrypt_for(self.provider, signed) if request.client.encrypted else signed

    def get_client_claims(self, client: state.Client) -> dict[str, Any]:
        issued = int(state.now())
        return {
            "iss": self.provider.settings.test_idp_issuer,
            "aud": client.client_id,
            "iat": issued,
            "exp": issued + state.ID_TOKEN_LIFETIME,
        }

    def generate_user_info(self, user: state.SignIn, scope: str) -> dict[str, str]:
        claims = self.provider.identity_claims(user)
        claims["sid"] = user.sid
        if self.client_encrypted:  # as Suomi.fi: the person's details only in userinfo
            return {"sub": claims["sub"], "sid": user.sid}
        return claims

    def process_token(self, grant: Any, response: Any) -> Any:
        self.client_encrypted = grant.request.client.encrypted
        return super().process_token(grant, response)


class AccessTokens(BearerTokenValidator):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def authenticate_token(self, token_string: str) -> state.AccessToken | None:
        return self.store.find_token(token_string)


class UserInfo(UserInfoEndpoint):
    server: Provider

    def __call__(self, request: OAuth2Request) -> tuple[int, Any, list]:
        # Authlib's version asks a framework integration for the current
        # request's token; here the request is at hand.
        token = self.resource_protector.validate_request(["openid"], request)
        claims = self.generate_user_info(token.get_user(), token.get_scope())
        client = token.get_client()
        if not client.encrypted:
            return 200, claims, default_json_headers
        # Signed and encrypted (OpenID Core 5.3.2), as the trust network's profile asks.
        signed = self.server.sign({**claims, "iss": self.server.settings.test_idp_issuer, "aud": client.client_id})
        return 200, profile.encrypt_for(self.server, signed), [("Content-Type", "application/jwt")]

    def generate_user_info(self, user: state.SignIn, scope: str) -> dict[str, str]:
        return self.server.identity_claims(user)


class EndSession(EndSessionEndpoint):
    server: Provider

    def get_server_jwks(self) -> dict[str, Any]:
        return self.server.signing_key.public_jwks()

    def get_algorithms(self) -> list[str]:
        return [self.server.signing_key.algorithm]

    def is_post_logout_redirect_uri_legitimate(self, *_args: Any) -> bool:
        # The test provider keeps no sign-in session, so a forged logout
        # request harms nobody; an exactly registered address is enough.
        return True

    def end_session(self, end_session_request: EndSessionRequest) -> None:
        claims = end_session_request.id_token_claims
        if claims and end_session_request.client:
            self.server.store.revoke_sign_ins(end_session_request.client.client_id, claims["sub"])
            # Single logout: every client the person signed in to hears of it.
            for client_id, sid in self.server.store.end_sign_ins(claims["sub"]):
                self.server.pending_logouts.append((self.server.clients[client_id], claims["sub"], sid))


class Provider(AuthorizationServer):
    """The authorization server with the portal's two clients registered."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        super().__init__()
        self.settings = settings
        self.signing_key = SigningKey(settings.data_dir, settings.test_idp_algorithm)
        self.portal_keys = PortalKeys(settings.data_dir, settings.oidc_signing_algorithm)
        self.clients = {client.client_id: client for client in registered_clients(settings)}
        self.store = Store(engine, IdentityCodeVault(settings.identity_key), self.clients)
        # Back-channel logouts to send after a logout; the transport reaches
        # the portal (None: the network; tests set the app's ASGI transport).
        self.pending_logouts: list[tuple[state.Client, str, str]] = []
        self.backchannel_transport: Any = None
        self.register_client_auth_method("client_secret_basic", profile.client_secret_basic)
        self.register_client_auth_method("private_key_jwt", profile.PrivateKeyJwt(self))
        bearer_tokens = BearerTokenGenerator(
            lambda **_: secrets.token_urlsafe(32), expires_generator=state.TOKEN_LIFETIME
        )
        self.register_token_generator("default", bearer_tokens)
        self.register_grant(CodeGrant, [S256Challenge(required=True), IdTokens(self)])
        protector = ResourceProtector()
        protector.register_token_validator(AccessTokens(self.store))
        self.register_endpoint(UserInfo(resource_protector=protector))
        self.register_endpoint(EndSession)

    def subject(self, identity_code: str) -> str:
        """A stable pseudonym, so that sub is not the identity code itself."""
        key = self.settings.secret_key.encode()
        return hmac.new(key, identity_code.encode(), hashlib.sha256).hexdigest()

    def sign(self, claims: dict[str, Any], typ: str = "JWT") -> str:
        from joserfc import jwt

        key, algorithm = self.signing_key, self.signing_key.algorithm
        return jwt.encode({"alg": algorithm, "kid": key.kid, "typ": typ}, claims, key.private_key, algorithms=[algorithm])

    def identity_claims(self, sign_in: state.SignIn) -> dict[str, str]:
        claims = {
            "sub": self.subject(sign_in.identity_code or f"{sign_in.given_name} {sign_in.family_name}"),
            self.settings.claim_identity_code: sign_in.identity_code,
            self.settings.claim_given_name: sign_in.given_name,
            self.settings.claim_family_name: sign_in.family_name,
        }
        if not sign_in.identity_code:  # an eIDAS login from abroad has no such claim at all
            del claims[self.settings.claim_identity_code]
        return claims

    # What Authlib asks of a framework integration.
    def query_client(self, client_id: str) -> state.Client | None:
        return self.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        self.store.add_token(
            state.AccessToken(
                value=token["access_token"],
                client=request.client,
                sign_in=request.user,
                subject=self.identity_claims(request.user)["sub"],
                scope=token["scope"],
                expires_at=state.now() + token["expires_in"],
            ),
            code=request.authorization_code.code,  # a replay of the code revokes the token
        )
        self.store.remember_sign_in(request.client.client_id, self.identity_claims(request.user)["sub"], request.user.sid)

    def create_oauth2_request(self, request: HttpRequest) -> OAuth2Request:
        return StarletteOAuth2Request(request)

    def handle_response(self, status_code: int, payload: Any, headers: list[tuple[str, str]]) -> Response:
        if status_code == 302:
            status_code = 303  # the browser follows with GET, also after the sign-in form's POST
        if isinstance(payload, dict):
            payload = json.dumps(payload)
        return Response(payload, status_code=status_code, headers=dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass  # nothing listens

    # No endpoint here takes a JSON body, so create_json_request stays unimplemented.


def registered_clients(settings: Settings) -> list[state.Client]:
    """The portal's two registrations, in the profile the portal is set to use."""
    clients = []
    for audience in ("client", "staff"):
        registration = settings.oidc_client(audience)
        secret_method = registration.auth_method in state.SECRET_METHODS
        clients.append(
            state.Client(
                client_id=registration.client_id,
                client_secret=registration.client_secret if secret_method else "",
                redirect_uri=registration.redirect_uri,
                post_logout_redirect_uri=registration.post_logout_redirect_uri,
                backchannel_logout_uri=registration.backchannel_logout_uri,
                auth_methods=state.SECRET_METHODS if secret_method else (registration.auth_method,),
                signed_requests=registration.signed_requests,
                encrypted=registration.encrypted_tokens,
            )
        )
    return clients
