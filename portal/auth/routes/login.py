"""Login and logout, for clients and staff (choosing whose matters to handle
and keeping the session alive: session.py)."""

from __future__ import annotations

import hmac
import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from sqlmodel import Session

from portal import access_log, db, rate_limit
from portal.auth import login, sessions
from portal.auth.oidc import LoginFailed, OidcProvider
from portal.auth.tokens import what_helps
from portal.auth.forms import LogoutForm
from portal.forms import CsrfRefused, csrf
from portal.metrics import instruments
from portal.web import kiosk
from portal.web.guard import public, request_meta
from portal.web.redirects import local_path
from portal.web.templating import render

log = logging.getLogger("portal.login")
STATE_COOKIE = {"client": "portal_login_state", "staff": "portal_staff_login_state"}
LOGIN_PATH = {"client": "/login", "staff": "/staff/login"}
HOME = {"client": "/home", "staff": "/staff"}
# The provider's answers when the person cancelled or did not sign in
# (OpenID Connect Core 3.1.2.6): the person's own choice, not a failure.
CANCELLED = frozenset({"access_denied", "login_required", "interaction_required", "consent_required"})


def _provider(request: Request, audience: str) -> OidcProvider:
    return request.app.state.oidc[audience]


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="lax",
        secure=request.app.state.settings.secure_cookies, path="/",
    )


def _rotate_form_key(request: Request, response: Response) -> None:
    """A new CSRF seed whenever who is logged in changes: a token read before
    the login (or by the previous person on a shared device) no longer works."""
    set_cookie(request, response, csrf.COOKIE_NAME, csrf.new_seed())


def _rate_limited(session: Session, *, limit: rate_limit.Limit, key: str, secret: str) -> bool:
    return not rate_limit.allow(session, limit=limit, key=key, secret=secret)


async def _start_login(request: Request, audience: str) -> Response:
    meta = request_meta(request)
    secret = request.app.state.settings.secret_key
    if await db.run(request, _rate_limited, limit=rate_limit.LOGIN_PER_ADDRESS, key=meta["ip_address"], secret=secret):
        return render(request, "auth/too_many.html", status_code=429)
    try:
        authorization = await _provider(request, audience).authorization_request()
    except LoginFailed as error:
        if what_helps(error.reason) == "later":
            return render(request, "auth/provider_unavailable.html", status_code=503)
        return await _failed(request, error.reason, audience=audience, status_code=502)  # e.g. a wrong issuer
    return_to = local_path(request.query_params.get("next"))
    await db.run(
        request, login.begin, audience=audience, request=authorization,
        return_to="" if return_to == "/" else return_to,
    )
    response = RedirectResponse(authorization.url, status_code=303)
    set_cookie(request, response, STATE_COOKIE[audience], authorization.state, max_age=600)
    return response


def _record_failure(session: Session, *, reason: str, meta: dict[str, str], secret: str, log: bool) -> bool:
    """Log a failed callback; True while this address is under its limit."""
    if log:
        access_log.record(session, action="login_failed", object_type=reason, **meta)
    return rate_limit.allow(session, limit=rate_limit.FAILED_CALLBACK_PER_ADDRESS, key=meta["ip_address"], secret=secret)


async def _failed(
    request: Request, reason: str, *, audience: str = "client", status_code: int = 400, log_event: bool = True
) -> Response:
    meta = request_meta(request)
    under_limit = await db.run(
        request, _record_failure, reason=reason, meta=meta, secret=request.app.state.settings.secret_key,
        log=log_event,
    )
    # The reference on the page is the request id: support finds it in the
    # access log's event and in this line. The reason is a short code.
    log.warning("login failed: audience=%s reason=%s reference=%s", audience, reason, meta["request_id"])
    instruments.login_failed(audience=audience, reason=reason)
    if not under_limit:
        return render(request, "auth/too_many.html", status_code=429)
    context = {"helps": what_helps(reason), "reference": meta["request_id"], "login_path": LOGIN_PATH[audience]}
    return render(request, "auth/login_failed.html", context, status_code=status_code)


async def _identity_over_limit(request: Request, identity_code: str) -> bool:
    """Count one failed login for this identity; True once it has failed too often."""
    return await db.run(
        request, _rate_limited, limit=rate_limit.FAILED_LOGIN_PER_IDENTITY,
        key=identity_code.strip().upper(), secret=request.app.state.settings.secret_key,
    )


def _record_cancel(session: Session, *, state: str, audience: str, meta: dict[str, str]) -> None:
    """Use up the attempt a cancel names, and log the cancel if it was ours."""
    if login.claim(session, state=state, audience=audience) is not None:
        access_log.record(session, action="login_failed", object_type="provider_error", **meta)


async def _cancelled(request: Request, *, state: str, state_matches: bool, audience: str) -> Response:
    """The person cancelled at the provider. That is no failed attempt: it
    counts toward no limit, and the page says the identification was
    interrupted even when the address is over a limit. At an activity centre
    a whole house shares one address, and a cancel by one person must not
    lock the others out. (A forged cancel gets this page and changes nothing.)"""
    meta = request_meta(request)
    if state and state_matches:
        await db.run(request, _record_cancel, state=state, audience=audience, meta=meta)
    log.info("login cancelled: audience=%s reference=%s", audience, meta["request_id"])
    context = {"helps": "provider_error", "reference": meta["request_id"], "login_path": LOGIN_PATH[audience]}
    return render(request, "auth/login_failed.html", context, status_code=400)


async def _callback(request: Request, audience: str) -> Response:
    state = request.query_params.get("state", "")
    cookie_state = request.cookies.get(STATE_COOKIE[audience], "")
    # Bytes: compare_digest raises on a str that is not ASCII.
    state_matches = bool(state and cookie_state and hmac.compare_digest(state.encode(), cookie_state.encode()))
    error = request.query_params.get("error")
    if error in CANCELLED:
        return await _cancelled(request, state=state, state_matches=state_matches, audience=audience)
    if not state_matches:
        return await _failed(request, "state_mismatch", audience=audience)
    pending = await db.run(request, login.claim, state=state, audience=audience)
    if pending is None:
        return await _failed(request, "state_unknown", audience=audience)
    if error:  # the provider refused the portal's request
        return await _failed(request, "provider_refused", audience=audience)
    code = request.query_params.get("code", "")
    if not code:
        return await _failed(request, "code_missing", audience=audience)
    try:
        identity = await _provider(request, audience).redeem(
            code=code, code_verifier=pending.code_verifier, nonce=pending.nonce,
            issuer=request.query_params.get("iss"),
        )
    except LoginFailed as error:
        if error.identity_code and await _identity_over_limit(request, error.identity_code):
            return render(request, "auth/too_many.html", status_code=429)
        status_code = 403 if error.reason == "level_of_assurance" else 400
        return await _failed(request, error.reason, audience=audience, status_code=status_code)

    result = await db.run(
        request,
        login.complete,
        audience=audience,
        identity=identity,
        vault=request.app.state.vault,
        mandates=request.app.state.mandates,
        kiosk=kiosk.is_kiosk(request),
        replacing_token=request.cookies.get(sessions.COOKIE_NAMES[audience]),
        return_to=pending.return_to,
        meta=request_meta(request),
    )
    if result.outcome != "ok" and await _identity_over_limit(request, identity.identity_code):
        return render(request, "auth/too_many.html", status_code=429)
    if result.outcome == "not_client":
        return render(request, "auth/not_client.html", status_code=403)
    if result.outcome == "not_staff":
        return render(request, "auth/not_staff.html", status_code=403)
    if result.outcome == "no_identity_code":
        return render(request, "auth/no_identity_code.html", status_code=403)
    if result.outcome != "ok":  # login.complete has logged it
        return await _failed(request, result.outcome, audience=audience, log_event=False)
    assert result.token is not None
    response = RedirectResponse(local_path(result.landing), status_code=303)
    set_cookie(request, response, sessions.COOKIE_NAMES[audience], result.token)
    response.delete_cookie(STATE_COOKIE[audience], path="/")
    _rotate_form_key(request, response)
    return response


async def _logout(request: Request, audience: str) -> Response:
    form = await LogoutForm.load(request)
    if not form.validate_submission():
        raise CsrfRefused()
    id_token = await db.run(
        request,
        login.logout,
        token=request.cookies.get(sessions.COOKIE_NAMES[audience]),
        audience=audience,
        vault=request.app.state.vault,
        meta=request_meta(request),
    )
    target = None
    if id_token:
        target = await _provider(request, audience).end_session_url(id_token=id_token)
    prefix = "/staff" if audience == "staff" else ""
    response = RedirectResponse(target or f"{prefix}/logged-out", status_code=303)
    response.delete_cookie(sessions.COOKIE_NAMES[audience], path="/")
    _rotate_form_key(request, response)
    return response


def _logged_out(request: Request, audience: str) -> Response:
    if kiosk.is_kiosk(request):
        return RedirectResponse("/", status_code=303)  # a shared device returns to the start
    return render(request, "auth/logged_out.html", {"audience": audience})


@public
async def client_login(request: Request) -> Response:
    return await _start_login(request, "client")


@public
async def client_callback(request: Request) -> Response:
    return await _callback(request, "client")


@public
async def client_logout(request: Request) -> Response:
    return await _logout(request, "client")


@public
async def client_logged_out(request: Request) -> Response:
    return _logged_out(request, "client")


@public
async def staff_login(request: Request) -> Response:
    return await _start_login(request, "staff")


@public
async def staff_callback(request: Request) -> Response:
    return await _callback(request, "staff")


@public
async def staff_logout(request: Request) -> Response:
    return await _logout(request, "staff")


@public
async def staff_logged_out(request: Request) -> Response:
    return _logged_out(request, "staff")


routes = [
    Route("/login", client_login, name="client_login"),
    Route("/login/callback", client_callback, name="client_callback"),
    Route("/logout", client_logout, methods=["POST"], name="client_logout"),
    Route("/logged-out", client_logged_out, name="client_logged_out"),
    Route("/staff/login", staff_login, name="staff_login"),
    Route("/staff/login/callback", staff_callback, name="staff_callback"),
    Route("/staff/logout", staff_logout, methods=["POST"], name="staff_logout"),
    Route("/staff/logged-out", staff_logged_out, name="staff_logged_out"),
]
