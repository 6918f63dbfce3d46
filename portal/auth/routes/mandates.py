"""The client's own pages: start page, who has seen my data, mandates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal.easy_login import history as easy_history
from portal import access_log, db, rate_limit
from portal.assessment import views as assessment_views
from portal.assessment.content import Library
from portal.auth import mandates as mandate_rules
from portal.auth.levels import Level
from portal.auth.permissions import Action
from portal.auth.sessions import now_utc
from portal.forms import CsrfRefused, PortalForm, errors
from portal.auth.forms import GrantMandateForm
from portal import organisation
from portal.models import MandateBasis, MandateScope
from portal.messages import bulletins, threads as message_threads
from portal.money import card as money_card
from portal.schedule import calendar_days, start_page
from portal.assessment.routes import client as assessment_pages
from portal.web import labels
from portal.web.guard import Viewer, client_route, log_event, request_meta
from portal.web import paging
from portal.web.templating import render
from portal.web.errors import not_found


def _log(session: Session, viewer: Viewer, meta: dict[str, str], *, action: str, object_type: str, object_id: str = "") -> None:
    """Log about whoever's matters the viewer handles."""
    log_event(session, viewer.actor, meta, action=action, object_type=object_type,
              subject_id=viewer.subject.id if viewer.subject else None, object_id=object_id)


@dataclass(frozen=True)
class PeriodView:
    service: str
    unit_name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Home:
    periods: list[PeriodView]
    start: start_page.ClientStart
    # None for an easy login: money and self-assessment results need a strong one.
    money: money_card.MonthCard | None
    assessments: assessment_views.Overview | None
    bulletins: list[bulletins.BulletinView] = field(default_factory=list)
    unread_messages: int = 0  # threads with an answer the reader has not read (a client or a delegate who may act)


def _home(session: Session, *, viewer: Viewer, meta: dict[str, str], library: Library) -> Home:
    """Everything the start page shows, read in the guard's transaction with its one log event."""
    assert viewer.subject is not None and viewer.subject.id is not None
    today = calendar_days.today()
    person_id = viewer.subject.id
    start = start_page.for_client(session, person_id=person_id, today=today)
    shown = bulletins.active_for_client(session, person_id=person_id, today=today)
    unread = message_threads.unread_for_client_side(session, client_person_id=person_id,
                                                    reader_person_id=viewer.person.id) \
        if viewer.actor.footing in ("own", MandateScope.ACT.value) else 0  # type: ignore[arg-type]
    if viewer.easy:  # today, the next days, absences, bulletins and messages only: nothing else is even read
        _log(session, viewer, meta, action="read", object_type="client_start_page")
        return Home([], start, None, None, shown, unread)
    rows = organisation.client_periods(session, person_id=person_id)  # read once, for all three cards
    money = money_card.this_month(session, person_id=person_id, today=today, periods=rows)
    overview = assessment_pages.overview(session, library=library, person_id=person_id, today=today,
                                         periods=[period for period, _unit in rows])
    _log(session, viewer, meta, action="read", object_type="client_start_page")
    return Home([PeriodView(period.service, unit.name, period.starts_on, period.ends_on) for period, unit in rows],
                start, money, overview, shown, unread)


@client_route(Action.VIEW, level=Level.EASY)
async def home(request: Request) -> Response:
    viewer = request.state.viewer
    found = await db.run(request, _home, viewer=viewer, meta=request_meta(request),
                         library=request.app.state.assessment_library)
    return render(request, "client/home.html", {
        "viewer": viewer, "periods": found.periods, "start": found.start, "money": found.money,
        "bulletins": found.bulletins, "unread_messages": found.unread_messages,
        "can_act": viewer.actor.footing in ("own", MandateScope.ACT.value),
        "reported": request.query_params.get("reported") == "1",
        "cancelled": request.query_params.get("cancelled") == "1",
        "assessment_card": assessment_pages.card_context(viewer, found.assessments) if found.assessments is not None else None,
    })


def _access_log(session: Session, *, viewer: Viewer, meta: dict[str, str],
                before: int | None) -> tuple[access_log.ProcessingPage, list[easy_history.Happening]]:
    assert viewer.subject is not None and viewer.subject.id is not None
    page = access_log.processed_by_others(
        session, subject_person_id=viewer.subject.id, since=access_log.two_years_before(), before_id=before
    )
    _log(session, viewer, meta, action="read", object_type="access_log")
    return page, easy_history.newest(session, person_id=viewer.subject.id) if before is None else []


@client_route(Action.VIEW_ACCESS_LOG)
async def who_has_seen(request: Request) -> Response:
    viewer = request.state.viewer
    before = paging.cursor(request, "before")
    page, easy = await db.run(request, _access_log, viewer=viewer, meta=request_meta(request), before=before)
    happenings = [(labels.easy_login_sentence(happening), happening.occurred_at) for happening in easy]
    return render(request, "client/access_log.html", {"viewer": viewer, "page": page, "first_page": before is None,
                                                      "easy_login": [item for item in happenings if item[0]]})


def _mandates(session: Session, *, viewer: Viewer, meta: dict[str, str], vault,  # type: ignore[no-untyped-def]
              before: int | None = None) -> mandate_rules.MandatePage:
    assert viewer.subject is not None and viewer.subject.id is not None
    _log(session, viewer, meta, action="read", object_type="mandate_list")
    return mandate_rules.page_for_principal(session, principal_person_id=viewer.subject.id, vault=vault,
                                            before_id=before)


def _grant(session: Session, *, viewer: Viewer, meta: dict[str, str], vault, form: GrantMandateForm,  # type: ignore[no-untyped-def]
           secret: str) -> str:
    """Grant the mandate: "granted", "own_code" or "too_many"."""
    assert viewer.subject is not None and viewer.subject.id is not None
    # Counted per client, so that nobody can try identity codes in bulk.
    if not rate_limit.allow(session, limit=rate_limit.MANDATE_GRANTS_PER_CLIENT, key=str(viewer.subject.id),
                            secret=secret):
        return "too_many"
    mandate = mandate_rules.grant_to_named_person(
        session,
        vault=vault,
        identity_code=form.identity_code.data,
        given_name=form.given_name.data,
        family_name=form.family_name.data,
        principal_person_id=viewer.subject.id,
        scope=MandateScope(form.scope.data),
        basis=MandateBasis.CLIENT_GRANTED,
        created_by_person_id=viewer.person.id,  # type: ignore[arg-type]
        valid_until=form.valid_until.data,
    )
    if mandate is None:
        return "own_code"
    _log(session, viewer, meta, action="change", object_type="mandate", object_id=str(mandate.id))
    return "granted"


@client_route(Action.MANAGE_MANDATES)
async def mandates(request: Request) -> Response:
    viewer = request.state.viewer
    before = paging.cursor(request, "before")
    form = await GrantMandateForm.load(request)
    status = 200
    if request.method == "POST":
        if form.validate_submission():
            outcome = await db.run(
                request, _grant, viewer=viewer, meta=request_meta(request), vault=request.app.state.vault, form=form,
                secret=request.app.state.settings.secret_key,
            )
            if outcome == "granted":
                return RedirectResponse("/settings/mandates?granted=1", status_code=303)
            # Refused: the form again, with what was written.
            too_many = outcome == "too_many"
            form.identity_code.errors = [errors.TOO_MANY_SENT if too_many else form.own_code_message()]
            status = 429 if too_many else 400
        else:
            status = 400
    page = await db.run(request, _mandates, viewer=viewer, meta=request_meta(request), vault=request.app.state.vault,
                        before=before)
    return render(
        request,
        "client/mandates.html",
        {"viewer": viewer, "form": form, "rows": page.rows, "page": page, "first_page": before is None,
         "granted": request.query_params.get("granted") == "1",
         "revoke_form": RevokeForm(meta={"csrf_context": form.meta.csrf_context})},
        status_code=status,
    )


class RevokeForm(PortalForm):
    pass


def _revoke(session: Session, *, viewer: Viewer, meta: dict[str, str], mandate_id: int) -> bool:
    assert viewer.subject is not None and viewer.subject.id is not None
    mandate = mandate_rules.revoke(session, mandate_id=mandate_id, principal_person_id=viewer.subject.id, now=now_utc())
    if mandate is None:
        return False
    _log(session, viewer, meta, action="change", object_type="mandate", object_id=str(mandate_id))
    return True


@client_route(Action.MANAGE_MANDATES)
async def revoke_mandate(request: Request) -> Response:
    form = await RevokeForm.load(request)
    if not form.validate_submission():
        raise CsrfRefused()
    revoked = await db.run(
        request, _revoke, viewer=request.state.viewer, meta=request_meta(request),
        mandate_id=int(request.path_params["mandate_id"]),
    )
    if not revoked:
        return not_found(request)
    return RedirectResponse("/settings/mandates", status_code=303)


routes = [
    Route("/home", home, name="client_home"),
    Route("/access-log", who_has_seen, name="client_access_log"),
    Route("/settings/mandates", mandates, methods=["GET", "POST"], name="client_mandates"),
    Route("/settings/mandates/{mandate_id:id}/revoke", revoke_mandate, methods=["POST"], name="client_revoke_mandate"),
]
