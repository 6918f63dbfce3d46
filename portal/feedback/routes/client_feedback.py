"""Clients' feedback ("Anna palautetta") and the staff's answers."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import access_log, db
from portal.auth.levels import Level
from portal.auth.permissions import Action
from portal.auth.sessions import now_utc
from portal.feedback import client as feedback
from portal.forms import errors
from portal.feedback.forms import FACES, SERVICE, ClientFeedbackForm, FeedbackAnswerForm, face_label
from portal.models import ClientFeedback
from portal.schedule.calendar_days import today
from portal.web.guard import Viewer, client_route, event_fields, log_event, request_meta, staff_route
from portal.web.ids import parse_id
from portal.web.templating import render
from portal.web.errors import not_found
from portal.web.client_log import log_for_client, subject_id
from portal.web.answer_forms import answer_forms


def _activities(session: Session, *, viewer: Viewer) -> list[str]:
    return feedback.activities_of_week(session, person_id=subject_id(viewer), today=today())


def _earlier(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> list[ClientFeedback]:
    """The client's named feedback and its answers: a read of their data."""
    earlier = feedback.named_feedback_of(session, person_id=subject_id(viewer))
    log_for_client(session, viewer, meta, action="read", object_type="client_feedback")
    return earlier


def _give(session: Session, *, viewer: Viewer, meta: dict[str, str], form: ClientFeedbackForm,
          secret: str) -> str:
    person_id = subject_id(viewer)
    if not feedback.allowed(session, person_id=person_id, address=meta["ip_address"], kiosk=viewer.kiosk,
                            secret=secret):
        return "too_many"
    unit_id = feedback.client_unit(session, person_id=person_id, today=today())
    if unit_id is None:
        return "no_unit"
    given = feedback.give(session, person_id=person_id, by_person_id=viewer.person.id,  # type: ignore[arg-type]
                          unit_id=unit_id, mood=form.mood.data, about="" if form.about.data == SERVICE
                          else form.about.data, text=form.text.data or "", anonymous=form.anonymous.data,
                          today=today(), now=now_utc())
    if not form.anonymous.data:  # anonymous feedback leaves no trace that points to the person
        log_for_client(session, viewer, meta, action="change", object_type="client_feedback", object_id=str(given.id))
    return "given"


async def _render_form(request: Request, form: ClientFeedbackForm, status_code: int = 200) -> Response:
    # An easy login gives feedback; reading earlier feedback and staff's answers needs a strong one.
    earlier = [] if request.state.viewer.easy else await db.run(
        request, _earlier, viewer=request.state.viewer, meta=request_meta(request))
    return render(request, "feedback/client.html",
                  {"viewer": request.state.viewer, "form": form, "earlier": earlier, "faces": FACES,
                   "face_label": face_label}, status_code=status_code)


@client_route(Action.ACT, level=Level.EASY)
async def give_feedback(request: Request) -> Response:
    viewer = request.state.viewer
    form = await ClientFeedbackForm.load(request)
    form.offer(await db.run(request, _activities, viewer=viewer))
    if request.method == "POST":
        if form.validate_submission():
            outcome = await db.run(request, _give, viewer=viewer, meta=request_meta(request), form=form,
                                   secret=request.app.state.settings.secret_key)
            if outcome == "too_many":  # the form again, with what was written
                form.text.errors = [errors.TOO_MANY_SENT]
                return await _render_form(request, form, status_code=429)
            if outcome == "no_unit":
                return not_found(request)
            return RedirectResponse("/feedback/thanks", status_code=303)
        return await _render_form(request, form, status_code=400)
    return await _render_form(request, form)


@client_route(Action.ACT, level=Level.EASY)
async def feedback_thanks(request: Request) -> Response:
    return render(request, "feedback/client_thanks.html", {"viewer": request.state.viewer})


# Staff -------------------------------------------------------------------------------


def _staff_list(session: Session, *, viewer: Viewer, meta: dict[str, str],
                before_id: int | None) -> list[feedback.StaffRow]:
    rows = feedback.for_staff(session, unit_ids=list(viewer.actor.staff_roles), before_id=before_id)
    # Named feedback is the client's data: one event per feedback shown.
    access_log.record_many(session, [
        event_fields(viewer.actor, meta, action="read", object_type="client_feedback",
                     subject_id=row.feedback.person_id, object_id=str(row.feedback.id))
        for row in rows if row.feedback.person_id is not None
    ])
    return rows


def _answer_forms(request: Request, rows: list[feedback.StaffRow], posted: FeedbackAnswerForm | None = None,
                  posted_id: int | None = None) -> dict[int, FeedbackAnswerForm]:
    # Anonymous feedback has nobody to answer: no form.
    answers = [(row.feedback.id, row.feedback.answer) for row in rows if row.feedback.person_id is not None]
    return answer_forms(request, FeedbackAnswerForm, answers, posted=posted, posted_id=posted_id)  # type: ignore[arg-type]


def _render_staff(request: Request, rows: list[feedback.StaffRow], forms: dict[int, FeedbackAnswerForm],
                  status_code: int = 200) -> Response:
    errors = [pair for form in forms.values() for pair in form.error_list]
    next_before = rows[-1].feedback.id if len(rows) == feedback.STAFF_PAGE_SIZE else None
    return render(request, "feedback/staff.html",
                  {"viewer": request.state.viewer, "rows": rows, "forms": forms, "errors": errors,
                   "face_label": face_label, "next_before": next_before,
                   "saved": request.query_params.get("saved") == "1"}, status_code=status_code)


@staff_route(Action.STAFF_HANDLE_FEEDBACK)
async def staff_feedback(request: Request) -> Response:
    before = request.query_params.get("before")
    before_id = parse_id(before) if before else None
    if before and before_id is None:
        return not_found(request)
    rows = await db.run(request, _staff_list, viewer=request.state.viewer, meta=request_meta(request),
                        before_id=before_id)
    return _render_staff(request, rows, _answer_forms(request, rows))


def _answer(session: Session, *, viewer: Viewer, meta: dict[str, str], feedback_id: int, text: str) -> bool:
    answered = feedback.answer(session, feedback_id=feedback_id, unit_ids=list(viewer.actor.staff_roles), text=text,
                               by_person_id=viewer.person.id, now=now_utc())  # type: ignore[arg-type]
    if answered is None:
        return False
    log_event(session, viewer.actor, meta, action="change", object_type="client_feedback",
              subject_id=answered.person_id, object_id=str(feedback_id))
    return True


@staff_route(Action.STAFF_HANDLE_FEEDBACK)
async def answer_feedback(request: Request) -> Response:
    feedback_id = int(request.path_params["feedback_id"])
    form = await FeedbackAnswerForm.load(request, prefix=f"answer{feedback_id}-")
    if form.validate_submission():
        answered = await db.run(request, _answer, viewer=request.state.viewer, meta=request_meta(request),
                                feedback_id=feedback_id, text=form.answer.data)
        if not answered:
            return not_found(request)
        return RedirectResponse(f"/staff/feedback?saved=1#feedback-{feedback_id}", status_code=303)
    rows = await db.run(request, _staff_list, viewer=request.state.viewer, meta=request_meta(request), before_id=None)
    if feedback_id not in {row.feedback.id for row in rows if row.feedback.person_id is not None}:
        return not_found(request)
    return _render_staff(request, rows, _answer_forms(request, rows, form, feedback_id), status_code=400)


routes = [
    Route("/feedback", give_feedback, methods=["GET", "POST"], name="client_feedback"),
    Route("/feedback/thanks", feedback_thanks, name="client_feedback_thanks"),
    Route("/staff/feedback", staff_feedback, name="staff_feedback"),
    Route("/staff/feedback/{feedback_id:id}/answer", answer_feedback, methods=["POST"], name="staff_feedback_answer"),
]
