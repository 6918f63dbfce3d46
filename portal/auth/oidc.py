"""OpenID Connect relying party: authorization code + PKCE (S256) + state + nonce.

The provider is configured by its discovery URL; the portal's registration
there by its profile (see portal.settings.OidcClient): "basic" uses a client
secret, "ftn" the trust network's profile with private_key_jwt, signed
request objects and encrypted ID tokens and userinfo. joserfc checks the
tokens against the provider's JWKS (fetched again once when a kid is
unknown) and the portal's own keys (portal.auth.keys).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlencode

import httpx2 as httpx  # the successor of httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from portal.auth.keys import PortalKeys
from portal.auth.tokens import LoginFailed, decrypt, is_encrypted, verify_signature
from portal.settings import Settings

__all__ = ["AuthorizationRequest", "Identity", "LoginFailed", "OidcProvider"]

ID_TOKEN_LEEWAY_SECONDS = 60
METADATA_MAX_AGE = 3600  # seconds: a provider's changed document or keys are seen within the hour
ASSERTION_LIFETIME = 60
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"
BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


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
    subject_hash: str = ""  # the provider's sub, hashed with its issuer: for back-channel logout
    provider_session_id: str = ""  # the provider's sid, if it sends one


def subject_hash(issuer: str, subject: str) -> str:
    return hashlib.sha256(f"{issuer} {subject}".encode()).hexdigest()


@dataclass(frozen=True)
class LogoutRequest:
    """Whose sessions a verified logout token ends."""

    subject_hash: str
    provider_session_id: str


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class OidcProvider:
    """One configured provider and client registration ('client' or 'staff')."""

    def __init__(
        self, settings: Settings, audience: str, transport: httpx.AsyncBaseTransport | None,
        keys: PortalKeys | None = None,
    ) -> None:
        self.settings = settings
        self.audience = audience
        self.registration = settings.oidc_client(audience)
        self.discovery_url = self.registration.discovery_url
        self.client_id = self.registration.client_id
        self.post_logout_redirect_uri = self.registration.post_logout_redirect_uri
        self.keys = keys or PortalKeys(settings.data_dir, settings.oidc_signing_algorithm)
        self.transport = transport
        self._metadata: tuple[float, dict[str, Any]] | None = None
        self._jwks: tuple[float, KeySet] | None = None

    async def _get(self, url: str, reason: str) -> httpx.Response:
        try:
            async with httpx.AsyncClient(transport=self.transport, timeout=10) as http:
                response = await http.get(url)
        except httpx.HTTPError as error:
            raise LoginFailed(reason) from error
        if response.status_code != 200:
            raise LoginFailed(reason)
        return response

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None or self._metadata[0] < time.monotonic():
            try:
                document = (await self._get(self.discovery_url, "discovery_unavailable")).json()
            except ValueError as error:
                raise LoginFailed("discovery_unavailable") from error
            # Discovery 1.0, 4.3: the document must be the issuer's own.
            if self.discovery_url.endswith(DISCOVERY_SUFFIX):
                if document.get("issuer") != self.discovery_url.removesuffix(DISCOVERY_SUFFIX):
                    raise LoginFailed("discovery_issuer")
            self._metadata = (time.monotonic() + METADATA_MAX_AGE, document)
        return self._metadata[1]

    async def _key_set(self, refresh: bool = False) -> KeySet:
        if self._jwks is None or refresh or self._jwks[0] < time.monotonic():
            response = await self._get((await self.metadata())["jwks_uri"], "jwks_unavailable")
            try:
                self._jwks = (time.monotonic() + METADATA_MAX_AGE, KeySet.import_key_set(response.json()))
            except (ValueError, JoseError) as error:
                raise LoginFailed("jwks_unavailable") from error
        return self._jwks[1]

    def _sign(self, claims: dict[str, Any], typ: str) -> str:
        stored = self.keys.signing_key()
        header = {"alg": self.settings.oidc_signing_algorithm, "kid": stored.kid, "typ": typ}
        return jwt.encode(header, claims, stored.key, algorithms=[self.settings.oidc_signing_algorithm])

    async def authorization_request(self) -> AuthorizationRequest:
        metadata = await self.metadata()
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        code_verifier = secrets.token_urlsafe(64)
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.registration.redirect_uri,
            "scope": "openid profile",
            "state": state,
            "nonce": nonce,
            "code_challenge": _s256(code_verifier),
            "code_challenge_method": "S256",
            "acr_values": " ".join(self.settings.accepted_loa),
        }
        if self.registration.signed_requests:  # JAR (RFC 9101): the request as a signed JWT
            issued = int(time.time())
            request_object = self._sign(
                {**params, "iss": self.client_id, "aud": metadata["issuer"], "iat": issued, "nbf": issued,
                 "exp": issued + 300, "jti": str(uuid.uuid4())},
                "oauth-authz-req+jwt",
            )
            params = {"client_id": self.client_id, "response_type": "code", "scope": params["scope"],
                      "request": request_object}
        url = f"{metadata['authorization_endpoint']}?{urlencode(params)}"
        return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=code_verifier)

    def _client_authentication(self, token_endpoint: str) -> tuple[dict[str, str], dict[str, str]]:
        """(form fields, headers) that authenticate the portal at the token endpoint."""
        method, client_id, secret = self.registration.auth_method, self.client_id, self.registration.client_secret
        if method == "private_key_jwt":  # RFC 7523; a unique jti for each, as providers refuse replays
            issued = int(time.time())
            assertion = self._sign(
                {"iss": client_id, "sub": client_id, "aud": token_endpoint, "jti": str(uuid.uuid4()),
                 "iat": issued, "exp": issued + ASSERTION_LIFETIME},
                "JWT",
            )
            return {
                "client_id": client_id,
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion,
            }, {}
        if method == "client_secret_post":
            return {"client_id": client_id, "client_secret": secret}, {}
        # RFC 6749, 2.3.1: both form-encoded before base64.
        pair = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
        return {}, {"Authorization": "Basic " + base64.b64encode(pair).decode()}

    async def _token(self, *, code: str, code_verifier: str) -> dict[str, Any]:
        endpoint = (await self.metadata())["token_endpoint"]
        fields, headers = self._client_authentication(endpoint)
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.registration.redirect_uri,
                "code_verifier": code_verifier, **fields}
        try:
            async with httpx.AsyncClient(transport=self.transport, timeout=10) as http:
                response = await http.post(endpoint, data=data, headers={"Accept": "application/json", **headers})
            token = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise LoginFailed("token_unavailable") from error
        if response.status_code == 401 or token.get("error") == "invalid_client":
            raise LoginFailed("client_rejected")  # the registration does not match: not the person's fault
        if response.status_code != 200 or not isinstance(token, dict):
            raise LoginFailed("code_rejected")
        return token

    async def redeem(self, *, code: str, code_verifier: str, nonce: str, issuer: str | None = None) -> Identity:
        """Exchange the code, verify the ID token and read the identity claims.
        `issuer` is the callback's iss parameter (RFC 9207), if it had one."""
        metadata = await self.metadata()
        if issuer is not None and issuer != metadata["issuer"]:
            raise LoginFailed("callback_iss")  # a code from another provider: never redeem it here
        token = await self._token(code=code, code_verifier=code_verifier)
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise LoginFailed("no_id_token")
        if is_encrypted(id_token):
            # Kept and sent back as the logout's id_token_hint: the provider
            # can check its own signature, but cannot open what was encrypted
            # to the portal.
            id_token = decrypt(id_token, self.keys.decryption_keys(), what="id_token")
        elif self.registration.encrypted_tokens:
            raise LoginFailed("id_token_not_encrypted")
        claims = await self.verify_id_token(id_token, nonce=nonce)
        if self.settings.claim_identity_code not in claims and metadata.get("userinfo_endpoint"):
            userinfo = await self._userinfo(metadata["userinfo_endpoint"], token, subject=claims["sub"])
            claims = {**userinfo, **claims}
        level = str(claims.get("acr", ""))
        if level not in self.settings.accepted_loa:
            raise LoginFailed("level_of_assurance", identity_code=str(claims.get(self.settings.claim_identity_code, "")))
        return Identity(
            identity_code=str(claims.get(self.settings.claim_identity_code, "")),
            given_name=str(claims.get(self.settings.claim_given_name, "")),
            family_name=str(claims.get(self.settings.claim_family_name, "")),
            level_of_assurance=level,
            id_token=id_token,
            subject_hash=subject_hash(str(claims["iss"]), str(claims["sub"])),
            provider_session_id=str(claims.get("sid", ""))[:255],
        )

    async def _open(self, token: str, *, what: str, must_be_encrypted: bool | None = None) -> jwt.Token:
        """Decrypt if encrypted (required in the FTN profile), then check the signature."""
        if must_be_encrypted is None:
            must_be_encrypted = self.registration.encrypted_tokens
        if is_encrypted(token):
            token = decrypt(token, self.keys.decryption_keys(), what=what)
        elif must_be_encrypted:
            raise LoginFailed(f"{what}_not_encrypted")
        algorithms = self.settings.oidc_algorithms
        try:
            return verify_signature(token, await self._key_set(), algorithms, what=what)
        except LoginFailed as error:
            if error.reason != "unknown_kid" or not self._may_refresh_keys(what):
                raise
            return verify_signature(token, await self._key_set(refresh=True), algorithms, what=what)

    def _may_refresh_keys(self, what: str) -> bool:
        """An unknown kid fetches the provider's JWKS again (it rotated). ID
        tokens and userinfo come straight from the provider; a logout token
        is posted to the portal by anyone, so for it at most once a minute,
        and forged ones cannot make the portal hammer the provider."""
        if what != "logout_token" or self._jwks is None:
            return True
        return self._jwks[0] - METADATA_MAX_AGE + 60 < time.monotonic()

    async def _userinfo(self, endpoint: str, token: dict[str, Any], *, subject: str) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(transport=self.transport, timeout=10) as http:
                response = await http.get(endpoint, headers={"Authorization": f"Bearer {token.get('access_token')}"})
        except httpx.HTTPError as error:
            raise LoginFailed("userinfo_unavailable") from error
        if response.status_code != 200:
            raise LoginFailed("userinfo_unavailable")
        if response.headers.get("content-type", "").split(";")[0].strip() == "application/jwt":
            opened = await self._open(response.text.strip(), what="userinfo")
            claims = dict(opened.claims)
            # Core 5.3.2: a signed answer names the issuer and the portal.
            issuer, audience = claims.get("iss"), claims.get("aud")
            if issuer is not None and issuer != (await self.metadata())["issuer"]:
                raise LoginFailed("userinfo_iss")
            if audience is not None and self.client_id not in ([audience] if isinstance(audience, str) else audience):
                raise LoginFailed("userinfo_aud")
        else:
            if self.registration.encrypted_tokens:
                raise LoginFailed("userinfo_not_encrypted")
            try:
                claims = dict(response.json())
            except ValueError as error:
                raise LoginFailed("userinfo_malformed") from error
        if claims.get("sub") != subject:  # Core 5.3.2: else it is someone else's
            raise LoginFailed("userinfo_sub")
        return claims

    async def verify_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        """Check a signed (already decrypted) ID token."""
        decoded = await self._open(id_token, what="id_token", must_be_encrypted=False)
        registry = jwt.JWTClaimsRegistry(
            leeway=ID_TOKEN_LEEWAY_SECONDS,
            iss={"essential": True, "value": (await self.metadata())["issuer"]},
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
        claims = dict(decoded.claims)
        # Core 3.1.3.7: with other audiences, azp must name the portal.
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != self.client_id:
            raise LoginFailed("id_token_azp")
        return claims

    async def verify_logout_token(self, logout_token: str) -> LogoutRequest:
        """OpenID Connect Back-Channel Logout 1.0, 2.6."""
        # It carries no personal data: the profile does not ask it encrypted.
        decoded = await self._open(logout_token, what="logout_token", must_be_encrypted=False)
        registry = jwt.JWTClaimsRegistry(
            leeway=ID_TOKEN_LEEWAY_SECONDS,
            iss={"essential": True, "value": (await self.metadata())["issuer"]},
            aud={"essential": True, "value": self.client_id},
            iat={"essential": True},
            jti={"essential": True},
        )
        try:
            registry.validate(decoded.claims)
        except JoseError as error:
            raise LoginFailed(f"logout_token_{getattr(error, 'claim', 'claims')}") from error
        claims = dict(decoded.claims)
        events = claims.get("events")
        if not isinstance(events, dict) or BACKCHANNEL_LOGOUT_EVENT not in events or "nonce" in claims:
            raise LoginFailed("logout_token_events")  # not a logout token (an ID token has a nonce)
        subject, sid = claims.get("sub"), claims.get("sid")
        if not isinstance(subject, str | None) or not isinstance(sid, str | None) or not (subject or sid):
            raise LoginFailed("logout_token_subject")
        return LogoutRequest(
            subject_hash=subject_hash(str(claims["iss"]), subject) if subject else "",
            provider_session_id=(sid or "")[:255],
        )

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
