"""Who is who: the organisation, its activity centres, people and their roles."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Index, event, inspect, select, update
from sqlmodel import Field, SQLModel


class Service(enum.StrEnum):
    """The services a client can be in (see docs/domain.md)."""

    DAY_ACTIVITY = "day_activity"  # päivätoiminta
    WORK_ACTIVITY = "work_activity"  # työtoiminta
    OPEN_WORK_ACTIVITY = "open_work_activity"  # avotyötoiminta
    REHABILITATIVE_WORK = "rehabilitative_work"  # kuntouttava työtoiminta


class StaffRole(enum.StrEnum):
    INSTRUCTOR = "instructor"  # ohjaaja
    JOB_COACH = "job_coach"  # työvalmentaja
    SOCIAL_INSTRUCTOR = "social_instructor"  # sosiaaliohjaaja
    UNIT_MANAGER = "unit_manager"  # palveluesimies


class Organisation(SQLModel, table=True):
    """A wellbeing services county (hyvinvointialue) or a service provider."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=300)


class Unit(SQLModel, table=True):
    """An activity centre (toimintakeskus)."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=300)


class Person(SQLModel, table=True):
    """Anyone who logs in: client, family member, guardian or staff.

    The identity code (hetu) is never stored in clear: `identity_code_hash` is a
    keyed hash for lookup, `identity_code_cipher` the encrypted value.
    """

    id: int | None = Field(default=None, primary_key=True)
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    identity_code_hash: str = Field(max_length=64, unique=True, index=True)
    identity_code_cipher: str = Field(max_length=400)


def sort_name(given_name: str, family_name: str) -> str:
    """The key the staff client list sorts and searches by: 'virtanen aino'."""
    return f"{family_name.strip()} {given_name.strip()}".casefold()[:201]


class ClientPeriod(SQLModel, table=True):
    """A client's fixed-term service decision (palvelupäätös) in one unit."""

    # The staff client list: one unit's periods in name order, read 50 at a time. A client's
    # periods in one unit (a group page offers a client with two of them once): without it
    # SQLite read every earlier period of the unit for each client offered.
    __table_args__ = (Index("ix_clientperiod_unit_sort_name", "unit_id", "sort_name", "id"),
                      Index("ix_clientperiod_person_unit", "person_id", "unit_id"))

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    service: str = Field(max_length=40)  # a Service value
    starts_on: date
    ends_on: date
    # The client's name as sort_name() gives it, copied here so the list can
    # page through one index; kept in step by the hooks below.
    sort_name: str = Field(default="", max_length=201)


@event.listens_for(ClientPeriod, "before_insert")
def _fill_sort_name(_mapper, connection, period: ClientPeriod) -> None:  # type: ignore[no-untyped-def]
    if not period.sort_name:
        names = connection.execute(
            select(Person.given_name, Person.family_name).where(Person.id == period.person_id)  # type: ignore[arg-type]
        ).first()
        if names is not None:
            period.sort_name = sort_name(*names)


@event.listens_for(Person, "after_update")
def _rename_periods(_mapper, connection, person: Person) -> None:  # type: ignore[no-untyped-def]
    state = inspect(person)
    if not (state.attrs.given_name.history.has_changes() or state.attrs.family_name.history.has_changes()):
        return
    connection.execute(
        update(ClientPeriod)
        .where(ClientPeriod.person_id == person.id)  # type: ignore[arg-type]
        .values(sort_name=sort_name(person.given_name, person.family_name))
    )


class StaffMembership(SQLModel, table=True):
    """A staff member's role in one unit."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: str = Field(max_length=40)  # a StaffRole value
