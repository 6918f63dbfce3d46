"""Every route declares who may reach it; this module enforces it.

`public` routes need nothing. `client_route(action)` and `staff_route(action)`
read the session cookie, the path and a posted form, and ask
portal.auth.access to decide: it loads the server-side session of that
audience, builds the Actor, asks portal.auth.permissions, and logs refusals.
The endpoint then gets a `Viewer` (request.state.viewer) with everything it
needs; a refusal becomes its page here.

Every guarded route also needs a level of login (portal.auth.levels): strong
unless it declares `level=Level.EASY`. An easy session on a strong page gets
the step-up page (log in with bank credentials, then back to the page), never
the page's data. Staff routes are always strong.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from functools import wraps

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal import db
from portal.auth import access as decisions
from portal.auth import sessions
from portal.auth.access import Access, Refusal, Viewer, event_fields, log_event
from portal.auth.levels import Level
from portal.auth.permissions import Action
from portal.forms import csrf
from portal.web.errors import forbidden, not_found
from portal.web.templating import render

__all__ = ["Access", "Viewer", "client_route", "event_fields", "log_event", "public", "public_page",
           "request_meta", "staff_route"]

Endpoint = Callable[[Request], Awaitable[Response]]


def public(endpoint: Endpoint) -> Endpoint:
    endpoint.access = Access("public")  # type: ignore[attr-defined]
    return endpoint


def public_page(endpoint: Endpoint) -> Endpoint:
    """A public page that keeps a logged-in person's header and menu.

    Anyone may open it; when the browser carries a live session, the page
    shows who is logged in, the logout button and the session's end, so the
    person does not lose their way. It only reads: the session is not
    extended and nothing is logged (the page shows no client data).
    """

    @wraps(endpoint)
    async def with_header(request: Request) -> Response:
        tokens = {audience: request.cookies.get(name) for audience, name in sessions.COOKIE_NAMES.items()}
        if any(tokens.values()):
            request.state.viewer = await db.run(
                request, decisions.header_viewer, tokens=tokens, mandates=request.app.state.mandates
            )
        return await endpoint(request)

    with_header.access = Access("public")  # type: ignore[attr-defined]
    return with_header


def request_meta(request: Request) -> dict[str, str]:
    host = request.client.host if request.client else ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        host = ""  # not an address (a test client, a unix socket)
    return {"request_id": request.state.request_id, "ip_address": host}


def client_route(
    action: Action, *, needs_subject: bool = True, long: bool = False, level: Level = Level.STRONG,
    repeatable: bool = False,
) -> Callable[[Endpoint], Endpoint]:
    """A client's page. `level=Level.EASY` opens it to an easy login too: only
    for pages of the client's own everyday matters (see the README's list)."""
    return _guarded(Access("client", action, needs_subject, long, level=level, repeatable=repeatable))


def staff_route(action: Action, *, long: bool = False) -> Callable[[Endpoint], Endpoint]:
    return _guarded(Access("staff", action, long=long, level=Level.STRONG))  # staff log in strongly, always


def _guarded(access: Access) -> Callable[[Endpoint], Endpoint]:
    def decorate(endpoint: Endpoint) -> Endpoint:
        @wraps(endpoint)
        async def guarded(request: Request) -> Response:
            form_data = None
            if request.method == "POST":
                form_data = [(key, value) for key, value in (await request.form()).multi_items() if isinstance(value, str)]
                if not csrf.matches(request.app.state.settings.secret_key, request.state.csrf_seed,
                                    dict(form_data).get("csrf_token")):
                    form_data = []  # not this browser's form: nothing of it is kept
            # The guard's checks and the page's own work share one transaction:
            # the page's first db.run continues it and commits it.
            async with db.request_transaction(request, long=access.long) as session:
                outcome = await run_in_threadpool(
                    decisions.decide_and_settle,
                    session,
                    access=access,
                    token=request.cookies.get(sessions.COOKIE_NAMES[access.audience]),
                    path=request.url.path,
                    path_params=dict(request.path_params),
                    form_data=form_data,
                    mandates=request.app.state.mandates,
                    vault=request.app.state.vault,
                    meta=request_meta(request),
                )
                if isinstance(outcome, Viewer):
                    request.state.viewer = outcome
                    return await endpoint(request)
                return _refusal_response(request, access, outcome)

        guarded.access = access  # type: ignore[attr-defined]
        return guarded

    return decorate


def _refusal_response(request: Request, access: Access, refusal: Refusal) -> Response:
    login_path = "/staff/login" if access.audience == "staff" else "/login"
    if refusal.kind == "choose":
        return RedirectResponse("/choose", status_code=303)
    if refusal.kind in ("login_needed", "draft_saved"):
        next_path = request.url.path
        return render(
            request,
            "auth/login_needed.html",
            {"login_url": f"{login_path}?next={next_path}", "draft_saved": refusal.kind == "draft_saved"},
            status_code=refusal.status_code,
        )
    if refusal.kind == "step_up":
        # 403, not 401: the person is logged in, but that login is not enough
        # for this page (RFC 9110 15.5.4). A 401 would need a WWW-Authenticate
        # challenge, which a redirect-based OpenID Connect login has none of.
        # After a form post there is no page to return to: the login lands home.
        request.state.viewer = refusal.viewer
        next_path = request.url.path if request.method in ("GET", "HEAD") else "/home"
        return render(request, "auth/step_up.html", {"login_url": f"{login_path}?next={next_path}"}, status_code=403)
    if refusal.kind == "not_found":
        return not_found(request)
    return forbidden(request)


