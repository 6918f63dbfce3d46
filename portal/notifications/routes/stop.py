"""The stop link of a notification (/stop/<token>): no login needed. The
page says what the link stops and has one button; the post stops it and
shows what was stopped. A forged link gets 404, a used one 410."""

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


@public_page
async def stop(request: Request) -> Response:
    token = request.path_params["token"][:TOKEN_MAX]
    form = await ButtonForm.load(request)
    if not form.validate_submission():
        raise CsrfRefused()
    found = await db.run(request, _stop, secret=request.app.state.settings.secret_key, token=token)
    if found.status != "ok":
        return _refused(request, found)
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
