"""A small world of money data for property tests: an organisation with
rates, two units, two clients with periods and a staff member
(`build_world`), and Hypothesis steps that mark attendance, correct it,
change rates, benefit status and periods, and close and reopen months
(`steps`, `apply`). Used by the tests of the kept money card and of the
month report's statements read many at a time."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from portal.db import transaction
from portal.models import (AttendanceCorrection, AttendanceMark, BenefitStatus, ClientPeriod, MonthClosing,
                           Organisation, Person, Rate, Unit)
from portal.schedule.calendar_days import today

NAMES = itertools.count()  # the database is not emptied between examples: each builds its own organisation
SERVICES = ["work_activity", "open_work_activity", "rehabilitative_work", "day_activity"]
KINDS = {"work_activity": ["work_share"], "open_work_activity": ["work_share"],
         "rehabilitative_work": ["expense_compensation", "activity_money"]}


@dataclass
class World:
    organisation: int
    units: list[int]
    persons: list[int]
    staff: int


def this_month() -> date:
    return today().replace(day=1)


def on_day(offset: int) -> date:
    """A day from the first of last month on (offsets 0..~60 reach this month)."""
    return (this_month() - timedelta(days=1)).replace(day=1) + timedelta(days=offset)


def build_world(engine: Engine) -> World:
    name = next(NAMES)
    with transaction(engine) as session:
        organisation = Organisation(name=f"Raha {name}")
        session.add(organisation)
        session.flush()
        units = [Unit(organisation_id=organisation.id, name=f"Raha {name}-{n}") for n in range(2)]  # type: ignore[arg-type]
        people = [Person(given_name=f"P{n}", family_name=f"Raha{name}", identity_code_hash=f"money-{name}-{n}",
                         identity_code_cipher="x") for n in range(3)]
        session.add_all([*units, *people])
        session.flush()
        for service, kinds in KINDS.items():
            session.add_all([Rate(organisation_id=organisation.id, service=service, kind=kind, amount=Decimal("9.00"),  # type: ignore[arg-type]
                                  part_day="share", valid_from=on_day(0) - timedelta(days=400)) for kind in kinds])
        for n, person in enumerate(people[1:]):
            session.add(ClientPeriod(person_id=person.id, unit_id=units[n].id, service=SERVICES[n * 2],  # type: ignore[arg-type]
                                     starts_on=on_day(0) - timedelta(days=100), ends_on=on_day(0) + timedelta(days=200)))
        return World(organisation.id, [unit.id for unit in units], [p.id for p in people[1:]], people[0].id)  # type: ignore[arg-type,misc]


def _pick(session: Session, model, index: int, *where):  # type: ignore[no-untyped-def]
    found = session.exec(select(model).where(*where).order_by(model.id)).all()
    return found[index % len(found)] if found else None


def apply(session: Session, world: World, step: tuple) -> None:  # type: ignore[type-arg]
    """One change, as any writer might make it (the day list, a correction in a closed month, the rate page, plain SQL)."""
    kind, *args = step
    if kind == "mark":
        person, offset, present, hours = args
        person_id, day = world.persons[person], on_day(offset)
        mark = session.exec(select(AttendanceMark).where(AttendanceMark.person_id == person_id,
                                                         AttendanceMark.on_date == day)).first()
        if mark is None:
            session.add(AttendanceMark(person_id=person_id, on_date=day, present=present, hours=hours,
                                       recorded_by_person_id=world.staff))
        else:  # a correction: kept beside the mark, with what it was
            session.add(AttendanceCorrection(mark_id=mark.id, person_id=person_id, on_date=day,  # type: ignore[arg-type]
                                             was_present=mark.present, was_hours=mark.hours, present=present,
                                             hours=hours, reason="Korjaus", recorded_by_person_id=world.staff))
            mark.present, mark.hours = present, hours
            session.add(mark)
    elif kind == "unmark":
        mark = _pick(session, AttendanceMark, args[0], col(AttendanceMark.person_id).in_(world.persons))
        if mark is not None:
            for correction in session.exec(select(AttendanceCorrection).where(AttendanceCorrection.mark_id == mark.id)):
                session.delete(correction)
            session.flush()
            session.delete(mark)
    elif kind == "rate":  # a new rate from a day on, the old one ending the day before
        service_index, offset, amount = args
        service = SERVICES[service_index % 3]
        day = on_day(offset)
        for rate in session.exec(select(Rate).where(Rate.organisation_id == world.organisation,
                                                    Rate.service == service)).all():
            if rate.valid_from >= day:
                session.delete(rate)
            elif rate.valid_until is None or rate.valid_until >= day:
                rate.valid_until = day - timedelta(days=1)
                session.add(rate)
        session.flush()
        session.add_all([Rate(organisation_id=world.organisation, service=service, kind=kind, amount=amount,
                              part_day="share", valid_from=day) for kind in KINDS[service]])
    elif kind == "benefit":
        person, offset, benefit = args
        session.add(BenefitStatus(person_id=world.persons[person], benefit=benefit, starts_on=on_day(offset),
                                  recorded_by_person_id=world.staff))
    elif kind == "period":
        period = _pick(session, ClientPeriod, args[0], col(ClientPeriod.person_id).in_(world.persons))
        period.service = SERVICES[args[1]]
        period.starts_on = on_day(args[2])
        session.add(period)
    elif kind == "close":  # last month (or this one) closed after payment
        unit, this = args
        month = this_month() if this else on_day(0)
        if session.exec(select(MonthClosing).where(MonthClosing.unit_id == world.units[unit],
                                                   MonthClosing.month == month)).first() is None:
            session.add(MonthClosing(unit_id=world.units[unit], month=month, closed_by_person_id=world.staff))
    elif kind == "reopen":
        closing = _pick(session, MonthClosing, args[0], col(MonthClosing.unit_id).in_(world.units))
        if closing is not None:
            session.delete(closing)
    else:
        raise AssertionError(kind)


person = st.integers(0, 1)
offset = st.integers(0, 59)
index = st.integers(0, 30)
steps = st.lists(st.one_of(
    st.tuples(st.just("mark"), person, offset, st.booleans(),
              st.none() | st.sampled_from([Decimal("2"), Decimal("3.5"), Decimal("6")])),
    st.tuples(st.just("mark"), person, offset, st.just(True), st.none()),
    st.tuples(st.just("unmark"), index),
    st.tuples(st.just("rate"), st.integers(0, 2), offset, st.sampled_from([Decimal("8.00"), Decimal("12.50")])),
    st.tuples(st.just("benefit"), person, offset, st.sampled_from(["unemployment_benefit", "social_assistance",
                                                                   "neither"])),
    st.tuples(st.just("period"), index, st.integers(0, 3), st.integers(-30, 50)),
    st.tuples(st.just("close"), person, st.booleans()),
    st.tuples(st.just("reopen"), index),
), min_size=1, max_size=12)
