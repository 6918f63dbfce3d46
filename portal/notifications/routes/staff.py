"""The outbox for staff (/staff/outbox): every notification's state, the
parked ones first with a button to send again (a unit manager), and what
each says. Nothing shows whose it is: a client's address is masked; the
answers to accessibility feedback show their address, as the feedback queue
does. Without SMTP or a gateway (development) this is where notifications
land: the "development outbox"."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import clock, db
from portal.auth.permissions import Action, can
from portal.forms import CsrfRefused
from portal.notifications import outbox, outbox_view, sender
from portal.notifications.forms import ButtonForm
from portal.web.guard import staff_route
from portal.web.templating import render
from portal.web.errors import not_found


@staff_route(Action.STAFF_HANDLE_FEEDBACK)
async def outbox_page(request: Request) -> Response:
    before = request.query_params.get("before", "")
    before_id = int(before) if before.isascii() and before.isdigit() and len(before) < 12 else None
    settings = request.app.state.settings
    page = await db.run(request, outbox_view.page, before_id=before_id, base_url=settings.base_url, secret=settings.secret_key)
    viewer = request.state.viewer
    return render(request, "notifications/staff_outbox.html", {
        **page, "may_retry": can(viewer.actor, Action.STAFF_RETRY_NOTIFICATION, None),
        "development": not settings.smtp_host or not settings.sms_url,
        "in_use": sender.channels_in_use(settings), "settings": settings,
        "retried": request.query_params.get("retried") == "1",
    })


def _retry(session: Session, *, notification_id: int) -> bool:
    return outbox.retry(session, notification_id=notification_id, now=clock.now())


@staff_route(Action.STAFF_RETRY_NOTIFICATION)
async def retry(request: Request) -> Response:
    form = await ButtonForm.load(request)
    if not form.validate_submission():
        raise CsrfRefused()
    if not await db.run(request, _retry, notification_id=int(request.path_params["notification_id"])):
        return not_found(request)
    return RedirectResponse("/staff/outbox?retried=1", status_code=303)


routes = [
    Route("/staff/outbox", outbox_page, name="staff_outbox"),
    Route("/staff/outbox/{notification_id:id}/retry", retry, methods=["POST"], name="staff_outbox_retry"),
]
