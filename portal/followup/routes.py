"""The unit's follow-up (seuranta) for staff: tables and a CSV download."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal import db
from portal.auth.permissions import Action, may_follow_unit
from portal.assessment.content import Library
from portal.followup import charts
from portal.followup.assessments import GRACE_DAYS
from portal.followup.csv_export import as_csv
from portal.followup.figures import SMALLEST_GROUP, Followup, month_starts, unit_followup
from portal.feedback.forms import FACES, face_label
from portal.plans.forms import NEXT_STEP_NAMES
from portal import organisation
from portal.models import Unit
from portal.schedule.calendar_days import today
from portal.web.guard import Viewer, log_event, request_meta, staff_route
from portal.web.templating import render
from portal.web.errors import bad_request, forbidden

MONTHS_OFFERED = 24


def offered_months() -> list[date]:
    this_month = today().replace(day=1)
    first = date(this_month.year - 2, this_month.month, 1)
    return month_starts(first, this_month)[-MONTHS_OFFERED:]


def _parse_month(raw: str | None, default: date, offered: list[date]) -> date | None:
    if raw is None:
        return default
    for month in offered:
        if month.strftime("%Y-%m") == raw:
            return month
    return None


def _figures(session: Session, *, viewer: Viewer, meta: dict[str, str], library: Library, unit_id: int,
             first: date, last: date) -> Followup:
    # Figures of groups, never of one client: no client is the subject here.
    log_event(session, viewer.actor, meta, action="read", object_type="followup", subject_id=None,
              object_id=str(unit_id))
    return unit_followup(session, unit_id=unit_id, first=first, last=last, today=today(), library=library)


async def _asked(request: Request) -> tuple[int, date, date, list[Unit], list[date]] | Response:
    viewer = request.state.viewer
    units = await db.run(request, organisation.units_by_name, unit_ids=list(viewer.actor.staff_roles))
    offered = offered_months()
    params = request.query_params
    raw_unit = params.get("unit")
    unit_id = units[0].id if raw_unit is None and units else (
        int(raw_unit) if raw_unit and raw_unit.isascii() and raw_unit.isdigit() and len(raw_unit) <= 18 else None)
    first = _parse_month(params.get("from"), offered[-6], offered)
    last = _parse_month(params.get("to"), offered[-1], offered)
    if unit_id is None or first is None or last is None:
        return bad_request(request)
    if not may_follow_unit(viewer.actor, unit_id):
        return forbidden(request)
    if last < first:
        first, last = last, first
    return unit_id, first, last, units, offered


async def _asked_figures(request: Request) -> tuple[Followup, list[Unit], list[date], date, date, int] | Response:
    asked = await _asked(request)
    if isinstance(asked, Response):
        return asked
    unit_id, first, last, units, offered = asked
    figures = await db.run(request, _figures, viewer=request.state.viewer, meta=request_meta(request),
                           library=request.app.state.assessment_library, unit_id=unit_id, first=first, last=last)
    return figures, units, offered, first, last, unit_id


@staff_route(Action.STAFF_VIEW_FOLLOWUP, long=True)
async def followup(request: Request) -> Response:
    found = await _asked_figures(request)
    if isinstance(found, Response):
        return found
    figures, units, offered, first, last, unit_id = found
    return render(request, "followup/staff.html", {
        "figures": figures, "units": units, "offered": offered, "first": first, "last": last, "unit_id": unit_id,
        "face_label": face_label, "face_words": {mood: words for mood, (_face, words) in FACES.items()}, "next_step_names": NEXT_STEP_NAMES, "smallest": SMALLEST_GROUP, "grace_days": GRACE_DAYS,
        "attendance_chart": charts.attendance_chart(figures.months), "mood_chart": charts.mood_chart(figures.months),
        "query": request.url.query})


@staff_route(Action.STAFF_VIEW_FOLLOWUP, long=True)
async def followup_csv(request: Request) -> Response:
    found = await _asked_figures(request)
    if isinstance(found, Response):
        return found
    return Response(as_csv(found[0]), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="seuranta.csv"', "Cache-Control": "no-store"})


routes = [
    Route("/staff/followup", followup, name="staff_followup"),
    Route("/staff/followup.csv", followup_csv, name="staff_followup_csv"),
]
