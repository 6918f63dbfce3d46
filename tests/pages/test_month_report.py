"""The month report, its CSV, closing a month and corrections to a closed
month carried into the next month's statement."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from portal.models import AttendanceMark, MonthClosing
from portal.money import statements
from portal.schedule.calendar_days import today
from tests.support import factories
from tests.support.helpers import csrf_token, soup
from tests.support.signed_in import as_client, as_staff

AINO, MIKKO, SANNA_VERSTAS, TIMO_TUPA = "010280-952L", "150375-990C", "300883-9617", "090965-9970"
LAST_MONTH = (today().replace(day=1) - timedelta(days=1)).replace(day=1)
CLOSED_MONTH = (today() - relativedelta(months=2)).replace(day=1)


@pytest.fixture
def ids(app, engine, demo_data):  # type: ignore[no-untyped-def]
    return {code: factories.person_id(engine, app.state.vault, code)
            for code in (AINO, MIKKO, SANNA_VERSTAS, TIMO_TUPA)}


def month_total(engine, person: int, month: date) -> Decimal:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return statements.month_statement(session, person_id=person, month=month, today=today()).total


def test_csv_opens_in_a_finnish_spreadsheet_and_matches_the_statements(client, engine, ids) -> None:
    as_staff(client, engine, ids[SANNA_VERSTAS])
    response = client.get(f"/staff/money.csv?month={LAST_MONTH.isoformat()[:7]}")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Toimintakeskus", "Kuukausi", "Asiakas"]
    by_name = {row[2]: row for row in rows[1:]}
    # Verstas only, Sanna's unit (the demo's extra Verstas clients fill the list too).
    assert {"Aino Virtanen", "Mikko Korhonen"} <= set(by_name)
    assert not {"Liisa Mäkinen", "Jari Nieminen"} & set(by_name)
    aino_total = month_total(engine, ids[AINO], LAST_MONTH)
    assert by_name["Aino Virtanen"][-1] == f"{aino_total:.2f}".replace(".", ",")
    assert "," in by_name["Mikko Korhonen"][5] and "." not in by_name["Mikko Korhonen"][5]


def test_report_page_shows_every_client_of_the_unit(client, engine, ids) -> None:
    as_staff(client, engine, ids[SANNA_VERSTAS])
    page = client.get(f"/staff/money?month={LAST_MONTH.isoformat()[:7]}")
    assert page.status_code == 200
    names = [cell.get_text() for cell in soup(page).select("tbody th")]
    assert {"Aino Virtanen", "Mikko Korhonen"} <= set(names)
    assert not {"Liisa Mäkinen", "Jari Nieminen"} & set(names)  # Tupa's clients are not Sanna's
    assert soup(page).find("form", action=lambda a: bool(a) and "/close" in a) is None  # an instructor cannot close
    assert client.get("/staff/money?month=13-2026").status_code == 400


def test_a_report_view_is_one_event_each_client_in_it_sees(client, engine, ids) -> None:
    """One access-log event names every client of the report; each of them
    finds it under "who has processed my data", and no one else's report."""
    from portal.access_log import processed_by_others, two_years_before
    from portal.models import AccessEvent, AccessEventSubject

    as_staff(client, engine, ids[SANNA_VERSTAS])
    month = LAST_MONTH.isoformat()[:7]
    page = client.get(f"/staff/money?month={month}")
    shown = len(soup(page).select("tbody th"))
    client.get(f"/staff/money.csv?month={month}")
    with Session(engine) as session:
        events = session.exec(select(AccessEvent).where(AccessEvent.object_type == "money_report")).all()
        assert len(events) == 2 and all(event.subject_person_id is None and event.object_id == month
                                        for event in events)
        named = session.exec(select(AccessEventSubject.person_id).where(
            AccessEventSubject.event_id == events[0].id)).all()
        assert len(named) == shown and ids[AINO] in named and ids[MIKKO] in named
        assert not {ids[TIMO_TUPA]} & set(named)
        seen_by_aino = processed_by_others(session, subject_person_id=ids[AINO], since=two_years_before()).entries
        assert sum(1 for entry in seen_by_aino if entry.object_type == "money_report") == 2


def test_only_a_unit_manager_closes_a_month_that_is_over(client, engine, ids) -> None:
    as_staff(client, engine, ids[SANNA_VERSTAS])
    page = client.get("/staff/money")
    verstas = factories.unit_id(engine, "Toimintakeskus Verstas")
    refused = client.post(f"/staff/money/close?month={LAST_MONTH.isoformat()[:7]}",
                          data={"csrf_token": csrf_token(page), "unit_id": str(verstas)})
    assert refused.status_code == 404
    as_staff(client, engine, ids[TIMO_TUPA])
    page = client.get("/staff/money")
    tupa = factories.unit_id(engine, "Toimintakeskus Tupa")
    this_month = client.post(f"/staff/money/close?month={today().isoformat()[:7]}",
                             data={"csrf_token": csrf_token(page), "unit_id": str(tupa)})
    assert this_month.status_code == 400 and "vasta, kun se on päättynyt" in this_month.text
    done = client.post(f"/staff/money/close?month={LAST_MONTH.isoformat()[:7]}",
                       data={"csrf_token": csrf_token(page), "unit_id": str(tupa)}, follow_redirects=False)
    assert done.status_code == 303
    again = client.post(f"/staff/money/close?month={LAST_MONTH.isoformat()[:7]}",
                        data={"csrf_token": csrf_token(page), "unit_id": str(tupa)})
    assert again.status_code == 400 and "jo suljettu" in again.text
    with Session(engine) as session:
        assert len(session.exec(select(MonthClosing).where(MonthClosing.unit_id == tupa)).all()) == 2


def test_a_correction_to_a_closed_month_is_paid_in_the_next_month(client, engine, ids) -> None:
    """Demo: the month before last is closed. Correcting one of Aino's days in it
    leaves that month's figures as they were and adds a correction line now."""
    aino = ids[AINO]
    with Session(engine) as session:
        mark = session.exec(select(AttendanceMark).where(
            AttendanceMark.person_id == aino, AttendanceMark.on_date >= CLOSED_MONTH,
            AttendanceMark.on_date < LAST_MONTH, AttendanceMark.present == True)  # noqa: E712
            .order_by(AttendanceMark.on_date.desc())).first()  # type: ignore[attr-defined]
        assert mark is not None
    closed_before, now_before = month_total(engine, aino, CLOSED_MONTH), month_total(engine, aino, today())
    group = factories.group_id(engine, person=aino)
    as_staff(client, engine, ids[SANNA_VERSTAS])
    url = f"/staff/groups/{group}/attendance?day={mark.on_date.isoformat()}"
    page = client.get(url)
    assert "Tämä kuukausi on jo suljettu." in page.text
    data = {"csrf_token": csrf_token(page), "rows-0-person_id": str(aino), "rows-0-status": "absent",
            "rows-0-absence_reason": "other", "correction_reason": "Merkitty väärälle päivälle."}
    assert client.post(url, data=data, follow_redirects=False).status_code == 303
    assert month_total(engine, aino, CLOSED_MONTH) == closed_before  # never a silent change
    with Session(engine) as session:
        now = statements.month_statement(session, person_id=aino, month=today(), today=today())
    taken_back = [line for line in now.corrections if line.on_date == mark.on_date]
    assert len(taken_back) == 1 and taken_back[0].amount < 0
    assert now.total == now_before + taken_back[0].amount
    as_client(client, engine, aino)
    assert "Korjaukset aiemmista kuukausista" in client.get("/money").text


def test_a_new_mark_in_a_closed_month_needs_a_reason(client, engine, ids) -> None:
    aino = ids[AINO]
    with Session(engine) as session:
        marks = session.exec(select(AttendanceMark).where(AttendanceMark.person_id == aino,
                                                          AttendanceMark.on_date >= CLOSED_MONTH,
                                                          AttendanceMark.on_date < LAST_MONTH)).all()
        for mark in marks[-1:]:
            day = mark.on_date
            session.delete(mark)
        session.commit()
    group = factories.group_id(engine, person=aino)
    as_staff(client, engine, ids[SANNA_VERSTAS])
    url = f"/staff/groups/{group}/attendance?day={day.isoformat()}"
    page = client.get(url)
    data = {"csrf_token": csrf_token(page), "rows-0-person_id": str(aino), "rows-0-status": "present"}
    refused = client.post(url, data=data)
    assert refused.status_code == 400 and "Kuukausi on jo suljettu. Kirjoita syy korjaukseen." in refused.text


JARI, MARIA_TUPA = "071188-955W", "180679-9737"


def test_staff_set_a_benefit_status_and_the_kind_of_money_follows(client, engine, app, demo_data) -> None:
    jari = factories.person_id(engine, app.state.vault, JARI)
    as_staff(client, engine, factories.person_id(engine, app.state.vault, MARIA_TUPA))
    url = f"/staff/clients/{jari}/benefit"
    page = client.get(url)
    assert page.status_code == 200 and "Toimeentulotuki" in page.text
    bad = client.post(url, data={"csrf_token": csrf_token(page), "benefit": "lottovoitto", "starts_on": "1.1.2020"})
    assert bad.status_code == 400 and "Valitse, mitä asiakas saa." in bad.text
    outside = client.post(url, data={"csrf_token": csrf_token(page), "benefit": "neither", "starts_on": "1.1.2020"})
    assert outside.status_code == 400 and "ei ole kuntouttavaa työtoimintaa" in outside.text
    first = today().replace(day=1)
    saved = client.post(url, data={"csrf_token": csrf_token(page), "benefit": "unemployment_benefit",
                                   "starts_on": (first + timedelta(days=1)).strftime("%d.%m.%Y")},
                        follow_redirects=False)
    assert saved.status_code == 303
    with Session(engine) as session:
        now = statements.month_statement(session, person_id=jari, month=today(), today=today())
    kinds = {line.on_date: line.kind for line in now.earnings.lines}
    assert all(kind == ("expense_compensation" if day > first else "activity_money") for day, kind in kinds.items())
    other_unit = factories.person_id(engine, app.state.vault, SANNA_VERSTAS)
    as_staff(client, engine, other_unit)
    assert client.get(url).status_code == 404


def test_a_unit_manager_adds_a_rate_and_bad_rates_are_refused(client, engine, app, demo_data) -> None:
    as_staff(client, engine, factories.person_id(engine, app.state.vault, SANNA_VERSTAS))
    assert client.get("/staff/rates").status_code == 403  # an instructor does not keep rates
    as_staff(client, engine, factories.person_id(engine, app.state.vault, TIMO_TUPA))
    page = client.get("/staff/rates")
    assert page.status_code == 200 and "8,50" in page.text
    base = {"csrf_token": csrf_token(page), "service": "work_activity", "kind": "work_share", "part_day": "full",
            "full_day_hours": "6"}
    for changes, message in (({"amount": "-3", "valid_from": "1.1.2030"}, "väliltä 0–200"),
                             ({"amount": "9000", "valid_from": "1.1.2030"}, "väliltä 0–200"),
                             ({"amount": "9", "valid_from": "2.1.2026", "valid_until": "3.1.2026"}, "jo määrä"),
                             ({"amount": "9", "valid_from": "1.1.2030", "kind": "activity_money"}, "ei kuulu")):
        refused = client.post("/staff/rates", data={**base, **changes})
        assert refused.status_code == 400 and message in refused.text, changes
    saved = client.post("/staff/rates", data={**base, "amount": "9,00", "valid_from": "1.1.2030"},
                        follow_redirects=False)
    assert saved.status_code == 303
    assert "9,00" in client.get("/staff/rates").text
