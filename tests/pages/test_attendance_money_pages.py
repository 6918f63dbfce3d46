"""The staff's day list and the client's money, through HTTP with the demo data."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, col, func, select

from portal.models import AccessEvent, AttendanceCorrection, AttendanceMark, GroupSlot
from portal.schedule.calendar_days import today
from tests.support import factories
from tests.support.helpers import csrf_token, soup
from tests.support.signed_in import as_client, as_staff

AINO, MIKKO, LIISA, JARI = "010280-952L", "150375-990C", "230495-936S", "071188-955W"
SANNA_VERSTAS, MARIA_TUPA = "300883-9617", "180679-9737"

# Every test here needs today to have activity: the clock is moved to such a day first.
pytestmark = pytest.mark.usefixtures("activity_day")


@pytest.fixture
def ids(app, engine, demo_data):  # type: ignore[no-untyped-def]
    return {code: factories.person_id(engine, app.state.vault, code)
            for code in (AINO, MIKKO, LIISA, JARI, SANNA_VERSTAS, MARIA_TUPA)}


def group_today(engine, person: int) -> int:  # type: ignore[no-untyped-def]
    """The person's group, with a time on today's weekday so they are expected today."""
    group = factories.group_id(engine, person=person)
    with Session(engine) as session:
        session.add(GroupSlot(group_id=group, weekday=today().weekday(), starts_at=time(9), ends_at=time(14),
                              activity="Puutyöt", place="Verstas"))
        session.commit()
    return group


def mark_of(engine, person: int, day: date) -> AttendanceMark | None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(select(AttendanceMark).where(AttendanceMark.person_id == person,
                                                         AttendanceMark.on_date == day)).first()


def day_list_form(page):  # type: ignore[no-untyped-def]
    return soup(page).find("form", action=lambda action: bool(action) and action.startswith("/staff/groups/"))


def day_form(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The posted values of the day list as the page shows them."""
    data = {"csrf_token": csrf_token(page)}
    form = day_list_form(page)
    for field in form.find_all(["input", "select"]):
        name = field.get("name")
        if not name or name == "csrf_token":
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True)
            data[name] = chosen["value"] if chosen else ""
        elif field.get("type") == "radio":
            if field.has_attr("checked"):
                data[name] = field["value"]
        else:
            data[name] = field.get("value", "")
    return data


def test_staff_mark_a_group_present_and_the_clients_money_grows(client, engine, ids) -> None:
    group = group_today(engine, ids[AINO])
    as_client(client, engine, ids[AINO])
    before = client.get("/money")
    assert before.status_code == 200
    as_staff(client, engine, ids[SANNA_VERSTAS])
    page = client.get(f"/staff/groups/{group}/attendance")
    assert page.status_code == 200 and "Aino Virtanen" in page.text
    data = day_form(page)
    data["rows-0-status"] = "present"
    saved = client.post(f"/staff/groups/{group}/attendance?day={today().isoformat()}", data=data,
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    mark = mark_of(engine, ids[AINO], today())
    assert mark is not None and mark.present and mark.hours is None
    as_client(client, engine, ids[AINO])
    after = client.get("/money")
    total = soup(after).find("dt", string="Yhteensä").find_next("dd").get_text()
    old_total = soup(before).find("dt", string="Yhteensä").find_next("dd").get_text()
    to_decimal = lambda text: Decimal(text.replace("\xa0€", "").replace(",", "."))  # noqa: E731
    assert to_decimal(total) == to_decimal(old_total) + Decimal("8.50")
    with Session(engine) as session:
        changed = session.exec(select(func.count()).select_from(AccessEvent).where(
            AccessEvent.object_type == "attendance", AccessEvent.action == "change",
            AccessEvent.subject_person_id == ids[AINO])).one()
    assert changed == 1


def test_a_change_to_a_saved_day_needs_a_reason_and_keeps_the_original(client, engine, ids) -> None:
    group = group_today(engine, ids[AINO])
    as_staff(client, engine, ids[SANNA_VERSTAS])
    url = f"/staff/groups/{group}/attendance?day={today().isoformat()}"
    data = day_form(client.get(url))
    data["rows-0-status"] = "present"
    assert client.post(url, data=data, follow_redirects=False).status_code == 303
    data = day_form(client.get(url))
    data.update({"rows-0-status": "absent", "rows-0-absence_reason": "ill"})
    refused = client.post(url, data=data)
    assert refused.status_code == 400 and "Kirjoita syy korjaukseen." in refused.text
    assert mark_of(engine, ids[AINO], today()).present  # type: ignore[union-attr]
    data["correction_reason"] = "Lähti kotiin aamulla."
    assert client.post(url, data=data, follow_redirects=False).status_code == 303
    mark = mark_of(engine, ids[AINO], today())
    assert mark is not None and not mark.present and mark.absence_reason == "ill"
    with Session(engine) as session:
        correction = session.exec(select(AttendanceCorrection).where(AttendanceCorrection.mark_id == mark.id)).one()
    assert correction.was_present and not correction.present and correction.reason == "Lähti kotiin aamulla."


@pytest.mark.parametrize(("changes", "message"), [
    ({"rows-0-status": "part", "rows-0-hours": ""}, "Kirjoita tunnit numeroina"),
    ({"rows-0-status": "part", "rows-0-hours": "40"}, "Kirjoita tunnit numeroina"),
    ({"rows-0-status": "part", "rows-0-hours": "kolme"}, "Kirjoita luku numeroina"),
    ({"rows-0-status": "absent", "rows-0-absence_reason": ""}, "Valitse poissaolon syy."),
    ({"rows-0-status": "present", "rows-1-person_id": "@same", "rows-1-status": "present"}, "kahdesti"),
    ({"rows-0-person_id": "@liisa", "rows-0-status": "present"}, "ei ole tässä ryhmässä"),
    # Not an id at all: a 500 before (issue 19's fuzz test), now the row's message.
    ({"rows-0-person_id": ":", "rows-0-status": "present"}, "ei ole tässä ryhmässä"),
    ({"rows-0-person_id": "9" * 40, "rows-0-status": "present"}, "ei ole tässä ryhmässä"),
])
def test_bad_rows_are_refused_and_nothing_is_stored(client, engine, ids, changes, message) -> None:
    group = group_today(engine, ids[AINO])
    as_staff(client, engine, ids[SANNA_VERSTAS])
    url = f"/staff/groups/{group}/attendance?day={today().isoformat()}"
    data = day_form(client.get(url))
    for name, value in changes.items():
        data[name] = {"@same": data["rows-0-person_id"], "@liisa": str(ids[LIISA])}.get(value, value)
    refused = client.post(url, data=data)
    assert refused.status_code == 400 and message in refused.text
    assert soup(refused).title.get_text().startswith("Virhe")
    assert mark_of(engine, ids[AINO], today()) is None and mark_of(engine, ids[LIISA], today()) is None


def test_a_future_day_cannot_be_marked(client, engine, ids) -> None:
    group = group_today(engine, ids[AINO])
    as_staff(client, engine, ids[SANNA_VERSTAS])
    tomorrow = today() + timedelta(days=7)
    page = client.get(f"/staff/groups/{group}/attendance?day={tomorrow.isoformat()}")
    assert page.status_code == 200 and day_list_form(page) is None
    data = {"csrf_token": csrf_token(page), "rows-0-person_id": str(ids[AINO]), "rows-0-status": "present"}
    assert client.post(f"/staff/groups/{group}/attendance?day={tomorrow.isoformat()}", data=data).status_code == 400
    assert mark_of(engine, ids[AINO], tomorrow) is None


def test_staff_of_another_unit_get_404_and_bad_days_400(client, engine, ids) -> None:
    group = group_today(engine, ids[AINO])
    as_staff(client, engine, ids[MARIA_TUPA])
    assert client.get(f"/staff/groups/{group}/attendance").status_code == 404
    as_staff(client, engine, ids[SANNA_VERSTAS])
    assert client.get(f"/staff/groups/{group}/attendance?day=2026-13-45").status_code == 400


def test_a_fifth_rehabilitative_day_in_a_week_is_refused(client, engine, ids) -> None:
    group = factories.group_id(engine, person=ids[JARI])
    monday = today() - timedelta(days=today().weekday() + 7)  # last week: every day of it is past
    with Session(engine) as session:
        for weekday in (2, 4):  # Jari's group meets Mon, Tue, Thu; now Wed and Fri too
            session.add(GroupSlot(group_id=group, weekday=weekday, starts_at=time(9), ends_at=time(13),
                                  activity="Keittiö", place="Tupa"))
        for mark in session.exec(select(AttendanceMark).where(
                AttendanceMark.person_id == ids[JARI], col(AttendanceMark.on_date) >= monday,
                col(AttendanceMark.on_date) < monday + timedelta(days=7))).all():
            session.delete(mark)
        session.flush()
        for offset in range(4):
            session.add(AttendanceMark(person_id=ids[JARI], on_date=monday + timedelta(days=offset), present=True,
                                       recorded_by_person_id=ids[MARIA_TUPA]))
        session.commit()
    friday = monday + timedelta(days=4)
    as_staff(client, engine, ids[MARIA_TUPA])
    url = f"/staff/groups/{group}/attendance?day={friday.isoformat()}"
    data = day_form(client.get(url))
    data["rows-0-status"] = "present"
    refused = client.post(url, data=data)
    assert refused.status_code == 400 and "jo 4 päivää" in refused.text
    assert mark_of(engine, ids[JARI], friday) is None
    data["rows-0-status"] = "absent"  # an absence is not a day of activity: it may be marked
    data["rows-0-absence_reason"] = "ill"
    assert client.post(url, data=data, follow_redirects=False).status_code == 303


def test_rahani_shows_days_rates_total_and_explanations(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    last_month = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
    page = client.get(f"/money?month={last_month.isoformat()[:7]}")
    assert page.status_code == 200
    text = soup(page).main.get_text(" ")
    assert "8,00\xa0€ päivältä" in text and "8,50\xa0€ päivältä" in text  # the rate change in the middle
    assert "Työosuusraha on raha, jonka saat työtoiminnasta." in text
    rows = soup(page).find("ul", class_="money-days").find_all("li")
    amounts = [Decimal(amount.get_text().replace("\xa0€", "").replace(",", "."))
               for amount in soup(page).find_all("strong", class_="money-days__amount")]
    total = soup(page).find("dt", string="Yhteensä").find_next("dd").get_text()
    assert sum(amounts) == Decimal(total.replace("\xa0€", "").replace(",", "."))
    statement = client.get(f"/money/statement?month={last_month.isoformat()[:7]}")
    assert statement.status_code == 200 and len(soup(statement).find("ul", class_="money-days").find_all("li")) == len(rows)
    assert client.get("/money?month=kuukausi").status_code == 400
    assert client.get("/money?month=2999-01").status_code == 400


def test_rahani_for_rehabilitative_work_and_day_activity(client, engine, ids) -> None:
    as_client(client, engine, ids[JARI])
    last_month = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
    text = soup(client.get(f"/money?month={last_month.isoformat()[:7]}")).main.get_text(" ")
    assert "Kulukorvaus, 9,00\xa0€ päivältä" in text and "Toimintaraha, " not in text
    assert "Kansaneläkelaitos maksaa sen" in text
    this_month = soup(client.get("/money")).main.get_text(" ")
    assert "Kulukorvaus, " not in this_month
    as_client(client, engine, ids[LIISA])
    assert "Päivätoiminnasta ei makseta rahaa." in client.get("/money").text


def test_start_page_card_shows_this_month(client, engine, ids) -> None:
    as_client(client, engine, ids[MIKKO])
    card = soup(client.get("/home")).find("section", attrs={"aria-labelledby": "money-title"})
    assert card is not None and "Tässä kuussa olet ollut paikalla" in card.get_text()
    as_client(client, engine, ids[LIISA])
    assert soup(client.get("/home")).find("section", attrs={"aria-labelledby": "money-title"}) is None


def test_the_client_sees_staffs_marks_only_for_themselves(client, engine, ids) -> None:
    as_client(client, engine, ids[MIKKO])
    page = client.get("/money")
    assert "Aino" not in page.text
    with Session(engine) as session:
        reads = session.exec(select(func.count()).select_from(AccessEvent).where(
            AccessEvent.object_type == "money", AccessEvent.subject_person_id == ids[MIKKO])).one()
    assert reads == 1


def test_the_day_list_shows_a_correction_beside_the_mark(client, engine, ids) -> None:
    group = group_today(engine, ids[AINO])
    as_staff(client, engine, ids[SANNA_VERSTAS])
    url = f"/staff/groups/{group}/attendance?day={today().isoformat()}"
    data = day_form(client.get(url))
    data["rows-0-status"] = "present"
    client.post(url, data=data)
    data = day_form(client.get(url))
    data.update({"rows-0-status": "part", "rows-0-hours": "2,5", "correction_reason": "Lähti lääkäriin."})
    assert client.post(url, data=data, follow_redirects=False).status_code == 303
    text = soup(client.get(url)).main.get_text(" ")
    assert "Korjattu: ennen Paikalla, nyt Osan päivää. Syy: Lähti lääkäriin." in text
    assert mark_of(engine, ids[AINO], today()).hours == Decimal("2.5")  # type: ignore[union-attr]
