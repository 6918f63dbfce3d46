"""The staff's day list for a group: who is expected, marks saved with one button."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import access_log, db
from portal.attendance import day_list
from portal.auth.permissions import Action
from portal.attendance.forms import STATUSES, DayListForm
from portal.schedule import editing
from portal.schedule.calendar_days import today
from portal.web.guard import Viewer, event_fields, log_event, request_meta, staff_route
from portal.web.ids import parse_id
from portal.web.templating import render
from portal.web.errors import bad_request, not_found


def _day(request: Request) -> date | None:
    text = request.query_params.get("day", "")
    if not text:
        return today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _list(session: Session, *, viewer: Viewer, meta: dict[str, str], group_id: int,
          day: date) -> day_list.DayList | None:
    group = editing.group_for(session, actor=viewer.actor, group_id=group_id)
    if group is None:
        log_event(session, viewer.actor, meta, action="refused", object_type="group", subject_id=None,
                  object_id=str(group_id))
        return None
    listing = day_list.day_list(session, group=group, day=day)
    access_log.record_many(session, [event_fields(viewer.actor, meta, action="read", object_type="attendance",
                                                  subject_id=row.person_id, object_id=day.isoformat())
                                     for row in listing.rows])
    return listing


def _initial(listing: day_list.DayList) -> dict[str, Any]:
    rows = []
    for row in listing.rows:
        status, reason = row.status, row.absence_reason
        if not status and row.absence is not None:  # the client's own notice: absent, with their reason
            status, reason = day_list.ABSENT, row.absence.reason
        rows.append({"person_id": str(row.person_id), "status": status, "hours": row.hours,
                     "absence_reason": reason})
    return {"rows": rows}


def _page(request: Request, listing: day_list.DayList, form: DayListForm | None = None,
          status_code: int = 200) -> Response:
    if form is None:
        context = (request.app.state.settings.secret_key, request.state.csrf_seed)
        form = DayListForm(meta={"csrf_context": context}, data=_initial(listing))
    by_id = {row.person_id: row for row in listing.rows}
    rows = [(entry.form, by_id.get(_row_person(entry.form))) for entry in form.rows]
    return render(request, "attendance/staff_day.html", {
        "viewer": request.state.viewer, "listing": listing, "form": form, "rows": rows,
        "is_future": listing.day > today(), "today": today(),
        "previous_day": listing.day - timedelta(days=1), "next_day": listing.day + timedelta(days=1),
        "saved": request.query_params.get("saved") == "1",
        "status_names": {choice.value: choice.label for choice in STATUSES},
    }, status_code=status_code)


@staff_route(Action.STAFF_KEEP_ATTENDANCE)
async def attendance_page(request: Request) -> Response:
    day = _day(request)
    if day is None:
        return bad_request(request)
    listing = await db.run(request, _list, viewer=request.state.viewer, meta=request_meta(request),
                           group_id=int(request.path_params["group_id"]), day=day)
    if listing is None:
        return not_found(request)
    return _page(request, listing)


def _row_person(row: Any) -> int:
    """The row's person id; 0 (nobody, which the day list refuses) when the
    posted value is not an id at all."""
    return parse_id(row.person_id.data) or 0


def _entries(form: DayListForm) -> list[day_list.Entry]:
    entries = []
    for entry in form.rows:
        row = entry.form
        person_id = _row_person(row)
        status = row.status.data if row.status.data in (day_list.PRESENT, day_list.PART, day_list.ABSENT) else ""
        hours = row.hours.data if isinstance(row.hours.data, Decimal) else None
        entries.append(day_list.Entry(person_id, status, hours, row.absence_reason.data or ""))
    return entries


def _save(session: Session, *, viewer: Viewer, meta: dict[str, str], group_id: int, day: date,
          entries: list[day_list.Entry], correction_reason: str) -> Any:
    group = editing.group_for(session, actor=viewer.actor, group_id=group_id)
    if group is None:
        log_event(session, viewer.actor, meta, action="refused", object_type="group", subject_id=None,
                  object_id=str(group_id))
        return None
    outcome = day_list.save(session, group=group, day=day, entries=entries, correction_reason=correction_reason,
                            by_person_id=viewer.person.id, today=today())  # type: ignore[arg-type]
    if outcome and isinstance(outcome[0], tuple):
        return outcome
    access_log.record_many(session, [event_fields(viewer.actor, meta, action="change", object_type="attendance",
                                                  subject_id=person_id, object_id=day.isoformat())
                                     for person_id in outcome])
    return []


@staff_route(Action.STAFF_KEEP_ATTENDANCE)
async def save_attendance(request: Request) -> Response:
    viewer = request.state.viewer
    group_id = int(request.path_params["group_id"])
    day = _day(request)
    if day is None:
        return bad_request(request)
    form = await DayListForm.load(request)
    if form.validate_submission():
        problems = await db.run(request, _save, viewer=viewer, meta=request_meta(request), group_id=group_id,
                                day=day, entries=_entries(form), correction_reason=form.correction_reason.data or "")
        if problems is None:
            return not_found(request)
        if not problems:
            return RedirectResponse(f"/staff/groups/{group_id}/attendance?day={day.isoformat()}&saved=1",
                                    status_code=303)
        form.apply_problems(problems)
    listing = await db.run(request, _list, viewer=viewer, meta=request_meta(request), group_id=group_id, day=day)
    if listing is None:
        return not_found(request)
    return _page(request, listing, form, status_code=400)


routes = [
    Route("/staff/groups/{group_id:id}/attendance", attendance_page, name="staff_attendance"),
    Route("/staff/groups/{group_id:id}/attendance", save_attendance, methods=["POST"], name="staff_attendance_save"),
]
