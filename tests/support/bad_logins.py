"""A login gone wrong on purpose: the provider's ID token (or userinfo)
changed on its way to the portal (the `tamper` fixture, `reissue`), and what a
refused login must leave behind: a failed-login event, no session."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx2
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlmodel import Session, func, select

from portal.models import AccessEvent, LoginSession
from portal.test_idp.keys import SigningKey


class TamperingTransport(httpx2.AsyncBaseTransport):
    """Passes the portal's back-channel calls to the provider, changing the
    ID token in the token response the way a broken or hostile provider would."""

    def __init__(
        self, inner: httpx2.AsyncBaseTransport, change: Callable[[str], str],
        userinfo: Callable[[dict], httpx2.Response] | None = None,  # type: ignore[type-arg]
    ) -> None:
        self.inner = inner
        self.change = change
        self.userinfo = userinfo

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith("/userinfo") and self.userinfo is not None:
            return self.userinfo(json.loads(await response.aread()))
        if not request.url.path.endswith("/token") or response.status_code != 200:
            return response
        body = json.loads(await response.aread())
        body["id_token"] = self.change(body["id_token"])
        return httpx2.Response(200, json=body)


def reissue(key: RSAKey, kid: str, **changes: object) -> Callable[[str], str]:
    def change(id_token: str) -> str:
        claims = json.loads(payload(id_token))
        claims.update(changes)
        return jwt.encode({"alg": "RS256", "kid": kid}, claims, key)

    return change


def payload(id_token: str) -> bytes:
    import base64

    part = id_token.split(".")[1]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def sessions_count(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(LoginSession)).one()


def failures(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(AccessEvent.object_type).where(AccessEvent.action == "login_failed")).all())


@pytest.fixture
def tamper(idp_app, settings):  # type: ignore[no-untyped-def]
    def install(
        change_for_key: Callable[[SigningKey], Callable[[str], str]],
        userinfo: Callable[[dict], httpx2.Response] | None = None,  # type: ignore[type-arg]
    ) -> None:
        signing = SigningKey(settings.data_dir)
        inner = httpx2.ASGITransport(app=idp_app)
        for provider in idp_app.state.oidc.values():
            provider.transport = TamperingTransport(inner, change_for_key(signing), userinfo)

    return install
