"""Staff's part of the easy login: a client's easy login (enrol with the
client present, open a locked code, end it) and this device as a kiosk."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from wtforms import SelectChoice
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import db, organisation
from portal.auth.permissions import Action
from portal.easy_login import accounts, enrolment, kiosks
from portal.easy_login.forms import EnrolForm, KioskForm
from portal.forms import CsrfRefused, PortalForm
from portal.web import kiosk as kiosk_device
from portal.web.guard import Viewer, log_event, request_meta, staff_route
from portal.web.templating import render
from portal.web.errors import not_found


def _path(viewer: Viewer) -> str:
    return f"/staff/clients/{viewer.subject.id}/easy-login"  # type: ignore[union-attr]


def _status(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> tuple[accounts.Status, bool]:
    person_id = viewer.subject.id  # type: ignore[union-attr]
    log_event(session, viewer.actor, meta, action="read", object_type="easy_login", subject_id=person_id)
    return accounts.status(session, person_id), accounts.has_guardian(session, person_id)  # type: ignore[arg-type]


async def _render(request: Request, *, form: EnrolForm | None = None, code: str = "", status_code: int = 200) -> Response:
    viewer = request.state.viewer
    status, guardian = await db.run(request, _status, viewer=viewer, meta=request_meta(request))
    form = form or await EnrolForm.load(request)
    response = render(request, "easy_login/staff_client.html", {
        "status": status, "form": form, "has_guardian": guardian, "code": code, "path": _path(viewer),
        "done": request.query_params.get("done", "")[:10],
    }, status_code=status_code)
    if code:  # shown once: never kept by the browser or a proxy
        response.headers["Cache-Control"] = "no-store"
    return response


@staff_route(Action.STAFF_VIEW_CLIENT)
async def client_easy_login(request: Request) -> Response:
    return await _render(request)


def _give(session: Session, *, viewer: Viewer, form: EnrolForm, meta: dict[str, str]) -> str:
    person_id = viewer.subject.id  # type: ignore[union-attr]
    code = enrolment.give(session, person_id=person_id, staff_person_id=viewer.person.id,  # type: ignore[arg-type]
                          how=enrolment.How(form.how.data), guardian_consent=bool(form.guardian_consent.data))
    log_event(session, viewer.actor, meta, action="change", object_type="easy_login_enrolment",
              subject_id=person_id, object_id=form.how.data)
    return code


@staff_route(Action.STAFF_MANAGE_EASY_LOGIN)
async def give_code(request: Request) -> Response:
    viewer = request.state.viewer
    form = await EnrolForm.load(request)
    form.needs_consent = await db.run(request, lambda session: accounts.has_guardian(session, viewer.subject.id))
    if not form.validate_submission():
        return await _render(request, form=form, status_code=400)
    code = await db.run(request, _give, viewer=viewer, form=form, meta=request_meta(request))
    return await _render(request, form=await EnrolForm.load(request), code=enrolment.shown(code))


class ActionForm(PortalForm):
    pass


def _open_lock(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> None:
    login = accounts.current(session, viewer.subject.id)  # type: ignore[union-attr,arg-type]
    if login is not None and accounts.open_lock(session, login):
        log_event(session, viewer.actor, meta, action="change", object_type="easy_login_code_opened",
                  subject_id=viewer.subject.id)  # type: ignore[union-attr]


def _end(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> None:
    login = accounts.current(session, viewer.subject.id)  # type: ignore[union-attr,arg-type]
    if login is not None:
        accounts.end(session, login)
        log_event(session, viewer.actor, meta, action="change", object_type="easy_login_ended",
                  subject_id=viewer.subject.id)  # type: ignore[union-attr]


def _poster(work: Any, done: str) -> Any:
    @staff_route(Action.STAFF_MANAGE_EASY_LOGIN)
    async def post(request: Request) -> Response:
        if not (await ActionForm.load(request)).validate_submission():
            raise CsrfRefused()
        await db.run(request, work, viewer=request.state.viewer, meta=request_meta(request))
        return RedirectResponse(f"{_path(request.state.viewer)}?done={done}", status_code=303)

    post.__name__ = f"easy_login_{done}"
    return post


# This device as a kiosk of one's unit.

def _units(session: Session, viewer: Viewer) -> list[SelectChoice]:
    return [SelectChoice(unit.id, unit.name) for unit in organisation.units_by_name(session, unit_ids=list(viewer.actor.staff_roles))]  # type: ignore[misc]


def _device_page(session: Session, *, viewer: Viewer, request: Request) -> dict[str, Any]:
    return {"this_kiosk": kiosk_device.device(request, session), "kiosks": kiosks.of_units(session, viewer.actor.staff_roles),
            "units": _units(session, viewer)}


async def _device_form(request: Request, viewer: Viewer) -> tuple[KioskForm, dict[str, Any]]:
    context = await db.run(request, _device_page, viewer=viewer, request=request)
    form = await KioskForm.load(request)
    form.unit.choices = context["units"]
    return form, context


def _mark(session: Session, *, viewer: Viewer, form: KioskForm, request: Request,
          meta: dict[str, str]) -> tuple[Any, str]:
    """Mark this device; a kiosk it was before (renamed or moved to another unit) is removed."""
    before = kiosk_device.device(request, session)
    if before is not None:
        _revoke(session, viewer=viewer, kiosk_id=before.id, meta=meta)  # type: ignore[arg-type]
    kiosk, secret = kiosks.mark(session, unit_id=form.unit.data, name=form.name.data, staff_person_id=viewer.person.id)  # type: ignore[arg-type]
    log_event(session, viewer.actor, meta, action="change", object_type="kiosk", subject_id=None, object_id=str(kiosk.id))
    return kiosk, secret


@staff_route(Action.STAFF_MANAGE_DEVICE)
async def device(request: Request) -> Response:
    viewer = request.state.viewer
    form, context = await _device_form(request, viewer)
    if request.method == "POST":
        if not form.validate_submission():
            return render(request, "easy_login/staff_device.html", {"form": form, **context}, status_code=400)
        kiosk, secret = await db.run(request, _mark, viewer=viewer, form=form, request=request,
                                     meta=request_meta(request))
        response = RedirectResponse("/staff/device", status_code=303)
        kiosk_device.mark(request, response, kiosk=kiosk, secret=secret)
        return response
    return render(request, "easy_login/staff_device.html", {"form": form, **context})


def _revoke(session: Session, *, viewer: Viewer, kiosk_id: int, meta: dict[str, str]) -> bool:
    kiosk = kiosks.revoke(session, kiosk_id=kiosk_id, unit_ids=viewer.actor.staff_roles)
    if kiosk is not None:
        log_event(session, viewer.actor, meta, action="change", object_type="kiosk_removed", subject_id=None,
                  object_id=str(kiosk_id))
    return kiosk is not None


@staff_route(Action.STAFF_MANAGE_DEVICE)
async def revoke_kiosk(request: Request) -> Response:
    if not (await ActionForm.load(request)).validate_submission():
        raise CsrfRefused()
    done = await db.run(request, _revoke, viewer=request.state.viewer, kiosk_id=request.path_params["kiosk_id"],
                        meta=request_meta(request))
    if not done:
        return not_found(request)
    response = RedirectResponse("/staff/device", status_code=303)
    return response


@staff_route(Action.STAFF_MANAGE_DEVICE)
async def unmark_device(request: Request) -> Response:
    """This device is no longer a kiosk (the mark in the database stays until removed)."""
    if not (await ActionForm.load(request)).validate_submission():
        raise CsrfRefused()
    response = RedirectResponse("/staff/device", status_code=303)
    kiosk_device.unmark(response)
    return response


routes = [
    Route("/staff/clients/{client_id:id}/easy-login", client_easy_login, name="staff_easy_login"),
    Route("/staff/clients/{client_id:id}/easy-login/enrol", give_code, methods=["POST"], name="staff_easy_login_enrol"),
    Route("/staff/clients/{client_id:id}/easy-login/open", _poster(_open_lock, "open"), methods=["POST"],
          name="staff_easy_login_open"),
    Route("/staff/clients/{client_id:id}/easy-login/end", _poster(_end, "end"), methods=["POST"],
          name="staff_easy_login_end"),
    Route("/staff/device", device, methods=["GET", "POST"], name="staff_device"),
    Route("/staff/device/unmark", unmark_device, methods=["POST"], name="staff_device_unmark"),
    Route("/staff/kiosks/{kiosk_id:id}/remove", revoke_kiosk, methods=["POST"], name="staff_kiosk_remove"),
]
