"""Passkey pages: "Kirjaudu puhelimella" (/easy/phone), the client's own
keys in their settings, staff removing a client's key, and a key added on
the client's own phone with an enrolment code.

The browser asks for options with a small form post (fetch, with the CSRF
token) and gets JSON; static/passkey.js hands them to the phone and puts the
phone's answer in the page's form, which it then posts as any form, so the
answer is checked like every other post and the result is an ordinary page
or redirect."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from portal import access_log, db, rate_limit
from portal.auth import sessions
from portal.auth.permissions import Action
from portal.easy_login import accounts, enrolment, passkeys, sign_in
from portal.easy_login.passkeys import Problem
from portal.easy_login.routes.common import signed_in
from portal.forms import errors
from portal.easy_login.forms import EnrolmentPasskeyForm, PasskeyForm
from portal.models import Person
from portal.web import kiosk
from portal.web.guard import Viewer, client_route, log_event, public, request_meta, staff_route
from portal.web.templating import render
from portal.web.errors import not_found

# An anonymous browser asking for login options writes a challenge row: a cap
# on what one address can make, sized like the logins of an activity centre.
OPTIONS_PER_ADDRESS = rate_limit.Limit("passkey_options_per_address", max_hits=300, window_seconds=10 * 60)
# Enrolment codes typed on a phone: enough for a person's typos, too few to guess.
ENROLMENT_CODES_PER_ADDRESS = rate_limit.Limit("passkey_enrolment_codes_per_address", max_hits=20,
                                               window_seconds=15 * 60)

LOGIN_MESSAGES = {
    Problem.CHALLENGE: errors.PASSKEY_TRY_AGAIN,
    Problem.INVALID: errors.PASSKEY_TRY_AGAIN,
    Problem.UNKNOWN: errors.PASSKEY_NOT_IN_USE,
    Problem.ENDED: errors.PASSKEY_EASY_LOGIN_ENDED,
    Problem.SIGN_COUNT: errors.PASSKEY_COPIED,
}
ADD_MESSAGES = {Problem.DUPLICATE: errors.PASSKEY_ALREADY_ADDED, Problem.ENDED: errors.PASSKEY_EASY_LOGIN_ENDED}
ENROLMENT_MESSAGES = {
    enrolment.Problem.UNKNOWN: errors.ENROLMENT_CODE_UNKNOWN,
    enrolment.Problem.EXPIRED: errors.ENROLMENT_CODE_EXPIRED,
    enrolment.Problem.USED: errors.ENROLMENT_CODE_USED,
}
BUTTON_ID = "passkey-button"


def _rp(request: Request) -> passkeys.RelyingParty:
    return passkeys.relying_party(request.app.state.settings.base_url)


def _browser(request: Request) -> str:
    return passkeys.browser_hash(request.state.csrf_seed)


def _device(request: Request) -> str:
    return passkeys.device_name(request.headers.get("user-agent", ""))


def _options(body: str) -> Response:
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})


def _refused(message: Any, *, field: str = BUTTON_ID, status_code: int = 400) -> Response:
    return JSONResponse({"error": str(message), "field": field}, status_code=status_code,
                        headers={"Cache-Control": "no-store"})


async def _posted(request: Request, form_class: type[PasskeyForm] = PasskeyForm) -> PasskeyForm:
    """The posted form; a post without this browser's CSRF token is refused whole."""
    form = await form_class.load(request)
    form.validate_submission()
    return form


# Logging in: /easy/phone ---------------------------------------------------------------


@public
async def phone_page(request: Request) -> Response:
    return render(request, "easy_login/phone.html", {"form": await PasskeyForm.load(request)})


def _login_options(session: Session, *, rp: passkeys.RelyingParty, browser: str, meta: dict[str, str],
                   secret: str) -> str | None:
    if not rate_limit.allow(session, limit=OPTIONS_PER_ADDRESS, key=meta["ip_address"], secret=secret):
        return None
    return passkeys.authentication_options(session, rp=rp, browser=browser)


@public
async def phone_options(request: Request) -> Response:
    await _posted(request)
    body = await db.run(request, _login_options, rp=_rp(request), browser=_browser(request),
                        meta=request_meta(request), secret=request.app.state.settings.secret_key)
    if body is None:
        return _refused(errors.TOO_MANY_SENT, status_code=429)
    return _options(body)


def _end_old_session(session: Session, request: Request) -> None:
    """A new login replaces this browser's old client session (as a strong login does)."""
    old = sessions.find(session, token=request.cookies.get(sessions.COOKIE_NAMES["client"]), audience="client")
    if old.record is not None and old.record.revoked_at is None:
        sessions.revoke(session, old.record)


def _log_in(session: Session, *, request: Request, answer: str) -> passkeys.SignedIn:
    result = passkeys.log_in(session, answer=answer, rp=_rp(request), browser=_browser(request),
                             kiosk=kiosk.device(request, session), meta=request_meta(request))
    if result.token is not None:
        _end_old_session(session, request)
    return result


@public
async def phone_login(request: Request) -> Response:
    form = await _posted(request)
    answer = form.credential.data or ""
    if not answer:  # posted without the script: nothing to check
        return _phone_again(request, form, errors.PASSKEY_NEEDS_JAVASCRIPT)
    result = await db.run(request, _log_in, request=request, answer=answer)
    if result.token is None:
        assert result.problem is not None
        return _phone_again(request, form, LOGIN_MESSAGES[result.problem])
    return signed_in(request, result.token)


def _phone_again(request: Request, form: PasskeyForm, message: Any) -> Response:
    return render(request, "easy_login/phone.html", {"form": form, "errors": [(BUTTON_ID, str(message))]},
                  status_code=400)


# The client's own keys, after a strong login -------------------------------------------------


def _own_id(viewer: Viewer) -> int:
    """The client acting for themselves: the action allows nothing else, and
    a delegate never adds a key for someone (the key would log in as them)."""
    assert viewer.subject is not None and viewer.subject.id == viewer.person.id and viewer.person.id is not None
    return viewer.person.id


def _log(session: Session, viewer: Viewer, meta: dict[str, str], *, action: str, object_type: str,
         object_id: str = "") -> None:
    log_event(session, viewer.actor, meta, action=action, object_type=object_type,
              subject_id=viewer.subject.id if viewer.subject else None, object_id=object_id)


def _own_rows(session: Session, *, person_id: int) -> list[passkeys.Row]:
    return passkeys.rows(session, person_id)


async def _settings_page(request: Request, *, status_code: int = 200, message: Any = None) -> Response:
    viewer = request.state.viewer
    rows = await db.run(request, _own_rows, person_id=_own_id(viewer))
    return render(request, "easy_login/settings_passkeys.html",
                  {"viewer": viewer, "rows": rows,
                   "errors": [(BUTTON_ID, str(message))] if message else [],
                   "added": request.query_params.get("added") == "1",
                   "removed": request.query_params.get("removed") == "1"},
                  status_code=status_code)


@client_route(Action.MANAGE_EASY_LOGIN)
async def settings_passkeys(request: Request) -> Response:
    return await _settings_page(request)


def _registration_options(session: Session, *, person_id: int, rp: passkeys.RelyingParty, browser: str) -> str:
    person = session.get(Person, person_id)
    assert person is not None
    return passkeys.registration_options(session, person=person, rp=rp, browser=browser)


@client_route(Action.MANAGE_EASY_LOGIN)
async def settings_options(request: Request) -> Response:
    await _posted(request)
    viewer = request.state.viewer
    if viewer.kiosk:  # the key would stay on the shared device
        return _refused(errors.PASSKEY_ON_KIOSK)
    body = await db.run(request, _registration_options, person_id=_own_id(viewer), rp=_rp(request),
                        browser=_browser(request))
    return _options(body)


def _add_own(session: Session, *, viewer: Viewer, meta: dict[str, str], answer: str, rp: passkeys.RelyingParty,
             browser: str, device: str) -> passkeys.Added:
    added = passkeys.add(session, person_id=_own_id(viewer), answer=answer, rp=rp, browser=browser, device=device)
    if added.passkey is not None:
        _log(session, viewer, meta, action="change", object_type="easy_login_passkey",
             object_id=f"passkey:{added.passkey.id}")
    return added


@client_route(Action.MANAGE_EASY_LOGIN)
async def settings_add(request: Request) -> Response:
    form = await _posted(request)
    viewer = request.state.viewer
    answer = form.credential.data or ""
    if viewer.kiosk:
        return await _settings_page(request, status_code=400, message=errors.PASSKEY_ON_KIOSK)
    if not answer:
        return await _settings_page(request, status_code=400, message=errors.PASSKEY_NEEDS_JAVASCRIPT)
    added = await db.run(request, _add_own, viewer=viewer, meta=request_meta(request), answer=answer,
                         rp=_rp(request), browser=_browser(request), device=_device(request))
    if added.passkey is None:
        assert added.problem is not None
        return await _settings_page(request, status_code=400,
                                    message=ADD_MESSAGES.get(added.problem, errors.PASSKEY_NOT_ADDED))
    return RedirectResponse("/settings/easy-login/passkeys?added=1", status_code=303)


def _remove(session: Session, *, viewer: Viewer, meta: dict[str, str], person_id: int, passkey_id: int) -> bool:
    if not passkeys.remove(session, person_id=person_id, passkey_id=passkey_id):
        return False
    log_event(session, viewer.actor, meta, action="change", object_type="easy_login_passkey_removed",
              subject_id=person_id, object_id=f"passkey:{passkey_id}")
    return True


@client_route(Action.MANAGE_EASY_LOGIN)
async def settings_remove(request: Request) -> Response:
    await _posted(request)
    viewer = request.state.viewer
    removed = await db.run(request, _remove, viewer=viewer, meta=request_meta(request), person_id=_own_id(viewer),
                           passkey_id=request.path_params["passkey_id"])
    if not removed:  # not theirs, or removed already: nothing to say which
        return not_found(request)
    return RedirectResponse("/settings/easy-login/passkeys?removed=1", status_code=303)


# Staff: a client's keys -----------------------------------------------------------------------


def _client_rows(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> list[passkeys.Row]:
    assert viewer.subject is not None and viewer.subject.id is not None
    _log(session, viewer, meta, action="read", object_type="easy_login_passkeys")
    return passkeys.rows(session, viewer.subject.id)


@staff_route(Action.STAFF_VIEW_CLIENT)
async def staff_passkeys(request: Request) -> Response:
    viewer = request.state.viewer
    rows = await db.run(request, _client_rows, viewer=viewer, meta=request_meta(request))
    return render(request, "easy_login/staff_passkeys.html",
                  {"viewer": viewer, "client": viewer.subject, "rows": rows,
                   "removed": request.query_params.get("removed") == "1"})


@staff_route(Action.STAFF_MANAGE_EASY_LOGIN)
async def staff_remove(request: Request) -> Response:
    await _posted(request)
    viewer = request.state.viewer
    client_id = viewer.subject.id
    removed = await db.run(request, _remove, viewer=viewer, meta=request_meta(request), person_id=client_id,
                           passkey_id=request.path_params["passkey_id"])
    if not removed:
        return not_found(request)
    return RedirectResponse(f"/staff/clients/{client_id}/easy-login/passkeys?removed=1", status_code=303)


# A key with an enrolment code, on the client's own phone -------------------------------------


@public
async def enrol_page(request: Request) -> Response:
    return render(request, "easy_login/enrol_passkey.html", {"form": await EnrolmentPasskeyForm.load(request)})


def _enrolment_options(session: Session, *, typed: str, rp: passkeys.RelyingParty, browser: str,
                       meta: dict[str, str], secret: str) -> tuple[str | None, Any]:
    if not rate_limit.allow(session, limit=ENROLMENT_CODES_PER_ADDRESS, key=meta["ip_address"], secret=secret):
        return None, errors.ENROLMENT_CODE_TOO_MANY
    found = enrolment.find(session, typed)
    if found.code is None:
        assert found.problem is not None
        return None, ENROLMENT_MESSAGES[found.problem]
    person = session.get(Person, found.code.person_id)
    if person is None or accounts.current(session, found.code.person_id) is None:
        return None, errors.ENROLMENT_CODE_EXPIRED
    return passkeys.registration_options(session, person=person, rp=rp, browser=browser), None


@public
async def enrol_options(request: Request) -> Response:
    form = await _posted(request, EnrolmentPasskeyForm)
    if form.enrolment_code.errors:
        return _refused(form.enrolment_code.errors[0], field=form.enrolment_code.id)
    body, message = await db.run(request, _enrolment_options, typed=form.enrolment_code.data,
                                 rp=_rp(request), browser=_browser(request), meta=request_meta(request),
                                 secret=request.app.state.settings.secret_key)
    if body is None:
        status = 429 if message is errors.ENROLMENT_CODE_TOO_MANY else 400
        return _refused(message, field=form.enrolment_code.id, status_code=status)
    return _options(body)


class _Undo(Exception):
    """The enrolment code could not be used after all: nothing of the key is kept."""

    def __init__(self, message: Any) -> None:
        self.message = message


def _enrol(session: Session, *, request: Request, typed: str, answer: str) -> tuple[str | None, Any]:
    meta = request_meta(request)
    found = enrolment.find(session, typed)
    if found.code is None:
        assert found.problem is not None
        return None, ENROLMENT_MESSAGES[found.problem]
    person_id = found.code.person_id
    added = passkeys.add(session, person_id=person_id, answer=answer, rp=_rp(request), browser=_browser(request),
                         device=_device(request))
    if added.passkey is None:
        assert added.problem is not None
        return None, ADD_MESSAGES.get(added.problem, errors.PASSKEY_NOT_ADDED)
    login, problem = enrolment.use(session, typed)  # once: another tab that got here first wins
    if login is None or login.person_id != person_id:
        assert problem is not None
        raise _Undo(ENROLMENT_MESSAGES[problem])
    access_log.record(session, action="change", object_type="easy_login_passkey", object_id=f"passkey:{added.passkey.id}",
                      actor_person_id=person_id, actor_role="client", subject_person_id=person_id, **meta)
    _end_old_session(session, request)
    token = sign_in.start(session, login=login, method=sign_in.Method.PASSKEY, kiosk=kiosk.device(request, session),
                          meta=meta)
    return token, None


def _enrol_in_one(session: Session, **kwargs: Any) -> tuple[str | None, Any]:
    """The whole enrolment or none of it: a key is kept only with its code used."""
    try:
        with session.begin_nested():
            return _enrol(session, **kwargs)
    except _Undo as undo:
        return None, undo.message


@public
async def enrol_finish(request: Request) -> Response:
    form = await _posted(request, EnrolmentPasskeyForm)
    answer = form.credential.data or ""
    if form.enrolment_code.errors:
        return _enrol_again(request, form, None)
    if not answer:
        return _enrol_again(request, form, errors.PASSKEY_NEEDS_JAVASCRIPT)
    token, message = await db.run(
        request, _enrol_in_one, request=request, typed=form.enrolment_code.data, answer=answer)
    if token is None:
        return _enrol_again(request, form, message)
    return signed_in(request, token)


def _enrol_again(request: Request, form: EnrolmentPasskeyForm, message: Any) -> Response:
    """The page again: a problem of the code next to its field, any other by the button."""
    context: dict[str, Any] = {"form": form}
    if message in ENROLMENT_MESSAGES.values():
        form.enrolment_code.errors = [message]
    elif message is not None:
        context["errors"] = [*form.error_list, (BUTTON_ID, str(message))]
    return render(request, "easy_login/enrol_passkey.html", context, status_code=400)


routes = [
    Route("/easy/phone", phone_page, name="easy_phone"),
    Route("/easy/phone/options", phone_options, methods=["POST"], name="easy_phone_options"),
    Route("/easy/phone", phone_login, methods=["POST"], name="easy_phone_login"),
    Route("/easy/enrol/passkey", enrol_page, name="easy_enrol_passkey"),
    Route("/easy/enrol/passkey/options", enrol_options, methods=["POST"], name="easy_enrol_passkey_options"),
    Route("/easy/enrol/passkey", enrol_finish, methods=["POST"], name="easy_enrol_passkey_finish"),
    Route("/settings/easy-login/passkeys", settings_passkeys, name="client_passkeys"),
    Route("/settings/easy-login/passkeys/options", settings_options, methods=["POST"], name="client_passkey_options"),
    Route("/settings/easy-login/passkeys", settings_add, methods=["POST"], name="client_passkey_add"),
    Route("/settings/easy-login/passkeys/{passkey_id:id}/remove", settings_remove, methods=["POST"],
          name="client_passkey_remove"),
    Route("/staff/clients/{client_id:id}/easy-login/passkeys", staff_passkeys, name="staff_client_passkeys"),
    Route("/staff/clients/{client_id:id}/easy-login/passkeys/{passkey_id:id}/remove", staff_remove, methods=["POST"],
          name="staff_client_passkey_remove"),
]
