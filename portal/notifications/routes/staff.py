"""The outbox for staff (/staff/outbox): every notification's state, the
parked ones first with a button to send again (a unit manager), and what
each says. Nothing shows whose it is: a client's address is masked; the
answers to accessibility feedback show their address, as the feedback queue
does. Without SMTP or a gateway (development) this is where notifications
land: the "development outbox"."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import clock, db
from portal.auth.permissions import Action, can
from portal.forms import CsrfRefused
from portal.notifications import contacts, outbox, sender, stop_links, texts
from portal.notifications.forms import ButtonForm
from portal.notifications.models import CHOOSABLE, Category, ContactPoint, Notification
from portal.web.guard import staff_route
from portal.web.templating import render
from portal.web.errors import not_found


def _words(row: Notification, contact: ContactPoint | None, *, base_url: str, secret: str) -> str:
    """What the notification says (or said), as the staff may see it."""
    if row.body and row.category != Category.CONFIRMATION_CODE.value:
        return row.body
    if row.category == Category.CONFIRMATION_CODE.value:
        return row.body if row.outcome == "sent" and row.provider_ref == "development" else ""
    if row.category not in CHOOSABLE:
        return ""
    language = contact.language if contact is not None else row.language
    return texts.render(category=row.category, channel=row.channel, language=language, base_url=base_url,
                        stop_url=stop_links.url_for(base_url, secret, row)).text


def _page(session: Session, *, before_id: int | None, base_url: str, secret: str) -> dict[str, Any]:
    rows = outbox.newest(session, before_id=before_id, limit=outbox.PAGE_SIZE + 1)
    more = len(rows) > outbox.PAGE_SIZE
    rows = rows[:outbox.PAGE_SIZE]
    parked = outbox.parked(session) if before_id is None else []
    shown_rows = [*parked, *rows]
    people = {row.person_id for row in shown_rows if row.person_id is not None}
    found = session.exec(select(ContactPoint).where(col(ContactPoint.person_id).in_(people))).all() if people else []
    by_key = {(contact.person_id, contact.channel): contact for contact in found}

    def item(row: Notification) -> dict[str, Any]:
        contact = by_key.get((row.person_id, row.channel))
        address = row.to_address or (contact.address if contact is not None else "")
        client_address = row.category != Category.ACCESSIBILITY_ANSWER.value
        return {"row": row, "name": texts.NAMES.get(row.category, row.category),
                "address": contacts.masked(row.channel, address) if client_address else address,
                "words": _words(row, contact, base_url=base_url, secret=secret)}

    return {"parked": [item(row) for row in parked], "rows": [item(row) for row in rows],
            "next_before": rows[-1].id if more and rows else None, "counts": outbox.counts(session)}


@staff_route(Action.STAFF_HANDLE_FEEDBACK)
async def outbox_page(request: Request) -> Response:
    before = request.query_params.get("before", "")
    before_id = int(before) if before.isascii() and before.isdigit() and len(before) < 12 else None
    settings = request.app.state.settings
    page = await db.run(request, _page, before_id=before_id, base_url=settings.base_url, secret=settings.secret_key)
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
