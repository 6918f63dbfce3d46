"""What the identity providers call on the portal: its public keys (JWKS)
and back-channel logout (OpenID Connect Back-Channel Logout 1.0)."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from portal import db
from portal.auth import backchannel
from portal.auth.keys import JWKS_MAX_AGE
from portal.auth.oidc import LoginFailed
from portal.web.guard import public, request_meta

log = logging.getLogger("portal.login")


async def _backchannel_logout(request: Request, audience: str) -> Response:
    """OpenID Connect Back-Channel Logout 1.0: the provider posts a logout
    token; the person's sessions of this audience end. No cookies, no CSRF
    token: the signed logout token is the proof."""
    headers = {"Cache-Control": "no-store"}
    form = await request.form()
    logout_token = form.get("logout_token")
    if not isinstance(logout_token, str) or not logout_token:
        return JSONResponse({"error": "invalid_request"}, status_code=400, headers=headers)
    try:
        logout = await request.app.state.oidc[audience].verify_logout_token(logout_token)
    except LoginFailed as error:
        log.warning("back-channel logout refused: audience=%s reason=%s", audience, error.reason)
        return JSONResponse({"error": "invalid_request"}, status_code=400, headers=headers)
    await db.run(request, backchannel.end_sessions, audience=audience, logout=logout, meta=request_meta(request))
    return Response(status_code=200, headers=headers)


@public
async def client_backchannel_logout(request: Request) -> Response:
    return await _backchannel_logout(request, "client")


@public
async def staff_backchannel_logout(request: Request) -> Response:
    return await _backchannel_logout(request, "staff")


@public
async def jwks(request: Request) -> Response:
    """The portal's public keys, at an address that stays: providers fetch
    them to check its client assertions and request objects, and to encrypt."""
    keys = request.app.state.portal_keys.public_jwks()
    return JSONResponse(keys, headers={"Cache-Control": f"public, max-age={JWKS_MAX_AGE}"})


routes = [
    Route("/.well-known/jwks.json", jwks, name="jwks"),
    Route("/login/backchannel-logout", client_backchannel_logout, methods=["POST"], name="client_backchannel_logout"),
    Route(
        "/staff/login/backchannel-logout", staff_backchannel_logout, methods=["POST"], name="staff_backchannel_logout"
    ),
]
