"""The staff's month report of money per unit, its CSV download, and closing
a month (unit managers)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import access_log, db
from portal.auth.permissions import Action, may_close_month
from portal.forms import CsrfRefused, PortalForm
from portal.forms import errors as error_messages
from portal.i18n import lazy_gettext as _l
from portal.money import month_report
from portal.plans.rules import Problem
from portal.schedule.calendar_days import today
from portal.web import labels
from portal.web.guard import Viewer, event_fields, log_event, request_meta, staff_route
from portal.web.templating import render
from portal.web.errors import bad_request, not_found

CSV_HEADERS = [_l("Toimintakeskus"), _l("Kuukausi"), _l("Asiakas"), _l("Palvelu"), _l("Päiviä"),
               *[labels.MONEY_KINDS[kind] for kind in month_report.KINDS], _l("Korjaukset aiemmista kuukausista"),
               _l("Yhteensä")]


def _month(request: Request) -> date | None:
    """The month asked for ('2026-10'); last month when none."""
    text = request.query_params.get("month", "")
    if not text:
        return (today().replace(day=1) - timedelta(days=1)).replace(day=1)
    try:
        month = date.fromisoformat(f"{text}-01")
    except ValueError:
        return None
    return month if date(2000, 1, 1) <= month <= today() else None


def _reports(session: Session, *, viewer: Viewer, meta: dict[str, str], month: date,
             action: str) -> list[month_report.UnitReport]:
    reports = month_report.unit_reports(session, unit_ids=sorted(viewer.actor.staff_roles), month=month,
                                        today=today())
    shown = sorted({row.person_id for report in reports for row in report.rows})
    if shown:  # one event for the report; each client in it sees it
        access_log.record(session, **{**event_fields(viewer.actor, meta, action=action, object_type="money_report",
                                                     subject_id=None, object_id=month.isoformat()[:7]),
                                      "subject_person_ids": shown})
    return reports


def _page(request: Request, month: date, reports: list[month_report.UnitReport], problems: list[Problem] | None = None,
          status_code: int = 200) -> Response:
    viewer = request.state.viewer
    return render(request, "money/staff_month_report.html", {
        "viewer": viewer, "month": month, "reports": reports,
        "kinds": month_report.KINDS,
        "closable": {report.unit_id for report in reports if may_close_month(viewer.actor, report.unit_id)},
        "previous_month": (month - timedelta(days=1)).replace(day=1),
        "next_month": (month + timedelta(days=32)).replace(day=1) if (month + timedelta(days=32)).replace(day=1) <= today() else None,
        "problem": error_messages.problem_message(problems[0].code) if problems else "",
        "errors": [(f"close-{unit}", error_messages.problem_message(problems[0].code)) for unit in sorted(
            {report.unit_id for report in reports if may_close_month(viewer.actor, report.unit_id)})][:1]
        if problems else [],
        "closed_now": request.query_params.get("closed") == "1",
    }, status_code=status_code)


@staff_route(Action.STAFF_KEEP_ATTENDANCE, long=True)
async def report_page(request: Request) -> Response:
    month = _month(request)
    if month is None:
        return bad_request(request)
    reports = await db.run(request, _reports, viewer=request.state.viewer, meta=request_meta(request), month=month,
                           action="read")
    return _page(request, month, reports)


@staff_route(Action.STAFF_KEEP_ATTENDANCE, long=True)
async def report_csv(request: Request) -> Response:
    month = _month(request)
    if month is None:
        return bad_request(request)
    reports = await db.run(request, _reports, viewer=request.state.viewer, meta=request_meta(request), month=month,
                           action="print")
    body = month_report.csv_bytes(reports, headers=[str(header) for header in CSV_HEADERS],
                                  service_names=labels.SERVICE_NAMES)
    filename = f"rahat-{month.isoformat()[:7]}.csv"
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _close(session: Session, *, viewer: Viewer, meta: dict[str, str], unit_id: int, month: date) -> list[Problem] | None:
    if not may_close_month(viewer.actor, unit_id):
        log_event(session, viewer.actor, meta, action="refused", object_type="month_closing", subject_id=None,
                  object_id=str(unit_id))
        return None
    outcome = month_report.close_month(session, unit_id=unit_id, month=month, by_person_id=viewer.person.id,  # type: ignore[arg-type]
                                       today=today())
    if isinstance(outcome, list):
        return outcome
    log_event(session, viewer.actor, meta, action="change", object_type="month_closing", subject_id=None,
              object_id=f"{unit_id}:{month.isoformat()[:7]}")
    return []


@staff_route(Action.STAFF_KEEP_ATTENDANCE, long=True)
async def close_month(request: Request) -> Response:
    form = await PortalForm.load(request)
    if not form.validate_submission():
        raise CsrfRefused()
    month = _month(request)
    try:
        unit_id = int(str((await request.form()).get("unit_id", "")))
    except ValueError:
        unit_id = 0
    if month is None:
        return bad_request(request)
    problems = await db.run(request, _close, viewer=request.state.viewer, meta=request_meta(request),
                            unit_id=unit_id, month=month)
    if problems is None:
        return not_found(request)
    if not problems:
        return RedirectResponse(f"/staff/money?month={month.isoformat()[:7]}&closed=1", status_code=303)
    reports = await db.run(request, _reports, viewer=request.state.viewer, meta=request_meta(request), month=month,
                           action="read")
    return _page(request, month, reports, problems, status_code=400)


routes = [
    Route("/staff/money", report_page, name="staff_money_report"),
    Route("/staff/money.csv", report_csv, name="staff_money_csv"),
    Route("/staff/money/close", close_month, methods=["POST"], name="staff_close_month"),
]
