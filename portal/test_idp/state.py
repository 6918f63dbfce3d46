"""The test provider's clients, sign-ins, codes and tokens.

The clients are registered from the settings; codes, tokens and sign-ins
live in the database (portal.test_idp.store), so that any worker or instance
can answer for what another one handed out.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from authlib.oidc.core import AuthorizationCodeMixin

CODE_LIFETIME = 60  # seconds: a client exchanges its code at once
TOKEN_LIFETIME = 300  # the access token is only for the userinfo call after sign-in
ID_TOKEN_LIFETIME = 300
SCOPES = ("openid", "profile")
AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt")
SECRET_METHODS = ("client_secret_basic", "client_secret_post")


def now() -> float:
    """The clock. One function, so that tests can move time forward."""
    return time.time()


@dataclass(frozen=True)
class Client(ClientMixin):
    """A registered relying party: the portal's client or staff login."""

    client_id: str
    client_secret: str
    redirect_uri: str
    post_logout_redirect_uri: str
    backchannel_logout_uri: str = ""
    # The trust network's profile: only private_key_jwt, signed request
    # objects, and the ID token and userinfo encrypted to the client's key
    # (with the person's details only in userinfo, as Suomi.fi sends them).
    auth_methods: tuple[str, ...] = SECRET_METHODS
    signed_requests: bool = False
    encrypted: bool = False

    @property
    def client_metadata(self) -> dict[str, list[str]]:
        return {"post_logout_redirect_uris": [self.post_logout_redirect_uri]}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # OpenID Connect needs redirect_uri in every request

    def get_allowed_scope(self, scope: str | None) -> str | None:
        requested = scope_to_list(scope) or []
        if "openid" not in requested:
            return None  # this is an OpenID provider only: invalid_scope
        return list_to_scope([name for name in SCOPES if name in requested])

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri  # exact match, never a prefix

    def check_client_secret(self, client_secret: str) -> bool:
        if not self.client_secret:  # a private_key_jwt client has no secret
            return False
        return secrets.compare_digest(self.client_secret.encode(), client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in self.auth_methods  # a confidential client: never "none"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class SignIn:
    """Who signed in at the test provider, how strongly and when."""

    identity_code: str
    given_name: str
    family_name: str
    acr: str  # the eIDAS level of assurance
    auth_time: int
    sid: str = field(default_factory=lambda: secrets.token_urlsafe(16))  # the provider's session, for logout


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    nonce: str
    code_challenge: str
    code_challenge_method: str
    sign_in: SignIn
    expires_at: float

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.sign_in.auth_time

    def get_acr(self) -> str:
        return self.sign_in.acr


@dataclass
class AccessToken(TokenMixin):
    value: str
    client: Client
    sign_in: SignIn
    subject: str
    scope: str
    expires_at: float
    revoked: bool = False

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return max(0, int(self.expires_at - now()))

    def is_expired(self) -> bool:
        return self.expires_at <= now()

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> SignIn:
        return self.sign_in

    def get_client(self) -> Client:
        return self.client
