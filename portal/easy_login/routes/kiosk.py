"""The kiosk's easy login: the unit's list, the number code, and enrolment
with a code staff gave. Public pages: the person is not logged in yet. Every
number code is checked against the kiosk the device is (its cookie and the
database), so a code works on a kiosk of the client's own unit only."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import access_log, db, rate_limit
from portal.easy_login import accounts, codes, enrolment, sign_in
from portal.easy_login.forms import EnrolmentCodeForm, EnrolWithCodeForm, TypeCodeForm
from portal.easy_login.models import EasyLogin, Kiosk
from portal.easy_login.routes.common import signed_in
from portal.i18n import lazy_gettext as _l
from portal.models import Person
from portal.web import kiosk as kiosk_device
from portal.web.guard import public, public_page, request_meta
from portal.web.templating import render

WRONG_CODE = _l("Koodi oli väärä.")
ENROLMENT_PROBLEMS = {
    enrolment.Problem.UNKNOWN: _l("Koodi ei ole oikein. Tarkista koodi tai pyydä ohjaajalta uusi koodi."),
    enrolment.Problem.EXPIRED: _l("Koodi on vanhentunut. Pyydä ohjaajalta uusi koodi."),
    enrolment.Problem.USED: _l("Koodi on jo käytetty. Pyydä ohjaajalta uusi koodi."),
}


def _kiosk_and_list(session: Session, *, request: Request) -> tuple[Kiosk | None, list[sign_in.ListEntry]]:
    kiosk = kiosk_device.device(request, session)
    return kiosk, sign_in.kiosk_list(session, unit_id=kiosk.unit_id) if kiosk else []


@public_page
async def kiosk_start(request: Request) -> Response:
    """'Kirjaudu helposti': the kiosk's list of people, or, on any other
    device, the ways in that work there."""
    kiosk, people = await db.run(request, _kiosk_and_list, request=request)
    return render(request, "easy_login/kiosk.html", {"kiosk": kiosk, "people": people})


def _person_on_kiosk(session: Session, *, request: Request, login_id: int) -> tuple[Kiosk | None, Any]:
    kiosk = kiosk_device.device(request, session)
    if kiosk is None:
        return None, None
    return kiosk, sign_in.entry(session, unit_id=kiosk.unit_id, login_id=login_id)


def _try_code(session: Session, *, request: Request, login_id: int, code: str, secret: str,
              meta: dict[str, str]) -> tuple[str, Any]:
    kiosk = kiosk_device.device(request, session)
    if kiosk is None:
        access_log.record(session, action="refused", object_type="easy_login_not_kiosk", **meta)
        return "not_kiosk", None
    key = f"kiosk:{kiosk.id}"
    if rate_limit.reached(session, limit=rate_limit.WRONG_CODES_PER_KIOSK, key=key, secret=secret):
        access_log.record(session, action="refused", object_type="easy_login_kiosk_slowed",
                          object_id=key, **meta)
        return "slowed", None
    result = sign_in.try_code(session, kiosk=kiosk, login_id=login_id, code=code, meta=meta)
    if result is None:
        return "not_here", None
    if result.outcome in (sign_in.Outcome.WRONG, sign_in.Outcome.LOCKED) and result.tries_left < 5:
        rate_limit.allow(session, limit=rate_limit.WRONG_CODES_PER_KIOSK, key=key, secret=secret)
    return "done", result


@public
async def code_page(request: Request) -> Response:
    """The chosen person's number code, with big keys."""
    login_id = request.path_params["login_id"]
    form = await TypeCodeForm.load(request)
    kiosk, person = await db.run(request, _person_on_kiosk, request=request, login_id=login_id)
    if kiosk is None or person is None:
        return render(request, "easy_login/not_here.html", {"kiosk": kiosk}, status_code=404 if kiosk else 403)
    status = await db.run(request, _status_of, login_id=login_id)
    context = {"form": form, "person": person, "locked": status.locked, "has_code": status.has_code,
               "instructor_helps": status.instructor_helps,
               "tries_left": status.tries_left if status.tries_left < codes.TRIES else None}
    if request.method != "POST":
        return render(request, "easy_login/code.html", context)
    if not form.validate_submission():
        return render(request, "easy_login/code.html", context, status_code=400)
    outcome, result = await db.run(request, _try_code, request=request, login_id=login_id, code=form.code.data,
                                   secret=request.app.state.settings.secret_key, meta=request_meta(request))
    if outcome == "slowed":
        return render(request, "easy_login/slowed.html", status_code=429)
    if outcome != "done":
        return render(request, "easy_login/not_here.html", {"kiosk": kiosk}, status_code=403)
    if result.outcome is sign_in.Outcome.OK:
        return signed_in(request, result.token)
    if result.outcome is sign_in.Outcome.WRONG:
        form.code.errors = [WRONG_CODE]
        context.update(tries_left=result.tries_left)
    context.update(locked=result.outcome is sign_in.Outcome.LOCKED,
                   has_code=result.outcome is not sign_in.Outcome.NO_CODE)
    return render(request, "easy_login/code.html", context, status_code=400 if result.outcome is sign_in.Outcome.WRONG
                  else 403)


def _status_of(session: Session, *, login_id: int) -> accounts.Status:
    login = session.get(EasyLogin, login_id)
    assert login is not None
    return accounts.status(session, login.person_id)


def _check_enrolment_code(session: Session, *, typed: str, secret: str, meta: dict[str, str]) -> Any:
    key = meta["ip_address"] or "unknown"
    if rate_limit.reached(session, limit=rate_limit.WRONG_ENROLMENT_CODES_PER_ADDRESS, key=key, secret=secret):
        return "slowed"
    found = enrolment.find(session, typed)
    if found.code is None:
        rate_limit.allow(session, limit=rate_limit.WRONG_ENROLMENT_CODES_PER_ADDRESS, key=key, secret=secret)
        access_log.record(session, action="refused", object_type="easy_login_enrolment_code",
                          object_id=found.problem.value if found.problem else "", **meta)
        return found.problem
    return session.get(Person, found.code.person_id)


@public_page
async def enrol(request: Request) -> Response:
    """Type the enrolment code staff gave; then choose a number code."""
    form = await EnrolmentCodeForm.load(request)
    is_kiosk = kiosk_device.is_kiosk(request)
    if request.method != "POST":
        return render(request, "easy_login/enrol.html", {"form": form, "is_kiosk": is_kiosk})
    if not form.validate_submission():
        return render(request, "easy_login/enrol.html", {"form": form, "is_kiosk": is_kiosk}, status_code=400)
    found = await db.run(request, _check_enrolment_code, typed=form.enrolment_code.data,
                         secret=request.app.state.settings.secret_key, meta=request_meta(request))
    if found == "slowed":
        return render(request, "easy_login/slowed.html", status_code=429)
    if not isinstance(found, Person):
        form.enrolment_code.errors = [ENROLMENT_PROBLEMS[found]]
        return render(request, "easy_login/enrol.html", {"form": form, "is_kiosk": is_kiosk}, status_code=400)
    choose = await EnrolWithCodeForm.load(request, enrolment_code=form.enrolment_code.data, instructor_helps=True)
    choose.code.errors, choose.code_again.errors = [], []
    return render(request, "easy_login/enrol_choose.html",
                  {"form": choose, "person": found, "is_kiosk": is_kiosk, "errors": []})


@public
async def enrol_choose(request: Request) -> Response:
    """The enrolment's last step: the client's own number code and the list."""
    form = await EnrolWithCodeForm.load(request)
    is_kiosk = kiosk_device.is_kiosk(request)
    person_or_problem = await db.run(request, _person_for_code, typed=(form.enrolment_code.data or ""),
                                     vault=request.app.state.vault)
    if not isinstance(person_or_problem, tuple):
        retry = await EnrolmentCodeForm.load(request)
        retry.enrolment_code.errors = [ENROLMENT_PROBLEMS[person_or_problem]]
        return render(request, "easy_login/enrol.html", {"form": retry, "is_kiosk": is_kiosk}, status_code=400)
    person, identity_code = person_or_problem
    form.identity_code = identity_code
    if not form.validate_submission():
        return render(request, "easy_login/enrol_choose.html", {"form": form, "person": person, "is_kiosk": is_kiosk},
                      status_code=400)
    login_id = await db.run(request, _use_and_choose, form=form, meta=request_meta(request))
    if not isinstance(login_id, int):
        retry = await EnrolmentCodeForm.load(request)
        retry.enrolment_code.errors = [ENROLMENT_PROBLEMS[login_id]]
        return render(request, "easy_login/enrol.html", {"form": retry, "is_kiosk": is_kiosk}, status_code=409)
    return RedirectResponse(f"/easy/enrol/ready?on_list={int(bool(form.on_list.data))}&login={login_id}",
                            status_code=303)


def _person_for_code(session: Session, *, typed: str, vault: Any) -> Any:
    found = enrolment.find(session, typed)
    if found.code is None:
        return found.problem
    person = session.get(Person, found.code.person_id)
    assert person is not None
    return person, vault.decrypt(person.identity_code_cipher)


def _use_and_choose(session: Session, *, form: EnrolWithCodeForm, meta: dict[str, str]) -> Any:
    login, problem = enrolment.use(session, form.enrolment_code.data or "")
    if login is None:
        return problem
    if form.code.data:
        accounts.set_code(session, login, form.code.data)
    accounts.choose_kiosk_list(session, login, on_list=bool(form.on_list.data), symbol=form.symbol.data or "",
                               instructor_helps=bool(form.instructor_helps.data))
    who = {"actor_person_id": login.person_id, "actor_role": "client", "subject_person_id": login.person_id, **meta}
    if form.code.data:
        access_log.record(session, action="change", object_type="easy_login_code", **who)
    access_log.record(session, action="change", object_type="easy_login_kiosk_list", **who)
    return login.id


@public_page
async def enrol_ready(request: Request) -> Response:
    """Done: on a kiosk, the way to the number code; elsewhere, what next."""
    on_list = request.query_params.get("on_list") == "1"
    login = request.query_params.get("login", "")
    return render(request, "easy_login/enrol_ready.html", {
        "on_list": on_list, "is_kiosk": kiosk_device.is_kiosk(request),
        "code_url": f"/kiosk/{login}" if login.isdigit() and len(login) < 12 else "/kiosk"})


routes = [
    Route("/kiosk", kiosk_start, name="easy_kiosk"),
    Route("/kiosk/{login_id:id}", code_page, methods=["GET", "POST"], name="easy_kiosk_code"),
    Route("/easy/enrol", enrol, methods=["GET", "POST"], name="easy_enrol"),
    Route("/easy/enrol/code", enrol_choose, methods=["POST"], name="easy_enrol_code"),
    Route("/easy/enrol/ready", enrol_ready, name="easy_enrol_ready"),
]
