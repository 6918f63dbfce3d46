"""The client's day, week, plan and absence notices, and the staff's start page
and plan editor, through HTTP with the demo data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, func, select

from portal.models import AccessEventSubject, AbsenceNotice, AccessEvent, GoalThought, GroupSlot, Plan
from portal.schedule.calendar_days import today
from tests.support import factories
from tests.support.helpers import csrf_token, soup
from tests.support.signed_in import as_client, as_staff

AINO, MIKKO, LIISA, JARI, HELENA = "010280-952L", "150375-990C", "230495-936S", "071188-955W", "120556-942L"
SANNA_VERSTAS, MARIA_TUPA = "300883-9617", "180679-9737"

# Every test here needs today to have activity: the clock is moved to such a day first.
pytestmark = pytest.mark.usefixtures("activity_day")


@pytest.fixture
def ids(app, engine, demo_data):  # type: ignore[no-untyped-def]
    return {code: factories.person_id(engine, app.state.vault, code)
            for code in (AINO, MIKKO, LIISA, JARI, HELENA, SANNA_VERSTAS, MARIA_TUPA)}


def every_day_slot(engine, person: int) -> None:  # type: ignore[no-untyped-def]
    """A slot on today's weekday in the person's group, so 'today' has activity whatever the day."""
    group = factories.group_id(engine, person=person)
    with Session(engine) as session:
        slot = GroupSlot(group_id=group, weekday=today().weekday(), starts_at=__import__("datetime").time(9),
                         ends_at=__import__("datetime").time(14), activity="Puutyöt", place="Verstas")
        session.add(slot)
        session.commit()


def notices(engine, person: int) -> list[AbsenceNotice]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(AbsenceNotice).where(AbsenceNotice.person_id == person)).all())


def test_start_page_shows_today_first_and_the_one_step_button(client, engine, ids) -> None:
    every_day_slot(engine, ids[AINO])
    as_client(client, engine, ids[AINO])
    page = client.get("/home")
    assert page.status_code == 200
    main = soup(page).main
    first_card = main.find("section")
    assert first_card.h2.get_text() == "Tänään"
    assert "Tänään: Puutyöt, Verstas" in first_card.get_text(" ")
    assert first_card.find("button", string="En pääse tänään") is not None
    assert [a["href"] for a in main.select(".link-list a")][:2] == ["/week", "/absence"]


def test_i_cant_come_today_in_one_step_and_staff_see_it(client, engine, ids) -> None:
    every_day_slot(engine, ids[AINO])
    as_client(client, engine, ids[AINO])
    token = csrf_token(client.get("/home"))
    response = client.post("/absence/today", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/home?reported=1"
    [notice] = notices(engine, ids[AINO])
    assert (notice.starts_on, notice.ends_on, notice.reason) == (today(), today(), "not_said")
    page = client.get("/home?reported=1")
    assert "Olet ilmoittanut, ettet pääse tänään." in page.text
    assert "En pääse tänään" not in soup(page).main.find("section").get_text()
    # Twice is refused with a message, and nothing more is stored.
    again = client.post("/absence/today", data={"csrf_token": token})
    assert again.status_code == 400 and "Olet jo ilmoittanut poissaolon" in again.text
    assert len(notices(engine, ids[AINO])) == 1

    client.cookies.clear()
    as_staff(client, engine, ids[SANNA_VERSTAS])
    staff = client.get("/staff")
    section = soup(staff).find("h2", string="Uudet poissaoloilmoitukset").find_next("ul")
    assert "Aino Virtanen" in section.get_text()
    with Session(engine) as session:
        # One event for the page's list; Aino is one of its subjects.
        logged = session.exec(select(func.count()).select_from(AccessEvent).join(
            AccessEventSubject, AccessEventSubject.event_id == AccessEvent.id).where(
            AccessEvent.object_type == "staff_start_page", AccessEventSubject.person_id == ids[AINO])).one()
    assert logged == 1


def test_absence_form_rules(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    token = csrf_token(client.get("/absence"))

    def post(**data):  # type: ignore[no-untyped-def]
        return client.post("/absence", data={"csrf_token": token, "reason": "ill", **data}, follow_redirects=False)

    day = today()
    past = post(starts_on=(day - timedelta(days=1)).strftime("%d.%m.%Y"))
    assert past.status_code == 400 and "Et voi ilmoittaa mennyttä päivää" in past.text
    far = post(starts_on=(day + timedelta(days=1)).strftime("%d.%m.%Y"),
               ends_on=(day + timedelta(days=57)).strftime("%d.%m.%Y"))
    assert far.status_code == 400 and "enintään 8 viikkoa" in far.text
    no_reason = client.post("/absence", data={"csrf_token": token, "starts_on": "x"})
    assert no_reason.status_code == 400 and "Valitse syy." in no_reason.text and "muodossa 31.12.2027" in no_reason.text
    assert notices(engine, ids[AINO]) == []
    ok = post(starts_on=(day + timedelta(days=1)).strftime("%d.%m.%Y"),
              ends_on=(day + timedelta(days=3)).strftime("%d.%m.%Y"), message="Hammaslääkäri")
    assert ok.status_code == 303
    [notice] = notices(engine, ids[AINO])
    assert (notice.ends_on - notice.starts_on).days == 2 and notice.message == "Hammaslääkäri"
    # The client sees it recorded, and can cancel it.
    home = client.get("/home")
    assert "Peru ilmoitus" in home.text
    cancel = client.post(f"/absence/{notice.id}/cancel", data={"csrf_token": token}, follow_redirects=False)
    assert cancel.status_code == 303
    assert notices(engine, ids[AINO])[0].cancelled_at is not None
    assert client.post(f"/absence/{notice.id}/cancel", data={"csrf_token": token}).status_code == 404


def test_a_view_only_delegate_cannot_report(client, engine, ids) -> None:
    factories.add_mandate(engine, principal=ids[AINO], agent=ids[MIKKO])
    as_client(client, engine, ids[MIKKO], acting_for=ids[AINO])
    token = csrf_token(client.get("/home"))
    assert client.post("/absence/today", data={"csrf_token": token}).status_code == 403
    assert notices(engine, ids[AINO]) == []


def test_week_shows_two_weeks_today_first_with_changes_in_words(client, engine, ids) -> None:
    as_client(client, engine, ids[LIISA])
    page = client.get("/week")
    assert page.status_code == 200
    headings = [h3.get_text() for h3 in soup(page).main.find_all("h3")]
    assert headings[0].startswith("Tänään")
    assert 8 <= len(headings) <= 14
    assert "Ensi viikko" in page.text
    # The demo cancels one of Liisa's days next week, with the reason in words.
    assert "Tänä päivänä ei ole toimintaa. Ohjaaja on koulutuksessa." in soup(page).get_text(" ")
    assert "Maria Salo" in page.text  # who guides


def test_plan_page_and_own_thoughts(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    page = client.get("/plan")
    assert page.status_code == 200
    text = soup(page).main.get_text(" ")
    assert "Opin käyttämään hiomakonetta itse." in text and "Aiemmat suunnitelmat" in text
    assert soup(page).find("a", href="tel:085551010") is not None
    goal = factories.goal_id(engine, person=ids[AINO])
    token = csrf_token(page)
    empty = client.post(f"/plan/goals/{goal}/thoughts", data={f"goal{goal}-csrf_token": token, f"goal{goal}-text": " "})
    assert empty.status_code == 400 and "Kirjoita ajatuksesi." in empty.text
    saved = client.post(f"/plan/goals/{goal}/thoughts",
                        data={f"goal{goal}-csrf_token": token, f"goal{goal}-text": "Haluan oppia sorvaamaan."},
                        follow_redirects=False)
    assert saved.status_code == 303
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(GoalThought).where(GoalThought.goal_id == goal)).one() == 2
    # Staff see the client's thoughts.
    client.cookies.clear()
    as_staff(client, engine, ids[SANNA_VERSTAS])
    assert "Haluan oppia sorvaamaan." in client.get(f"/staff/clients/{ids[AINO]}/plan").text


def test_another_clients_goal_is_not_found(client, engine, ids) -> None:
    goal = factories.goal_id(engine, person=ids[AINO])
    as_client(client, engine, ids[MIKKO])
    token = csrf_token(client.get("/plan"))
    response = client.post(f"/plan/goals/{goal}/thoughts", data={f"goal{goal}-csrf_token": token, f"goal{goal}-text": "x"})
    assert response.status_code == 404


def plan_count(engine, person: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        total = session.exec(select(func.count()).select_from(Plan).where(Plan.person_id == person)).one()
        replaced = session.exec(select(func.count()).select_from(Plan).where(
            Plan.person_id == person, col(Plan.replaced_at).is_not(None))).one()
    return total, replaced


def test_plan_editor_keeps_the_old_plan_and_checks_the_rules(client, engine, ids) -> None:
    as_staff(client, engine, ids[MARIA_TUPA])
    path = f"/staff/clients/{ids[JARI]}/plan"
    page = client.get(path)
    assert page.status_code == 200
    form = soup(page).find("form", action=path)
    data = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    data.update({select_["name"]: (select_.find("option", selected=True) or select_.find("option"))["value"]
                 for select_ in form.find_all("select")})
    data.update({area["name"]: area.get_text() for area in form.find_all("textarea")})
    assert data["days_per_week"] == "3" and data["goals-0-client_words"]
    before = plan_count(engine, ids[JARI])
    # Rehabilitative work activity: at most 4 days a week, 4–8 hours, 3–24 months.
    bad = client.post(path, data={**data, "days_per_week": "5", "hours_per_day": "3,5"})
    assert bad.status_code == 400
    assert "väliltä 1–4" in bad.text and "väliltä 4–8" in bad.text
    for blank in ("\xa0", " ", "²"):  # only a space, a digit that is no number: once a 500 (issue 19)
        unreadable = client.post(path, data={**data, "days_per_week": blank, "hours_per_day": blank})
        assert unreadable.status_code == 400
        assert soup(unreadable).find(id="days_per_week-error") and soup(unreadable).find(id="hours_per_day-error")
    short = client.post(path, data={**data, "ends_on": data["starts_on"]})
    assert short.status_code == 400 and "3–24 kuukautta" in short.text
    assert plan_count(engine, ids[JARI]) == before
    good = client.post(path, data={**data, "hours_per_day": "4,5", "goals-2-client_words": "Haen kouluun.",
                                   "goals-2-status": "starting"}, follow_redirects=False)
    assert good.status_code == 303
    assert plan_count(engine, ids[JARI]) == (before[0] + 1, before[1] + 1)
    shown = client.get(path + "?saved=1").text
    assert "Haen kouluun." in shown and "vanha versio" in shown
    with Session(engine) as session:  # every read and the change are in the access log, about Jari
        events = session.exec(select(AccessEvent.action).where(
            AccessEvent.object_type == "plan", AccessEvent.subject_person_id == ids[JARI],
            AccessEvent.actor_person_id == ids[MARIA_TUPA])).all()
    assert events.count("change") == 1 and events.count("read") >= 2


def test_staff_of_another_unit_cannot_open_the_plan_editor(client, engine, ids) -> None:
    as_staff(client, engine, ids[MARIA_TUPA])
    assert client.get(f"/staff/clients/{ids[AINO]}/plan").status_code == 404


def test_staff_start_page_lists_todays_groups_and_expected_clients(client, engine, ids) -> None:
    every_day_slot(engine, ids[AINO])
    as_staff(client, engine, ids[SANNA_VERSTAS])
    page = client.get("/staff")
    assert page.status_code == 200
    heading = soup(page).find("h2", string="Tänään")
    today_part = " ".join(section.get_text(" ") for section in heading.find_next_siblings("section"))
    assert "Puutyöt" in today_part and "Aino Virtanen" in today_part
    assert "Liisa" not in today_part  # Tupa's client



def group_form(client, path: str, kind: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page = client.get(path)
    assert page.status_code == 200
    return {f"{kind}-csrf_token": csrf_token(page)}


def test_schedule_editor_adds_a_time_a_client_and_a_change(client, engine, ids) -> None:
    group = factories.group_id(engine, person=ids[AINO])
    as_staff(client, engine, ids[SANNA_VERSTAS])
    assert "Puutyöt" in client.get("/staff/groups").text
    path = f"/staff/groups/{group}"
    data = group_form(client, path, "slots")
    bad = client.post(path + "/slots", data={**data, "slots-weekday": "4", "slots-starts_at": "14",
                                             "slots-ends_at": "9.00", "slots-activity": "", "slots-place": "Piha"})
    assert bad.status_code == 400 and "Kirjoita toiminta." in bad.text and bad.text.count("field__error\"") == 1
    with Session(engine) as session:
        before = session.exec(select(func.count()).select_from(GroupSlot)).one()
    wrong_order = client.post(path + "/slots", data={**data, "slots-weekday": "4", "slots-starts_at": "14",
                                                     "slots-ends_at": "9.00", "slots-activity": "Puutyöt",
                                                     "slots-place": "Piha"})
    assert wrong_order.status_code == 400 and "Loppuaika on ennen alkuaikaa" in wrong_order.text
    ok = client.post(path + "/slots", data={**data, "slots-weekday": "4", "slots-starts_at": "9.00",
                                            "slots-ends_at": "12:30", "slots-activity": "Siivous",
                                            "slots-place": "Verstas", "slots-guide_person_id": str(ids[SANNA_VERSTAS])},
                     follow_redirects=False)
    assert ok.status_code == 303
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(GroupSlot)).one() == before + 1
    # Mikko into the group, then a change for the whole of next week.
    data = group_form(client, path, "members")
    added = client.post(path + "/members", data={**data, "members-person_id": str(ids[MIKKO]),
                                                 "members-starts_on": today().strftime("%d.%m.%Y")},
                        follow_redirects=False)
    assert added.status_code == 303 and "Mikko Korhonen" in client.get(path).text
    data = group_form(client, path, "changes")
    next_week = today() + timedelta(days=7)
    change = client.post(path + "/changes", data={**data, "changes-on_date": next_week.strftime("%d.%m.%Y"),
                                                  "changes-scope": "week", "changes-place": "Leirikeskus",
                                                  "changes-note": "Olemme leirillä koko viikon."},
                         follow_redirects=False)
    assert change.status_code == 303
    client.cookies.clear()
    as_client(client, engine, ids[AINO])
    week_page = client.get("/week").text
    assert week_page.count("Olemme leirillä koko viikon.") >= 4  # Aino's 4 days plus the new Friday


def test_schedule_editor_refuses_another_units_group_and_past_changes(client, engine, ids) -> None:
    group = factories.group_id(engine, person=ids[AINO])  # Verstas
    as_staff(client, engine, ids[MARIA_TUPA])
    assert client.get(f"/staff/groups/{group}").status_code == 404
    token = csrf_token(client.get("/staff/groups"))
    assert "Puutyöt" not in client.get("/staff/groups").text
    refused = client.post(f"/staff/groups/{group}/changes", data={
        "changes-csrf_token": token, "changes-on_date": today().strftime("%d.%m.%Y"), "changes-note": "x"})
    assert refused.status_code == 404
    client.cookies.clear()
    as_staff(client, engine, ids[SANNA_VERSTAS])
    token = csrf_token(client.get(f"/staff/groups/{group}"))
    past = client.post(f"/staff/groups/{group}/changes", data={
        "changes-csrf_token": token, "changes-on_date": (today() - timedelta(days=7)).strftime("%d.%m.%Y"),
        "changes-note": "Myöhässä"})
    assert past.status_code == 400 and "menneellä päivällä" in past.text


def test_plan_editor_offers_every_goal_and_keeps_them_in_the_new_version(client, engine, ids) -> None:
    as_staff(client, engine, ids[SANNA_VERSTAS])
    path = f"/staff/clients/{ids[AINO]}/plan"
    page = soup(client.get(path))
    # Aino's current plan has 2 goals: both are offered, and an empty field for a new one.
    assert [field.get("value", "") for field in page.select("input[name$=client_words]")][:2] == [
        "Opin käyttämään hiomakonetta itse.", "Tulen aamulla ajoissa."]
    assert len(page.select("input[name$=client_words]")) == 3


def test_staff_end_a_clients_time_in_a_group_and_the_row_stays(client, engine, ids) -> None:
    from portal.models import GroupMember

    group = factories.group_id(engine, person=ids[AINO])
    as_staff(client, engine, ids[SANNA_VERSTAS])
    path = f"/staff/groups/{group}"
    data = group_form(client, path, "member_ends")
    yesterday = (today() - timedelta(days=1)).strftime("%d.%m.%Y")
    past = client.post(path + "/member_ends", data={**data, "member_ends-person_id": str(ids[AINO]),
                                                    "member_ends-ends_on": yesterday})
    assert past.status_code == 400 and "Viimeinen päivä ei voi olla mennyt päivä." in past.text
    stranger = client.post(path + "/member_ends", data={**data, "member_ends-person_id": str(ids[LIISA]),
                                                        "member_ends-ends_on": today().strftime("%d.%m.%Y")})
    assert stranger.status_code == 400 and "Valitse asiakas, joka on nyt ryhmässä." in stranger.text
    with Session(engine) as session:
        assert session.exec(select(GroupMember.ends_on).where(GroupMember.person_id == ids[AINO])).one() is None
        events_before = session.exec(select(func.count()).select_from(AccessEvent)
                                     .where(AccessEvent.action == "change")).one()
    last = today() + timedelta(days=3)
    ended = client.post(path + "/member_ends", data={**data, "member_ends-person_id": str(ids[AINO]),
                                                     "member_ends-ends_on": last.strftime("%d.%m.%Y")},
                        follow_redirects=False)
    assert ended.status_code == 303 and ended.headers["location"] == f"{path}?saved=1"
    with Session(engine) as session:
        assert session.exec(select(GroupMember.ends_on).where(GroupMember.person_id == ids[AINO])).one() == last
        assert session.exec(select(func.count()).select_from(AccessEvent)
                            .where(AccessEvent.action == "change")).one() == events_before + 1
    # Another unit's group and an unknown group answer 404; nothing changes.
    client.cookies.clear()
    as_staff(client, engine, ids[MARIA_TUPA])
    data = {"member_ends-csrf_token": csrf_token(client.get("/staff/groups"))}
    for other in (path, "/staff/groups/999999"):
        refused = client.post(other + "/member_ends", data={**data, "member_ends-person_id": str(ids[AINO]),
                                                            "member_ends-ends_on": today().strftime("%d.%m.%Y")})
        assert refused.status_code == 404
    with Session(engine) as session:
        assert session.exec(select(GroupMember.ends_on).where(GroupMember.person_id == ids[AINO])).one() == last


def test_staff_end_a_weekly_time_and_the_clients_week_follows(client, engine, ids) -> None:
    group = factories.group_id(engine, person=ids[AINO])
    slot = factories.add_slot(engine, group=group, weekday=today().weekday(), activity="Iltaryhmä")
    as_client(client, engine, ids[AINO])
    assert client.get("/week").text.count("Iltaryhmä") == 2  # today and the same day next week
    client.cookies.clear()
    as_staff(client, engine, ids[SANNA_VERSTAS])
    assert "Iltaryhmä" in client.get("/staff").text  # today's groups
    path = f"/staff/groups/{group}"
    end_path = f"{path}/slots/{slot}/slot_ends"
    page = soup(client.get(path))
    assert page.find("form", action=end_path) is not None and "Jatkuu toistaiseksi." in page.get_text(" ")
    data = {f"slot_ends-{slot}-csrf_token": csrf_token(client.get(path))}

    def stored() -> object:
        with Session(engine) as session:
            return session.get(GroupSlot, slot).valid_until  # type: ignore[union-attr]

    for typed, message in [("", "Kirjoita päivämäärä muodossa 31.12.2027."),
                           ((today() - timedelta(days=1)).strftime("%d.%m.%Y"), "Viimeinen päivä ei voi olla mennyt päivä."),
                           ("31.2.2027", "Kirjoita päivämäärä muodossa 31.12.2027.")]:
        bad = client.post(end_path, data={**data, f"slot_ends-{slot}-ends_on": typed})
        assert bad.status_code == 400 and message in bad.text, typed
        error = soup(bad).find(id=f"slot_ends-{slot}-ends_on-error")
        assert error is not None and message in error.get_text()
        assert stored() is None
    with Session(engine) as session:
        events_before = session.exec(select(func.count()).select_from(AccessEvent)
                                     .where(AccessEvent.object_type == "group_slot")).one()
    ended = client.post(end_path, data={**data, f"slot_ends-{slot}-ends_on": today().strftime("%d.%m.%Y")},
                        follow_redirects=False)
    assert ended.status_code == 303 and ended.headers["location"] == f"{path}?saved=1"
    assert stored() == today()
    with Session(engine) as session:
        event = session.exec(select(AccessEvent).where(AccessEvent.object_type == "group_slot")
                             .order_by(col(AccessEvent.id).desc())).first()
        assert event is not None and (event.action, event.object_id) == ("change", str(slot))
        assert session.exec(select(func.count()).select_from(AccessEvent)
                            .where(AccessEvent.object_type == "group_slot")).one() == events_before + 1
    assert "Päättyy" in client.get(path).text
    client.cookies.clear()
    as_client(client, engine, ids[AINO])
    assert client.get("/week").text.count("Iltaryhmä") == 1  # today, its last day; not next week


def test_a_weekly_time_from_a_future_day_and_a_past_first_day(client, engine, ids) -> None:
    group = factories.group_id(engine, person=ids[AINO])
    as_staff(client, engine, ids[SANNA_VERSTAS])
    path = f"/staff/groups/{group}"
    data = {**group_form(client, path, "slots"), "slots-weekday": str(today().weekday()), "slots-starts_at": "16",
            "slots-ends_at": "18", "slots-activity": "Iltaryhmä", "slots-place": "Verstas"}
    with Session(engine) as session:
        before = session.exec(select(func.count()).select_from(GroupSlot)).one()
    past = client.post(path + "/slots", data={**data, "slots-valid_from": (today() - timedelta(days=1)).strftime("%d.%m.%Y")})
    assert past.status_code == 400 and "Ensimmäinen päivä ei voi olla mennyt päivä." in past.text
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(GroupSlot)).one() == before
    first_day = today() + timedelta(days=1)
    added = client.post(path + "/slots", data={**data, "slots-valid_from": first_day.strftime("%d.%m.%Y")},
                        follow_redirects=False)
    assert added.status_code == 303
    with Session(engine) as session:
        slot = session.exec(select(GroupSlot).where(GroupSlot.activity == "Iltaryhmä")).one()
        assert (slot.valid_from, slot.valid_until) == (first_day, None)
    assert "Alkaen" in client.get(path).text
    assert "Iltaryhmä" not in client.get("/staff").text  # not today: it starts tomorrow
    client.cookies.clear()
    as_client(client, engine, ids[AINO])
    assert client.get("/week").text.count("Iltaryhmä") == 1  # next week's day, not today's
    assert "Iltaryhmä" not in soup(client.get("/home")).main.find("section").get_text(" ")  # today's card


def test_ending_a_weekly_time_of_another_group_or_unit_is_not_found(client, engine, ids) -> None:
    group = factories.group_id(engine, person=ids[AINO])
    liisa_group = factories.group_id(engine, person=ids[LIISA])  # Tupa
    mikko_group = factories.group_id(engine, person=ids[MIKKO])  # Verstas, another group
    slot = factories.add_slot(engine, group=group, weekday=4, activity="Iltaryhmä")
    day = {"ends_on": today().strftime("%d.%m.%Y")}
    as_staff(client, engine, ids[SANNA_VERSTAS])
    token = csrf_token(client.get(f"/staff/groups/{group}"))
    for target in (f"/staff/groups/{mikko_group}/slots/{slot}", f"/staff/groups/{group}/slots/999999",
                   f"/staff/groups/{liisa_group}/slots/{slot}"):
        prefix = f"slot_ends-{target.rsplit('/', 1)[1]}-"
        for ends_on in (day["ends_on"], ""):  # a valid day, and one that fails the form's own check
            refused = client.post(target + "/slot_ends", data={prefix + "csrf_token": token, prefix + "ends_on": ends_on})
            assert refused.status_code == 404, (target, ends_on)
    with Session(engine) as session:
        assert session.get(GroupSlot, slot).valid_until is None  # type: ignore[union-attr]
    # A time that has already ended is listed as ended, and ending it again is refused at its field.
    yesterday = today() - timedelta(days=1)
    old = factories.add_slot(engine, group=group, weekday=2, activity="Kesäryhmä", valid_until=yesterday)
    page = client.get(f"/staff/groups/{group}")
    assert "Päättyneet ajat" in page.text and f"/slots/{old}/slot_ends" not in page.text
    prefix = f"slot_ends-{old}-"
    again = client.post(f"/staff/groups/{group}/slots/{old}/slot_ends",
                        data={prefix + "csrf_token": token, prefix + "ends_on": day["ends_on"]})
    assert again.status_code == 400
    assert "Tämä aika on jo päättynyt." in soup(again).find(id=f"{prefix}ends_on-error").get_text()
    with Session(engine) as session:
        assert session.get(GroupSlot, old).valid_until == yesterday  # type: ignore[union-attr]


def test_namesakes_in_the_group_page_lists_carry_their_birth_date(client, engine, ids) -> None:
    """The demo's extra clients repeat names (two Eero Ylikoskis): each namesake
    gets the birth-date part of their code, a name of its own gets nothing. The
    unit's clients to add are a page of the list; a namesake on another page still counts."""
    from collections import Counter

    from portal.identity_code import masked
    from portal.models import Person

    group = factories.group_id(engine, person=ids[AINO])
    as_staff(client, engine, ids[SANNA_VERSTAS])
    with Session(engine) as session:
        people = session.exec(select(Person)).all()
    names = Counter(f"{person.given_name} {person.family_name}" for person in people)
    codes = {f"{person.given_name} {person.family_name}, {masked(client.app.state.vault.decrypt(person.identity_code_cipher))}"
             for person in people}
    options = []
    for path in (f"/staff/groups/{group}", f"/staff/groups/{group}?name=Ylikoski", f"/staff/groups/{group}?name=ylik"):
        page = soup(client.get(path))
        options += [label.get_text(strip=True) for label in page.select("#members-person_id label")]
    namesakes = [option for option in options if ", " in option]
    assert namesakes and all(option in codes for option in namesakes)
    assert all(names[option] == 1 for option in options if ", " not in option)
    # The search's page alone: the Ylikoskis, both with their birth dates.
    found = [label.get_text(strip=True) for label in soup(client.get(f"/staff/groups/{group}?name=Ylikoski")).select(
        "#members-person_id label")]
    assert len([option for option in found if option.startswith("Eero Ylikoski, ")]) == 2
    assert len(set(found)) == len(found)  # no two choices read the same


def test_a_sentence_ending_in_a_date_has_one_full_stop(client, engine, ids) -> None:
    """Finnish short dates end in a dot ('ti 15.12.'); the sentence adds none of its own."""
    factories.add_absence(engine, person=ids[AINO])
    as_client(client, engine, ids[AINO])
    text = soup(client.get("/home")).main.get_text(" ")
    assert "Seuraava arviointi on " in text and "Et pääse: " in text
    assert ".." not in text
