"""The test provider's clients, sign-ins, codes and tokens.

Codes and tokens live in this process's memory, in the Store that routes()
makes. That is enough because the test provider serves one development
process; a restart only means signing in again. (The portal itself keeps
no state in memory.)
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
    used: bool = False
    access_tokens: list[str] = field(default_factory=list)

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


class Store:
    """Codes and tokens with their expiry; expired ones are dropped on each write."""

    def __init__(self) -> None:
        self._codes: dict[str, AuthorizationCode] = {}
        self._tokens: dict[str, AccessToken] = {}
        self._jtis: dict[str, float] = {}  # client assertions seen, until they expire
        # Who signed in to which client, for back-channel logout: (client id, sub) → sids.
        self._sign_ins: dict[tuple[str, str], set[str]] = {}

    def _drop_expired(self) -> None:
        moment = now()
        self._codes = {key: code for key, code in self._codes.items() if code.expires_at > moment}
        self._tokens = {key: token for key, token in self._tokens.items() if token.expires_at > moment}

    def add_code(self, code: AuthorizationCode) -> None:
        self._drop_expired()
        self._codes[code.code] = code

    def redeem_code(self, value: str, client_id: str) -> AuthorizationCode | None:
        """The code, once: the first attempt uses it up, even if it then fails."""
        code = self._codes.get(value)
        if code is None or code.client_id != client_id or code.expires_at <= now():
            return None
        if code.used:
            # A replayed code may be stolen: revoke what its first use gave
            # (RFC 6749, section 4.1.2).
            for token in code.access_tokens:
                self.revoke(token)
            return None
        code.used = True  # kept until it expires, so that a replay is noticed
        return code

    def use_jti(self, jti: str, *, expires_at: float) -> bool:
        """False if this client assertion was used before (a replay)."""
        moment = now()
        self._jtis = {key: until for key, until in self._jtis.items() if until > moment}
        if jti in self._jtis:
            return False
        self._jtis[jti] = expires_at + 60
        return True

    def nonce_in_use(self, client_id: str, nonce: str) -> bool:
        moment = now()
        return any(
            code.client_id == client_id and code.nonce == nonce and code.expires_at > moment
            for code in self._codes.values()
        )

    def add_token(self, token: AccessToken) -> None:
        self._drop_expired()
        self._tokens[token.value] = token

    def find_token(self, value: str) -> AccessToken | None:
        return self._tokens.get(value)

    def revoke(self, value: str) -> None:
        if token := self._tokens.get(value):
            token.revoked = True

    def revoke_sign_ins(self, client_id: str, subject: str) -> None:
        """Logging out ends the access tokens the client has for that person."""
        for token in self._tokens.values():
            if token.client.client_id == client_id and token.subject == subject:
                token.revoked = True

    def remember_sign_in(self, client_id: str, subject: str, sid: str) -> None:
        self._sign_ins.setdefault((client_id, subject), set()).add(sid)

    def end_sign_ins(self, subject: str) -> list[tuple[str, str]]:
        """The person logged out here: forget their sign-ins; (client id, sid) of each."""
        ended = [(client_id, sid) for (client_id, sub), sids in self._sign_ins.items() if sub == subject for sid in sids]
        self._sign_ins = {key: sids for key, sids in self._sign_ins.items() if key[1] != subject}
        return sorted(ended)
