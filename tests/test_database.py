"""Migrations match the models, and the demo data loads once, deterministically."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import Session, SQLModel, func, select

from portal.db import transaction
from portal.demo import DEMO_PEOPLE, load_demo_data
from portal.demo_lists import EXTRA_CLIENTS
from portal.identity_code import IdentityCodeVault
from portal.models import ClientPeriod, Organisation, Person, Service, StaffMembership, StaffRole, Unit


def test_migrations_create_exactly_the_models(engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_demo_data_has_every_service_and_role(engine, demo_data) -> None:
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Organisation)).one() == 1
        assert session.exec(select(func.count()).select_from(Unit)).one() == 2
        services = set(session.exec(select(ClientPeriod.service)).all())
        roles = set(session.exec(select(StaffMembership.role)).all())
        people = session.exec(select(Person)).all()
    assert services == {service.value for service in Service}
    assert roles == {role.value for role in StaffRole}
    assert len(people) == len(DEMO_PEOPLE) + EXTRA_CLIENTS


def test_identity_codes_are_stored_encrypted(engine, settings, demo_data) -> None:
    vault = IdentityCodeVault(settings.identity_key)
    with Session(engine) as session:
        aino = session.exec(
            select(Person).where(Person.identity_code_hash == vault.lookup_hash("010280-952L"))
        ).one()
    assert aino.given_name == "Aino"
    assert "010280" not in aino.identity_code_cipher
    assert vault.decrypt(aino.identity_code_cipher) == "010280-952L"


def test_demo_data_loads_only_once(engine, settings, demo_data) -> None:
    with transaction(engine) as session:
        assert load_demo_data(session, vault=IdentityCodeVault(settings.identity_key)) is False


def test_failed_transaction_stores_nothing(engine) -> None:
    try:
        with transaction(engine) as session:
            session.add(Organisation(name="Kesken jäänyt"))
            session.flush()
            raise RuntimeError("interrupted")
    except RuntimeError:
        pass
    with Session(engine) as session:
        assert session.exec(select(Organisation)).all() == []
