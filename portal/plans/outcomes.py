"""How a service period ended and the next step (jatkosuunnitelma), recorded
by staff of the period's unit and shown to the client in their plan history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from portal.models import ClientPeriod, NextStep, PeriodEnding, PeriodOutcome
from portal.plans.rules import Problem

NOTE_MAX = 1000


@dataclass(frozen=True)
class PeriodRow:
    period: ClientPeriod
    outcome: PeriodOutcome | None


def periods_of(session: Session, *, person_id: int, unit_ids: list[int] | None = None) -> list[PeriodRow]:
    """The client's periods (of these units), newest first, with their outcomes."""
    query = (
        select(ClientPeriod, PeriodOutcome)
        .join(PeriodOutcome, col(PeriodOutcome.period_id) == col(ClientPeriod.id), isouter=True)
        .where(ClientPeriod.person_id == person_id)
    )
    if unit_ids is not None:
        query = query.where(col(ClientPeriod.unit_id).in_(unit_ids))
    rows = session.exec(query.order_by(col(ClientPeriod.starts_on).desc(), col(ClientPeriod.id).desc())).all()
    return [PeriodRow(period, outcome) for period, outcome in rows]


def record(session: Session, *, person_id: int, unit_ids: list[int], period_id: int, ended_on: date, ending: str,
           next_step: str, note: str, by_person_id: int, now: datetime) -> PeriodOutcome | list[Problem] | None:
    """Record (or correct) the outcome; problems for the form; None: no such period here."""
    period = session.exec(
        select(ClientPeriod).where(ClientPeriod.id == period_id, ClientPeriod.person_id == person_id,
                                   col(ClientPeriod.unit_id).in_(unit_ids))
    ).first()
    if period is None:
        return None
    if ending not in {value.value for value in PeriodEnding} or next_step not in {value.value for value in NextStep}:
        raise ValueError("ending or next step")  # the form offers only these
    if not period.starts_on <= ended_on <= period.ends_on:
        return [Problem("ended_on", "outcome_outside_period")]
    outcome = session.exec(select(PeriodOutcome).where(PeriodOutcome.period_id == period_id).with_for_update()).first()
    outcome = outcome or PeriodOutcome(period_id=period_id, ended_on=ended_on, ending=ending, next_step=next_step,
                                       recorded_by_person_id=by_person_id)
    outcome.ended_on, outcome.ending, outcome.next_step = ended_on, ending, next_step
    outcome.note, outcome.recorded_at, outcome.recorded_by_person_id = note[:NOTE_MAX], now, by_person_id
    session.add(outcome)
    session.flush()
    return outcome
