"""OpenID Connect relying party: authorization code + PKCE (S256) + state + nonce.

The provider is configured by its discovery URL. Authlib's httpx client builds
the authorization request and redeems the code; joserfc verifies the ID token
against the provider's JWKS (fetched again once when a `kid` is unknown).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx2 as httpx  # the successor of httpx, which Authlib uses
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from portal.settings import Settings

ID_TOKEN_LEEWAY_SECONDS = 60


class LoginFailed(Exception):
    """The login cannot be completed. `reason` is a short code for the log."""

    def __init__(self, reason: str, *, identity_code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        # Set when the provider did identify the person (a too-low level of
        # assurance), so that failures count per identity too. Never logged.
        self.identity_code = identity_code


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class Identity:
    identity_code: str
    given_name: str
    family_name: str
    level_of_assurance: str
    id_token: str


class OidcProvider:
    """One configured provider and client registration ('client' or 'staff')."""

    def __init__(self, settings: Settings, audience: str, transport: httpx.AsyncBaseTransport | None) -> None:
        self.settings = settings
        self.audience = audience
        self.discovery_url = settings.discovery_url(audience)
        if audience == "client":
            self.client_id = settings.client_oidc_client_id
            self.client_secret = settings.client_oidc_client_secret
            self.redirect_uri = f"{settings.base_url}/login/callback"
            self.post_logout_redirect_uri = f"{settings.base_url}/logged-out"
        else:
            self.client_id = settings.staff_oidc_client_id
            self.client_secret = settings.staff_oidc_client_secret
            self.redirect_uri = f"{settings.base_url}/staff/login/callback"
            self.post_logout_redirect_uri = f"{settings.base_url}/staff/logged-out"
        self.transport = transport
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None

    def _http(self) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=self.client_secret,
            token_endpoint_auth_method="client_secret_basic",
            redirect_uri=self.redirect_uri,
            scope="openid profile",
            code_challenge_method="S256",
            transport=self.transport,
            timeout=10,
        )

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            async with httpx.AsyncClient(transport=self.transport, timeout=10) as http:
                response = await http.get(self.discovery_url)
            if response.status_code != 200:
                raise LoginFailed("discovery_unavailable")
            self._metadata = response.json()
        return self._metadata

    async def _key_set(self, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            metadata = await self.metadata()
            async with httpx.AsyncClient(transport=self.transport, timeout=10) as http:
                response = await http.get(metadata["jwks_uri"])
            if response.status_code != 200:
                raise LoginFailed("jwks_unavailable")
            self._keys = KeySet.import_key_set(response.json())
        return self._keys

    async def authorization_request(self) -> AuthorizationRequest:
        metadata = await self.metadata()
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        code_verifier = secrets.token_urlsafe(64)
        async with self._http() as http:
            url, _ = http.create_authorization_url(
                metadata["authorization_endpoint"],
                state=state,
                code_verifier=code_verifier,
                nonce=nonce,
                acr_values=" ".join(self.settings.accepted_loa),
            )
        return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=code_verifier)

    async def redeem(self, *, code: str, code_verifier: str, nonce: str) -> Identity:
        """Exchange the code, verify the ID token and read the identity claims."""
        metadata = await self.metadata()
        async with self._http() as http:
            try:
                token = await http.fetch_token(
                    metadata["token_endpoint"], code=code, code_verifier=code_verifier
                )
            except Exception as error:  # Authlib raises OAuthError; transport errors too
                raise LoginFailed("code_rejected") from error
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise LoginFailed("no_id_token")
        claims = await self.verify_id_token(id_token, nonce=nonce)
        if self.settings.claim_identity_code not in claims and metadata.get("userinfo_endpoint"):
            claims = {**await self._userinfo(metadata["userinfo_endpoint"], token), **claims}
        level = str(claims.get("acr", ""))
        if level not in self.settings.accepted_loa:
            raise LoginFailed("level_of_assurance", identity_code=str(claims.get(self.settings.claim_identity_code, "")))
        return Identity(
            identity_code=str(claims.get(self.settings.claim_identity_code, "")),
            given_name=str(claims.get(self.settings.claim_given_name, "")),
            family_name=str(claims.get(self.settings.claim_family_name, "")),
            level_of_assurance=level,
            id_token=id_token,
        )

    async def _userinfo(self, endpoint: str, token: dict[str, Any]) -> dict[str, Any]:
        async with self._http() as http:
            http.token = token
            response = await http.get(endpoint)
        if response.status_code != 200:
            raise LoginFailed("userinfo_unavailable")
        return dict(response.json())

    async def verify_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        metadata = await self.metadata()
        keys = await self._key_set()
        try:
            decoded = self._decode(id_token, keys)
        except LoginFailed as error:
            if error.reason != "unknown_kid":
                raise
            decoded = self._decode(id_token, await self._key_set(refresh=True))
        registry = jwt.JWTClaimsRegistry(
            leeway=ID_TOKEN_LEEWAY_SECONDS,
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": self.client_id},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(decoded.claims)
        except JoseError as error:
            raise LoginFailed(f"id_token_{getattr(error, 'claim', 'claims')}") from error
        return dict(decoded.claims)

    @staticmethod
    def _decode(id_token: str, keys: KeySet) -> jwt.Token:
        try:
            return jwt.decode(id_token, keys, algorithms=["RS256"])
        except JoseError as error:
            if type(error).__name__ == "InvalidKeyIdError":
                raise LoginFailed("unknown_kid") from error
            raise LoginFailed("id_token_signature") from error
        except ValueError as error:
            raise LoginFailed("id_token_malformed") from error

    async def end_session_url(self, *, id_token: str) -> str | None:
        try:
            endpoint = (await self.metadata()).get("end_session_endpoint")
        except LoginFailed:
            return None
        if not endpoint:
            return None
        query = {"client_id": self.client_id, "post_logout_redirect_uri": self.post_logout_redirect_uri}
        if id_token:
            query["id_token_hint"] = id_token
        return f"{endpoint}?{urlencode(query)}"
