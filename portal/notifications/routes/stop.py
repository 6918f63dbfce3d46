"""The stop link of a notification (/stop/<token>): no login needed. The
page says what the link stops and has one button; the post stops it and
shows what was stopped. A forged link gets 404, a used one 410.

An e-mail program's own "unsubscribe" button posts
`List-Unsubscribe=One-Click` to the same address with no cookies (RFC 8058,
announced by the e-mail's List-Unsubscribe-Post header). That post needs no
form token: the signed link is the permission, and a site that could forge
the post would need the link itself."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import clock, db
from portal.forms import CsrfRefused
from portal.notifications import stop_links
from portal.notifications.forms import ButtonForm
from portal.notifications.models import CHOOSABLE
from portal.notifications.texts import NAMES
from portal.web.guard import public_page
from portal.web.templating import render
from portal.web.errors import not_found

TOKEN_MAX = 60


def _refused(request: Request, found: stop_links.Found) -> Response:
    if found.status == "used":
        return render(request, "notifications/stop_used.html", {"name": NAMES[found.category]}, status_code=410)
    return render(request, "notifications/stop_forged.html", status_code=404)


def _find(session: Session, *, secret: str, token: str) -> stop_links.Found:
    return stop_links.find(session, secret=secret, token=token)


def _stop(session: Session, *, secret: str, token: str) -> stop_links.Found:
    return stop_links.stop(session, secret=secret, token=token, now=clock.now())


@public_page
async def stop_page(request: Request) -> Response:
    token = request.path_params["token"][:TOKEN_MAX]
    found = await db.run(request, _find, secret=request.app.state.settings.secret_key, token=token)
    if found.status != "ok":
        return _refused(request, found)
    return render(request, "notifications/stop.html", {"name": NAMES[found.category], "token": token})


ONE_CLICK = ("List-Unsubscribe", "One-Click")  # RFC 8058


@public_page
async def stop(request: Request) -> Response:
    token = request.path_params["token"][:TOKEN_MAX]
    one_click = (await request.form()).get(ONE_CLICK[0]) == ONE_CLICK[1]
    if not one_click and not (await ButtonForm.load(request)).validate_submission():
        raise CsrfRefused()
    found = await db.run(request, _stop, secret=request.app.state.settings.secret_key, token=token)
    if found.status != "ok":
        return _refused(request, found)
    if one_click:  # a mail program, not a person: the answer itself, no redirect to follow
        return render(request, "notifications/stopped.html", {"name": NAMES[found.category]})
    return RedirectResponse(f"/stopped/{found.category}", status_code=303)


@public_page
async def stopped(request: Request) -> Response:
    category = request.path_params["category"]
    if category not in CHOOSABLE:
        return not_found(request)
    return render(request, "notifications/stopped.html", {"name": NAMES[category]})


routes = [
    Route("/stop/{token}", stop_page, name="notification_stop"),
    Route("/stop/{token}", stop, methods=["POST"], name="notification_stop_post"),
    Route("/stopped/{category}", stopped, name="notification_stopped"),
]
