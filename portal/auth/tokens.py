"""Opening the JWTs a provider sends: decrypting (JWE) and checking signatures.

ID tokens, userinfo answers and logout tokens arrive signed (JWS), and in
the trust network's profile also encrypted to the portal's key (a JWE whose
content is the signed JWT). These functions raise LoginFailed with a short
reason for the log; they never log the token.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from joserfc import jwe, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from portal.auth.keys import DECRYPTION_ALGORITHMS


# RFC 7519 5.3 lets a provider repeat claims (iss, aud) in the JWE header;
# oidc-provider does. The signed content inside is what is checked.
DECRYPTION_REGISTRY = jwe.JWERegistry(algorithms=DECRYPTION_ALGORITHMS, strict_check_header=False)


class LoginFailed(Exception):
    """The login cannot be completed. `reason` is a short code for the log."""

    def __init__(self, reason: str, *, identity_code: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        # Set when the provider did identify the person (a too-low level of
        # assurance), so that failures count per identity too. Never logged.
        self.identity_code = identity_code


def is_encrypted(token: str) -> bool:
    return token.count(".") == 4  # a JWE in compact form has five parts


def decrypt(token: str, keys: KeySet, *, what: str) -> str:
    """The signed JWT inside an encrypted one."""
    try:
        return jwe.decrypt_compact(token, keys, registry=DECRYPTION_REGISTRY).plaintext.decode()
    except (JoseError, ValueError, UnicodeDecodeError) as error:
        if type(error).__name__ == "InvalidKeyIdError":
            raise LoginFailed(f"{what}_unknown_encryption_key") from error
        raise LoginFailed(f"{what}_decryption") from error


def unsigned_header(token: str) -> dict[str, Any]:
    """The JOSE header, unverified: only to tell why a token was refused."""
    import base64

    part = token.split(".")[0]
    try:
        return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))
    except ValueError:
        return {}


def verify_signature(token: str, keys: KeySet, algorithms: Collection[str], *, what: str) -> jwt.Token:
    header = unsigned_header(token)
    if header.get("alg") not in algorithms:
        # "none", HS256 with the public key as the secret, or just not agreed
        raise LoginFailed(f"{what}_algorithm")
    try:
        return jwt.decode(token, keys, algorithms=list(algorithms))
    except JoseError as error:
        if type(error).__name__ == "InvalidKeyIdError":
            raise LoginFailed("unknown_kid") from error
        raise LoginFailed(f"{what}_signature") from error
    except ValueError as error:
        raise LoginFailed(f"{what}_malformed") from error


# What helps after a failed login, by its reason. Only where trying again can
# help does the page say so; otherwise the portal and the login service
# disagree (keys, algorithms, registration, clocks) and only the centre can
# get it fixed, with the reference the page shows.
RETRY = frozenset({"state_mismatch", "state_unknown", "code_missing", "code_rejected"})
UNAVAILABLE = frozenset({"discovery_unavailable", "jwks_unavailable", "token_unavailable", "userinfo_unavailable"})
OWN_PAGES = frozenset({"level_of_assurance", "provider_error"})


def what_helps(reason: str) -> str:
    """'retry', 'later', the reason itself for a page of its own, or 'report'."""
    if reason in RETRY:
        return "retry"
    if reason in UNAVAILABLE:
        return "later"
    if reason in OWN_PAGES:
        return reason
    return "report"
