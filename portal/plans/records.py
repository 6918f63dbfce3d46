"""Reading plans for the client and staff, saving a new plan version, and
the client's own thoughts on a goal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import bindparam
from sqlalchemy import select as select_rows
from sqlmodel import Session, col, select

from portal.db import rows, table

from portal.models import ClientPeriod, Goal, GoalStatus, GoalThought, Person, Plan, StaffMembership, Unit
from portal.clock import now as utc_now
from portal.plans import rules
from portal.plans.rules import Problem


@dataclass(frozen=True)
class ThoughtView:
    text: str
    written_at: datetime
    by_client: bool


@dataclass(frozen=True)
class GoalView:
    id: int
    client_words: str
    staff_words: str
    status: str
    follow_up: str
    thoughts: list[ThoughtView] = field(default_factory=list)


@dataclass(frozen=True)
class PlanView:
    id: int
    service: str
    unit_name: str
    starts_on: date
    ends_on: date
    days_per_week: int
    hours_per_day: Decimal
    next_review_on: date | None
    network_meeting_on: date | None
    contact_person_id: int | None
    contact_name: str
    contact_phone: str
    replaced: bool
    goals: list[GoalView]


@dataclass(frozen=True)
class PlanPage:
    current: PlanView | None
    earlier: list[PlanView]


@dataclass
class GoalDraft:
    client_words: str
    staff_words: str = ""
    status: str = GoalStatus.STARTING.value
    follow_up: str = ""


@dataclass
class PlanDraft:
    starts_on: date
    ends_on: date
    days_per_week: int
    hours_per_day: Decimal
    next_review_on: date | None = None
    network_meeting_on: date | None = None
    contact_person_id: int | None = None
    contact_phone: str = ""
    goals: list[GoalDraft] = field(default_factory=list)


def _is_current(plan: Plan, today: date) -> bool:
    return plan.replaced_at is None and plan.starts_on <= today <= plan.ends_on


_PLAN = table(Plan)
_NEXT_REVIEW = (select_rows(_PLAN.c.next_review_on)
                .where(_PLAN.c.person_id == bindparam("person_id"), _PLAN.c.replaced_at.is_(None),
                       _PLAN.c.starts_on <= bindparam("today"), _PLAN.c.ends_on >= bindparam("today"))
                .order_by(_PLAN.c.starts_on.desc()).limit(1))


def next_review_on(session: Session, *, person_id: int, today: date) -> date | None:
    """When the plan in force today is next reviewed (None: no plan, or no day set)."""
    found = rows(session, _NEXT_REVIEW, person_id=person_id, today=today)
    return found[0].next_review_on if found else None


def plan_page(session: Session, *, person_id: int, today: date, with_thoughts: bool = True) -> PlanPage:
    """The client's current plan with its goals, and every earlier plan or version."""
    rows = session.exec(
        select(Plan, Unit, Person)
        .join(Unit, col(Unit.id) == col(Plan.unit_id))
        .join(Person, col(Person.id) == col(Plan.contact_person_id), isouter=True)
        .where(Plan.person_id == person_id)
        .order_by(col(Plan.starts_on).desc(), col(Plan.created_at).desc())
    ).all()
    plan_ids = [plan.id for plan, _unit, _contact in rows]
    goals = session.exec(
        select(Goal).where(col(Goal.plan_id).in_(plan_ids)).order_by(Goal.plan_id, Goal.position)
    ).all() if plan_ids else []
    thoughts: dict[int, list[ThoughtView]] = {}
    if with_thoughts and goals:
        for thought in session.exec(
            select(GoalThought).where(col(GoalThought.goal_id).in_([goal.id for goal in goals]))
            .order_by(col(GoalThought.written_at))
        ).all():
            thoughts.setdefault(thought.goal_id, []).append(
                ThoughtView(thought.text, thought.written_at, thought.written_by_person_id == person_id))
    goals_by_plan: dict[int, list[GoalView]] = {}
    for goal in goals:
        goals_by_plan.setdefault(goal.plan_id, []).append(GoalView(
            goal.id, goal.client_words, goal.staff_words, goal.status, goal.follow_up,  # type: ignore[arg-type]
            thoughts.get(goal.id, [])))  # type: ignore[arg-type]
    current = None
    earlier = []
    for plan, unit, contact in rows:
        view = PlanView(
            plan.id, plan.service, unit.name, plan.starts_on, plan.ends_on, plan.days_per_week,  # type: ignore[arg-type]
            plan.hours_per_day, plan.next_review_on, plan.network_meeting_on, plan.contact_person_id,
            f"{contact.given_name} {contact.family_name}" if contact else "", plan.contact_phone,
            plan.replaced_at is not None, goals_by_plan.get(plan.id, []),  # type: ignore[arg-type]
        )
        if current is None and _is_current(plan, today):
            current = view
        elif plan.starts_on <= today:
            earlier.append(view)
    return PlanPage(current, earlier)


@dataclass(frozen=True)
class PlanSetting:
    """Where a staff member writes a client's plan: the client's service in their unit."""

    unit_id: int
    service: str
    unit_phone: str
    contacts: list[tuple[int, str]]  # the unit's staff: (person id, name)


def plan_setting(session: Session, *, person_id: int, unit_ids: list[int]) -> PlanSetting | None:
    period = session.exec(
        select(ClientPeriod).where(ClientPeriod.person_id == person_id, col(ClientPeriod.unit_id).in_(unit_ids))
        .order_by(col(ClientPeriod.starts_on).desc())
    ).first()
    if period is None:
        return None
    unit = session.get(Unit, period.unit_id)
    assert unit is not None
    staff = session.exec(
        select(Person).join(StaffMembership, col(StaffMembership.person_id) == col(Person.id))
        .where(StaffMembership.unit_id == period.unit_id).order_by(Person.family_name, Person.given_name)
    ).unique().all()
    return PlanSetting(period.unit_id, period.service, unit.phone,
                       [(person.id, f"{person.given_name} {person.family_name}") for person in staff])  # type: ignore[misc]


def plan_problems(
    session: Session, *, person_id: int, setting: PlanSetting, draft: PlanDraft, replaced: Plan | None,
    pending: tuple[tuple[date, date], ...] = (),
) -> list[Problem]:
    """Every rule the draft breaks: the service's limits and no overlap with the
    client's other plans of the service (`pending`: periods about to be saved
    with it, as in an import file). The plan editor and the import both ask here."""
    problems = rules.period_problems(setting.service, draft.starts_on, draft.ends_on)
    if not problems:
        # A plan is the first agreement when no plan of this service (current or replaced) starts
        # before it; a correction of the first agreement starts on the same day and is still the first.
        earlier = session.exec(
            select(Plan.id).where(Plan.person_id == person_id, Plan.service == setting.service,
                                  col(Plan.starts_on) < draft.starts_on)
        ).first()
        earlier_pending = any(starts_on < draft.starts_on for starts_on, _ends_on in pending)
        problems += rules.first_agreement_problems(setting.service, draft.starts_on, draft.ends_on,
                                                   is_first=earlier is None and not earlier_pending)
    problems += rules.amount_problems(setting.service, draft.days_per_week, draft.hours_per_day)
    if not problems:
        others = session.exec(
            select(Plan).where(Plan.person_id == person_id, Plan.service == setting.service,
                               col(Plan.replaced_at).is_(None))
        ).all()
        periods = [(other.starts_on, other.ends_on) for other in others if replaced is None or other.id != replaced.id]
        if any(rules.overlaps(draft.starts_on, draft.ends_on, starts_on, ends_on)
               for starts_on, ends_on in [*periods, *pending]):
            problems.append(Problem("starts_on", "overlap"))
    if draft.contact_person_id is not None and draft.contact_person_id not in dict(setting.contacts):
        problems.append(Problem("contact_person_id", "contact"))
    return problems


def save_new_plan(
    session: Session, *, person_id: int, setting: PlanSetting, draft: PlanDraft, by_person_id: int,
    replaces_id: int | None,
) -> Plan | list[Problem]:
    """Save a plan, replacing `replaces_id` (kept as history), or list what is wrong.

    Everything is checked before anything is written, so a refused plan
    leaves nothing behind.
    """
    replaced = session.get(Plan, replaces_id) if replaces_id is not None else None
    if replaced is not None and (replaced.person_id != person_id or replaced.replaced_at is not None):
        replaced = None  # someone else's or already replaced: save as a new plan, checked for overlap
    problems = plan_problems(session, person_id=person_id, setting=setting, draft=draft, replaced=replaced)
    if problems:
        return problems
    plan = Plan(
        person_id=person_id, unit_id=setting.unit_id, service=setting.service,
        starts_on=draft.starts_on, ends_on=draft.ends_on, days_per_week=draft.days_per_week,
        hours_per_day=draft.hours_per_day, next_review_on=draft.next_review_on,
        network_meeting_on=draft.network_meeting_on, contact_person_id=draft.contact_person_id,
        contact_phone=draft.contact_phone or setting.unit_phone, created_by_person_id=by_person_id,
    )
    session.add(plan)
    session.flush()
    for position, goal in enumerate(draft.goals):
        if goal.client_words.strip():
            session.add(Goal(plan_id=plan.id, position=position, client_words=goal.client_words.strip(),  # type: ignore[arg-type]
                             staff_words=goal.staff_words.strip(), status=GoalStatus(goal.status).value,
                             follow_up=goal.follow_up.strip()))
    if replaced is not None:
        replaced.replaced_at = utc_now()
        replaced.replaced_by_id = plan.id
        session.add(replaced)
    return plan


def add_thought(session: Session, *, person_id: int, goal_id: int, by_person_id: int, text: str) -> GoalThought | None:
    """The client's own words on a goal of their own current or earlier plan; None if not theirs."""
    goal = session.get(Goal, goal_id)
    if goal is None:
        return None
    plan = session.get(Plan, goal.plan_id)
    if plan is None or plan.person_id != person_id:
        return None
    thought = GoalThought(goal_id=goal_id, written_by_person_id=by_person_id, text=text.strip())
    session.add(thought)
    session.flush()
    return thought
