"""Earnings are pure functions: examples and properties (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.i18n import format_money, set_locale
from portal.models import BenefitKind, MoneyKind, PartDayRule, Service
from portal.money.earnings import (
    AttendedDay,
    BenefitPeriod,
    RateRow,
    day_amount,
    earnings,
    kind_for,
    rate_problems,
)

WORK, OPEN, REHAB, DAY = (Service.WORK_ACTIVITY.value, Service.OPEN_WORK_ACTIVITY.value,
                          Service.REHABILITATIVE_WORK.value, Service.DAY_ACTIVITY.value)
SHARE, EXPENSE, ACTIVITY = (MoneyKind.WORK_SHARE.value, MoneyKind.EXPENSE_COMPENSATION.value,
                            MoneyKind.ACTIVITY_MONEY.value)
UNEMPLOYED, ASSISTANCE, NEITHER = (BenefitKind.UNEMPLOYMENT_BENEFIT.value, BenefitKind.SOCIAL_ASSISTANCE.value,
                                   BenefitKind.NEITHER.value)
START = date(2026, 1, 1)
RATES = [
    RateRow(SHARE, WORK, Decimal("8.00"), START, date(2026, 10, 14)),
    RateRow(SHARE, WORK, Decimal("8.50"), date(2026, 10, 15)),
    RateRow(SHARE, OPEN, Decimal("12.00"), START, part_day=PartDayRule.SHARE.value, full_day_hours=Decimal("6")),
    RateRow(EXPENSE, REHAB, Decimal("9.00"), START, part_day=PartDayRule.NONE.value, full_day_hours=Decimal("4")),
    RateRow(ACTIVITY, REHAB, Decimal("9.00"), START),
]


def test_a_rate_change_in_the_middle_of_a_month_splits_at_its_first_day() -> None:
    days = [AttendedDay(date(2026, 10, d), WORK) for d in (13, 14, 15, 16)]
    result = earnings(days, RATES, [])
    assert [line.amount for line in result.lines] == [Decimal("8.00"), Decimal("8.00"), Decimal("8.50"), Decimal("8.50")]
    assert result.total == Decimal("33.00")


def test_only_attended_days_count() -> None:
    days = [AttendedDay(date(2026, 3, 2), WORK), AttendedDay(date(2026, 3, 3), WORK, present=False)]
    assert earnings(days, RATES, []).total == Decimal("8.00")


def test_part_days_follow_the_rate_setting() -> None:
    share = RATES[2]
    assert day_amount(share, Decimal("3")) == Decimal("6.00")
    assert day_amount(share, Decimal("7")) == Decimal("12.00")  # never more than the whole day
    assert day_amount(RATES[3], Decimal("3")) == Decimal("0.00")
    assert day_amount(RATES[0], Decimal("1")) == Decimal("8.00")


def test_rehabilitative_work_pays_by_benefit_status() -> None:
    assert kind_for(REHAB, UNEMPLOYED) == EXPENSE
    assert kind_for(REHAB, ASSISTANCE) == ACTIVITY
    assert kind_for(REHAB, NEITHER) is None
    assert kind_for(REHAB, None) is None
    assert kind_for(DAY, UNEMPLOYED) is None
    assert kind_for(OPEN, ASSISTANCE) == SHARE


def test_a_benefit_change_switches_the_kind_on_its_day() -> None:
    benefits = [BenefitPeriod(UNEMPLOYED, START, date(2026, 3, 3)), BenefitPeriod(ASSISTANCE, date(2026, 3, 4))]
    days = [AttendedDay(date(2026, 3, d), REHAB) for d in (2, 3, 4, 5)]
    assert [line.kind for line in earnings(days, RATES, benefits).lines] == [EXPENSE, EXPENSE, ACTIVITY, ACTIVITY]


def test_a_fifth_rehabilitative_day_in_a_week_is_not_paid() -> None:
    days = [AttendedDay(date(2026, 3, 2) + timedelta(days=n), REHAB) for n in range(5)]
    result = earnings(days, RATES, [BenefitPeriod(UNEMPLOYED, START)])
    assert len(result.lines) == 4 and result.days_over_week_limit == (date(2026, 3, 6),)


def test_bad_rates_are_refused() -> None:
    assert rate_problems(RateRow(SHARE, WORK, Decimal("-1"), START), []) == ["rate_amount"]
    assert rate_problems(RateRow(SHARE, WORK, Decimal("950"), START), []) == ["rate_amount"]
    assert rate_problems(RateRow(SHARE, WORK, Decimal("8.001"), START), []) == ["rate_amount"]
    assert rate_problems(RateRow(SHARE, WORK, Decimal("8"), date(2026, 11, 1)), RATES) == ["rate_overlap"]
    assert rate_problems(RateRow(SHARE, WORK, Decimal("8"), date(2025, 1, 1), date(2025, 12, 31)), RATES) == []
    assert rate_problems(RateRow(SHARE, DAY, Decimal("8"), START), RATES) == []


def test_money_is_formatted_by_babel_for_each_language() -> None:
    formatted = {}
    for locale in ("fi", "sv", "en"):
        set_locale(locale)
        formatted[locale] = format_money(Decimal("8.5"))
    set_locale("fi")
    assert formatted == {"fi": "8,50\xa0€", "sv": "8,50\xa0€", "en": "€8.50"}


# Properties ------------------------------------------------------------------------

services = st.sampled_from([WORK, OPEN, REHAB, DAY])
days_strategy = st.lists(
    st.builds(AttendedDay, on_date=st.dates(date(2026, 1, 1), date(2026, 12, 31)), service=services,
              present=st.booleans(),
              hours=st.one_of(st.none(), st.decimals(Decimal("0.5"), Decimal("10"), places=1))),
    max_size=60,
)
benefit_strategy = st.lists(
    st.builds(BenefitPeriod, benefit=st.sampled_from([UNEMPLOYED, ASSISTANCE, NEITHER]),
              starts_on=st.dates(date(2026, 1, 1), date(2026, 12, 31))),
    max_size=3,
)
amounts = st.decimals(Decimal("0"), Decimal("50"), places=2)
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)


@PROPERTY_SETTINGS
@given(days_strategy, benefit_strategy)
def test_total_is_the_sum_of_lines_and_decimal(days, benefits) -> None:  # type: ignore[no-untyped-def]
    result = earnings(days, RATES, benefits)
    assert result.total == sum((line.amount for line in result.lines), Decimal("0"))
    assert sum((result.total_for(kind) for kind in result.kinds), Decimal("0")) == result.total
    assert all(isinstance(line.amount, Decimal) and line.amount == line.amount.quantize(Decimal("0.01"))
               for line in result.lines)


@PROPERTY_SETTINGS
@given(days_strategy, benefit_strategy)
def test_only_attended_days_are_paid_and_one_kind_a_day(days, benefits) -> None:  # type: ignore[no-untyped-def]
    result = earnings(days, RATES, benefits)
    attended = {day.on_date for day in days if day.present}
    line_days = [line.on_date for line in result.lines]
    assert set(line_days) <= attended
    assert len(line_days) == len(set(line_days))  # never kulukorvaus and toimintaraha for one day


@PROPERTY_SETTINGS
@given(days_strategy, benefit_strategy)
def test_rehabilitative_work_counts_at_most_four_days_a_week(days, benefits) -> None:  # type: ignore[no-untyped-def]
    rehab = [AttendedDay(day.on_date, REHAB, day.present, day.hours) for day in days]
    result = earnings(rehab, RATES, [BenefitPeriod(UNEMPLOYED, START)] + benefits)
    per_week: dict[tuple[int, int], int] = {}
    for line in result.lines:
        key = line.on_date.isocalendar()[:2]
        per_week[key] = per_week.get(key, 0) + 1
    assert all(count <= 4 for count in per_week.values())


@PROPERTY_SETTINGS
@given(st.dates(date(2026, 1, 2), date(2026, 12, 31)), amounts, amounts,
       st.lists(st.dates(date(2026, 1, 1), date(2026, 12, 31)), max_size=40, unique=True))
def test_a_rate_change_splits_exactly_at_its_day(change_on, before, after, dates) -> None:  # type: ignore[no-untyped-def]
    rates = [RateRow(SHARE, WORK, before, START, change_on - timedelta(days=1)), RateRow(SHARE, WORK, after, change_on)]
    result = earnings([AttendedDay(day, WORK) for day in dates], rates, [])
    assert len(result.lines) == len(dates)
    for line in result.lines:
        assert line.amount == (after if line.on_date >= change_on else before)
    assert not rate_problems(rates[1], rates[:1])
    open_ended = RateRow(SHARE, WORK, before, START)
    assert rate_problems(open_ended, rates[1:]) == ["rate_overlap"]


@PROPERTY_SETTINGS
@given(amounts, st.decimals(Decimal("0.5"), Decimal("12"), places=2), st.decimals(Decimal("1"), Decimal("8"), places=1))
def test_a_part_day_never_pays_more_than_a_full_day(amount, hours, full_day) -> None:  # type: ignore[no-untyped-def]
    for rule in PartDayRule:
        rate = RateRow(SHARE, WORK, amount, START, part_day=rule.value, full_day_hours=full_day)
        paid = day_amount(rate, hours)
        assert Decimal("0") <= paid <= amount
        if rule is PartDayRule.FULL or hours >= full_day:
            assert paid == amount
