"""The trust network's profile in the test provider: client authentication
(client_secret_basic decoded as RFC 6749 says, private_key_jwt), signed
request objects (JAR), encryption to the client's key, and logout tokens.

The portal's public keys are read from the portal's own key store in the
same data directory: the test provider runs inside the portal's process, so
fetching its JWKS over HTTP would add nothing but a loop.
"""

from __future__ import annotations

import base64
import binascii
import time
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from authlib.oauth2.rfc6749 import InvalidClientError, InvalidRequestError
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from joserfc import jwe, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from portal.auth.keys import ENCRYPTION_ALGORITHM
from portal.auth.oidc import BACKCHANNEL_LOGOUT_EVENT
from portal.settings import SIGNING_ALGORITHMS

if TYPE_CHECKING:
    from portal.test_idp.parts import ProviderParts
    from portal.test_idp.state import Client

CONTENT_ENCRYPTION = "A256GCM"
REQUEST_OBJECT_LIFETIME = 600


def client_secret_basic(query_client: Any, request: Any) -> Any:
    """RFC 6749, 2.3.1: the id and secret are form-encoded before base64.
    (Authlib's own reader uses unquote, which leaves '+' for a space.)"""
    kind, _, value = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, colon, secret = decoded.partition(":")
    client = query_client(unquote_plus(client_id)) if colon else None
    if client is None:
        raise InvalidClientError(status_code=401)
    if client.check_client_secret(unquote_plus(secret)) and client.check_endpoint_auth_method(
        "client_secret_basic", "token"
    ):
        return client
    return None


class PrivateKeyJwt(JWTBearerClientAssertion):
    """RFC 7523 client assertions signed with the portal's key."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, provider: ProviderParts) -> None:
        super().__init__(validate_jti=True)
        self.provider = provider

    def get_audiences(self) -> list[str]:
        issuer = self.provider.settings.test_idp_issuer
        return [issuer, f"{issuer}/token"]

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        return self.provider.store.use_jti(f"{claims['sub']}:{jti}", expires_at=float(claims["exp"]))

    def resolve_client_public_key(self, client: Client) -> KeySet:
        return client_keys(self.provider)

    def process_assertion_claims(self, assertion: str, resolve_key: Any) -> dict[str, Any]:
        try:
            token = jwt.decode(assertion, resolve_key, algorithms=list(SIGNING_ALGORITHMS))
        except (JoseError, ValueError) as error:
            raise InvalidClientError(description="The client assertion does not verify.") from error
        self.verify_claims(token.claims)
        return dict(token.claims)


def client_keys(provider: ProviderParts) -> KeySet:
    """The portal's published keys (signing and encryption)."""
    return KeySet.import_key_set(provider.portal_keys.public_jwks())


def open_request_object(provider: ProviderParts, client: Client, request_object: str) -> dict[str, str]:
    """RFC 9101: the parameters inside a signed request object, checked."""
    try:
        token = jwt.decode(request_object, client_keys(provider), algorithms=list(SIGNING_ALGORITHMS))
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": client.client_id},
            aud={"essential": True, "value": provider.settings.test_idp_issuer},
            exp={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError) as error:
        raise InvalidRequestError("The request object does not verify.") from error
    claims = dict(token.claims)
    if claims.get("client_id", client.client_id) != client.client_id:
        raise InvalidRequestError("The request object is for another client.")
    return {name: value for name, value in claims.items() if isinstance(value, str) and name not in ("iss", "aud", "jti")}


def encrypt_for(provider: ProviderParts, signed: str) -> str:
    """A signed JWT encrypted to the portal's newest encryption key (nested JWT)."""
    keys = provider.portal_keys.public_jwks()["keys"]
    public = KeySet.import_key_set({"keys": [key for key in keys if key["use"] == "enc"]}).keys[0]
    header = {"alg": ENCRYPTION_ALGORITHM, "enc": CONTENT_ENCRYPTION, "kid": public.kid, "cty": "JWT"}
    return jwe.encrypt_compact(header, signed.encode(), public, algorithms=[ENCRYPTION_ALGORITHM, CONTENT_ENCRYPTION])


def logout_token(provider: ProviderParts, client: Client, *, subject: str, sid: str) -> str:
    """OpenID Connect Back-Channel Logout 1.0, 2.4."""
    issued = int(time.time())
    claims = {
        "iss": provider.settings.test_idp_issuer, "aud": client.client_id, "iat": issued, "exp": issued + 120,
        "jti": str(uuid.uuid4()), "sub": subject, "sid": sid, "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
    }
    return provider.sign(claims, typ="logout+jwt")


async def send_logouts(provider: ProviderParts) -> None:
    """Post a logout token to each client the person had signed in to
    (Back-Channel Logout 1.0, 2.5). A client that does not answer is skipped:
    the person's logout here must not wait for it."""
    import logging

    import httpx2 as httpx

    pending, provider.pending_logouts = provider.pending_logouts, []
    async with httpx.AsyncClient(transport=provider.backchannel_transport, timeout=5) as http:
        for client, subject, sid in pending:
            if not client.backchannel_logout_uri:
                continue
            token = logout_token(provider, client, subject=subject, sid=sid)
            try:
                await http.post(client.backchannel_logout_uri, data={"logout_token": token})
            except httpx.HTTPError:
                logging.getLogger("portal.test_idp").warning("back-channel logout to %s failed", client.client_id)
