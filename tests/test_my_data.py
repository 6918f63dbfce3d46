""""Omat tietoni": the page and the JSON download hold the client's data and
nobody else's; each is in the access log; a delegate only with "act"."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from portal import mydata
from portal.models import Assessment, AttendanceMark, AccessEvent, MandateScope
from tests import factories
from tests.helpers import soup
from tests.test_plan_week_pages import as_client

AINO, MIKKO, LIISA, HELENA = "010280-952L", "150375-990C", "230495-936S", "120556-942L"


@pytest.fixture
def ids(app, engine, demo_data):  # type: ignore[no-untyped-def]
    return {code: factories.person_id(engine, app.state.vault, code) for code in (AINO, MIKKO, LIISA, HELENA)}


def my_data_events(engine) -> list[AccessEvent]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(AccessEvent).where(AccessEvent.object_type == "my_data")).all())


def test_json_download_holds_the_clients_data_and_nobody_elses(client, engine, ids) -> None:
    factories.add_absence(engine, person=ids[AINO])
    factories.add_absence(engine, person=ids[MIKKO])
    as_client(client, engine, ids[AINO])
    response = client.get("/my-data.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    copy = json.loads(response.text)
    assert copy["format_version"] == 1
    sections = copy["sections"]
    assert list(sections) == [section.key for section in mydata.SECTIONS]
    assert sections["person"] == {"given_name": "Aino", "family_name": "Virtanen"}
    assert len(sections["absences"]) == 1
    assert sections["plans"] and sections["plans"][0]["goals"]
    assert [f["answer"] for f in sections["feedback"]] == ["Hienoa, Aino! Aloitetaan penkki ensi viikolla."]
    assert {m["other_person"] for m in sections["mandates"]} == {"Helena Virtanen"}
    with Session(engine) as session:  # Aino's own assessments and marked days, counted independently
        own_assessments = session.exec(select(Assessment).where(Assessment.person_id == ids[AINO])).all()
        own_days = session.exec(select(AttendanceMark).where(AttendanceMark.person_id == ids[AINO])).all()
    assert len(sections["assessments"]) == len(own_assessments) > 0
    assert sorted(day["date"] for day in sections["attendance"]) == sorted(m.on_date.isoformat() for m in own_days)
    assert own_days
    text = response.text
    for other in ("Mikko", "Korhonen", "Liisa", "Mäkinen", "Jari", "Nieminen", "Bussi oli myöhässä"):
        assert other not in text, other
    # The identity code is never in the copy.
    assert "010280" not in text
    [event] = my_data_events(engine)
    assert (event.action, event.subject_person_id) == ("print", ids[AINO])


def test_money_section_holds_the_clients_paid_days_and_nobody_elses(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    months = json.loads(client.get("/my-data.json").text)["sections"]["money"]
    with Session(engine) as session:  # counted here: the days staff marked Aino present
        marks = session.exec(select(AttendanceMark)).all()
    own = sorted(m.on_date.isoformat() for m in marks if m.person_id == ids[AINO] and m.present)
    others = {m.on_date.isoformat() for m in marks if m.person_id != ids[AINO] and m.present} - set(own)
    days = [day for month in months for day in month["days"]]
    # A closed month shows its days as they stood when it was closed; a day corrected later is paid
    # as a correction in the month the correction was made.
    corrected = {row["date"] for month in months for row in month["corrections"]}
    assert sorted({day["date"] for day in days} | corrected) == own and others  # all her days, only hers
    assert not ({day["date"] for day in days} | corrected) & others
    assert {day["service"] for day in days} == {"work_activity"} and {day["kind"] for day in days} == {"work_share"}
    for month in months:
        assert all(re.fullmatch(r"-?\d+\.\d{2}", row["amount"]) for row in month["days"] + month["corrections"])
        assert {day["date"][:7] for day in month["days"]} <= {month["month"]}
        # The statement's total is the sum of its lines.
        assert Decimal(month["total"]) == sum(Decimal(row["amount"]) for row in month["days"] + month["corrections"])
    assert any(month["corrections"] for month in months)  # the demo's corrected day, paid in a later month
    page = client.get("/my-data")
    assert "Rahasi päivittäin" in page.text and "Työosuusraha" in page.text and "work_share" not in page.text


def test_page_shows_every_section_and_is_logged(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    page = client.get("/my-data")
    assert page.status_code == 200
    headings = [h2.get_text(strip=True) for h2 in soup(page).main.find_all("h2")]
    assert "Henkilötiedot" in headings and "Kuka on katsonut tietojani" in headings
    assert soup(page).main.find("a", href="/my-data.json")
    assert "Työtoiminta" in soup(page).main.get_text() and "work_activity" not in page.text  # codes in words
    assert [event.action for event in my_data_events(engine)] == ["read"]


def test_a_delegate_who_may_act_gets_it_without_the_access_log(client, engine, ids) -> None:
    as_client(client, engine, ids[HELENA], acting_for=ids[AINO])  # the demo's "act" mandate
    copy = json.loads(client.get("/my-data.json").text)
    assert copy["sections"]["person"]["given_name"] == "Aino" and "access_log" not in copy["sections"]
    [event] = my_data_events(engine)
    assert (event.actor_person_id, event.on_behalf_of_person_id, event.subject_person_id) == (
        ids[HELENA], ids[AINO], ids[AINO])


def test_a_delegate_who_may_only_view_is_refused(client, engine, ids) -> None:
    factories.add_mandate(engine, principal=ids[AINO], agent=ids[LIISA], scope=MandateScope.VIEW)
    as_client(client, engine, ids[LIISA], acting_for=ids[AINO])
    assert client.get("/my-data").status_code == 403
    assert client.get("/my-data.json").status_code == 403
    assert my_data_events(engine) == []


def test_a_section_registers_with_one_line_and_only_once() -> None:
    with pytest.raises(ValueError):
        mydata.register("person", "again", lambda session, asked: None)


def test_the_page_names_mandates_in_words_and_the_json_keeps_the_codes(client, engine, ids) -> None:
    """Aino gave Helena a mandate in the demo: the page says so in words, not 'given', 'act', 'client_granted'."""
    as_client(client, engine, ids[AINO])
    section = soup(client.get("/my-data")).find("section", attrs={"aria-labelledby": "section-mandates"})
    text = section.get_text(" ")
    assert "Sinä annoit luvan" in text and "Annettu tässä palvelussa" in text
    assert not {"given", "act", "view", "client_granted"} & set(text.split())
    [given] = [row for row in client.get("/my-data.json").json()["sections"]["mandates"] if row["direction"] == "given"]
    assert given["basis"] == "client_granted"
