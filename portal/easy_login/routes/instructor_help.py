""""Ohjaaja auttaa" at the kiosk: ask, wait (the page checks by itself with
JavaScript, with a button without it), cancel; and the staff's list where
they approve or refuse. The kiosk's request is its cookie's secret."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from portal import access_log, db, rate_limit
from portal.auth.permissions import Action
from portal.easy_login import instructor_help as help_
from portal.easy_login.routes.common import signed_in
from portal.forms import CsrfRefused, PortalForm
from portal.web import kiosk as kiosk_device
from portal.web.guard import Viewer, event_fields, log_event, public, request_meta, staff_route
from portal.web.templating import render

COOKIE = "portal_kiosk_help"
WAIT_MINUTES = int(help_.WAIT.total_seconds() // 60)


class HelpForm(PortalForm):
    pass


def _ask(session: Session, *, request: Request, login_id: int, secret: str, meta: dict[str, str]) -> str:
    kiosk = kiosk_device.device(request, session)
    if kiosk is None:
        access_log.record(session, action="refused", object_type="easy_login_not_kiosk", **meta)
        return "not_kiosk"
    for limit, key in ((rate_limit.HELP_REQUESTS_PER_KIOSK, f"kiosk:{kiosk.id}"),
                       (rate_limit.HELP_REQUESTS_PER_UNIT, f"unit:{kiosk.unit_id}")):
        if not rate_limit.allow(session, limit=limit, key=key, secret=secret):
            return "slowed"
    token = help_.ask(session, kiosk=kiosk, login_id=login_id, meta=meta)
    return f"token:{token}" if token else "not_here"


@public
async def ask(request: Request) -> Response:
    if not (await HelpForm.load(request)).validate_submission():
        raise CsrfRefused()
    outcome = await db.run(request, _ask, request=request, login_id=request.path_params["login_id"],
                           secret=request.app.state.settings.secret_key, meta=request_meta(request))
    if outcome == "slowed":
        return render(request, "easy_login/slowed.html", status_code=429)
    if not outcome.startswith("token:"):
        return render(request, "easy_login/not_here.html", {"kiosk": outcome != "not_kiosk"},
                      status_code=403 if outcome == "not_kiosk" else 404)
    response = RedirectResponse("/kiosk/help", status_code=303)
    response.set_cookie(COOKIE, outcome[6:], max_age=int(help_.WAIT.total_seconds()) + 60, httponly=True,
                        samesite="strict", secure=request.app.state.settings.secure_cookies, path="/kiosk")
    return response


def _state(session: Session, *, request: Request) -> tuple[help_.State, Any]:
    kiosk = kiosk_device.device(request, session)
    state, found = help_.state_of(session, kiosk=kiosk, token=request.cookies.get(COOKIE, ""))
    return state, help_.person_of(session, found) if found is not None else None


def _page(request: Request, state: help_.State, person: Any, *, checked: bool = False) -> Response:
    status_code = {help_.State.WAITING: 200, help_.State.APPROVED: 200,
                   help_.State.REJECTED: 403}.get(state, 410 if person else 404)
    return render(request, "easy_login/help.html", {"state": state.value, "person": person, "checked": checked,
                                                    "minutes": WAIT_MINUTES}, status_code=status_code)


@public
async def waiting(request: Request) -> Response:
    """The kiosk waits: the client's own name and picture, and what happens next."""
    state, person = await db.run(request, _state, request=request)
    return _page(request, state, person)


@public
async def status(request: Request) -> Response:
    """The request's state for the page's script (reads only, no personal data)."""
    state, _person = await db.run(request, _state, request=request)
    return JSONResponse({"state": state.value}, headers={"Cache-Control": "no-store"})


def _check(session: Session, *, request: Request, meta: dict[str, str]) -> tuple[str | None, help_.State, Any]:
    kiosk = kiosk_device.device(request, session)
    token = request.cookies.get(COOKIE, "")
    if kiosk is not None:
        session_token = help_.log_in(session, kiosk=kiosk, token=token, meta=meta)
        if session_token:
            return session_token, help_.State.USED, None
    return None, *_state(session, request=request)


@public
async def check(request: Request) -> Response:
    """'Onko ohjaaja jo hyväksynyt?': logs in once approved, else says how it stands."""
    if not (await HelpForm.load(request)).validate_submission():
        raise CsrfRefused()
    session_token, state, person = await db.run(request, _check, request=request, meta=request_meta(request))
    if session_token:
        response = signed_in(request, session_token)
        response.delete_cookie(COOKIE, path="/kiosk")
        return response
    return _page(request, state, person, checked=True)


def _cancel(session: Session, *, request: Request, meta: dict[str, str]) -> None:
    kiosk = kiosk_device.device(request, session)
    state, found = help_.state_of(session, kiosk=kiosk, token=request.cookies.get(COOKIE, ""))
    if kiosk is not None and found is not None and state is help_.State.WAITING:
        help_.cancel_waiting(session, kiosk=kiosk, meta=meta)


@public
async def cancel(request: Request) -> Response:
    if not (await HelpForm.load(request)).validate_submission():
        raise CsrfRefused()
    await db.run(request, _cancel, request=request, meta=request_meta(request))
    response = RedirectResponse("/kiosk", status_code=303)
    response.delete_cookie(COOKIE, path="/kiosk")
    return response


# Staff: the waiting requests of one's units.

def waiting_requests(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> list[help_.Waiting]:
    """The unit's waiting requests; one log event names the clients shown."""
    found = help_.waiting_for(session, unit_ids=frozenset(viewer.actor.staff_roles))
    if found:
        access_log.record(session, **{
            **event_fields(viewer.actor, meta, action="read", object_type="kiosk_help_requests", subject_id=None),
            "subject_person_ids": sorted({item.person_id for item in found}),
        })
    return found


@staff_route(Action.STAFF_ANSWER_KIOSK_HELP)
async def staff_list(request: Request) -> Response:
    viewer = request.state.viewer
    found = await db.run(request, waiting_requests, viewer=viewer, meta=request_meta(request))
    return render(request, "easy_login/staff_help.html", {"requests": found, "help_requests_shown": len(found),
                                                          "done": request.query_params.get("done", "")[:10]})


def _count(session: Session, *, viewer: Viewer) -> int:
    return len(help_.waiting_for(session, unit_ids=frozenset(viewer.actor.staff_roles)))


@staff_route(Action.STAFF_ANSWER_KIOSK_HELP)
async def staff_count(request: Request) -> Response:
    """How many wait (no names: nothing of a client's data, so no log event),
    for the staff pages' script that tells of a new request without a reload."""
    waiting_now = await db.run(request, _count, viewer=request.state.viewer)
    return JSONResponse({"waiting": waiting_now}, headers={"Cache-Control": "no-store"})


def _answer(session: Session, *, viewer: Viewer, request_id: int, given: help_.Answer, meta: dict[str, str]) -> bool:
    answered = help_.answer(session, request_id=request_id, unit_ids=frozenset(viewer.actor.staff_roles),
                            staff_person_id=viewer.person.id, given=given)  # type: ignore[arg-type]
    if answered is None:
        log_event(session, viewer.actor, meta, action="refused", object_type="kiosk_help_request", subject_id=None,
                  object_id=str(request_id))
        return False
    log_event(session, viewer.actor, meta, action="change", object_type=f"easy_login_help_{given.value}",
              subject_id=answered.person_id, object_id=f"kiosk:{answered.kiosk_id}")
    return True


def _answerer(given: help_.Answer) -> Any:
    @staff_route(Action.STAFF_ANSWER_KIOSK_HELP)
    async def post(request: Request) -> Response:
        if not (await HelpForm.load(request)).validate_submission():
            raise CsrfRefused()
        done = await db.run(request, _answer, viewer=request.state.viewer, request_id=request.path_params["request_id"],
                            given=given, meta=request_meta(request))
        if not done:  # unknown, another unit's, expired, cancelled or answered already (another tab)
            return render(request, "easy_login/staff_help_gone.html", status_code=404)
        return RedirectResponse(f"/staff/kiosk-requests?done={given.value}", status_code=303)

    post.__name__ = f"kiosk_help_{given.value}"
    return post


routes = [
    Route("/kiosk/{login_id:id}/help", ask, methods=["POST"], name="easy_kiosk_help_ask"),
    Route("/kiosk/help", waiting, name="easy_kiosk_help"),
    Route("/kiosk/help/status", status, name="easy_kiosk_help_status"),
    Route("/kiosk/help/check", check, methods=["POST"], name="easy_kiosk_help_check"),
    Route("/kiosk/help/cancel", cancel, methods=["POST"], name="easy_kiosk_help_cancel"),
    Route("/staff/kiosk-requests", staff_list, name="staff_kiosk_help"),
    Route("/staff/kiosk-requests/count", staff_count, name="staff_kiosk_help_count"),
    Route("/staff/kiosk-requests/{request_id:id}/approve", _answerer(help_.Answer.APPROVED), methods=["POST"],
          name="staff_kiosk_help_approve"),
    Route("/staff/kiosk-requests/{request_id:id}/reject", _answerer(help_.Answer.REJECTED), methods=["POST"],
          name="staff_kiosk_help_reject"),
]
