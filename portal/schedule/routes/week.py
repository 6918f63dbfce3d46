"""The client's week ("Viikkoni") and absence notices ("En pääse tänään")."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import db
from portal.auth.levels import Level
from portal.auth.permissions import Action
from portal.forms import CsrfRefused, PortalForm
from portal.forms.errors import apply_problems
from portal.schedule.forms import AbsenceForm
from portal.models import AbsenceReason
from portal.plans.rules import Problem
from portal.schedule import absences, week
from portal.schedule.calendar_days import monday_of, today
from portal.web import navigation
from portal.web.guard import Viewer, client_route, request_meta
from portal.web.templating import render
from portal.web.errors import not_found
from portal.web.client_log import log_for_client, subject_id


def _week(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> list[week.Day]:
    day = today()
    # This week and next, today first: the days already gone this week are left out.
    days = week.client_days(session, person_id=subject_id(viewer), first=day,
                            last=monday_of(day) + timedelta(days=13))
    log_for_client(session, viewer, meta, action="read", object_type="client_week")
    return days


@client_route(Action.VIEW, level=Level.EASY)
async def my_week(request: Request) -> Response:
    viewer = request.state.viewer
    days = await db.run(request, _week, viewer=viewer, meta=request_meta(request))
    return render(request, "schedule/week.html", {
        "viewer": viewer, "days": days, "next_monday": monday_of(today()) + timedelta(days=7),
        "sub_pages": navigation.sub_page_links(request, viewer.actor, "client_week"),
    })


def _report(session: Session, *, viewer: Viewer, meta: dict[str, str], starts_on, ends_on, reason: str,  # type: ignore[no-untyped-def]
            message: str) -> list[Problem]:
    outcome = absences.report(session, person_id=subject_id(viewer), by_person_id=viewer.person.id,  # type: ignore[arg-type]
                              starts_on=starts_on, ends_on=ends_on, reason=reason, message=message, today=today())
    if isinstance(outcome, list):
        return outcome
    log_for_client(session, viewer, meta, action="change", object_type="absence_notice", object_id=str(outcome.id))
    return []


@client_route(Action.ACT, level=Level.EASY)
async def report_today(request: Request) -> Response:
    """One step: the button on the start page, nothing else to fill in."""
    form = await PortalForm.load(request)
    if not form.validate_submission():
        raise CsrfRefused()
    day = today()
    problems = await db.run(request, _report, viewer=request.state.viewer, meta=request_meta(request),
                            starts_on=day, ends_on=day, reason=AbsenceReason.NOT_SAID.value, message="")
    if problems:  # already reported, or outside the period: the form explains
        form = await AbsenceForm.load(request)
        form.starts_on.data = day
        apply_problems(form, problems)
        return render(request, "schedule/absence.html", {"viewer": request.state.viewer, "form": form}, status_code=400)
    return RedirectResponse("/home?reported=1", status_code=303)


@client_route(Action.ACT, level=Level.EASY)
async def report_absence(request: Request) -> Response:
    viewer = request.state.viewer
    form = await AbsenceForm.load(request)
    if request.method == "POST":
        if form.validate_submission():
            problems = await db.run(request, _report, viewer=viewer, meta=request_meta(request),
                                    starts_on=form.starts_on.data, ends_on=form.last_day, reason=form.reason.data,
                                    message=form.message.data or "")
            if not problems:
                return RedirectResponse("/home?reported=1", status_code=303)
            apply_problems(form, problems)
        return render(request, "schedule/absence.html", {"viewer": viewer, "form": form}, status_code=400)
    if not viewer.draft:
        form.starts_on.data = AbsenceForm.default_day(today())  # "a later day": tomorrow to start from
    return render(request, "schedule/absence.html", {"viewer": viewer, "form": form})


def _cancel(session: Session, *, viewer: Viewer, meta: dict[str, str], notice_id: int) -> bool:
    notice = absences.cancel(session, person_id=subject_id(viewer), notice_id=notice_id, today=today())
    if notice is None:
        return False
    log_for_client(session, viewer, meta, action="change", object_type="absence_notice", object_id=str(notice_id))
    return True


@client_route(Action.ACT, level=Level.EASY)
async def cancel_absence(request: Request) -> Response:
    form = await PortalForm.load(request)
    if not form.validate_submission():
        raise CsrfRefused()
    cancelled = await db.run(request, _cancel, viewer=request.state.viewer, meta=request_meta(request),
                             notice_id=int(request.path_params["notice_id"]))
    if not cancelled:
        return not_found(request)
    return RedirectResponse("/home?cancelled=1", status_code=303)


routes = [
    Route("/week", my_week, name="client_week"),
    Route("/absence", report_absence, methods=["GET", "POST"], name="client_absence"),
    Route("/absence/today", report_today, methods=["POST"], name="client_absence_today"),
    Route("/absence/{notice_id:id}/cancel", cancel_absence, methods=["POST"], name="client_cancel_absence"),
]
