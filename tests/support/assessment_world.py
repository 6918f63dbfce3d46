"""A small world of self-assessment data for property tests: an
organisation with two units, three clients and a staff member (`build_world`),
and Hypothesis steps that change periods, assessments and requests as any
writer might, or let days pass (`steps`, `apply`). Used by the tests of the
kept self-assessment queue and of the follow-up's kept figures."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from portal.db import transaction
from portal.models import (Assessment, AssessmentRequest, ClientPeriod, Organisation, Person, Service, Unit)

START = date(2026, 1, 5)
NAMES = itertools.count()  # the database is not emptied between examples: each builds its own organisation
SERVICES = [service.value for service in Service]


@dataclass
class World:
    units: list[int]
    persons: list[int]
    staff: int
    today: date = START


def build_world(engine: Engine) -> World:
    name = next(NAMES)
    with transaction(engine) as session:
        organisation = Organisation(name=f"Jono {name}")
        session.add(organisation)
        session.flush()
        units = [Unit(organisation_id=organisation.id, name=f"Jono {name}-{n}") for n in range(2)]  # type: ignore[arg-type]
        people = [Person(given_name=f"P{n}", family_name=f"Jono{name}", identity_code_hash=f"queue-{name}-{n}",
                         identity_code_cipher="x") for n in range(4)]
        session.add_all([*units, *people])
        session.flush()
        return World([unit.id for unit in units], [person.id for person in people[1:]], people[0].id)  # type: ignore[misc]


def on_day(offset: int) -> date:
    return START + timedelta(days=offset)


def _pick(session: Session, model, index: int, *where):  # type: ignore[no-untyped-def]
    found = session.exec(select(model).where(*where).order_by(model.id)).all()
    return found[index % len(found)] if found else None


def apply(session: Session, world: World, step: tuple) -> None:  # type: ignore[type-arg]
    """One change, as any writer might make it."""
    kind, *args = step
    mine = (col(ClientPeriod.person_id).in_(world.persons),)
    if kind == "period":
        person, unit, starts, length, service = args
        session.add(ClientPeriod(person_id=world.persons[person], unit_id=world.units[unit], service=service,
                                 starts_on=on_day(starts), ends_on=on_day(starts + length)))
    elif kind == "period_dates":
        period = _pick(session, ClientPeriod, args[0], *mine)
        if period is not None:
            period.starts_on, period.ends_on = on_day(args[1]), on_day(args[1] + args[2])
            session.add(period)
    elif kind == "period_unit":
        period = _pick(session, ClientPeriod, args[0], *mine)
        if period is not None:
            period.unit_id = world.units[args[1]]
            session.add(period)
    elif kind == "period_delete":
        period = _pick(session, ClientPeriod, args[0], *mine)
        if period is not None:
            session.delete(period)
    elif kind == "assessment":  # a draft, or sent (and maybe reviewed) for an occasion
        person, occasion, due_offset, status = args
        person_id = world.persons[person]
        if status == "draft" and session.exec(select(Assessment).where(Assessment.open_for_person_id == person_id)).first():
            return
        sent = datetime.combine(world.today, time(10), UTC) if status != "draft" else None
        session.add(Assessment(person_id=person_id, occasion=occasion, due_on=on_day(due_offset) if due_offset is not None else None,
                               content_id="oma-arvio", content_version=1, content_sha256="0" * 64, status=status,
                               open_for_person_id=person_id if status == "draft" else None,
                               started_by_person_id=person_id, sent_at=sent,
                               sent_by_person_id=person_id if sent else None))
    elif kind == "assessment_send":
        assessment = _pick(session, Assessment, args[0], col(Assessment.person_id).in_(world.persons))
        if assessment is not None and assessment.status != "reviewed":
            assessment.status = "sent" if assessment.status == "draft" else "reviewed"
            assessment.open_for_person_id = None
            assessment.sent_at = assessment.sent_at or datetime.combine(world.today, time(11), UTC)
            session.add(assessment)
    elif kind == "assessment_delete":
        assessment = _pick(session, Assessment, args[0], col(Assessment.person_id).in_(world.persons))
        if assessment is not None:
            for request in session.exec(select(AssessmentRequest).where(AssessmentRequest.assessment_id == assessment.id)):
                request.assessment_id = None
                session.add(request)
            session.flush()
            session.delete(assessment)
    elif kind == "request":
        session.add(AssessmentRequest(person_id=world.persons[args[0]], requested_by_person_id=world.staff,
                                      due_on=world.today + timedelta(days=args[1])))
    elif kind == "request_fulfil":
        request = _pick(session, AssessmentRequest, args[0], col(AssessmentRequest.person_id).in_(world.persons))
        assessment = _pick(session, Assessment, args[1], col(Assessment.person_id).in_(world.persons))
        if request is not None and assessment is not None:
            request.assessment_id = assessment.id
            session.add(request)
    elif kind == "request_delete":
        request = _pick(session, AssessmentRequest, args[0], col(AssessmentRequest.person_id).in_(world.persons))
        if request is not None:
            session.delete(request)
    elif kind == "days_pass":
        world.today += timedelta(days=args[0])
    else:
        raise AssertionError(kind)


index = st.integers(0, 20)
person = st.integers(0, 2)
unit = st.integers(0, 1)
offset = st.integers(-60, 240)
steps = st.lists(st.one_of(
    st.tuples(st.just("period"), person, unit, offset, st.integers(0, 400), st.sampled_from(SERVICES)),
    st.tuples(st.just("period_dates"), index, offset, st.integers(0, 400)),
    st.tuples(st.just("period_unit"), index, unit),
    st.tuples(st.just("period_delete"), index),
    st.tuples(st.just("assessment"), person, st.sampled_from(["start", "follow_up", "end", "requested", "extra"]),
              st.none() | offset, st.sampled_from(["draft", "sent", "reviewed"])),
    st.tuples(st.just("assessment_send"), index),
    st.tuples(st.just("assessment_delete"), index),
    st.tuples(st.just("request"), person, st.integers(-20, 30)),
    st.tuples(st.just("request_fulfil"), index, index),
    st.tuples(st.just("request_delete"), index),
    st.tuples(st.just("days_pass"), st.integers(-30, 120)),
    st.tuples(st.just("days_pass"), st.integers(1, 3)),
), min_size=1, max_size=10)
