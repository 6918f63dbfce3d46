"""The schedule's domain: plan rules per service, absences, expected clients,
holidays, and the calendar feed (times in Europe/Helsinki across DST, 404 after revoking)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import icalendar
from dateutil.relativedelta import relativedelta
import pytest
from sqlmodel import col, Session, select

from portal.auth import sessions
from portal.db import transaction
from portal.models import (
    AttendanceMark,
    CalendarFeed,
    ClientPeriod,
    Group,
    GroupMember,
    GroupSlot,
    Person,
    Plan,
    Service,
    SlotChange,
)
from portal.plans import records, rules
from portal.schedule import absences, feed, week
from portal.schedule.calendar_days import public_holidays, today
from tests.support import factories
from tests.support.databases import BACKENDS, empty_postgres
from tests.support.helpers import csrf_token, migrator, old_sqlite_database

AINO, LIISA, JARI, SANNA = "010280-952L", "230495-936S", "071188-955W", "300883-9617"


# The tests below name days of early 2027 in the demo's groups: the demo (relative to
# today) must be the one of a day in December 2026.
pytestmark = pytest.mark.usefixtures("activity_day")


@pytest.fixture
def ids(app, engine, demo_data):  # type: ignore[no-untyped-def]
    found = {code: factories.person_id(engine, app.state.vault, code) for code in (AINO, LIISA, JARI, SANNA)}
    # The demo starts group memberships last month and ends periods in 2027; these tests use fixed
    # dates in 2026-2027 and days from today, so Aino's membership and period cover both, whenever they run.
    with transaction(engine) as session:
        member = session.exec(select(GroupMember).where(GroupMember.person_id == found[AINO])).one()
        member.starts_on = date(2026, 1, 1)
        period = session.exec(select(ClientPeriod).where(ClientPeriod.person_id == found[AINO])).one()
        period.ends_on = max(period.ends_on, today() + timedelta(days=100))
        session.add_all([member, period])
    return found


# Plan rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "starts", "ends", "problem"),
    [
        (Service.REHABILITATIVE_WORK, date(2027, 1, 1), date(2027, 3, 31), None),  # exactly 3 months
        (Service.REHABILITATIVE_WORK, date(2027, 1, 1), date(2027, 3, 30), "period_length"),
        (Service.REHABILITATIVE_WORK, date(2027, 1, 1), date(2028, 12, 31), None),  # exactly 24 months
        (Service.REHABILITATIVE_WORK, date(2027, 1, 1), date(2029, 1, 1), "period_length"),
        (Service.WORK_ACTIVITY, date(2027, 1, 1), date(2027, 1, 31), None),
        (Service.DAY_ACTIVITY, date(2027, 2, 1), date(2027, 1, 31), "ends_before_start"),
    ],
)
def test_plan_period_rules(service, starts, ends, problem) -> None:
    found = rules.period_problems(service.value, starts, ends)
    assert [p.code for p in found] == ([problem] if problem else [])


@pytest.mark.parametrize(
    ("days", "hours", "codes"),
    [(1, Decimal(4), []), (4, Decimal(8), []), (0, Decimal(4), ["days"]), (5, Decimal(6), ["days"]),
     (3, Decimal("3.5"), ["hours"]), (3, Decimal("8.5"), ["hours"])],
)
def test_rehabilitative_work_days_and_hours(days, hours, codes) -> None:
    assert [p.code for p in rules.amount_problems(Service.REHABILITATIVE_WORK.value, days, hours)] == codes


def test_a_second_plan_for_the_same_days_is_refused_and_nothing_is_stored(engine, ids) -> None:
    with transaction(engine) as session:
        setting = records.plan_setting(session, person_id=ids[JARI], unit_ids=[2, 1])
        current = session.exec(select(Plan).where(Plan.person_id == ids[JARI], col(Plan.replaced_at).is_(None),
                                                  col(Plan.starts_on) <= today(), col(Plan.ends_on) >= today())).first()
        assert setting is not None and current is not None
        draft = records.PlanDraft(starts_on=current.starts_on + timedelta(days=10),
                                  ends_on=current.starts_on + timedelta(days=200), days_per_week=2,
                                  hours_per_day=Decimal(5), goals=[records.GoalDraft("Uusi")])
        outcome = records.save_new_plan(session, person_id=ids[JARI], setting=setting, draft=draft,
                                        by_person_id=ids[SANNA], replaces_id=None)
        assert [p.code for p in outcome] == ["overlap"]  # type: ignore[union-attr]
        # As a new version of the current plan it is fine, and the old one stays.
        saved = records.save_new_plan(session, person_id=ids[JARI], setting=setting, draft=draft,
                                      by_person_id=ids[SANNA], replaces_id=current.id)
        assert not isinstance(saved, list)
        assert current.replaced_by_id == saved.id
        page = records.plan_page(session, person_id=ids[JARI], today=today())
        assert page.current is not None and page.current.id == saved.id
        assert any(old.id == current.id and old.replaced for old in page.earlier)


# Absences -------------------------------------------------------------------------


def test_absence_rules(engine, ids) -> None:
    day = today()
    with transaction(engine) as session:
        def codes(starts: date, ends: date) -> list[str]:
            return [p.code for p in absences.problems(session, person_id=ids[AINO], starts_on=starts, ends_on=ends,
                                                       today=day)]

        assert codes(day - timedelta(days=1), day) == ["absence_past"]
        assert codes(day, day + timedelta(days=56)) == []
        assert codes(day, day + timedelta(days=57)) == ["absence_too_far"]
        assert codes(day + timedelta(days=2), day + timedelta(days=1)) == ["ends_before_start"]
        session.add(AttendanceMark(person_id=ids[AINO], on_date=day + timedelta(days=3), present=True,
                                   recorded_by_person_id=ids[SANNA]))
        session.flush()
        assert codes(day + timedelta(days=2), day + timedelta(days=4)) == ["absence_attended"]
        # Outside the service period: a few days past its end.
        period_end = session.exec(select(ClientPeriod.ends_on).where(ClientPeriod.person_id == ids[AINO])).one()
        late = [p.code for p in absences.problems(session, person_id=ids[AINO], starts_on=period_end - timedelta(days=1),
                                                   ends_on=period_end + timedelta(days=1),
                                                   today=period_end - timedelta(days=10))]
        assert late == ["absence_outside_period"]


def test_a_notice_that_has_started_cannot_be_cancelled(engine, ids) -> None:
    day = today()
    started = factories.add_absence(engine, person=ids[AINO], starts_on=day - timedelta(days=1), ends_on=day)
    with transaction(engine) as session:
        assert absences.cancel(session, person_id=ids[AINO], notice_id=started, today=day) is None
        assert absences.cancel(session, person_id=ids[LIISA], notice_id=started, today=day) is None


# Expected clients and holidays ------------------------------------------------------


def test_expected_clients_come_from_groups_changes_absences_and_holidays(engine, ids) -> None:
    with transaction(engine) as session:
        verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
        group = session.exec(select(Group).where(Group.name == "Puutyöt")).one()
        monday = date(2027, 1, 11)  # an ordinary Monday: Aino's group meets
        assert [c.name for c in week.expected_clients(session, unit_id=verstas, day=monday)] == ["Aino Virtanen"]
        assert week.expected_clients(session, unit_id=verstas, day=date(2027, 1, 6)) == []  # Epiphany, a Wednesday
        slot = session.exec(select(GroupSlot).where(GroupSlot.group_id == group.id, GroupSlot.weekday == 0)).one()
        session.add(SlotChange(slot_id=slot.id, on_date=monday, cancelled=True, note="Koulutus",
                               created_by_person_id=ids[SANNA]))
        session.flush()
        assert week.expected_clients(session, unit_id=verstas, day=monday) == []
        tuesday = monday + timedelta(days=1)
        notice = absences.AbsenceNotice(person_id=ids[AINO], starts_on=tuesday, ends_on=tuesday, reason="ill",
                                                  created_by_person_id=ids[AINO])
        session.add(notice)
        session.flush()
        expected = {c.name: c for c in week.expected_clients(session, unit_id=verstas, day=tuesday)}
        # The follow-up demo's "Kokoonpano" meets on Tuesdays too (portal/demo/followup.py).
        assembly = session.exec(select(Group).where(Group.name == "Kokoonpano")).one()
        in_assembly = {f"{p.given_name} {p.family_name}" for p in session.exec(
            select(Person).join(GroupMember, col(GroupMember.person_id) == col(Person.id))
            .where(GroupMember.group_id == assembly.id)).all()}
        assert set(expected) - in_assembly == {"Aino Virtanen", "Mikko Korhonen"}
        assert expected["Mikko Korhonen"].absence is None
        expected = expected["Aino Virtanen"]
        assert expected.absence is not None and expected.absence.reason == "ill"


def test_a_holiday_is_a_day_without_activity_in_the_week(engine, ids) -> None:
    from portal import i18n

    i18n.set_locale("fi")
    with Session(engine) as session:
        [easter_monday] = week.client_days(session, person_id=ids[AINO], first=date(2027, 3, 29), last=date(2027, 3, 29))
        [monday_after] = week.client_days(session, person_id=ids[AINO], first=date(2027, 4, 5), last=date(2027, 4, 5))
    assert easter_monday.holiday == "Toinen pääsiäispäivä"
    assert easter_monday.occurrences and easter_monday.activities == []  # Aino's Monday group, not held
    assert monday_after.holiday is None and [o.activity for o in monday_after.activities] == ["Puutyöt"]


def test_public_holidays_come_from_the_library_in_each_language() -> None:
    from portal import i18n

    i18n.set_locale("fi")
    found = public_holidays(date(2026, 12, 1), date(2026, 12, 31))
    assert found[date(2026, 12, 6)] == "Itsenäisyyspäivä" and date(2026, 12, 25) in found
    i18n.set_locale("sv")
    assert public_holidays(date(2026, 12, 6), date(2026, 12, 6))[date(2026, 12, 6)] == "Självständighetsdagen"
    i18n.set_locale("fi")


# The calendar feed ----------------------------------------------------------------


def test_feed_times_are_right_in_helsinki_across_daylight_saving(engine, ids, settings) -> None:
    with transaction(engine) as session:
        made = feed.create(session, person_id=ids[AINO], secret_key=settings.secret_key)
        token = feed.token_for(settings.secret_key, made.salt)
        assert made.token_hash != token and token not in made.salt  # only a hash is stored
        spring = feed.calendar(session, token=token, today=date(2027, 3, 22), base_url=settings.base_url)
        autumn = feed.calendar(session, token=token, today=date(2027, 10, 25), base_url=settings.base_url)
    assert spring is not None and autumn is not None
    starts = {}
    for body in (spring, autumn):
        calendar = icalendar.Calendar.from_ical(body)
        for event in calendar.walk("VEVENT"):
            starts[event.decoded("dtstart").date()] = event.decoded("dtstart")
            assert event.decoded("dtstart").tzinfo is not None
            assert "hiomakone" not in body.decode()  # no goals in the feed
    # Aino's Puutyöt is at 9.00 Helsinki time: 7.00 UTC in winter, 6.00 UTC in summer.
    assert starts[date(2027, 3, 23)].astimezone(UTC).time() == time(7)
    assert starts[date(2027, 3, 30)].astimezone(UTC).time() == time(6)
    assert starts[date(2027, 10, 26)].astimezone(UTC).time() == time(6)
    assert starts[date(2027, 11, 2)].astimezone(UTC).time() == time(7)
    assert date(2027, 3, 29) not in starts  # Easter Monday: no activity
    assert b"BEGIN:VTIMEZONE" in spring and b"TZID:Europe/Helsinki" in spring


def test_feed_address_stays_until_revoked_then_answers_404(client, engine, ids) -> None:
    client.cookies.set(sessions.COOKIE_NAMES["client"],
                       factories.start_session(engine, audience="client", person=ids[AINO], acting_for=ids[AINO]))
    token = csrf_token(client.get("/settings/calendar"))
    assert client.post("/settings/calendar/make", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    page = client.get("/settings/calendar").text
    address = page.split('<p class="address">')[1].split("</p>")[0]
    client.post("/settings/calendar/make", data={"csrf_token": token})  # a second press keeps the address
    assert address in client.get("/settings/calendar").text
    path = address.removeprefix("http://127.0.0.1:8000")
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert client.get(path.replace(path[-10:-4], "000000")).status_code == 404  # a token that does not exist
    client.post("/settings/calendar/revoke", data={"csrf_token": token})
    assert client.get(path).status_code == 404
    with Session(engine) as session:
        stored = session.exec(select(CalendarFeed)).one()
        assert stored.revoked_at is not None and path.split("/")[-1][:-4] != stored.token_hash


def test_a_kiosk_never_shows_the_calendar_address(client, engine, ids, settings) -> None:
    with transaction(engine) as session:
        made = feed.create(session, person_id=ids[AINO], secret_key=settings.secret_key)
        token = feed.token_for(settings.secret_key, made.salt)
    client.cookies.set(sessions.COOKIE_NAMES["client"], factories.start_session(
        engine, audience="client", person=ids[AINO], acting_for=ids[AINO], kiosk=True))
    page = client.get("/settings/calendar")
    assert page.status_code == 200 and token not in page.text and "Poista osoite käytöstä" in page.text
    client.cookies.set(sessions.COOKIE_NAMES["client"], factories.start_session(
        engine, audience="client", person=ids[AINO], acting_for=ids[AINO]))
    assert token in client.get("/settings/calendar").text


def test_every_demo_client_has_a_current_plan_an_earlier_one_and_two_weeks_of_schedule(app, engine, demo_data) -> None:
    # The four demo clients of the README; the demo's extra clients only fill the staff list's pages.
    people = [factories.person_id(engine, app.state.vault, code) for code in (AINO, "150375-990C", LIISA, JARI)]
    with Session(engine) as session:
        clients = session.exec(select(ClientPeriod).where(col(ClientPeriod.person_id).in_(people))).all()
        assert len({period.person_id for period in clients}) == 4  # Jari has an earlier, ended period too
        for period in clients:
            page = records.plan_page(session, person_id=period.person_id, today=today())
            assert page.current is not None and page.current.goals and page.earlier
            for plan in [page.current, *page.earlier]:
                assert rules.period_problems(plan.service, plan.starts_on, plan.ends_on) == []
                assert rules.amount_problems(plan.service, plan.days_per_week, plan.hours_per_day) == []
                assert plan.service == period.service
            days = week.client_days(session, person_id=period.person_id, first=today(), last=today() + timedelta(days=13))
            assert sum(len(day.occurrences) for day in days) >= 4


def test_two_presses_at_once_store_one_notice(engine, ids) -> None:
    import threading

    from portal.models import AbsenceNotice

    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def press() -> None:
        barrier.wait()
        with transaction(engine) as session:
            outcomes.append(absences.report(session, person_id=ids[AINO], by_person_id=ids[AINO], starts_on=today(),
                                            ends_on=today(), reason="not_said", message="", today=today()))

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(isinstance(outcome, list) for outcome in outcomes) == [False, True]
    with Session(engine) as session:
        assert len(session.exec(select(AbsenceNotice).where(AbsenceNotice.person_id == ids[AINO])).all()) == 1


def test_the_request_log_never_shows_a_calendar_token(client, caplog) -> None:
    import logging

    token = "a" * 64
    with caplog.at_level(logging.INFO, logger="portal.requests"):
        assert client.get(f"/calendar/{token}.ics").status_code == 404
    assert "GET /calendar/{token}.ics 404 " in caplog.text
    assert token not in caplog.text


def test_an_ended_membership_leaves_the_week_and_the_expected_clients(engine, ids) -> None:
    from portal.schedule import editing

    with transaction(engine) as session:
        verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
        group = session.exec(select(Group).where(Group.name == "Puutyöt")).one()
        monday = date(2027, 1, 11)
        assert "Aino Virtanen" in [c.name for c in week.expected_clients(session, unit_id=verstas, day=monday)]
        before = editing.end_membership(session, group=group, person_id=ids[AINO], ends_on=date(2025, 12, 31),
                                        today=date(2025, 12, 1))
        assert before == [rules.Problem("ends_on", "ends_before_start")]
        past = editing.end_membership(session, group=group, person_id=ids[AINO], ends_on=date(2026, 1, 5),
                                      today=date(2026, 1, 6))
        assert past == [rules.Problem("ends_on", "member_end_past")]
        member = editing.end_membership(session, group=group, person_id=ids[AINO], ends_on=monday - timedelta(days=1),
                                        today=date(2026, 1, 6))
        assert isinstance(member, GroupMember) and member.ends_on == monday - timedelta(days=1)
        assert "Aino Virtanen" not in [c.name for c in week.expected_clients(session, unit_id=verstas, day=monday)]
        assert "Aino Virtanen" in [c.name for c in week.expected_clients(session, unit_id=verstas,
                                                                         day=monday - timedelta(days=7))]
        assert session.exec(select(GroupMember).where(GroupMember.person_id == ids[AINO])).one().starts_on == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("service", "ends", "is_first", "codes"),
    [
        (Service.REHABILITATIVE_WORK, date(2027, 3, 31), True, []),  # exactly 3 months
        (Service.REHABILITATIVE_WORK, date(2027, 4, 1), True, ["first_agreement"]),
        (Service.REHABILITATIVE_WORK, date(2027, 12, 31), False, []),  # a later agreement may be longer
        (Service.WORK_ACTIVITY, date(2027, 12, 31), True, []),  # the rule is only for rehabilitative work
    ],
)
def test_the_first_rehabilitative_agreement_is_3_months(service, ends, is_first, codes) -> None:
    found = rules.first_agreement_problems(service, date(2027, 1, 1), ends, is_first=is_first)
    assert [problem.code for problem in found] == codes
    if codes:
        from portal.forms import errors

        assert errors.problem_message(found[0].code, found[0].values) == (
            "Ensimmäinen sopimus on 3 kuukautta. Tarkista loppupäivä.")


def test_save_new_plan_holds_only_a_clients_first_rehabilitative_agreement_to_3_months(engine, ids) -> None:
    from portal.models import Plan

    with transaction(engine) as session:
        setting = records.plan_setting(session, person_id=ids[JARI], unit_ids=[2, 1])
        assert setting is not None
        setting = records.PlanSetting(setting.unit_id, Service.REHABILITATIVE_WORK.value, setting.unit_phone,
                                      setting.contacts)
        earliest = min(plan.starts_on for plan in session.exec(select(Plan).where(Plan.person_id == ids[JARI])))
        for plan in session.exec(select(Plan).where(Plan.person_id == ids[JARI])):
            plan.service = Service.WORK_ACTIVITY.value  # Jari's earlier plans are of another service
            session.add(plan)
        session.flush()
        starts = earliest + timedelta(days=3000)
        long_draft = records.PlanDraft(starts_on=starts, ends_on=starts + timedelta(days=180), days_per_week=2,
                                       hours_per_day=Decimal(5), goals=[records.GoalDraft("Uusi")])
        first = records.save_new_plan(session, person_id=ids[JARI], setting=setting, draft=long_draft,
                                      by_person_id=ids[SANNA], replaces_id=None)
        assert [p.code for p in first] == ["first_agreement"]  # type: ignore[union-attr]
        short = records.PlanDraft(starts_on=starts, ends_on=starts + relativedelta(months=3) - timedelta(days=1),
                                  days_per_week=2, hours_per_day=Decimal(5), goals=[records.GoalDraft("Uusi")])
        saved = records.save_new_plan(session, person_id=ids[JARI], setting=setting, draft=short,
                                      by_person_id=ids[SANNA], replaces_id=None)
        assert isinstance(saved, Plan)
        later = records.PlanDraft(starts_on=short.ends_on + timedelta(days=1),
                                  ends_on=short.ends_on + timedelta(days=181), days_per_week=2,
                                  hours_per_day=Decimal(5), goals=[records.GoalDraft("Jatko")])
        assert isinstance(records.save_new_plan(session, person_id=ids[JARI], setting=setting, draft=later,
                                                by_person_id=ids[SANNA], replaces_id=None), Plan)


# A weekly time's first and last day ----------------------------------------------------


def _puutyot_monday(session: Session) -> tuple[Group, GroupSlot]:
    group = session.exec(select(Group).where(Group.name == "Puutyöt")).one()
    return group, session.exec(select(GroupSlot).where(GroupSlot.group_id == group.id, GroupSlot.weekday == 0)).one()


def _activities(days: list[week.Day]) -> dict[date, list[str]]:
    return {day.day: [occurrence.activity for occurrence in day.activities] for day in days}


def test_an_ended_weekly_time_is_there_on_its_last_day_and_not_the_next_week(engine, ids, settings) -> None:
    from portal.schedule import editing, start_page

    monday = date(2027, 1, 11)  # Aino's Puutyöt meets on Mondays
    next_monday = monday + timedelta(days=7)
    verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
    with transaction(engine) as session:
        group, slot = _puutyot_monday(session)
        ended = editing.end_slot(session, group=group, slot_id=slot.id, ends_on=monday,  # type: ignore[arg-type]
                                 today=monday - timedelta(days=7))
        assert isinstance(ended, GroupSlot) and ended.valid_until == monday
        days = _activities(week.client_days(session, person_id=ids[AINO], first=monday, last=next_monday + timedelta(days=1)))
        assert days[monday] == ["Puutyöt"] and days[next_monday] == []
        assert days[next_monday + timedelta(days=1)] == ["Puutyöt"]  # the Tuesday time goes on
        assert [c.name for c in week.expected_clients(session, unit_id=verstas, day=monday)] == ["Aino Virtanen"]
        assert week.expected_clients(session, unit_id=verstas, day=next_monday) == []
        assert week.unit_day(session, unit_ids=[verstas], day=next_monday) == []
        staff_day = start_page.for_staff(session, unit_ids=[verstas], today=next_monday,
                                         now=datetime.combine(next_monday, time(8), UTC))
        assert staff_day.groups == []
        made = feed.create(session, person_id=ids[AINO], secret_key=settings.secret_key)
        body = feed.calendar(session, token=feed.token_for(settings.secret_key, made.salt), today=monday,
                             base_url=settings.base_url)
    mondays = sorted(event.decoded("dtstart").date() for event in icalendar.Calendar.from_ical(body).walk("VEVENT")
                     if event.decoded("dtstart").weekday() == 0)
    assert mondays[-1] == monday and mondays == [monday - timedelta(days=7), monday]


def test_a_weekly_time_from_a_future_day_is_not_there_before_it(engine, ids, settings) -> None:
    from portal.schedule import editing, start_page

    first_friday = date(2027, 1, 22)
    friday_before = first_friday - timedelta(days=7)
    verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
    with transaction(engine) as session:
        group, _ = _puutyot_monday(session)
        added = editing.add_slot(session, group=group, weekday=4, starts_at=time(9), ends_at=time(12),
                                 activity="Siivous", place="Verstas", guide_person_id=None, valid_from=first_friday,
                                 today=date(2027, 1, 4))
        assert isinstance(added, GroupSlot) and (added.valid_from, added.valid_until) == (first_friday, None)
        days = _activities(week.client_days(session, person_id=ids[AINO], first=friday_before, last=first_friday))
        assert days[friday_before] == [] and days[first_friday] == ["Siivous"]
        assert week.expected_clients(session, unit_id=verstas, day=friday_before) == []
        assert [c.name for c in week.expected_clients(session, unit_id=verstas, day=first_friday)] == ["Aino Virtanen"]
        before = start_page.for_staff(session, unit_ids=[verstas], today=friday_before,
                                      now=datetime.combine(friday_before, time(8), UTC))
        on_the_day = start_page.for_staff(session, unit_ids=[verstas], today=first_friday,
                                          now=datetime.combine(first_friday, time(8), UTC))
        assert before.groups == [] and [g.occurrence.activity for g in on_the_day.groups] == ["Siivous"]
        # A change for one day finds the time only where it is in effect.
        early = editing.change(session, group=group, on_date=friday_before, whole_week=False, cancelled=True,
                               starts_at=None, ends_at=None, activity="", place="", note="Ei", by_person_id=ids[SANNA],
                               today=date(2027, 1, 4))
        assert early == [rules.Problem("on_date", "change_no_slot")]
        made = feed.create(session, person_id=ids[AINO], secret_key=settings.secret_key)
        body = feed.calendar(session, token=feed.token_for(settings.secret_key, made.salt), today=friday_before,
                             base_url=settings.base_url)
    fridays = sorted(event.decoded("dtstart").date() for event in icalendar.Calendar.from_ical(body).walk("VEVENT")
                     if event.decoded("dtstart").weekday() == 4)
    assert fridays[0] == first_friday


def test_ending_a_weekly_time_refuses_bad_days_and_stores_nothing(engine, ids) -> None:
    from portal.schedule import editing

    today_ = date(2027, 1, 13)
    with transaction(engine) as session:
        group, slot = _puutyot_monday(session)
        other_group = session.exec(select(Group).where(Group.name == "Keittiö")).one()
        future = editing.add_slot(session, group=group, weekday=4, starts_at=time(9), ends_at=time(12),
                                  activity="Siivous", place="Verstas", guide_person_id=None,
                                  valid_from=date(2027, 2, 5), today=today_)
        assert isinstance(future, GroupSlot)

        def end(slot_id: int, ends_on: date, on: date = today_, in_group: Group = group) -> object:
            outcome = editing.end_slot(session, group=in_group, slot_id=slot_id, ends_on=ends_on, today=on)
            return [problem.code for problem in outcome] if isinstance(outcome, list) else outcome

        assert end(slot.id, today_ - timedelta(days=1)) == ["slot_end_past"]  # type: ignore[arg-type]
        assert end(future.id, date(2027, 2, 4)) == ["slot_end_before_start"]  # type: ignore[arg-type]
        assert end(slot.id, today_, in_group=other_group) is None  # type: ignore[arg-type]
        assert end(999999, today_) is None
        assert session.get(GroupSlot, slot.id).valid_until is None  # type: ignore[union-attr]
        assert isinstance(end(slot.id, today_ + timedelta(days=10)), GroupSlot)  # type: ignore[arg-type]
        assert isinstance(end(slot.id, today_ + timedelta(days=5)), GroupSlot)  # moved while still ahead  # type: ignore[arg-type]
        later = today_ + timedelta(days=6)
        assert end(slot.id, later + timedelta(days=30), on=later) == ["slot_ended"]  # type: ignore[arg-type]
        assert session.get(GroupSlot, slot.id).valid_until == today_ + timedelta(days=5)  # type: ignore[union-attr]
        past_start = editing.add_slot(session, group=group, weekday=4, starts_at=time(9), ends_at=time(12),
                                      activity="Siivous", place="Verstas", guide_person_id=None,
                                      valid_from=today_ - timedelta(days=1), today=today_)
        assert past_start == [rules.Problem("valid_from", "slot_start_past")]


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_0011_gives_old_weekly_times_an_early_first_day_and_goes_back(request, tmp_path, backend) -> None:
    """On SQLite a file at 0010; on PostgreSQL the tests' database, taken down
    to 0010 and left at the head again (each test empties its tables)."""
    from alembic import command
    from sqlalchemy import inspect, text

    if backend == "sqlite":
        engine, migrate = old_sqlite_database(tmp_path / "old.sqlite3")
        migrate(command.upgrade, "0010")
    else:
        engine = request.getfixturevalue("postgres_engine")
        empty_postgres(engine)
        migrate = migrator(engine)
        migrate(command.downgrade, "0010")
    with engine.begin() as connection:
        for statement in (
            "INSERT INTO organisation (id, name, phone, email, address) VALUES (1, 'Alue', '', '', '')",
            "INSERT INTO unit (id, organisation_id, name, phone, email, address) VALUES (1, 1, 'Verstas', '', '', '')",
            'INSERT INTO "group" (id, unit_id, name) VALUES (1, 1, \'Puutyöt\')',
            "INSERT INTO groupslot (id, group_id, weekday, starts_at, ends_at, activity, place)"
            " VALUES (1, 1, 0, '09:00:00', '14:00:00', 'Puutyöt', 'Verstas')",
        ):
            connection.execute(text(statement))
    migrate(command.upgrade, "head")
    columns = {column["name"]: column for column in inspect(engine).get_columns("groupslot")}
    assert columns["valid_from"]["nullable"] is False and columns["valid_until"]["nullable"] is True
    with Session(engine) as session:
        old = session.get(GroupSlot, 1)
        assert old is not None and (old.valid_from, old.valid_until) == (date(2000, 1, 1), None)
    migrate(command.downgrade, "0010")
    assert {"valid_from", "valid_until"}.isdisjoint(column["name"] for column in inspect(engine).get_columns("groupslot"))
    migrate(command.upgrade, "head")
    if backend == "sqlite":
        engine.dispose()


def test_a_client_already_in_the_group_is_not_added_again(engine, ids) -> None:
    from portal.schedule import editing

    day = today()  # the demo's periods go on from the day it was made
    with transaction(engine) as session:
        group = session.exec(select(Group).where(Group.name == "Puutyöt")).one()
        again = editing.assign(session, group=group, person_id=ids[AINO], starts_on=day, today=day)
        assert again == [rules.Problem("person_id", "already_member")]
        last = day + timedelta(days=20)
        editing.end_membership(session, group=group, person_id=ids[AINO], ends_on=last, today=day)
        overlapping = editing.assign(session, group=group, person_id=ids[AINO], starts_on=last, today=day)
        assert overlapping == [rules.Problem("person_id", "already_member")]
        after = editing.assign(session, group=group, person_id=ids[AINO], starts_on=last + timedelta(days=1), today=day)
        assert isinstance(after, GroupMember)
        assert len(session.exec(select(GroupMember).where(GroupMember.person_id == ids[AINO],
                                                          GroupMember.group_id == group.id)).all()) == 2
