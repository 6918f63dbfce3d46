"""Staff record how a client's period ended and the next step."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from wtforms import SelectChoice

from portal import db
from portal.auth.permissions import Action
from portal.auth.sessions import now_utc
from portal.forms.errors import apply_problems
from portal.plans.forms import ENDING_NAMES, NEXT_STEP_NAMES, OutcomeForm
from portal.i18n import format_full_date
from portal.plans import outcomes
from portal.plans.rules import Problem
from portal.web.guard import Viewer, log_event, request_meta, staff_route
from portal.web.templating import render
from portal.web.errors import not_found


def _periods(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> list[outcomes.PeriodRow]:
    assert viewer.subject is not None and viewer.subject.id is not None
    rows = outcomes.periods_of(session, person_id=viewer.subject.id, unit_ids=list(viewer.actor.staff_roles))
    log_event(session, viewer.actor, meta, action="read", object_type="period_outcome", subject_id=viewer.subject.id)
    return rows


def _record(session: Session, *, viewer: Viewer, meta: dict[str, str], form: OutcomeForm) -> list[Problem] | None:
    assert viewer.subject is not None and viewer.subject.id is not None
    outcome = outcomes.record(session, person_id=viewer.subject.id, unit_ids=list(viewer.actor.staff_roles),
                              period_id=form.period_id.data, ended_on=form.ended_on.data, ending=form.ending.data,
                              next_step=form.next_step.data, note=form.note.data or "",
                              by_person_id=viewer.person.id, now=now_utc())  # type: ignore[arg-type]
    if outcome is None or isinstance(outcome, list):
        return outcome
    log_event(session, viewer.actor, meta, action="change", object_type="period_outcome",
              subject_id=viewer.subject.id, object_id=str(outcome.id))
    return []


@staff_route(Action.STAFF_EDIT_PLAN)
async def period_outcome(request: Request) -> Response:
    viewer = request.state.viewer
    rows = await db.run(request, _periods, viewer=viewer, meta=request_meta(request))
    form = await OutcomeForm.load(request)
    form.period_id.choices = [
        SelectChoice(row.period.id, f"{format_full_date(row.period.starts_on)} – {format_full_date(row.period.ends_on)}")
        for row in rows
    ]
    status = 200
    if request.method == "POST":
        if form.validate_submission():
            problems = await db.run(request, _record, viewer=viewer, meta=request_meta(request), form=form)
            if problems is None:
                return not_found(request)
            if not problems:
                return RedirectResponse(f"/staff/clients/{viewer.subject.id}/outcome?saved=1", status_code=303)
            apply_problems(form, problems)
        status = 400
    return render(request, "plans/staff_outcome.html",
                  {"viewer": viewer, "form": form, "rows": rows, "ending_names": ENDING_NAMES,
                   "next_step_names": NEXT_STEP_NAMES, "saved": request.query_params.get("saved") == "1"},
                  status_code=status)


routes = [
    Route("/staff/clients/{client_id:id}/outcome", period_outcome, methods=["GET", "POST"], name="staff_outcome"),
]
