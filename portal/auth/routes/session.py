"""After the login: choosing whose matters to handle (/choose: one's own or a
principal's by a mandate) and keeping the session alive (/session, the
"Jatka istuntoa" link and the timeout dialog's button)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from sqlmodel import Session

from portal import access_log, db, organisation
from portal.auth import sessions
from portal.auth.forms import ChooseForm, ExtendForm
from portal.auth.levels import Level
from portal.auth.mandates import ChoicePage, MandateSource, choices_page, mandate_for
from portal.auth.permissions import Action
from portal.auth.routes.login import HOME, set_cookie
from portal.forms import CsrfRefused
from portal.models import LoginSession, Person
from portal.schedule import calendar_days
from portal.web import paging
from portal.web.errors import bad_request, forbidden
from portal.web.guard import client_route, request_meta, staff_route
from portal.web.ids import parse_id
from portal.web.redirects import local_path
from portal.web.templating import render


# Choosing whose matters to handle --------------------------------------------


def _choices(session: Session, *, person_id: int, mandates: MandateSource,
             after: int | None = None) -> tuple[bool, ChoicePage]:
    page = choices_page(mandates, session, agent_person_id=person_id, today=calendar_days.today(), after_principal_id=after)
    return organisation.is_client(session, person_id=person_id), page


def _choose(
    session: Session, *, session_id: int, token: str, secret: str, person_id: int, principal_id: int,
    mandates: MandateSource, meta: dict[str, str],
) -> str | None:
    """Switch whose matters the session handles; the new cookie value, or None if not allowed."""
    allowed = (principal_id == person_id and organisation.is_client(session, person_id=person_id)) or mandate_for(
        mandates, session, agent_person_id=person_id, principal_person_id=principal_id, today=calendar_days.today()
    ) is not None
    if not allowed:
        # The refusal names the person only if there is one: an id that
        # names nobody cannot be logged as a subject (a foreign key).
        known = session.get(Person, principal_id) is not None
        access_log.record(
            session, action="refused", object_type="choose_principal", actor_person_id=person_id,
            actor_role="delegate", subject_person_id=principal_id if known else None, **meta,
        )
        return None
    record = session.get(LoginSession, session_id)
    assert record is not None
    record.acting_for_person_id = principal_id
    # A new id whenever whose matters change, derived from the old one: the
    # same choice posted twice at once gets the same id in both answers.
    return sessions.rotate(session, record, token=token, secret=secret, change=_choice(principal_id))


def _choice(principal_id: int) -> str:
    return f"choose {principal_id}"


def _repeated_choice(session: Session, *, session_id: int, token: str, secret: str, principal_id: int) -> str | None:
    """The session's id now if this post repeats the choice that replaced
    `token` (a double click that came second), else None."""
    record = session.get(LoginSession, session_id)
    assert record is not None
    if not sessions.is_repeat(record, token=token, secret=secret, change=_choice(principal_id)):
        return None
    return sessions.next_token(secret=secret, token=token, change=_choice(principal_id))


@client_route(Action.VIEW, needs_subject=False, repeatable=True)
async def choose(request: Request) -> Response:
    viewer = request.state.viewer
    form = await ChooseForm.load(request)
    if request.method == "POST":
        if not form.validate_submission():
            raise CsrfRefused()
        principal_id = parse_id((await request.form()).get("principal"))
        if principal_id is None:
            return bad_request(request)
        old_token = request.cookies.get(sessions.COOKIE_NAMES["client"], "")
        secret = request.app.state.settings.secret_key
        if viewer.repeat:  # the first of a double click changed the id: the same answer
            token = await db.run(request, _repeated_choice, session_id=viewer.session_id, token=old_token,
                                 secret=secret, principal_id=principal_id)
            if token is None:  # another choice with an id that no longer works
                return render(request, "auth/login_needed.html", {"login_url": "/login?next=/choose"}, status_code=403)
        else:
            token = await db.run(
                request, _choose, session_id=viewer.session_id, token=old_token, secret=secret,
                person_id=viewer.person.id, principal_id=principal_id, mandates=request.app.state.mandates,
                meta=request_meta(request),
            )
        if token is None:
            return forbidden(request)
        response = RedirectResponse("/home", status_code=303)
        set_cookie(request, response, sessions.COOKIE_NAMES["client"], token)
        return response
    after = paging.cursor(request, "after")
    is_client, page = await db.run(
        request, _choices, person_id=viewer.person.id, mandates=request.app.state.mandates, after=after
    )
    return render(
        request, "auth/choose.html",
        {"form": form, "is_client": is_client, "mandates": page.mandates, "page": page, "first_page": after is None,
         "viewer": viewer},
    )


# Keeping the session alive --------------------------------------------------------


def _extend(session: Session, *, session_id: int) -> dict[str, object]:
    """Count this as activity; return when the session now ends (ISO 8601) and
    how many seconds that is from now (the page's script counts with these)."""
    record = session.get(LoginSession, session_id)
    assert record is not None
    sessions.touch(record, force=True)
    session.add(record)
    ends_at = sessions.ends_at(record)
    return {"ends_at": ends_at.isoformat(),
            "seconds_left": max(0, int((ends_at - sessions.now_utc()).total_seconds()))}


# Open to an easy login too: every page's "Jatka istuntoa" link and timeout dialog lead here.
@client_route(Action.VIEW, needs_subject=False, level=Level.EASY)
async def client_session(request: Request) -> Response:
    return await _session_page(request, "client")


@staff_route(Action.STAFF_MANAGE_DEVICE)
async def staff_session(request: Request) -> Response:
    return await _session_page(request, "staff")


async def _session_page(request: Request, audience: str) -> Response:
    form = await ExtendForm.load(request)
    viewer = request.state.viewer
    if request.method == "POST":
        if not form.validate_submission():
            raise CsrfRefused()
        ends = await db.run(request, _extend, session_id=viewer.session_id)
        if request.headers.get("accept") == "application/json":
            return JSONResponse(ends, headers={"Cache-Control": "no-store"})  # the script's dialog keeps the page as it is
        target = local_path(request.query_params.get("next")) if request.query_params.get("next") else HOME[audience]
        return RedirectResponse(target, status_code=303)
    return render(request, "auth/session.html", {"form": form, "viewer": viewer, "audience": audience})


routes = [
    Route("/choose", choose, methods=["GET", "POST"], name="choose"),
    Route("/session", client_session, methods=["GET", "POST"], name="client_session"),
    Route("/staff/session", staff_session, methods=["GET", "POST"], name="staff_session"),
]
