"""The test provider's endpoints, mounted at /test-idp."""

from __future__ import annotations

import string
from collections.abc import Callable

from authlib.oauth2.rfc6749 import InvalidRequestError, OAuth2Error, OAuth2Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from portal.auth.keys import DECRYPTION_ALGORITHMS
from portal.settings import LOA_FTN_HIGH, LOA_FTN_SUBSTANTIAL, LOA_HIGH, LOA_LOW, LOA_SUBSTANTIAL, SIGNING_ALGORITHMS, Settings
from portal.test_idp import profile, state
from portal.test_idp.forms import LEVELS, SignInForm
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


# RFC 6749, Appendix A (and RFC 7636, 4.1 and 4.2): the grammar of the
# authorization request's own parameters, all ASCII.
_VSCHAR = frozenset(map(chr, range(0x20, 0x7F)))
_NQCHAR = _VSCHAR - {" ", '"', "\\"}
_URI = frozenset(string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%")
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
GRAMMAR = {
    "client_id": _VSCHAR,
    "state": _VSCHAR,
    "response_type": frozenset(string.ascii_letters + string.digits + "_ "),
    "scope": _NQCHAR | {" "},
    "redirect_uri": _URI,
    "code_challenge": _UNRESERVED,
    "code_challenge_method": frozenset(string.ascii_letters + string.digits),
}


def malformed_parameter(params: QueryParams | FormData) -> str | None:
    """The name of a parameter whose value breaks its grammar, else None.

    Such a request comes from no client that follows the standard, so it gets
    this provider's own 400 page, and nothing of it is sent anywhere. (Authlib
    quotes response_type and redirect_uri in its error descriptions, and
    raises ValueError when a description would hold a character that RFC 6749
    does not allow there: this check comes first.)"""
    for name, value in params.multi_items():
        allowed = GRAMMAR.get(name)
        if allowed is not None and isinstance(value, str) and not set(value) <= allowed:
            return name
    return None


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
        "id_token_signing_alg_values_supported": [settings.test_idp_algorithm],
        "userinfo_signing_alg_values_supported": [settings.test_idp_algorithm],
        "id_token_encryption_alg_values_supported": [DECRYPTION_ALGORITHMS[0]],
        "id_token_encryption_enc_values_supported": [profile.CONTENT_ENCRYPTION],
        "userinfo_encryption_alg_values_supported": [DECRYPTION_ALGORITHMS[0]],
        "userinfo_encryption_enc_values_supported": [profile.CONTENT_ENCRYPTION],
        "request_parameter_supported": True,
        "request_object_signing_alg_values_supported": list(SIGNING_ALGORITHMS),
        "token_endpoint_auth_methods_supported": list(state.AUTH_METHODS),
        "token_endpoint_auth_signing_alg_values_supported": list(SIGNING_ALGORITHMS),
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "acr_values_supported": [LOA_SUBSTANTIAL, LOA_HIGH, LOA_LOW, LOA_FTN_SUBSTANTIAL, LOA_FTN_HIGH],
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "acr",
            "sid",
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


def refused(request: Request, provider: Provider, error: OAuth2Error, params: QueryParams | None = None) -> Response:
    """An error goes back to the client once its id and address check out
    (RFC 6749, 4.1.2.1; OpenID Core 3.1.2.6); before that, this page: nothing
    is sent to an address before it is checked."""
    data = params if params is not None else request.query_params
    client = provider.query_client(data.get("client_id", ""))
    redirect_uri = data.get("redirect_uri", "")
    if client is not None and redirect_uri and client.check_redirect_uri(redirect_uri):
        error.redirect_uri = redirect_uri
        error.state = data.get("state")
        return provider.handle_error_response(None, error)
    context = {"error": error.error, "description": error.get_error_description()}
    return render(request, "test_idp/refused.html", context, status_code=400)


def with_request_object(provider: Provider, http: HttpRequest) -> HttpRequest:
    """The authorization request's parameters, from its request object if it has one."""
    client = provider.query_client(http.query.get("client_id", ""))
    if http.method != "GET" or client is None:
        return http
    request_object = http.query.get("request")
    if request_object is None:
        if client.signed_requests:  # the client's profile signs every request
            raise InvalidRequestError("Send the request as a signed request object.")
        return http
    inside = profile.open_request_object(provider, client, request_object)
    return HttpRequest(http.method, http.url, http.headers, QueryParams(inside), http.form)


def routes(settings: Settings, provider: Provider) -> list[BaseRoute]:
    """The test provider's routes. Its codes and tokens live in the database
    (provider.store): Authlib's calls are synchronous, so each runs in a
    worker thread, off the event loop."""

    async def answer(call: Callable[[], Response]) -> Response:
        def guarded() -> Response:
            try:
                return call()
            except OAuth2Error as error:  # e.g. plain http on a non-loopback address
                return provider.handle_error_response(None, error)

        return await run_in_threadpool(guarded)

    async def discovery(_request: Request) -> Response:
        return JSONResponse(metadata(settings))

    async def jwks(_request: Request) -> Response:
        return JSONResponse(provider.signing_key.public_jwks())

    async def authorize(request: Request) -> Response:
        http = await HttpRequest.read(request)
        if (name := malformed_parameter(http.query) or malformed_parameter(http.form)) is not None:
            context = {"error": "invalid_request", "description": f"Malformed '{name}'."}
            return render(request, "test_idp/refused.html", context, status_code=400)
        try:
            http = with_request_object(provider, http)
            # No sign-in session is kept here: prompt=none always gets login_required.
            grant = await run_in_threadpool(provider.get_consent_grant, http)
        except OAuth2Error as error:
            posted = [(name, value) for name, value in http.form.multi_items() if isinstance(value, str)]
            return refused(request, provider, error, QueryParams([*http.query.multi_items(), *posted]))
        form = await SignInForm.load(request, level=requested_level(grant.request))
        context = {"form": form, "parameters": carried_parameters(grant.request)}
        if request.method == "POST":
            if http.form.get("cancel"):  # back to the client with access_denied
                form.validate_submission()  # only for its CSRF check: a cancel needs no answers
                return await answer(lambda: provider.create_authorization_response(grant.request, grant_user=None, grant=grant))
            if form.validate_submission():
                sign_in = form.sign_in(auth_time=int(state.now()))
                return await answer(lambda: provider.create_authorization_response(grant.request, grant_user=sign_in, grant=grant))
            return render(request, "test_idp/sign_in.html", context, status_code=400)
        return render(request, "test_idp/sign_in.html", context)

    async def token(request: Request) -> Response:
        http = await HttpRequest.read(request)
        return await answer(lambda: provider.create_token_response(http))

    async def userinfo(request: Request) -> Response:
        http = await HttpRequest.read(request)
        return await answer(lambda: provider.create_endpoint_response("userinfo", http))

    async def logout(request: Request) -> Response:
        http = await HttpRequest.read(request)

        def end() -> Response | None:
            try:
                end_session = provider.validate_endpoint_request("end_session", http)
            except OAuth2Error:
                return None  # an unverifiable request: log out, but send nobody anywhere
            # A redirect when the address is registered; otherwise None, and our page.
            return provider.create_endpoint_response("end_session", end_session)  # type: ignore[no-any-return]

        response = await run_in_threadpool(end)
        await profile.send_logouts(provider)
        return response or render(request, "test_idp/logged_out.html")

    return [
        Route("/.well-known/openid-configuration", discovery, name="discovery"),
        Route("/jwks", jwks, name="jwks"),
        Route("/authorize", authorize, methods=["GET", "POST"], name="authorize"),
        Route("/token", token, methods=["POST"], name="token"),
        Route("/userinfo", userinfo, methods=["GET", "POST"], name="userinfo"),
        Route("/logout", logout, methods=["GET", "POST"], name="logout"),
    ]
