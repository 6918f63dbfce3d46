"""Staff keep a rehabilitative work activity client's benefit status, which
decides between kulukorvaus and toimintaraha."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import db
from portal.auth.permissions import Action
from portal.forms import errors
from portal.money.forms import BenefitForm
from portal.models import BenefitStatus
from portal.money import rates
from portal.web.guard import Viewer, log_event, request_meta, staff_route
from portal.web.templating import render


def _history(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> list[BenefitStatus]:
    assert viewer.subject is not None and viewer.subject.id is not None
    log_event(session, viewer.actor, meta, action="read", object_type="benefit_status", subject_id=viewer.subject.id)
    return rates.benefit_history(session, person_id=viewer.subject.id)


def _set(session: Session, *, viewer: Viewer, meta: dict[str, str], form: BenefitForm) -> list[str]:
    assert viewer.subject is not None and viewer.subject.id is not None
    problems = rates.benefit_problems(session, person_id=viewer.subject.id, starts_on=form.starts_on.data)
    if problems:
        return problems
    status = rates.set_benefit(session, person_id=viewer.subject.id, benefit=form.benefit.data,
                               starts_on=form.starts_on.data, by_person_id=viewer.person.id)  # type: ignore[arg-type]
    log_event(session, viewer.actor, meta, action="change", object_type="benefit_status",
              subject_id=viewer.subject.id, object_id=str(status.id))
    return []


@staff_route(Action.STAFF_EDIT_BENEFIT)
async def benefit_page(request: Request) -> Response:
    viewer = request.state.viewer
    form = await BenefitForm.load(request)
    status_code = 200
    if request.method == "POST":
        if form.validate_submission():
            problems = await db.run(request, _set, viewer=viewer, meta=request_meta(request), form=form)
            if not problems:
                return RedirectResponse(f"/staff/clients/{viewer.subject.id}/benefit?saved=1", status_code=303)
            form.starts_on.errors = [errors.problem_message(problems[0])]
        status_code = 400
    history = await db.run(request, _history, viewer=viewer, meta=request_meta(request))
    return render(request, "money/staff_benefit.html", {"viewer": viewer, "form": form, "history": history,
                                                  "saved": request.query_params.get("saved") == "1"},
                  status_code=status_code)


routes = [
    Route("/staff/clients/{client_id:id}/benefit", benefit_page, methods=["GET", "POST"], name="staff_benefit"),
]
