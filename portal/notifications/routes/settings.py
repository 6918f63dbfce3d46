"""The settings page of reminders (/settings/notifications, under "Omat
tietoni"): an e-mail address and a mobile number, each confirmed with a
code, and the categories on or off. A client for themself, or a delegate for
the client they act for (their own addresses; the categories their mandate
covers). A strong login: addresses change only after bank credentials or a
mobile certificate (the route's default level)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import clock, db, i18n
from portal.auth.permissions import Action
from portal.forms import CsrfRefused, PortalForm
from portal.notifications import contacts, preferences, sender
from portal.notifications.forms import (CODE_EXPIRED, CODE_NOTHING, CODE_TOO_MANY, CODES_LIMITED, ButtonForm,
                                        ChoicesForm, CodeForm, EmailForm, MobileForm)
from portal.notifications.models import Channel
from portal.web.guard import Viewer, client_route, log_event, request_meta
from portal.web.templating import render
from portal.web.errors import not_found

PATH = "/settings/notifications"
# The address in the path, and its channel: e-mail, or text messages to a mobile number.
KINDS = {"email": (Channel.EMAIL.value, EmailForm), "mobile": (Channel.SMS.value, MobileForm)}


def _footing(viewer: Viewer) -> str:
    return viewer.actor.footing or ""


def _state(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> dict[str, Any]:
    log_event(session, viewer.actor, meta, action="read", object_type="notification_settings",
              subject_id=viewer.subject.id)  # type: ignore[union-attr]
    return {"contacts": contacts.of_person(session, viewer.person.id),  # type: ignore[arg-type]
            "choices": preferences.choices(session, person_id=viewer.person.id, client_id=viewer.subject.id)}  # type: ignore[arg-type,union-attr]


async def _render(request: Request, *, forms: dict[str, PortalForm] | None = None, status_code: int = 200,
                  done: str = "") -> Response:
    viewer: Viewer = request.state.viewer
    state = await db.run(request, _state, viewer=viewer, meta=request_meta(request))
    forms = dict(forms or {})
    for kind, (_channel, form_class) in KINDS.items():
        if kind not in forms:
            forms[kind] = await form_class.load(request, prefix=f"{kind}-") if request.method == "GET" else \
                form_class(meta={"csrf_context": _context(request)}, prefix=f"{kind}-")
        if f"{kind}-code" not in forms:
            forms[f"{kind}-code"] = CodeForm(meta={"csrf_context": _context(request)}, prefix=f"{kind}-code-")
    if "choices" not in forms:
        forms["choices"] = ChoicesForm(meta={"csrf_context": _context(request)}, data=state["choices"])
    errors = [pair for form in forms.values() for pair in form.error_list]
    in_use = sender.channels_in_use(request.app.state.settings)
    return render(request, "notifications/settings.html", {
        **state, "forms": forms, "errors": errors, "done": done, "in_use": in_use,
        "covered": [category.value for category in preferences.categories_for(_footing(viewer))],
        "kinds": {kind: channel for kind, (channel, _form) in KINDS.items()},
        "shown": contacts.shown,
    }, status_code=status_code)


def _context(request: Request) -> tuple[str, str]:
    return request.app.state.settings.secret_key, request.state.csrf_seed


@client_route(Action.MANAGE_NOTIFICATIONS)
async def settings_page(request: Request) -> Response:
    return await _render(request, done=request.query_params.get("done", "")[:20])


def _start(session: Session, *, viewer: Viewer, channel: str, address: str, secret: str,
           meta: dict[str, str]) -> contacts.Started:
    started = contacts.start(session, person_id=viewer.person.id, channel=channel, address=address,  # type: ignore[arg-type]
                             language=i18n.get_locale(), now=clock.now(), secret=secret)
    if started.outcome != "limited":
        log_event(session, viewer.actor, meta, action="change", object_type="notification_contact",
                  subject_id=viewer.subject.id)  # type: ignore[union-attr]
    return started


def _address_route(kind: str) -> Any:
    channel, form_class = KINDS[kind]

    @client_route(Action.MANAGE_NOTIFICATIONS)
    async def add_address(request: Request) -> Response:
        form = await form_class.load(request, prefix=f"{kind}-")
        if channel not in sender.channels_in_use(request.app.state.settings):
            return not_found(request)
        if not form.validate_submission():
            return await _render(request, forms={kind: form}, status_code=400)
        started = await db.run(request, _start, viewer=request.state.viewer, channel=channel,
                               address=form.address.data, secret=request.app.state.settings.secret_key,
                               meta=request_meta(request))
        if started.outcome == "limited":
            form.address.errors = [CODES_LIMITED]
            return await _render(request, forms={kind: form}, status_code=429)
        done = "same" if started.outcome == "same" else f"{kind}-sent"
        return RedirectResponse(f"{PATH}?done={done}#{kind}", status_code=303)

    add_address.__name__ = f"add_{kind}"
    return add_address


def _confirm(session: Session, *, viewer: Viewer, channel: str, code: str, secret: str,
             meta: dict[str, str]) -> contacts.Confirmed:
    confirmed = contacts.confirm(session, person_id=viewer.person.id, channel=channel, code=code,  # type: ignore[arg-type]
                                 now=clock.now(), secret=secret)
    if confirmed.outcome == "confirmed":
        log_event(session, viewer.actor, meta, action="change", object_type="notification_contact",
                  subject_id=viewer.subject.id)  # type: ignore[union-attr]
    return confirmed


def _confirm_route(kind: str) -> Any:
    channel, _form_class = KINDS[kind]

    @client_route(Action.MANAGE_NOTIFICATIONS)
    async def confirm(request: Request) -> Response:
        form = await CodeForm.load(request, prefix=f"{kind}-code-")
        if not form.validate_submission():
            return await _render(request, forms={f"{kind}-code": form}, status_code=400)
        confirmed = await db.run(request, _confirm, viewer=request.state.viewer, channel=channel,
                                 code=form.code.data, secret=request.app.state.settings.secret_key,
                                 meta=request_meta(request))
        if confirmed.outcome == "confirmed":
            return RedirectResponse(f"{PATH}?done={kind}-confirmed#{kind}", status_code=303)
        if confirmed.outcome == "wrong":
            form.code.errors = [i18n.ngettext("Koodi on väärä. Voit yrittää vielä %(num)s kerran.",
                                              "Koodi on väärä. Voit yrittää vielä %(num)s kertaa.",
                                              confirmed.tries_left)]
        else:
            form.code.errors = [{"expired": CODE_EXPIRED, "too_many": CODE_TOO_MANY}.get(confirmed.outcome,
                                                                                        CODE_NOTHING)]
        return await _render(request, forms={f"{kind}-code": form}, status_code=400)

    confirm.__name__ = f"confirm_{kind}"
    return confirm


def _remove(session: Session, *, viewer: Viewer, channel: str, meta: dict[str, str]) -> bool:
    removed = contacts.remove(session, person_id=viewer.person.id, channel=channel)  # type: ignore[arg-type]
    if removed:
        log_event(session, viewer.actor, meta, action="change", object_type="notification_contact",
                  subject_id=viewer.subject.id)  # type: ignore[union-attr]
    return removed


def _remove_route(kind: str) -> Any:
    channel, _form_class = KINDS[kind]

    @client_route(Action.MANAGE_NOTIFICATIONS)
    async def remove(request: Request) -> Response:
        form = await ButtonForm.load(request)
        if not form.validate_submission():
            raise CsrfRefused()
        await db.run(request, _remove, viewer=request.state.viewer, channel=channel, meta=request_meta(request))
        return RedirectResponse(f"{PATH}?done={kind}-removed#{kind}", status_code=303)

    remove.__name__ = f"remove_{kind}"
    return remove


def _save_choices(session: Session, *, viewer: Viewer, chosen: set[str], meta: dict[str, str]) -> None:
    now = clock.now()
    preferences.save(session, person_id=viewer.person.id, client_id=viewer.subject.id,  # type: ignore[arg-type,union-attr]
                     footing=_footing(viewer), chosen=chosen, now=now)
    for contact in contacts.of_person(session, viewer.person.id).values():  # type: ignore[arg-type]
        contact.language = i18n.get_locale()  # the notifications come in the language of this page
        session.add(contact)
    log_event(session, viewer.actor, meta, action="change", object_type="notification_choices",
              subject_id=viewer.subject.id)  # type: ignore[union-attr]


@client_route(Action.MANAGE_NOTIFICATIONS)
async def save_choices(request: Request) -> Response:
    form = await ChoicesForm.load(request)
    if not form.validate_submission():
        return await _render(request, forms={"choices": form}, status_code=400)
    await db.run(request, _save_choices, viewer=request.state.viewer, chosen=form.chosen(),
                 meta=request_meta(request))
    return RedirectResponse(f"{PATH}?done=choices#choices", status_code=303)


routes = [Route(PATH, settings_page, name="client_notifications"),
          Route(f"{PATH}/choices", save_choices, methods=["POST"], name="client_notification_choices")]
for _kind in KINDS:
    routes += [
        Route(f"{PATH}/{_kind}", _address_route(_kind), methods=["POST"], name=f"client_notification_{_kind}"),
        Route(f"{PATH}/{_kind}/confirm", _confirm_route(_kind), methods=["POST"],
              name=f"client_notification_{_kind}_confirm"),
        Route(f"{PATH}/{_kind}/remove", _remove_route(_kind), methods=["POST"],
              name=f"client_notification_{_kind}_remove"),
    ]
