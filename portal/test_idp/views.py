"""The test provider's endpoints, mounted at /test-idp."""

from __future__ import annotations

from collections.abc import Callable

from authlib.oauth2.rfc6749 import OAuth2Error, OAuth2Request
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from portal.settings import LOA_HIGH, LOA_LOW, LOA_SUBSTANTIAL, Settings
from portal.test_idp import state
from portal.test_idp.forms import LEVELS, SignInForm
from portal.test_idp.keys import ALGORITHM
from portal.test_idp.server import HttpRequest, Provider
from portal.web.templating import render

# The authorization request's parameters, carried through the sign-in form.
CARRIED_PARAMETERS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "max_age",
    "acr_values",
    "ui_locales",
    "login_hint",
)


def metadata(settings: Settings) -> dict[str, object]:
    issuer = settings.test_idp_issuer
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks",
        "end_session_endpoint": f"{issuer}/logout",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "token_endpoint_auth_methods_supported": list(state.AUTH_METHODS),
        "acr_values_supported": [LOA_SUBSTANTIAL, LOA_HIGH, LOA_LOW],
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "acr",
            settings.claim_identity_code,
            settings.claim_given_name,
            settings.claim_family_name,
        ],
        "scopes_supported": list(state.SCOPES),
        "ui_locales_supported": ["fi", "sv", "en"],
    }


def carried_parameters(request: OAuth2Request) -> list[tuple[str, str]]:
    data = request.payload.data
    return [(name, data[name]) for name in CARRIED_PARAMETERS if data.get(name)]


def requested_level(request: OAuth2Request) -> str:
    """The first level the client asks for in acr_values, else substantial."""
    for level in (request.payload.data.get("acr_values") or "").split():
        if level in LEVELS:
            return level
    return LOA_SUBSTANTIAL


def refused(request: Request, error: OAuth2Error) -> Response:
    # Every faulty authorization request gets this page, never a redirect:
    # nothing is sent to an address before it is checked, and a developer
    # sees the reason at once.
    context = {"error": error.error, "description": error.get_error_description()}
    return render(request, "test_idp/refused.html", context, status_code=400)


def routes(settings: Settings) -> list[BaseRoute]:
    """The test provider's routes. Its codes and tokens live in this closure."""
    provider = Provider(settings)

    def answer(call: Callable[[], Response]) -> Response:
        try:
            return call()
        except OAuth2Error as error:  # e.g. plain http on a non-loopback address
            return provider.handle_error_response(None, error)

    async def discovery(_request: Request) -> Response:
        return JSONResponse(metadata(settings))

    async def jwks(_request: Request) -> Response:
        return JSONResponse(provider.signing_key.public_jwks())

    async def authorize(request: Request) -> Response:
        http = await HttpRequest.read(request)
        try:
            grant = provider.get_consent_grant(http)
        except OAuth2Error as error:
            return refused(request, error)
        form = await SignInForm.load(request, level=requested_level(grant.request))
        context = {"form": form, "parameters": carried_parameters(grant.request)}
        if request.method == "POST":
            if form.validate_submission():
                sign_in = form.sign_in(auth_time=int(state.now()))
                return provider.create_authorization_response(grant.request, grant_user=sign_in, grant=grant)
            return render(request, "test_idp/sign_in.html", context, status_code=400)
        return render(request, "test_idp/sign_in.html", context)

    async def token(request: Request) -> Response:
        http = await HttpRequest.read(request)
        return answer(lambda: provider.create_token_response(http))

    async def userinfo(request: Request) -> Response:
        http = await HttpRequest.read(request)
        return answer(lambda: provider.create_endpoint_response("userinfo", http))

    async def logout(request: Request) -> Response:
        http = await HttpRequest.read(request)
        try:
            end_session = provider.validate_endpoint_request("end_session", http)
        except OAuth2Error:
            end_session = None  # an unverifiable request: log out, but send nobody anywhere
        if end_session is not None:
            # A redirect when the address is registered; otherwise None, and our page.
            if response := provider.create_endpoint_response("end_session", end_session):
                return response
        return render(request, "test_idp/logged_out.html")

    return [
        Route("/.well-known/openid-configuration", discovery, name="discovery"),
        Route("/jwks", jwks, name="jwks"),
        Route("/authorize", authorize, methods=["GET", "POST"], name="authorize"),
        Route("/token", token, methods=["POST"], name="token"),
        Route("/userinfo", userinfo, methods=["GET", "POST"], name="userinfo"),
        Route("/logout", logout, methods=["GET", "POST"], name="logout"),
    ]
