"""Plans: "Suunnitelmani" for the client (with their own thoughts on a goal)
and the staff's plan editor (a new version; the old one stays as history)."""

from __future__ import annotations

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from wtforms import SelectChoice

from portal import db
from portal.auth.permissions import Action
from portal.forms.errors import apply_problems
from portal.plans.forms import ENDING_NAMES, MAX_GOALS, NEXT_STEP_NAMES, STATUS_NAMES, PlanForm, ThoughtForm
from portal.plans import outcomes, records
from portal.schedule.calendar_days import today
from portal.web.guard import Viewer, client_route, log_event, request_meta, staff_route
from portal.web.templating import render
from portal.web.errors import not_found
from portal.web.client_log import log_for_client


def _plan(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> tuple[records.PlanPage, list[outcomes.PeriodRow]]:
    assert viewer.subject is not None and viewer.subject.id is not None
    page = records.plan_page(session, person_id=viewer.subject.id, today=today())
    # How earlier periods ended and the next step belong to the plan history.
    ended = [row for row in outcomes.periods_of(session, person_id=viewer.subject.id) if row.outcome]
    log_for_client(session, viewer, meta, action="read", object_type="plan")
    return page, ended


def _thought_forms(request: Request, page: records.PlanPage, posted: ThoughtForm | None = None,
                   posted_goal: int | None = None) -> dict[int, ThoughtForm]:
    """One form per goal of the current plan; the posted one keeps its text and errors."""
    if page.current is None:
        return {}
    context = (request.app.state.settings.secret_key, request.state.csrf_seed)
    return {
        goal.id: posted if posted is not None and goal.id == posted_goal
        else ThoughtForm(meta={"csrf_context": context}, prefix=f"goal{goal.id}-")
        for goal in page.current.goals
    }


def _render_plan(request: Request, page: records.PlanPage, ended: list[outcomes.PeriodRow],
                 forms: dict[int, ThoughtForm], status_code: int = 200) -> Response:
    errors = [pair for form in forms.values() for pair in form.error_list]
    return render(request, "plans/client.html",
                  {"viewer": request.state.viewer, "page": page, "thought_forms": forms, "errors": errors,
                   "status_names": STATUS_NAMES, "saved": request.query_params.get("saved") == "1",
                   "ended": ended, "ending_names": ENDING_NAMES, "next_step_names": NEXT_STEP_NAMES},
                  status_code=status_code)


@client_route(Action.VIEW)
async def my_plan(request: Request) -> Response:
    page, ended = await db.run(request, _plan, viewer=request.state.viewer, meta=request_meta(request))
    return _render_plan(request, page, ended, _thought_forms(request, page))


def _add_thought(session: Session, *, viewer: Viewer, meta: dict[str, str], goal_id: int, text: str) -> bool:
    assert viewer.subject is not None and viewer.subject.id is not None
    thought = records.add_thought(session, person_id=viewer.subject.id, goal_id=goal_id,
                                  by_person_id=viewer.person.id, text=text)  # type: ignore[arg-type]
    if thought is None:
        return False
    log_for_client(session, viewer, meta, action="change", object_type="goal_thought", object_id=str(thought.id))
    return True


@client_route(Action.ACT)
async def add_thought(request: Request) -> Response:
    viewer = request.state.viewer
    goal_id = int(request.path_params["goal_id"])
    form = await ThoughtForm.load(request, prefix=f"goal{goal_id}-")
    if form.validate_submission():
        added = await db.run(request, _add_thought, viewer=viewer, meta=request_meta(request), goal_id=goal_id,
                             text=form.text.data)
        if not added:
            return not_found(request)
        return RedirectResponse(f"/plan?saved=1#goal-{goal_id}", status_code=303)
    page, ended = await db.run(request, _plan, viewer=viewer, meta=request_meta(request))
    if page.current is None or goal_id not in {goal.id for goal in page.current.goals}:
        return not_found(request)
    return _render_plan(request, page, ended, _thought_forms(request, page, form, goal_id), status_code=400)


# Staff: the plan editor ------------------------------------------------------------


def _editor(session: Session, *, viewer: Viewer, meta: dict[str, str]) -> tuple[records.PlanPage, records.PlanSetting | None]:
    assert viewer.subject is not None and viewer.subject.id is not None
    page = records.plan_page(session, person_id=viewer.subject.id, today=today())
    setting = records.plan_setting(session, person_id=viewer.subject.id, unit_ids=list(viewer.actor.staff_roles))
    log_event(session, viewer.actor, meta, action="read", object_type="plan", subject_id=viewer.subject.id)
    return page, setting


def _prefill(form: PlanForm, page: records.PlanPage) -> None:
    """Start the new version from the current plan."""
    plan = page.current
    if plan is None:
        return
    form.starts_on.data, form.ends_on.data = plan.starts_on, plan.ends_on
    form.days_per_week.data, form.hours_per_day.data = plan.days_per_week, plan.hours_per_day
    form.next_review_on.data, form.network_meeting_on.data = plan.next_review_on, plan.network_meeting_on
    form.contact_phone.data = plan.contact_phone
    # Every goal of the current plan, and one empty field for a new goal.
    while len(form.goals) < min(len(plan.goals) + 1, MAX_GOALS):
        form.goals.append_entry()
    for entry, goal in zip(form.goals, plan.goals, strict=False):
        entry.form.client_words.data, entry.form.staff_words.data = goal.client_words, goal.staff_words
        entry.form.status.data, entry.form.follow_up.data = goal.status, goal.follow_up


def _save(session: Session, *, viewer: Viewer, meta: dict[str, str], form: PlanForm,
          replaces_id: int | None) -> list[records.Problem]:
    assert viewer.subject is not None and viewer.subject.id is not None
    setting = records.plan_setting(session, person_id=viewer.subject.id, unit_ids=list(viewer.actor.staff_roles))
    assert setting is not None  # the guard let only staff of the client's unit in
    outcome = records.save_new_plan(session, person_id=viewer.subject.id, setting=setting, draft=form.draft(),
                                    by_person_id=viewer.person.id, replaces_id=replaces_id)  # type: ignore[arg-type]
    if isinstance(outcome, list):
        return outcome
    log_event(session, viewer.actor, meta, action="change", object_type="plan", subject_id=viewer.subject.id,
              object_id=str(outcome.id))
    return []


@staff_route(Action.STAFF_EDIT_PLAN)
async def plan_editor(request: Request) -> Response:
    viewer = request.state.viewer
    page, setting = await db.run(request, _editor, viewer=viewer, meta=request_meta(request))
    form = await PlanForm.load(request)
    assert setting is not None
    form.contact_person_id.choices = [SelectChoice("", "–")] + [SelectChoice(pid, name) for pid, name in setting.contacts]
    status = 200
    if request.method == "POST":
        if form.validate_submission():
            problems = await db.run(request, _save, viewer=viewer, meta=request_meta(request), form=form,
                                    replaces_id=page.current.id if page.current else None)
            if not problems:
                return RedirectResponse(f"/staff/clients/{viewer.subject.id}/plan?saved=1", status_code=303)
            apply_problems(form, problems)
        status = 400
    elif not viewer.draft:
        _prefill(form, page)
        if page.current is not None:
            form.contact_person_id.data = page.current.contact_person_id or 0
    return render(request, "plans/staff.html",
                  {"viewer": viewer, "form": form, "page": page, "setting": setting, "status_names": STATUS_NAMES,
                   "saved": request.query_params.get("saved") == "1"}, status_code=status)


routes = [
    Route("/plan", my_plan, name="client_plan"),
    Route("/plan/goals/{goal_id:id}/thoughts", add_thought, methods=["POST"], name="client_goal_thought"),
    Route("/staff/clients/{client_id:id}/plan", plan_editor, methods=["GET", "POST"], name="staff_plan"),
]
