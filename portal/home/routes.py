"""The client's start page: today and the next days, absences, bulletins,
messages, and with a strong login the periods, money and self-assessment
cards."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal import db
from portal.assessment import views as assessment_views
from portal.assessment.content import Library
from portal.auth.levels import Level
from portal.auth.permissions import Action
from portal import organisation
from portal.models import MandateScope
from portal.messages import bulletins, threads as message_threads
from portal.money import card as money_card
from portal.schedule import calendar_days, start_page
from portal.assessment.routes import client as assessment_pages
from portal.web.guard import Viewer, client_route, request_meta
from portal.web.templating import render
from portal.web.client_log import log_for_client


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
        log_for_client(session, viewer, meta, action="read", object_type="client_start_page")
        return Home([], start, None, None, shown, unread)
    rows = organisation.client_periods(session, person_id=person_id)  # read once, for all three cards
    money = money_card.this_month(session, person_id=person_id, today=today, periods=rows)
    overview = assessment_pages.overview(session, library=library, person_id=person_id, today=today,
                                         periods=[period for period, _unit in rows])
    log_for_client(session, viewer, meta, action="read", object_type="client_start_page")
    return Home([PeriodView(period.service, unit.name, period.starts_on, period.ends_on) for period, unit in rows],
                start, money, overview, shown, unread)


@client_route(Action.VIEW, level=Level.EASY)
async def home(request: Request) -> Response:
    viewer = request.state.viewer
    found = await db.run(request, _home, viewer=viewer, meta=request_meta(request),
                         library=request.app.state.assessment_library)
    return render(request, "home/client.html", {
        "viewer": viewer, "periods": found.periods, "start": found.start, "money": found.money,
        "bulletins": found.bulletins, "unread_messages": found.unread_messages,
        "can_act": viewer.actor.footing in ("own", MandateScope.ACT.value),
        "reported": request.query_params.get("reported") == "1",
        "cancelled": request.query_params.get("cancelled") == "1",
        "assessment_card": assessment_pages.card_context(viewer, found.assessments) if found.assessments is not None else None,
    })


routes = [Route("/home", home, name="client_home")]
