"""Plans in the import file of a client-record system (see
portal/attendance/importing.py and the README's "Importing").

A plan row is checked by the same domain function as the plan editor
(records.plan_problems), with the file's other plans of the client counted
for overlaps. A row equal to the plan it became changes nothing; a changed
row under the same source id saves a new version and keeps the old one as
history, as the editor does.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from portal.models import Goal, Plan
from portal.plans import records

# The rule codes of portal/plans/rules.py, as import problem codes.
_CODES = {"ends_before_start": "invalid", "period_length": "plan_length", "days": "plan_days",
          "hours": "plan_hours", "overlap": "plan_overlap", "first_agreement": "plan_length"}


class GoalRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    client_words: str = Field(min_length=1, max_length=500)
    staff_words: str = Field(default="", max_length=1000)
    status: Literal["starting", "on_the_way", "reached", "changed"] = "starting"
    follow_up: str = Field(default="", max_length=2000)


class PlanRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    source_id: str = Field(min_length=1, max_length=100)
    identity_code: str = Field(min_length=11, max_length=11)
    unit: str = Field(min_length=1, max_length=200)
    starts_on: date
    ends_on: date
    days_per_week: int
    hours_per_day: Decimal = Field(max_digits=3, decimal_places=1)
    next_review_on: date | None = None
    network_meeting_on: date | None = None
    contact_phone: str = Field(default="", max_length=40)
    goals: list[GoalRow] = Field(default_factory=list, max_length=20)


def _draft(row: PlanRow) -> records.PlanDraft:
    return records.PlanDraft(
        starts_on=row.starts_on, ends_on=row.ends_on, days_per_week=row.days_per_week,
        hours_per_day=row.hours_per_day, next_review_on=row.next_review_on,
        network_meeting_on=row.network_meeting_on, contact_phone=row.contact_phone,
        goals=[records.GoalDraft(goal.client_words, goal.staff_words, goal.status, goal.follow_up)
               for goal in row.goals])


def _settings(session: Session, rows: list[PlanRow], people: dict[int, int], units: dict[str, int],
              problems: list[tuple[int, str, str]]) -> dict[int, records.PlanSetting]:
    settings: dict[int, records.PlanSetting] = {}
    for number, row in enumerate(rows, start=1):
        if row.unit not in units:
            problems.append((number, "unit", "not_your_unit"))
        elif number in people:
            setting = records.plan_setting(session, person_id=people[number], unit_ids=[units[row.unit]])
            if setting is None:
                problems.append((number, "unit", "no_service"))
            else:
                settings[number] = setting
    return settings


def check(session: Session, *, rows: list[PlanRow], people: dict[int, int], units: dict[str, int],
          known: dict[str, int]) -> tuple[list[tuple[int, str, str]], dict[int, records.PlanSetting]]:
    """Every broken plan rule as (row, field, code), and each good row's setting."""
    problems: list[tuple[int, str, str]] = []
    settings = _settings(session, rows, people, units, problems)
    for number, setting in settings.items():
        row, person = rows[number - 1], people[number]
        stored = session.get(Plan, known[row.source_id]) if row.source_id in known else None
        replaced = stored if stored is not None and stored.person_id == person and stored.replaced_at is None else None
        pending = tuple((other.starts_on, other.ends_on) for other_number, other in enumerate(rows, start=1)
                        if other_number != number and people.get(other_number) == person
                        and other_number in settings and settings[other_number].service == setting.service)
        for problem in records.plan_problems(session, person_id=person, setting=setting, draft=_draft(row),
                                             replaced=replaced, pending=pending):
            problems.append((number, problem.field, _CODES.get(problem.code, "invalid")))
    return problems, settings


def _same(session: Session, plan: Plan, row: PlanRow, setting: records.PlanSetting) -> bool:
    goals = session.exec(select(Goal).where(Goal.plan_id == plan.id).order_by(col(Goal.position))).all()
    return ((plan.unit_id, plan.starts_on, plan.ends_on, plan.days_per_week, plan.hours_per_day,
             plan.next_review_on, plan.network_meeting_on, plan.contact_phone)
            == (setting.unit_id, row.starts_on, row.ends_on, row.days_per_week, row.hours_per_day,
                row.next_review_on, row.network_meeting_on, row.contact_phone or setting.unit_phone)
            and [(goal.client_words, goal.staff_words, goal.status, goal.follow_up) for goal in goals]
            == [(goal.client_words, goal.staff_words, goal.status, goal.follow_up) for goal in row.goals])


def store(session: Session, *, row: PlanRow, person_id: int, setting: records.PlanSetting, stored_id: int | None,
          by_person_id: int) -> tuple[str, int]:
    """Save one checked row: ("unchanged" | "changed" | "created", the plan's id now)."""
    stored = session.get(Plan, stored_id) if stored_id is not None else None
    if stored is not None and _same(session, stored, row, setting):
        return "unchanged", stored.id  # type: ignore[return-value]
    plan = records.save_new_plan(session, person_id=person_id, setting=setting, draft=_draft(row),
                                 by_person_id=by_person_id, replaces_id=stored_id)
    assert isinstance(plan, Plan), "checked before storing"
    return ("created" if stored is None else "changed"), plan.id  # type: ignore[return-value]
