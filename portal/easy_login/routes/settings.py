"""The client's own easy login (/settings/easy-login), after a strong login:
choose or change the number code, the kiosk list and picture, end it.
Passkeys have their own routes (routes/passkeys.py)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import db
from portal.auth.permissions import Action
from portal.easy_login import accounts
from portal.easy_login.forms import ChooseCodeForm, KioskListForm
from portal.forms import CsrfRefused, PortalForm
from portal.web.guard import Viewer, client_route, log_event, request_meta
from portal.web.templating import render

PATH = "/settings/easy-login"


def _page(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> accounts.Status:
    log_event(session, viewer.actor, meta, action="read", object_type="easy_login", subject_id=viewer.subject.id)  # type: ignore[union-attr]
    return accounts.status(session, viewer.subject.id)  # type: ignore[union-attr,arg-type]


async def _render(request: Request, *, code_form: ChooseCodeForm | None = None, list_form: KioskListForm | None = None,
                  status_code: int = 200, done: str = "") -> Response:
    viewer = request.state.viewer
    status = await db.run(request, _page, viewer=viewer, meta=request_meta(request))
    if list_form is None:
        list_form = await KioskListForm.load(request, on_list=status.on_kiosk_list, symbol=status.symbol,
                                             instructor_helps=status.instructor_helps if status.in_force else True)
    code_form = code_form or await ChooseCodeForm.load(request)
    errors = (code_form.error_list if code_form else []) + (list_form.error_list if list_form else [])
    return render(request, "easy_login/settings.html", {
        "status": status, "code_form": code_form, "list_form": list_form, "errors": errors, "done": done,
    }, status_code=status_code)


@client_route(Action.MANAGE_EASY_LOGIN)
async def settings_page(request: Request) -> Response:
    return await _render(request, done=request.query_params.get("done", "")[:10])


def _choose_code(session: Session, *, viewer: Viewer, code: str, meta: dict[str, str]) -> None:
    login = accounts.begin(session, person_id=viewer.subject.id, how="self", by_person_id=viewer.person.id)  # type: ignore[union-attr,arg-type]
    accounts.set_code(session, login, code)
    log_event(session, viewer.actor, meta, action="change", object_type="easy_login_code",
              subject_id=viewer.subject.id)  # type: ignore[union-attr]


@client_route(Action.MANAGE_EASY_LOGIN)
async def choose_code(request: Request) -> Response:
    viewer = request.state.viewer
    form = await ChooseCodeForm.load(request)
    form.identity_code = request.app.state.vault.decrypt(viewer.subject.identity_code_cipher)
    if not form.validate_submission():
        return await _render(request, code_form=form, status_code=400)
    await db.run(request, _choose_code, viewer=viewer, code=form.code.data, meta=request_meta(request))
    return RedirectResponse(f"{PATH}?done=code", status_code=303)


def _choose_list(session: Session, *, viewer: Viewer, form: KioskListForm, meta: dict[str, str]) -> None:
    login = accounts.begin(session, person_id=viewer.subject.id, how="self", by_person_id=viewer.person.id)  # type: ignore[union-attr,arg-type]
    accounts.choose_kiosk_list(session, login, on_list=bool(form.on_list.data), symbol=form.symbol.data or "",
                               instructor_helps=bool(form.instructor_helps.data))
    log_event(session, viewer.actor, meta, action="change", object_type="easy_login_kiosk_list",
              subject_id=viewer.subject.id)  # type: ignore[union-attr]


@client_route(Action.MANAGE_EASY_LOGIN)
async def choose_list(request: Request) -> Response:
    viewer = request.state.viewer
    form = await KioskListForm.load(request)
    if not form.validate_submission():
        return await _render(request, list_form=form, status_code=400)
    await db.run(request, _choose_list, viewer=viewer, form=form, meta=request_meta(request))
    return RedirectResponse(f"{PATH}?done=list", status_code=303)


class EndForm(PortalForm):
    pass


def _end(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> Any:
    login = accounts.current(session, viewer.subject.id)  # type: ignore[union-attr,arg-type]
    if login is None:
        return False
    accounts.end(session, login)
    log_event(session, viewer.actor, meta, action="change", object_type="easy_login_ended",
              subject_id=viewer.subject.id)  # type: ignore[union-attr]
    return True


@client_route(Action.MANAGE_EASY_LOGIN)
async def end(request: Request) -> Response:
    form = await EndForm.load(request)
    if not form.validate_submission():
        raise CsrfRefused()
    await db.run(request, _end, viewer=request.state.viewer, meta=request_meta(request))
    return RedirectResponse(f"{PATH}?done=end", status_code=303)


routes = [
    Route(PATH, settings_page, name="client_easy_login"),
    Route(f"{PATH}/code", choose_code, methods=["POST"], name="client_easy_login_code"),
    Route(f"{PATH}/kiosk-list", choose_list, methods=["POST"], name="client_easy_login_list"),
    Route(f"{PATH}/end", end, methods=["POST"], name="client_easy_login_end"),
]
