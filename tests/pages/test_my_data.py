""""Omat tietoni": the page and the JSON download hold the client's data and
nobody else's; each is in the access log; a delegate only with "act"."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Table, event
from sqlalchemy.sql.util import find_tables
from sqlmodel import Session, SQLModel, select

from portal.easy_login import enrolment, kiosks
from portal.easy_login.models import KioskHelpRequest, Passkey
from portal import clock, mydata
from portal.auth import drafts, sessions
from portal.db import transaction
from portal.models import (
    AccessEvent,
    Assessment,
    AssessmentRequest,
    AttendanceCorrection,
    AttendanceMark,
    BenefitStatus,
    LoginSession,
    MandateScope,
    Unit,
)
from portal.mydata import account
from portal.schedule import feed
from portal.mydata.routes import FIELD_NAMES
from tests.support import factories
from tests.support.helpers import soup
from tests.support.signed_in import as_client

AINO, MIKKO, LIISA, HELENA, SANNA = "010280-952L", "150375-990C", "230495-936S", "120556-942L", "300883-9617"


@pytest.fixture
def ids(app, engine, demo_data):  # type: ignore[no-untyped-def]
    return {code: factories.person_id(engine, app.state.vault, code) for code in (AINO, MIKKO, LIISA, HELENA, SANNA)}


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
    assert "logins" not in copy["sections"] and "calendar_feeds" in copy["sections"]  # her logins are hers alone
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
        mydata.register("person", "again", lambda session, asked: None, reads=(LoginSession,))
    with pytest.raises(ValueError):  # a section says which tables it shows
        mydata.register("nothing", "nothing", lambda session, asked: None, reads=())


def test_the_page_names_mandates_in_words_and_the_json_keeps_the_codes(client, engine, ids) -> None:
    """Aino gave Helena a mandate in the demo: the page says so in words, not 'given', 'act', 'client_granted'."""
    as_client(client, engine, ids[AINO])
    section = soup(client.get("/my-data")).find("section", attrs={"aria-labelledby": "section-mandates"})
    text = section.get_text(" ")
    assert "Sinä annoit luvan" in text and "Annettu tässä palvelussa" in text
    assert not {"given", "act", "view", "client_granted"} & set(text.split())
    [given] = [row for row in client.get("/my-data.json").json()["sections"]["mandates"] if row["direction"] == "given"]
    assert given["basis"] == "client_granted"


# Tables that point at a person but are not in "Omat tietoni", and why. (Tables
# without a person column are not walked: login attempts, made before anyone is
# known; rate-limit hits, which hold only hashes.)
LEFT_OUT = {
    "passkeychallenge": "a random WebAuthn challenge that lives five minutes and is used once; it says nothing "
                        "of the person",
    "accessibilityfeedback": "anonymous feedback on accessibility; the person is the staff member who answered",
    "assessmentqueue": "the staff queue kept from the client's periods, assessments and requests, which are in "
                       "'periods', 'assessments' and 'assessment_requests'",
    "assessmentqueuestale": "which clients' queue entries to make again: a note for the queue, no data of its own",
    "followupoccasion": "the follow-up's occasions kept from the client's periods, assessments and requests, which "
                        "are in 'periods', 'assessments' and 'assessment_requests'",
    "followupstale": "which clients' follow-up occasions to make again: a note for the follow-up, no data of its own",
    "moneymonthcard": "the start page's money card kept from the month's statement, which is in 'money'",
    "moneyversion": "a counter of changes to the client's money data: a note for the money card, no data of its own",
    "groupslot": "a group's weekly timetable; the person is the staff member who guides it "
                 "(the client's groups are in 'schedule')",
    "monthclosing": "a unit's month closed after payment; the person is the staff member who closed it",
    "slotchange": "a change to a group's timetable; the person is the staff member who made it",
    "staffmembership": "a staff member's role in a unit: employment data, not a client's; "
                       "'Omat tietoni' is a client's page",
}


def person_tables() -> set[str]:
    """The person table and every table with a column that points at a person."""
    return {"person"} | {
        table.name for table in SQLModel.metadata.sorted_tables
        if any(column.name.endswith("person_id") or any(key.column.table.name == "person" for key in column.foreign_keys)
               for column in table.columns)
    }


def read_by_sections() -> set[str]:
    mydata.titles()  # registers the sections
    return {model.__table__.name for section in mydata.SECTIONS for model in section.reads}


def test_every_table_that_points_at_a_person_is_in_the_copy_or_left_out_with_a_reason() -> None:
    tables = person_tables()
    assert {"benefitstatus", "assessmentrequest", "loginsession", "calendarfeed", "formdraft"} <= tables
    forgotten = tables - read_by_sections() - set(LEFT_OUT)
    assert forgotten == set(), "add each to a section's reads (portal/mydata/sections.py) or to LEFT_OUT with why"
    assert read_by_sections() & set(LEFT_OUT) == set()
    assert set(LEFT_OUT) <= tables, "LEFT_OUT names a table that no longer points at a person"
    assert all(reason.strip() for reason in LEFT_OUT.values())


def add_rows_of_every_kind(app, engine, person: int, *, staff: int, path: str, benefit: str, due_on: date) -> None:  # type: ignore[no-untyped-def]
    """A benefit status, an assessment request, a calendar address, a kept form and a login session."""
    with transaction(engine) as session:
        session.add(BenefitStatus(person_id=person, benefit=benefit, starts_on=due_on - timedelta(days=30),
                                  recorded_by_person_id=staff))
        session.add(AssessmentRequest(person_id=person, requested_by_person_id=staff, due_on=due_on))
        feed.create(session, person_id=person, secret_key=app.state.settings.secret_key)
        assert drafts.keep(session, vault=app.state.vault, person_id=person, path=path,
                           form_data=[("csrf_token", "x"), ("text", f"Luonnos {person}")])
        # The easy login: enrolled by staff, a passkey, and an instructor's confirmation at a kiosk.
        enrolment.give(session, person_id=person, staff_person_id=staff, how=enrolment.How.DOCUMENT,
                       guardian_consent=False)
        session.add(Passkey(person_id=person, credential_id=f"credential-{person}", public_key="key", label="Puhelin"))
        kiosk, _secret = kiosks.mark(session, unit_id=session.exec(select(Unit.id)).first(), name="Aula",
                                     staff_person_id=staff)
        session.add(KioskHelpRequest(kiosk_id=kiosk.id, unit_id=kiosk.unit_id, person_id=person,
                                     token_hash=f"{person:064d}", expires_at=clock.now(), answer="approved",
                                     answered_at=clock.now(), answered_by_person_id=staff))
    factories.start_session(engine, audience="client", person=person, acting_for=person, kiosk=True)


def test_each_section_reads_the_tables_it_says_it_shows(app, engine, ids) -> None:
    """A section's `reads` is checked against the queries it runs, so the walk above is not a hand-kept claim."""
    add_rows_of_every_kind(app, engine, ids[AINO], staff=ids[SANNA], path="/feedback", benefit="social_assistance",
                           due_on=clock.today())
    factories.add_absence(engine, person=ids[AINO])  # the demo has none of hers
    queried: set[str] = set()

    def note_tables(conn, clause, *args) -> None:  # type: ignore[no-untyped-def]
        queried.update(found.name for found in find_tables(clause, check_columns=True) if isinstance(found, Table))

    mydata.titles()
    event.listen(engine, "before_execute", note_tables)
    try:
        for section in mydata.SECTIONS:
            queried.clear()
            with Session(engine) as session:
                data = section.collect(session, mydata.Request(ids[AINO], own=True))
            assert data, f"{section.key}: Aino has rows here, so the check means something"
            declared = {model.__table__.name for model in section.reads}
            assert declared <= queried, f"{section.key} says it shows {declared - queried} but does not read it"
    finally:
        event.remove(engine, "before_execute", note_tables)


def section_text(page, key: str) -> str:  # type: ignore[no-untyped-def]
    return soup(page).find("section", attrs={"aria-labelledby": f"section-{key}"}).get_text(" ", strip=True)


def test_benefit_request_calendar_address_kept_form_and_logins_are_hers_and_nobody_elses(app, client, engine, ids) -> None:
    due = clock.today() + timedelta(days=10)
    add_rows_of_every_kind(app, engine, ids[AINO], staff=ids[SANNA], path="/feedback", benefit="social_assistance",
                           due_on=due)
    add_rows_of_every_kind(app, engine, ids[MIKKO], staff=ids[SANNA], path="/absence",
                           benefit="unemployment_benefit", due_on=due + timedelta(days=5))
    factories.start_session(engine, audience="client", person=ids[HELENA], acting_for=ids[AINO])  # Helena's, not hers
    as_client(client, engine, ids[AINO])
    response = client.get("/my-data.json")
    sections = response.json()["sections"]

    [benefit] = sections["benefits"]
    assert benefit["benefit"] == "social_assistance" and benefit["starts_on"] == (due - timedelta(days=30)).isoformat()
    assert sections["assessment_requests"] == [
        {"requested_at": sections["assessment_requests"][0]["requested_at"], "due_on": due.isoformat(), "started": False}]
    [address] = sections["calendar_feeds"]
    assert address["created_at"] and address["revoked_at"] is None
    assert [draft["page"] for draft in sections["form_drafts"]] == ["/feedback"]
    logins = sections["logins"]
    assert [(row["audience"], row["kiosk"], row["acting_for"]) for row in logins] == [
        ("client", False, "Aino Virtanen"), ("client", True, "Aino Virtanen")]  # newest first: this one
    assert logins[0]["ended_at"] is None  # in use now

    with Session(engine) as session:  # no secret of a session, an address or a kept form
        secrets = [row.token_hash for row in session.exec(select(LoginSession)).all()]
        for found in session.exec(select(feed.CalendarFeed)).all():
            secrets += [found.salt, found.token_hash, feed.token_for(app.state.settings.secret_key, found.salt)]
        secrets += [draft.data_cipher for draft in session.exec(select(drafts.FormDraft)).all()]
    page = client.get("/my-data")
    for text in (response.text, page.text):
        assert not [secret for secret in secrets if secret in text]
        assert client.cookies.get(sessions.COOKIE_NAMES["client"]) not in text
        assert "Luonnos" not in text  # the kept form's contents
        assert "unemployment_benefit" not in text and "/absence" not in text  # Mikko's

    # The page says it in words; the JSON keeps the codes.
    assert "Toimeentulotuki" in section_text(page, "benefits") and "social_assistance" not in page.text
    assert "Viimeinen päivä" in section_text(page, "assessment_requests")
    assert "Anna palautetta" in section_text(page, "form_drafts")
    assert "Tallennetut lomakkeet" in [h2.get_text(strip=True) for h2 in soup(page).main.find_all("h2")]
    logins_text = section_text(page, "logins")
    assert "Asiakkaan sivut" in logins_text and "Kyllä" in logins_text and "client" not in logins_text.split()
    assert "enintään 100 viimeisintä" in logins_text


def test_logins_are_the_newest_hundred(client, engine, ids) -> None:
    started = clock.now() - timedelta(days=200)
    with transaction(engine) as session:
        for day in range(account.LOGINS_SHOWN + 5):
            moment = started + timedelta(days=day)
            session.add(LoginSession(token_hash=f"{day:064d}", audience="client", person_id=ids[AINO],
                                     acting_for_person_id=ids[AINO], created_at=moment, last_seen_at=moment,
                                     expires_at=moment + sessions.ABSOLUTE_LIFETIME))
    as_client(client, engine, ids[AINO])
    logins = client.get("/my-data.json").json()["sections"]["logins"]
    assert len(logins) == account.LOGINS_SHOWN == 100
    assert logins[0]["ended_at"] is None and all(row["ended_at"] for row in logins[1:])  # the old ones ran out
    times = [sessions.as_utc(datetime.fromisoformat(row["logged_in_at"])) for row in logins]
    assert times == sorted(times, reverse=True)
    # This login and the 99 newest before it: the six oldest are left out.
    assert times[-1] == started + timedelta(days=6)


def test_attendance_corrections_say_what_changed_and_why(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    with Session(engine) as session:
        own = session.exec(select(AttendanceCorrection).where(AttendanceCorrection.person_id == ids[AINO])).all()
        others = session.exec(select(AttendanceCorrection).where(AttendanceCorrection.person_id != ids[AINO])).all()
    corrections = client.get("/my-data.json").json()["sections"]["attendance_corrections"]
    assert [row["why"] for row in corrections] == [row.reason for row in own] and own  # the demo's corrected day
    assert not {row.reason for row in others} - {row.reason for row in own} & {row["why"] for row in corrections}
    text = section_text(client.get("/my-data"), "attendance_corrections")
    assert "Paikalla ennen korjausta" in text and own[0].reason in text


def test_every_key_of_the_copy_has_a_name_on_the_page(app, client, engine, ids) -> None:
    add_rows_of_every_kind(app, engine, ids[AINO], staff=ids[SANNA], path="/assessment/1/questions/sleep",
                           benefit="neither", due_on=clock.today())
    factories.add_absence(engine, person=ids[AINO])
    as_client(client, engine, ids[AINO])
    sections = client.get("/my-data.json").json()["sections"]

    def keys(value):  # type: ignore[no-untyped-def]
        if isinstance(value, dict):
            return set(value) | {key for item in value.values() for key in keys(item)}
        if isinstance(value, list):
            return {key for item in value for key in keys(item)}
        return set()

    assert all(sections.values())  # every section has rows to name
    assert {key for data in sections.values() for key in keys(data)} - set(FIELD_NAMES) == set()
    page = client.get("/my-data")
    assert "Oma arvio" in section_text(page, "form_drafts")
    words = soup(page).main.get_text(" ").split()
    for raw in ("True", "False", "entered_as", "skipped", "neither", "reviewed", "start", "client", "kiosk"):
        assert raw not in words, raw
