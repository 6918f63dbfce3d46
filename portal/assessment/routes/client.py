"""The client's self-assessment: intro, one question per page, check your
answers, send, thank you, results. A delegate with the "act" scope may fill
it in; a "view" delegate sees the results only."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from portal import db, i18n
from portal.assessment import answers as answer_rules
from portal.assessment import views
from portal.assessment.content import Library
from portal.auth.permissions import Action, Subject, can
from portal.forms import CsrfRefused
from portal.models import ClientPeriod
from portal.assessment.forms import SendForm, StartForm, option_hints, option_images, question_form_class
from portal.schedule import calendar_days
from portal.assessment.routes.labels import LABELS
from portal.web.guard import Viewer, client_route, log_event, request_meta
from portal.web.templating import render
from portal.web.client_log import subject_id
from portal.web.errors import bad_request, not_found


def _library(request: Request) -> Library:
    return request.app.state.assessment_library


def _log(session: Session, viewer: Viewer, meta: dict[str, str], action: str, assessment_id: int | None) -> None:
    log_event(session, viewer.actor, meta, action=action, object_type="assessment",
              subject_id=subject_id(viewer), object_id=str(assessment_id or ""))


def _may_act(viewer: Viewer) -> bool:
    return can(viewer.actor, Action.ACT, Subject(subject_id(viewer)))


def _entered_as(viewer: Viewer) -> str:
    if viewer.actor.audience == "staff":
        return "staff"  # typed in from a paper form (portal.assessment.routes.paper)
    return "client" if viewer.actor.footing == "own" else "delegate"


def _base(request: Request, assessment_id: int | None) -> str:
    """The assessment's own address: the client's, or the staff member's paper entry."""
    client_id = request.path_params.get("client_id")
    if client_id is not None:
        return f"/staff/clients/{client_id}/assessments/{assessment_id}"
    return f"/assessment/{assessment_id}"


def _after_send(request: Request, assessment_id: int | None) -> str:
    """Where a sent assessment leads: the thank-you page, or the staff review page."""
    base = _base(request, assessment_id)
    return base if "client_id" in request.path_params else f"{base}/sent"


def _see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


# The start page card and the intro page ------------------------------------------

def overview(session: Session, *, library: Library, person_id: int, today: date,
             periods: list[ClientPeriod] | None = None) -> views.Overview:
    """The client's assessments as the start page card and the intro page show them."""
    return views.client_overview(session, library=library, person_id=person_id, today=today, periods=periods)


def _overview(session: Session, *, library: Library, viewer: Viewer, meta: dict[str, str]) -> views.Overview:
    found = overview(session, library=library, person_id=subject_id(viewer), today=calendar_days.today())
    _log(session, viewer, meta, "read", None)
    return found


def card_context(viewer: Viewer, found: views.Overview) -> dict[str, Any]:
    """The start page card's context (the start page reads it and logs its own read)."""
    return {"overview": found, "may_act": _may_act(viewer)}


@client_route(Action.VIEW)
async def intro(request: Request) -> Response:
    viewer = request.state.viewer
    found = await db.run(request, _overview, library=_library(request), viewer=viewer, meta=request_meta(request))
    return render(request, "assessment/intro.html", {"viewer": viewer, "overview": found, "may_act": _may_act(viewer)})


def _start(session: Session, *, library: Library, viewer: Viewer, meta: dict[str, str]) -> tuple[int, str]:
    from portal.assessment import overview

    state = overview.client_status(session, person_id=subject_id(viewer), today=calendar_days.today())
    assessment = answer_rules.start(session, library=library, person_id=subject_id(viewer),
                                    started_by=viewer.person.id, due=state.due,  # type: ignore[arg-type]
                                    request_id=state.request_id)
    _log(session, viewer, meta, "change", assessment.id)
    questionnaire = views.questionnaire_of(library, assessment)
    assert questionnaire is not None and assessment.id is not None
    stored = answer_rules.answers(session, assessment_id=assessment.id)
    first = answer_rules.first_unanswered(questionnaire, stored)
    return assessment.id, first.id if first else ""


@client_route(Action.ACT)
async def start(request: Request) -> Response:
    if not (await StartForm.load(request)).validate_submission():
        raise CsrfRefused()
    assessment_id, first = await db.run(request, _start, library=_library(request), viewer=request.state.viewer,
                                        meta=request_meta(request))
    if not first:
        return _see_other(f"{_base(request, assessment_id)}/check")
    return _see_other(f"{_base(request, assessment_id)}/questions/{first}")


# One question per page --------------------------------------------------------------

def _step(session: Session, *, library: Library, viewer: Viewer, meta: dict[str, str], assessment_id: int,
          question_id: str, log: bool) -> views.Step | Any:
    found = views.step(session, library=library, person_id=subject_id(viewer), assessment_id=assessment_id,
                       question_id=question_id)
    if found is not None and log:  # a post logs its change instead
        _log(session, viewer, meta, "read", assessment_id)
    return found


def _step_form_data(found: views.Step, back_to: str) -> dict[str, Any]:
    stored = found.stored
    data: dict[str, Any] = {"revision": str(stored.revision if stored else 0),
                            "content": views.content_key(found.assessment), "back_to": back_to}
    if stored and not stored.skipped and stored.values:
        data["answer"] = list(stored.values) if found.question.type == "multiple" else stored.values[0]
    return data


def _render_step(request: Request, found: views.Step, form: Any, *, status_code: int = 200,
                 conflict: bool = False) -> Response:
    locale = i18n.get_locale()
    form.answer.option_hints = option_hints(found.questionnaire, found.question, locale)
    form.answer.option_images = option_images(found.questionnaire, found.question, locale)
    base = _base(request, found.assessment.id)
    staff = "client_id" in request.path_params
    back = (f"{base}/check" if form.back_to.data == "check"
            else f"{base}/questions/{found.previous_id}" if found.previous_id
            else f"/staff/clients/{request.path_params['client_id']}" if staff else "/assessment")
    return render(request, "assessment/question.html", {
        "viewer": request.state.viewer, "form": form, "step": found, "back": back, "conflict": conflict, "base": base,
        "resumed": request.query_params.get("resumed") == "1",
    }, status_code=status_code)


@client_route(Action.ACT)
async def question(request: Request) -> Response:
    viewer = request.state.viewer
    assessment_id, question_id = int(request.path_params["assessment_id"]), request.path_params["question_id"]
    found = await db.run(request, _step, library=_library(request), viewer=viewer, meta=request_meta(request),
                         assessment_id=assessment_id, question_id=question_id, log=request.method == "GET")
    if found is None:
        return not_found(request)
    if not isinstance(found, views.Step):  # sent already: nobody changes it
        return _see_other(_after_send(request, assessment_id))
    form_class = question_form_class(found.questionnaire, found.question, i18n.get_locale())
    back_to = "check" if request.query_params.get("back_to") == "check" else ""
    if request.method == "GET":
        return _render_step(request, found, await form_class.load(request, **_step_form_data(found, back_to)))
    return await _save_step(request, found, await form_class.load(request))


def _save(session: Session, *, library: Library, viewer: Viewer, meta: dict[str, str], found: views.Step,
          values: list[str], skipped: bool, seen: int) -> answer_rules.SaveOutcome:
    assessment = answer_rules.of_person(session, assessment_id=found.assessment.id,  # type: ignore[arg-type]
                                        person_id=subject_id(viewer))
    assert assessment is not None
    outcome = answer_rules.save_answer(
        session, assessment=assessment, questionnaire=found.questionnaire, question=found.question,
        values=values, skipped=skipped, seen_revision=seen, entered_by=viewer.person.id,  # type: ignore[arg-type]
        entered_as=_entered_as(viewer))
    if outcome is answer_rules.SaveOutcome.SAVED:
        _log(session, viewer, meta, "change", assessment.id)
    return outcome


async def _save_step(request: Request, found: views.Step, form: Any) -> Response:
    skipped = (await request.form()).get("skip") == "1"
    valid = form.validate_submission()  # raises CsrfRefused first
    seen = form.revision_seen()
    if seen is None or form.content.data != views.content_key(found.assessment):
        # A tampered page, or one made from another content version: store nothing.
        return bad_request(request)
    if skipped:
        form.answer.errors = []
    elif not valid:
        return _render_step(request, found, form, status_code=400)
    values = [] if skipped else (form.answer.data if isinstance(form.answer.data, list) else [form.answer.data])
    try:
        outcome = await db.run(request, _save, library=_library(request), viewer=request.state.viewer,
                               meta=request_meta(request), found=found, values=values, skipped=skipped, seen=seen)
    except answer_rules.InvalidAnswer:
        return bad_request(request)
    assessment_id = found.assessment.id
    if outcome is answer_rules.SaveOutcome.CLOSED:
        return _see_other(_after_send(request, assessment_id))
    if outcome is answer_rules.SaveOutcome.CONFLICT:
        fresh = await db.run(request, views.step, library=_library(request), person_id=subject_id(request.state.viewer),
                             assessment_id=assessment_id, question_id=found.question.id)
        if not isinstance(fresh, views.Step):
            return _see_other(_after_send(request, assessment_id))
        form_class = question_form_class(fresh.questionnaire, fresh.question, i18n.get_locale())
        saved_form = form_class(meta={"csrf_context": form.meta.csrf_context},
                                data=_step_form_data(fresh, form.back_to.data or ""))
        return _render_step(request, fresh, saved_form, status_code=409, conflict=True)
    if form.back_to.data == "check" or found.next_id is None:
        return _see_other(f"{_base(request, assessment_id)}/check")
    return _see_other(f"{_base(request, assessment_id)}/questions/{found.next_id}")


def _draft_or_none(session: Session, *, viewer: Viewer, assessment_id: int) -> Any:
    return answer_rules.of_person(session, assessment_id=assessment_id, person_id=subject_id(viewer))


@client_route(Action.ACT)
async def resume(request: Request) -> Response:
    """Back after a break: the first unanswered question, with a note that earlier answers are kept."""
    assessment_id = int(request.path_params["assessment_id"])
    found = await _draft_answers(request, assessment_id)
    if isinstance(found, Response):
        return found
    if found.first_unanswered is None:
        return _see_other(f"{_base(request, assessment_id)}/check")
    return _see_other(f"{_base(request, assessment_id)}/questions/{found.first_unanswered.id}?resumed=1")


# Check your answers, send, thank you ------------------------------------------------------

def _answer_set(session: Session, *, library: Library, viewer: Viewer, meta: dict[str, str],
                assessment_id: int) -> views.AnswerSet | None:
    assessment = _draft_or_none(session, viewer=viewer, assessment_id=assessment_id)
    if assessment is None:
        return None
    found = views.answer_set(session, library=library, assessment=assessment)
    if found is not None:
        _log(session, viewer, meta, "read", assessment_id)
    return found


async def _draft_answers(request: Request, assessment_id: int) -> views.AnswerSet | Response:
    """The draft's answers (read, and logged); 404 if it is not the client's,
    and the page after sending if it has been sent."""
    found = await db.run(request, _answer_set, library=_library(request), viewer=request.state.viewer,
                         meta=request_meta(request), assessment_id=assessment_id)
    if found is None:
        return not_found(request)
    if found.assessment.status != "draft":
        return _see_other(_after_send(request, assessment_id))
    return found


@client_route(Action.ACT)
async def check(request: Request) -> Response:
    assessment_id = int(request.path_params["assessment_id"])
    found = await _draft_answers(request, assessment_id)
    if isinstance(found, Response):
        return found
    return render(request, "assessment/check.html", {
        "viewer": request.state.viewer, "answers": found, "base": _base(request, assessment_id)})


def _send(session: Session, *, viewer: Viewer, meta: dict[str, str], assessment_id: int) -> bool:
    assessment = _draft_or_none(session, viewer=viewer, assessment_id=assessment_id)
    if assessment is None:
        return False
    if answer_rules.send(session, assessment=assessment, sent_by=viewer.person.id):  # type: ignore[arg-type]
        _log(session, viewer, meta, "change", assessment_id)
    return True  # sent now or before: either way the thank-you page


@client_route(Action.ACT)
async def send(request: Request) -> Response:
    if not (await SendForm.load(request)).validate_submission():
        raise CsrfRefused()
    assessment_id = int(request.path_params["assessment_id"])
    if not await db.run(request, _send, viewer=request.state.viewer, meta=request_meta(request),
                        assessment_id=assessment_id):
        return not_found(request)
    return _see_other(_after_send(request, assessment_id))


@client_route(Action.VIEW)
async def sent(request: Request) -> Response:
    assessment_id = int(request.path_params["assessment_id"])
    found = await db.run(request, _draft_or_none, viewer=request.state.viewer, assessment_id=assessment_id)
    if found is None:
        return not_found(request)
    if found.status == "draft":
        return _see_other(f"{_base(request, assessment_id)}/check")
    return render(request, "assessment/sent.html", {"viewer": request.state.viewer, "assessment": found})


# Results ---------------------------------------------------------------------------------

def _results(session: Session, *, library: Library, viewer: Viewer, meta: dict[str, str],
             assessment_id: int) -> views.Results | None:
    assessment = _draft_or_none(session, viewer=viewer, assessment_id=assessment_id)
    if assessment is None or assessment.status == "draft":
        return None
    found = views.results_of(session, library=library, assessment=assessment)
    if found is not None:
        _log(session, viewer, meta, "read", assessment_id)
    return found


@client_route(Action.VIEW)
async def results(request: Request) -> Response:
    found = await db.run(request, _results, library=_library(request), viewer=request.state.viewer,
                         meta=request_meta(request), assessment_id=int(request.path_params["assessment_id"]))
    if found is None:
        return not_found(request)
    return render(request, "assessment/results.html", {"viewer": request.state.viewer, "results": found, **LABELS})


routes = [
    Route("/assessment", intro, name="assessment_intro"),
    Route("/assessment/start", start, methods=["POST"], name="assessment_start"),
    Route("/assessment/{assessment_id:id}", results, name="assessment_results"),
    Route("/assessment/{assessment_id:id}/continue", resume, name="assessment_continue"),
    Route("/assessment/{assessment_id:id}/questions/{question_id:key}", question, methods=["GET", "POST"],
          name="assessment_question"),
    Route("/assessment/{assessment_id:id}/check", check, name="assessment_check"),
    Route("/assessment/{assessment_id:id}/send", send, methods=["POST"], name="assessment_send"),
    Route("/assessment/{assessment_id:id}/sent", sent, name="assessment_sent"),
]
