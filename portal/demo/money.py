"""Demo rates, benefit status and three months of attendance (issue 10),
relative to today, so every demo client sees a plausible "Rahani" with a
rate change in the middle of last month."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, col, select

from portal.i18n import TIME_ZONE
from portal.demo.plans_week import AINO, GROUPS, JARI, MIKKO, TIMO
from portal.models import (
    AttendanceCorrection,
    AttendanceMark,
    BenefitKind,
    GroupMember,
    MoneyKind,
    MonthClosing,
    PartDayRule,
    Service,
    Unit,
)
from portal.money.rates import add_rate, set_benefit
from portal.schedule.calendar_days import days_between, public_holidays, today

RATE_START = date(2026, 1, 1)


def _rates(session: Session, organisation_id: int, change_on: date) -> None:
    # Työosuusraha in work activity rose by decision in the middle of last month.
    for rate in (
        dict(service=Service.WORK_ACTIVITY, kind=MoneyKind.WORK_SHARE, amount="8.00", valid_from=RATE_START,
             valid_until=change_on - timedelta(days=1)),
        dict(service=Service.WORK_ACTIVITY, kind=MoneyKind.WORK_SHARE, amount="8.50", valid_from=change_on),
        dict(service=Service.OPEN_WORK_ACTIVITY, kind=MoneyKind.WORK_SHARE, amount="12.00", valid_from=RATE_START,
             part_day=PartDayRule.SHARE, full_day_hours="5"),
        dict(service=Service.REHABILITATIVE_WORK, kind=MoneyKind.EXPENSE_COMPENSATION, amount="9.00",
             valid_from=RATE_START, part_day=PartDayRule.NONE, full_day_hours="4"),
        dict(service=Service.REHABILITATIVE_WORK, kind=MoneyKind.ACTIVITY_MONEY, amount="9.00",
             valid_from=RATE_START, part_day=PartDayRule.NONE, full_day_hours="4"),
    ):
        stored = add_rate(session, organisation_id=organisation_id, service=rate["service"].value,  # type: ignore[union-attr]
                          kind=rate["kind"].value, amount=Decimal(rate["amount"]),  # type: ignore[union-attr,arg-type]
                          valid_from=rate["valid_from"], valid_until=rate.get("valid_until"),  # type: ignore[arg-type]
                          part_day=rate.get("part_day", PartDayRule.FULL).value,  # type: ignore[union-attr]
                          full_day_hours=Decimal(rate.get("full_day_hours", "6")))  # type: ignore[arg-type]
        assert not isinstance(stored, list), stored


def _afternoon(day: date) -> datetime:
    return datetime.combine(day, time(15), ZoneInfo(TIME_ZONE)).astimezone(UTC)


def load(session: Session, *, people: dict[str, int], units: dict[str, Unit], period_starts: date) -> None:
    now = today()
    first = max(period_starts, (now - relativedelta(months=2)).replace(day=1))
    change_on = (now - relativedelta(months=1)).replace(day=15)
    for organisation_id in sorted({unit.organisation_id for unit in units.values()}):
        _rates(session, organisation_id, change_on)
    # Jari got an unemployment benefit until last month; now social assistance.
    set_benefit(session, person_id=people[JARI], benefit=BenefitKind.UNEMPLOYMENT_BENEFIT.value,
                starts_on=period_starts, by_person_id=people[TIMO])
    set_benefit(session, person_id=people[JARI], benefit=BenefitKind.SOCIAL_ASSISTANCE.value,
                starts_on=now.replace(day=1), by_person_id=people[TIMO])
    # Three months of attendance need the clients in their groups for all of them.
    for member in session.exec(select(GroupMember).where(
            col(GroupMember.person_id).in_([people[client] for client, *_ in GROUPS]))).all():
        member.starts_on = min(member.starts_on, first)
        session.add(member)
    # Marked up to two days ago: yesterday and today are still to be confirmed by staff.
    last = now - timedelta(days=2)
    holidays = public_holidays(first, last)
    corrected = None
    for client, _service, _group, _unit, weekdays, *_rest, guide in GROUPS:
        for number, day in enumerate(d for d in days_between(first, last) if d.weekday() in weekdays
                                     and d not in holidays):
            absent = number % 9 == 4
            hours = Decimal("3") if client == MIKKO and number % 7 == 2 else None
            mark = AttendanceMark(person_id=people[client], on_date=day, present=not absent, hours=hours,
                                  absence_reason="ill" if absent else "", recorded_by_person_id=people[guide],
                                  recorded_at=_afternoon(day))
            session.add(mark)
            if client == AINO and absent and corrected is None:
                corrected = mark
    # The month before last is paid and closed in both centres.
    closed_month = (now - relativedelta(months=2)).replace(day=1)
    for unit in units.values():
        session.add(MonthClosing(unit_id=unit.id, month=closed_month, closed_by_person_id=people[TIMO],  # type: ignore[arg-type]
                                 closed_at=_afternoon(closed_month + relativedelta(months=1, days=4))))
    if corrected is not None:
        # Aino's first "absent" day (in the closed month) was a mistake: the correction is kept
        # beside the original and paid in this month's statement.
        session.flush()
        session.add(AttendanceCorrection(
            mark_id=corrected.id, person_id=corrected.person_id, on_date=corrected.on_date,  # type: ignore[arg-type]
            was_present=False, was_absence_reason="ill", present=True, reason="Merkitty väärin poissaolevaksi.",
            recorded_by_person_id=corrected.recorded_by_person_id))
        corrected.present, corrected.absence_reason = True, ""
        session.add(corrected)
