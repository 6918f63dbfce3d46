"""Demo plans, goals, groups and schedules (issue 9), relative to today so
`./dev run` always shows a current plan, an earlier plan and two weeks of
schedule. Every plan follows the service rules in portal.plans.rules."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from portal.models import (
    AbsenceNotice,
    AbsenceReason,
    Goal,
    GoalStatus,
    GoalThought,
    Group,
    GroupMember,
    GroupSlot,
    Plan,
    Service,
    SlotChange,
    Unit,
)
from portal.plans import rules
from portal.schedule.calendar_days import monday_of, today

AINO, MIKKO, LIISA, JARI = "010280-952L", "150375-990C", "230495-936S", "071188-955W"
SANNA, PEKKA, MARIA, TIMO = "300883-9617", "040790-932H", "180679-9737", "090965-9970"

# (client, service, group, unit, weekdays, start, end, activity, place, guide)
GROUPS = [
    (AINO, Service.WORK_ACTIVITY, "Puutyöt", "Toimintakeskus Verstas", (0, 1, 2, 3), time(9), time(14),
     "Puutyöt", "Verstas, puutyösali", SANNA),
    (MIKKO, Service.OPEN_WORK_ACTIVITY, "Avotyö kaupassa", "Toimintakeskus Verstas", (1, 2, 3), time(8), time(13),
     "Hyllytys", "Kauppa Keskusta, Kauppakatu 3", PEKKA),
    (LIISA, Service.DAY_ACTIVITY, "Taide ja musiikki", "Toimintakeskus Tupa", (0, 2, 4), time(10), time(14),
     "Taide ja musiikki", "Tupa, iso sali", MARIA),
    (JARI, Service.REHABILITATIVE_WORK, "Keittiö", "Toimintakeskus Tupa", (0, 1, 3), time(8, 30), time(13, 30),
     "Keittiötyöt", "Tupa, keittiö", TIMO),
]

# Goals: (client's words, staff's words, status, follow-up notes); current plan first, then the earlier one.
GOALS = {
    AINO: ([("Opin käyttämään hiomakonetta itse.", "Harjoittelee hiomakoneen turvallista käyttöä ohjaajan kanssa.",
             GoalStatus.ON_THE_WAY, "Lokakuussa Aino hioi kolme lautaa itse."),
            ("Tulen aamulla ajoissa.", "Saapuu kello 9 mennessä.", GoalStatus.REACHED, "Tullut ajoissa joka päivä.")],
           [("Tutustun verstaaseen.", "Tutustuu töihin ja ryhmään.", GoalStatus.REACHED, "Aino valitsi puutyöt.")]),
    MIKKO: ([("Hoidan kaupan hyllyt itse.", "Täyttää maitohyllyn ilman ohjausta.", GoalStatus.ON_THE_WAY,
              "Tarvitsee vielä apua päiväysten kanssa."),
             ("Jaksan olla töissä viisi tuntia.", "Työpäivä pitenee 4 tunnista 5 tuntiin.", GoalStatus.STARTING, "")],
            [("Opin kaupan työt.", "Perehdytys työpaikalla.", GoalStatus.REACHED, "Perehdytys tehty.")]),
    LIISA: ([("Maalaan taulun näyttelyyn.", "Osallistuu kevään näyttelyyn omalla työllä.", GoalStatus.ON_THE_WAY,
              "Liisa on aloittanut ison maalauksen."),
             ("Puhun ryhmässä.", "Kertoo omista töistään ryhmälle.", GoalStatus.STARTING, "")],
            [("Käyn Tuvalla kolme päivää viikossa.", "Säännöllinen osallistuminen.", GoalStatus.REACHED, "Onnistui.")]),
    JARI: ([("Selvitän, voinko opiskella kokiksi.", "Tutustuu kokin koulutukseen ja hakuun.", GoalStatus.STARTING,
             ""),
            ("Jaksan tehdä töitä viisi tuntia.", "Työpäivä 5 tuntia kolmena päivänä.", GoalStatus.ON_THE_WAY,
             "Jaksaa hyvin, väsyy torstaisin.")],
           [("Herään aamulla ajoissa.", "Saapuu aamulla ajoissa.", GoalStatus.REACHED, "Onnistui joka viikko.")]),
}


def _plans(session: Session, *, client: str, service: Service, unit: Unit, people: dict[str, int], guide: str,
           days: int, hours: Decimal, now: date) -> None:
    rule = rules.rules_for(service)
    current_start = (now.replace(day=1) - relativedelta(months=1))
    # The first agreement of rehabilitative work activity is 3 months; others' earlier plans 6.
    earlier_months = 3 if service is Service.REHABILITATIVE_WORK else 6
    earlier_start = current_start - relativedelta(months=earlier_months)
    current_months = min(10, rule.max_months)
    periods = [
        (current_start, current_start + relativedelta(months=current_months) - timedelta(days=1), 0),
        (earlier_start, current_start - timedelta(days=1), 1),
    ]
    for starts_on, ends_on, which in periods:
        assert not rules.period_problems(service, starts_on, ends_on)
        assert not rules.amount_problems(service, days, hours)
        plan = Plan(person_id=people[client], unit_id=unit.id, service=service.value, starts_on=starts_on,  # type: ignore[arg-type]
                    ends_on=ends_on, days_per_week=days, hours_per_day=hours,
                    next_review_on=now + timedelta(days=21) if which == 0 else None,
                    network_meeting_on=starts_on + relativedelta(months=3) if which == 0 else starts_on,
                    contact_person_id=people[guide], contact_phone=unit.phone, created_by_person_id=people[guide])
        session.add(plan)
        session.flush()
        for position, (client_words, staff_words, status, follow_up) in enumerate(GOALS[client][which]):
            goal = Goal(plan_id=plan.id, position=position, client_words=client_words,  # type: ignore[arg-type]
                        staff_words=staff_words, status=status.value, follow_up=follow_up)
            session.add(goal)
            session.flush()
            if which == 0 and position == 0 and client == AINO:
                session.add(GoalThought(goal_id=goal.id, written_by_person_id=people[AINO],  # type: ignore[arg-type]
                                        text="Hiominen sujuu jo. Haluan oppia myös porakoneen."))


def _move_friday_to_thursday(session: Session, *, friday: GroupSlot, next_monday: date) -> None:
    """A weekly time that ends soon, and its successor from a future day: the group's Friday
    ends on the Friday of the week after next, and from the Monday after it meets on Thursdays."""
    assert friday.weekday == 4
    friday.valid_until = next_monday + timedelta(days=7 + 4)
    session.add(GroupSlot(group_id=friday.group_id, weekday=3, starts_at=friday.starts_at, ends_at=friday.ends_at,
                          activity=friday.activity, place=friday.place, guide_person_id=friday.guide_person_id,
                          valid_from=friday.valid_until + timedelta(days=3)))


def load(session: Session, *, people: dict[str, int], units: dict[str, Unit]) -> None:
    now = today()
    next_monday = monday_of(now) + timedelta(days=7)
    for client, service, name, unit_name, weekdays, start, end, activity, place, guide in GROUPS:
        unit = units[unit_name]
        group = Group(unit_id=unit.id, name=name)  # type: ignore[arg-type]
        session.add(group)
        session.flush()
        slots = []
        for weekday in weekdays:
            slot = GroupSlot(group_id=group.id, weekday=weekday, starts_at=start, ends_at=end,  # type: ignore[arg-type]
                             activity=activity, place=place, guide_person_id=people[guide])
            session.add(slot)
            slots.append(slot)
        if client == LIISA:
            _move_friday_to_thursday(session, friday=slots[-1], next_monday=next_monday)
        session.flush()
        hours = Decimal(end.hour - start.hour) + Decimal(end.minute - start.minute) / 60
        _plans(session, client=client, service=service, unit=unit, people=people, guide=guide,
               days=len(weekdays), hours=hours, now=now)
        session.add(GroupMember(group_id=group.id, person_id=people[client],  # type: ignore[arg-type]
                                starts_on=now.replace(day=1) - relativedelta(months=1)))
        # Next week: one day changed, in words (the group's second day).
        slot = slots[1]
        session.add(SlotChange(
            slot_id=slot.id, on_date=next_monday + timedelta(days=slot.weekday),  # type: ignore[arg-type]
            cancelled=client == LIISA, activity="" if client == LIISA else "Retki",
            place="" if client == LIISA else "Pihalla, ulko-ovella",
            note="Ohjaaja on koulutuksessa." if client == LIISA else "Menemme retkelle metsään. Ota ulkovaatteet.",
            created_by_person_id=people[guide],
        ))
    # Jari is ill tomorrow and told the centre today.
    session.add(AbsenceNotice(person_id=people[JARI], starts_on=now + timedelta(days=1), ends_on=now + timedelta(days=1),
                              reason=AbsenceReason.ILL.value, message="", created_by_person_id=people[JARI]))
