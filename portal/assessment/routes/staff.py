"""Staff and the self-assessment: the review queue of one's own units, the
review page with the previous assessment beside, and a print view for the
network meeting. Every view and change is in the access log."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import access_log, db
from portal.schedule import calendar_days
from portal.assessment import answers as answer_rules
from portal.assessment import queue as queue_rules
from portal.assessment import views
from portal.assessment.content import Library
from portal.auth.permissions import Action
from portal.forms import CsrfRefused, PortalForm
from portal.assessment.forms import ReviewForm
from portal.web import paging
from portal.assessment.routes.labels import LABELS
from portal.web.guard import Viewer, event_fields, log_event, request_meta, staff_route
from portal.web.templating import render
from portal.web.errors import bad_request, not_found


def _library(request: Request) -> Library:
    return request.app.state.assessment_library


def _queue(session: Session, *, viewer: Viewer, meta: dict[str, str], only: str | None,
           after: int | None) -> queue_rules.Queue:
    found = queue_rules.queue(session, unit_ids=viewer.actor.staff_roles.keys(), today=calendar_days.today(),
                              only=only, after_entry_id=after)
    if found.person_ids:  # one event naming the clients on the page
        access_log.record(session, **{
            **event_fields(viewer.actor, meta, action="read", object_type="assessment_queue", subject_id=None),
            "subject_person_ids": found.person_ids,
        })
    return found


@staff_route(Action.STAFF_ASSESSMENT_QUEUE)
async def queue(request: Request) -> Response:
    """The three sections' first pages; `?section=overdue&after=ID`: one section from there on."""
    viewer = request.state.viewer
    only = request.query_params.get("section") or None
    after = paging.cursor(request, "after")
    if only is not None and only not in queue_rules.SECTIONS:
        return bad_request(request)
    found = await db.run(request, _queue, viewer=viewer, meta=request_meta(request), only=only, after=after)
    return render(request, "assessment/staff_queue.html", {"viewer": viewer, "queue": found, "only": only})


def _review_view(session: Session, *, library: Library, viewer: Viewer, meta: dict[str, str], assessment_id: int,
                 action: str = "read") -> views.Results | None:
    assert viewer.subject is not None and viewer.subject.id is not None
    assessment = answer_rules.of_person(session, assessment_id=assessment_id, person_id=viewer.subject.id)
    if assessment is None or assessment.status == "draft":
        return None
    found = views.results_of(session, library=library, assessment=assessment, with_history=False)
    if found is not None:
        log_event(session, viewer.actor, meta, action=action, object_type="assessment",
                  subject_id=viewer.subject.id, object_id=str(assessment_id))
    return found


def _previous_answers(found: views.Results) -> dict[str, Any]:
    if found.previous is None:
        return {}
    return {row.question.id: row for row in found.previous.rows}


def _render_review(request: Request, found: views.Results, form: ReviewForm, status_code: int = 200) -> Response:
    return render(request, "assessment/staff_review.html", {
        "viewer": request.state.viewer, "results": found, "form": form,
        "previous_rows": _previous_answers(found), **LABELS}, status_code=status_code)


@staff_route(Action.STAFF_VIEW_CLIENT)
async def review_page(request: Request) -> Response:
    found = await db.run(request, _review_view, library=_library(request), viewer=request.state.viewer,
                         meta=request_meta(request), assessment_id=int(request.path_params["assessment_id"]))
    if found is None:
        return not_found(request)
    form = await ReviewForm.load(request, comment=found.current.assessment.staff_comment)
    return _render_review(request, found, form)


def _review(session: Session, *, viewer: Viewer, meta: dict[str, str], assessment_id: int, comment: str) -> bool:
    assert viewer.subject is not None and viewer.subject.id is not None
    assessment = answer_rules.of_person(session, assessment_id=assessment_id, person_id=viewer.subject.id)
    if assessment is None or not answer_rules.review(session, assessment=assessment,
                                                     reviewed_by=viewer.person.id, comment=comment):  # type: ignore[arg-type]
        return False
    log_event(session, viewer.actor, meta, action="change", object_type="assessment",
              subject_id=viewer.subject.id, object_id=str(assessment_id))
    return True


@staff_route(Action.STAFF_REVIEW_ASSESSMENT)
async def review(request: Request) -> Response:
    viewer = request.state.viewer
    assessment_id = int(request.path_params["assessment_id"])
    form = await ReviewForm.load(request)
    if form.validate_submission():
        if await db.run(request, _review, viewer=viewer, meta=request_meta(request), assessment_id=assessment_id,
                        comment=form.comment.data or ""):
            return RedirectResponse(f"/staff/clients/{viewer.subject.id}/assessments/{assessment_id}?reviewed=1",
                                    status_code=303)
        return not_found(request)
    found = await db.run(request, _review_view, library=_library(request), viewer=viewer,
                         meta=request_meta(request), assessment_id=assessment_id)
    if found is None:
        return not_found(request)
    return _render_review(request, found, form, status_code=400)


@staff_route(Action.STAFF_VIEW_CLIENT)
async def print_view(request: Request) -> Response:
    found = await db.run(request, _review_view, library=_library(request), viewer=request.state.viewer,
                         meta=request_meta(request), assessment_id=int(request.path_params["assessment_id"]),
                         action="print")
    if found is None:
        return not_found(request)
    return render(request, "assessment/staff_print.html", {
        "viewer": request.state.viewer, "results": found, "previous_rows": _previous_answers(found), **LABELS})


def _history(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> list[Any]:
    assert viewer.subject is not None and viewer.subject.id is not None
    log_event(session, viewer.actor, meta, action="read", object_type="assessment_list", subject_id=viewer.subject.id)
    return answer_rules.history(session, person_id=viewer.subject.id)


@staff_route(Action.STAFF_VIEW_CLIENT)
async def client_history(request: Request) -> Response:
    """Every sent assessment of one client, newest first."""
    viewer = request.state.viewer
    found = await db.run(request, _history, viewer=viewer, meta=request_meta(request))
    return render(request, "assessment/staff_history.html", {"viewer": viewer, "history": found, **LABELS})


REQUEST_DUE_DAYS = 14


def _request(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> None:
    assert viewer.subject is not None and viewer.subject.id is not None
    row = answer_rules.request(session, person_id=viewer.subject.id, requested_by=viewer.person.id,  # type: ignore[arg-type]
                               due_on=calendar_days.today() + timedelta(days=REQUEST_DUE_DAYS))
    log_event(session, viewer.actor, meta, action="change", object_type="assessment_request",
              subject_id=viewer.subject.id, object_id=str(row.id))


@staff_route(Action.STAFF_REVIEW_ASSESSMENT)
async def ask_for_one(request: Request) -> Response:
    """Ask the client to fill in an assessment within two weeks."""
    viewer = request.state.viewer
    if not (await PortalForm.load(request)).validate_submission():
        raise CsrfRefused()
    await db.run(request, _request, viewer=viewer, meta=request_meta(request))
    return RedirectResponse(f"/staff/clients/{viewer.subject.id}?assessment_requested=1", status_code=303)


routes = [
    Route("/staff/clients/{client_id:id}/assessments", client_history, name="staff_assessment_history"),
    Route("/staff/clients/{client_id:id}/assessments/request", ask_for_one, methods=["POST"],
          name="staff_assessment_request"),
    Route("/staff/assessments", queue, name="staff_assessment_queue"),
    Route("/staff/clients/{client_id:id}/assessments/{assessment_id:id}", review_page, name="staff_assessment"),
    Route("/staff/clients/{client_id:id}/assessments/{assessment_id:id}/review", review, methods=["POST"],
          name="staff_assessment_review"),
    Route("/staff/clients/{client_id:id}/assessments/{assessment_id:id}/print", print_view,
          name="staff_assessment_print"),
]
