"""The client's calendar address for their phone, and the feed itself."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import db
from portal.auth.permissions import Action
from portal.forms import CsrfRefused, PortalForm
from portal.schedule import feed
from portal.schedule.calendar_days import today
from portal.web.guard import Viewer, client_route, public, request_meta
from portal.web.templating import render
from portal.web.client_log import log_for_client


def _address(request: Request, token: str) -> str:
    return f"{request.app.state.settings.base_url.rstrip('/')}/calendar/{token}.ics"


def _feed_token(session: Session, *, viewer: Viewer, meta: dict[str, str], secret_key: str) -> str | None:
    assert viewer.subject is not None and viewer.subject.id is not None
    found = feed.active(session, person_id=viewer.subject.id)
    log_for_client(session, viewer, meta, action="read", object_type="calendar_feed")
    return feed.token_for(secret_key, found.salt) if found else None


@client_route(Action.MANAGE_CALENDAR)
async def calendar_settings(request: Request) -> Response:
    viewer = request.state.viewer
    token = await db.run(request, _feed_token, viewer=viewer, meta=request_meta(request),
                         secret_key=request.app.state.settings.secret_key)
    # A shared kiosk never shows the secret address: the next person could copy it.
    return render(request, "schedule/calendar.html",
                  {"viewer": viewer, "has_address": token is not None,
                   "address": _address(request, token) if token and not viewer.kiosk else None,
                   "revoked": request.query_params.get("revoked") == "1"})


def _change(session: Session, *, viewer: Viewer, meta: dict[str, str], secret_key: str, make: bool) -> None:
    assert viewer.subject is not None and viewer.subject.id is not None
    if make:
        made = feed.create(session, person_id=viewer.subject.id, secret_key=secret_key)
        log_for_client(session, viewer, meta, action="change", object_type="calendar_feed", object_id=str(made.id))
    elif feed.revoke(session, person_id=viewer.subject.id):
        log_for_client(session, viewer, meta, action="change", object_type="calendar_feed")


async def _post(request: Request, *, make: bool) -> Response:
    form = await PortalForm.load(request)
    if not form.validate_submission():
        raise CsrfRefused()
    await db.run(request, _change, viewer=request.state.viewer, meta=request_meta(request),
                 secret_key=request.app.state.settings.secret_key, make=make)
    return RedirectResponse("/settings/calendar" + ("" if make else "?revoked=1"), status_code=303)


@client_route(Action.MANAGE_CALENDAR)
async def make_address(request: Request) -> Response:
    return await _post(request, make=True)


@client_route(Action.MANAGE_CALENDAR)
async def revoke_address(request: Request) -> Response:
    return await _post(request, make=False)


def _calendar(session: Session, *, token: str, base_url: str) -> bytes | None:
    return feed.calendar(session, token=token, today=today(), base_url=base_url)


@public
async def calendar_feed(request: Request) -> Response:
    """The secret address: the token is the only key, so an unknown one is simply not found."""
    body = await db.run(request, _calendar, token=request.path_params["token"],
                        base_url=request.app.state.settings.base_url)
    if body is None:
        return Response("Not found\n", status_code=404, media_type="text/plain")
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=900", "X-Robots-Tag": "noindex"})


routes = [
    Route("/settings/calendar", calendar_settings, name="client_calendar"),
    Route("/settings/calendar/make", make_address, methods=["POST"], name="client_calendar_make"),
    Route("/settings/calendar/revoke", revoke_address, methods=["POST"], name="client_calendar_revoke"),
    Route("/calendar/{token}.ics", calendar_feed, name="calendar_feed"),
]
