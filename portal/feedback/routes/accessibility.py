"""The staff's queue of accessibility feedback (answered within 14 days). An
answer by e-mail goes out through the notifications' outbox (/staff/outbox,
portal.notifications.routes.staff)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import db
from portal.auth.permissions import Action
from portal.auth.sessions import now_utc
from portal.feedback import accessibility
from portal.feedback.forms import AccessibilityAnswerForm
from portal.schedule.calendar_days import today
from portal.web.guard import Viewer, staff_route
from portal.web.templating import render
from portal.web.errors import not_found
from portal.web.answer_forms import answer_forms


def _forms(request: Request, items: list[accessibility.QueueItem], posted: AccessibilityAnswerForm | None = None,
           posted_id: int | None = None) -> dict[int, AccessibilityAnswerForm]:
    answers = [(item.feedback.id, item.feedback.answer) for item in items]
    return answer_forms(request, AccessibilityAnswerForm, answers, posted=posted, posted_id=posted_id)  # type: ignore[arg-type]


def _render(request: Request, items: list[accessibility.QueueItem], forms: dict[int, AccessibilityAnswerForm],
            status_code: int = 200) -> Response:
    errors = [pair for form in forms.values() for pair in form.error_list]
    return render(request, "feedback/staff_accessibility_queue.html",
                  {"items": items, "forms": forms, "errors": errors, "today": today(),
                   "saved": request.query_params.get("saved") == "1"}, status_code=status_code)


@staff_route(Action.STAFF_HANDLE_FEEDBACK)
async def queue(request: Request) -> Response:
    items = await db.run(request, accessibility.queue)
    return _render(request, items, _forms(request, items))


def _answer(session: Session, *, viewer: Viewer, feedback_id: int, text: str) -> bool:
    return accessibility.answer(session, feedback_id=feedback_id, text=text, by_person_id=viewer.person.id,  # type: ignore[arg-type]
                                now=now_utc()) is not None


@staff_route(Action.STAFF_HANDLE_FEEDBACK)
async def answer(request: Request) -> Response:
    feedback_id = int(request.path_params["feedback_id"])
    form = await AccessibilityAnswerForm.load(request, prefix=f"answer{feedback_id}-")
    if form.validate_submission():
        if not await db.run(request, _answer, viewer=request.state.viewer, feedback_id=feedback_id,
                            text=form.answer.data):
            return not_found(request)
        return RedirectResponse(f"/staff/accessibility-feedback?saved=1#feedback-{feedback_id}", status_code=303)
    items = await db.run(request, accessibility.queue)
    if feedback_id not in {item.feedback.id for item in items}:
        return not_found(request)
    return _render(request, items, _forms(request, items, form, feedback_id), status_code=400)


routes = [
    Route("/staff/accessibility-feedback", queue, name="staff_accessibility_queue"),
    Route("/staff/accessibility-feedback/{feedback_id:id}/answer", answer, methods=["POST"],
          name="staff_accessibility_answer"),
]
