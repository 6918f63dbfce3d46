"""The rate table and the month statement on the database (SQLite, and
PostgreSQL when PORTAL_TEST_DATABASE_URL is set): overlapping rates are
refused by the domain, and by PostgreSQL's exclusion constraint itself."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from portal.db import transaction
from portal.models import AttendanceMark, Organisation, Rate
from portal.money import rates, statements
from portal.money.earnings import AttendedDay, BenefitPeriod, earnings
from portal.schedule.calendar_days import today
from tests.support import factories

AINO, JARI, MARIA = "010280-952L", "071188-955W", "180679-9737"


def organisation_id(engine) -> int:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(select(Organisation.id)).first()  # type: ignore[return-value]


def test_overlapping_and_absurd_rates_are_refused_and_nothing_is_stored(engine, demo_data) -> None:
    org = organisation_id(engine)
    with transaction(engine) as session:
        count = len(session.exec(select(Rate)).all())
        for amount, valid_from, valid_until in ((Decimal("9"), today(), today() + timedelta(days=9)),
                                                (Decimal("9"), date(2026, 1, 2), None),
                                                (Decimal("-1"), date(2020, 1, 1), None),
                                                (Decimal("5000"), date(2020, 1, 1), None)):
            outcome = rates.add_rate(session, organisation_id=org, service="work_activity", kind="work_share",
                                     amount=amount, valid_from=valid_from, valid_until=valid_until)
            assert isinstance(outcome, list) and outcome[0] in ("rate_overlap", "rate_amount")
        assert len(session.exec(select(Rate)).all()) == count
        stored = rates.add_rate(session, organisation_id=org, service="work_activity", kind="work_share",
                                amount=Decimal("7.50"), valid_from=date(2020, 1, 1), valid_until=date(2020, 12, 31))
        assert isinstance(stored, Rate)


def test_a_new_rate_from_a_day_ends_the_open_one_the_day_before(engine, demo_data) -> None:
    org = organisation_id(engine)
    change_on = today() + timedelta(days=20)
    with transaction(engine) as session:
        stored = rates.add_rate(session, organisation_id=org, service="work_activity", kind="work_share",
                                amount=Decimal("9.00"), valid_from=change_on)
        assert isinstance(stored, Rate)
    with Session(engine) as session:
        table = [r for r in rates.rate_table(session, organisation_id=org) if r.service == "work_activity"]
    assert [(r.amount, r.valid_until) for r in table[:2]] == [(Decimal("9.00"), None),
                                                             (Decimal("8.50"), change_on - timedelta(days=1))]


def test_the_database_refuses_overlap_on_postgresql(engine, demo_data) -> None:
    if engine.dialect.name != "postgresql":
        assert engine.dialect.name == "sqlite"  # SQLite has no exclusion constraints: the domain check above
        return
    org = organisation_id(engine)
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(Rate(organisation_id=org, service="work_activity", kind="work_share", amount=Decimal("9"),
                         valid_from=today()))
        session.flush()


def test_a_month_statement_matches_the_pure_function(engine, app, demo_data) -> None:
    jari = factories.person_id(engine, app.state.vault, JARI)
    last_month = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
    first, last = statements.month_bounds(last_month)
    with Session(engine) as session:
        result = statements.month_statement(session, person_id=jari, month=last_month, today=today())
        marks = session.exec(select(AttendanceMark).where(AttendanceMark.person_id == jari,
                                                          AttendanceMark.on_date >= first,
                                                          AttendanceMark.on_date <= last)).all()
    days = [AttendedDay(mark.on_date, "rehabilitative_work", mark.present, mark.hours) for mark in marks]
    expected = earnings(days, [statements.RateRow("expense_compensation", "rehabilitative_work", Decimal("9.00"),
                                                  date(2026, 1, 1))], [BenefitPeriod("unemployment_benefit", first)])
    assert result.earnings.total == expected.total == Decimal("9.00") * sum(1 for mark in marks if mark.present)
    assert result.earnings.total == sum(line.amount for line in result.earnings.lines)
    assert isinstance(result.earnings.total, Decimal)
