"""The unit manager keeps the organisation's rate table: each rate with its
validity dates; rates change by decision, so a new row is added, never edited."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import db
from portal.auth.permissions import Action
from portal.forms import errors
from portal.money.forms import RateForm
from portal.money import rates
from portal.money.earnings import kind_for
from portal.web.guard import Viewer, log_event, request_meta, staff_route
from portal.web.templating import render
from portal.web.errors import forbidden



def _table(session: Session, *, viewer: Viewer) -> list[Any] | None:
    organisation = rates.organisation_of_manager(session, person_id=viewer.person.id)  # type: ignore[arg-type]
    return None if organisation is None else rates.rate_table(session, organisation_id=organisation)


def _add(session: Session, *, viewer: Viewer, meta: dict[str, str], form: RateForm) -> list[str] | None:
    organisation = rates.organisation_of_manager(session, person_id=viewer.person.id)  # type: ignore[arg-type]
    if organisation is None:
        return None
    # A kind of money belongs to its services: työosuusraha to work activity, the others to rehabilitative.
    if form.kind.data not in {kind_for(form.service.data, benefit) for benefit in
                              ("unemployment_benefit", "social_assistance")}:
        return ["rate_kind"]
    outcome = rates.add_rate(session, organisation_id=organisation, service=form.service.data, kind=form.kind.data,
                             amount=form.amount.data, valid_from=form.valid_from.data,
                             valid_until=form.valid_until.data, part_day=form.part_day.data,
                             full_day_hours=form.full_day_hours.data)
    if isinstance(outcome, list):
        return outcome
    log_event(session, viewer.actor, meta, action="change", object_type="rate", subject_id=None,
              object_id=str(outcome.id))
    return []


@staff_route(Action.STAFF_KEEP_ATTENDANCE)
async def rate_page(request: Request) -> Response:
    viewer = request.state.viewer
    table = await db.run(request, _table, viewer=viewer)
    if table is None:
        return forbidden(request)
    form = await RateForm.load(request)
    status_code = 200
    if request.method == "POST":
        if form.validate_submission():
            problems = await db.run(request, _add, viewer=viewer, meta=request_meta(request), form=form)
            if problems is None:
                return forbidden(request)
            if not problems:
                return RedirectResponse("/staff/rates?saved=1", status_code=303)
            target = {"rate_amount": form.amount, "rate_dates": form.valid_until, "rate_kind": form.kind}.get(
                problems[0], form.valid_from)
            target.errors = [errors.problem_message(problems[0])]
        status_code = 400
    return render(request, "money/staff_rates.html", {"viewer": viewer, "form": form, "rates": table,
                                                "saved": request.query_params.get("saved") == "1"},
                  status_code=status_code)


routes = [Route("/staff/rates", rate_page, methods=["GET", "POST"], name="staff_rates")]
