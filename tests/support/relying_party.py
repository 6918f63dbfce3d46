"""A relying party's side of the bundled test identity provider, over the
test client: one authorization request (Login, with PKCE), the sign-in form
posted back as a browser would, the code from the redirect, and its
redemption at the token endpoint."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

from portal.settings import LOA_SUBSTANTIAL, Settings
from tests.support.helpers import soup
from tests.support.page_sanity import CheckedClient

BASE_URL = "http://127.0.0.1:8000"
ISSUER = f"{BASE_URL}/test-idp"
CALLBACK = f"{BASE_URL}/login/callback"


@dataclasses.dataclass
class Login:
    """One authorization request as a relying party makes it."""

    settings: Settings
    verifier: str = dataclasses.field(default_factory=lambda: secrets.token_urlsafe(48))
    state: str = dataclasses.field(default_factory=lambda: secrets.token_urlsafe(16))
    nonce: str = dataclasses.field(default_factory=lambda: secrets.token_urlsafe(16))

    @property
    def challenge(self) -> str:
        digest = hashlib.sha256(self.verifier.encode()).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def params(self, **changes: str | None) -> dict[str, str]:
        params: dict[str, str | None] = {
            "response_type": "code",
            "client_id": self.settings.client_oidc_client_id,
            "redirect_uri": CALLBACK,
            "scope": "openid profile",
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
            **changes,
        }
        return {name: value for name, value in params.items() if value is not None}


def hidden_fields(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    form = soup(page).find("main").find("form")
    return {field["name"]: field["value"] for field in form.find_all("input", type="hidden")}


def submit(client: CheckedClient, login: Login, **answers: str):  # type: ignore[no-untyped-def]
    """Open the sign-in page and post it back as a browser would."""
    page = client.get("/test-idp/authorize", params=login.params())
    assert page.status_code == 200
    return client.post("/test-idp/authorize", data={**hidden_fields(page), **answers}, follow_redirects=False)


def code_from(response, login: Login) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    query = parse_qs(location.query)
    assert query["state"] == [login.state]
    return query["code"][0]


def sign_in(client: CheckedClient, login: Login, **answers: str) -> str:
    answers = answers or {"person": "010280-952L", "level": LOA_SUBSTANTIAL}
    return code_from(submit(client, login, **answers), login)


def redeem(  # type: ignore[no-untyped-def]
    client: CheckedClient, login: Login, code: str, *, secret: str | None = None, verifier: str | None = None
):
    settings = login.settings
    return client.post(
        "/test-idp/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier or login.verifier,
        },
        auth=(settings.client_oidc_client_id, secret or settings.client_oidc_client_secret),
    )
