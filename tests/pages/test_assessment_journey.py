"""The client's journey through the self-assessment, and nothing lost on the
way: answers stored at once, resume at the first unanswered, two tabs never
overwrite each other, a sent assessment never changes."""

from __future__ import annotations

import gzip
from datetime import timedelta

from babel.dates import format_date

from sqlmodel import Session, func, select

from portal.demo import demo_period
from portal.models import AccessEvent, Assessment, AssessmentAnswer
from portal.schedule.calendar_days import today
from tests.support.assessment_helpers import (AINO, HELENA, LIISA, answer_all, answer_page, as_client, send, start,
                                              step_fields)
from tests.support.factories import add_mandate, person_id
from tests.support.helpers import h1, soup
from portal.models import MandateScope


def rows(engine, model, **where) -> list:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        statement = select(model)
        for key, value in where.items():
            statement = statement.where(getattr(model, key) == value)
        return list(session.exec(statement).all())


def test_start_page_says_the_assessment_is_due_with_one_button(app, client, demo_data) -> None:
    as_client(client, app, AINO)
    card = soup(client.get("/home")).find("section", attrs={"aria-labelledby": "assessment-card-title"})
    assert "On aika täyttää arvio" in card.get_text()
    assert [a.get_text(strip=True) for a in card.find_all("a")] == ["Täytä arvio"]


def test_the_intro_tells_what_how_long_and_who_sees(app, client, demo_data) -> None:
    as_client(client, app, AINO)
    page = client.get("/assessment")
    text = soup(page).find("main").get_text(" ", strip=True)
    assert h1(page) == "Oma arvio"
    # The demo's first assessment was sent two days after its period started (portal/demo/assessment.py).
    first_sent = demo_period(today())[0] + timedelta(days=2)
    for words in ("noin 10 minuuttia", "Voit lopettaa milloin vain", "ohjaajasi näette",
                  f"Arvio {format_date(first_sent, 'long', locale='fi')}"):
        assert words in text


def test_whole_journey_with_resume_change_and_double_send(app, client, engine, demo_data) -> None:
    aino = as_client(client, app, AINO)
    assessment_id, first = start(client)
    page = client.get(first)
    assert h1(page) == "Millainen on työkykysi nyt?"
    assert soup(page).find("legend").find("h1") is not None  # the legend is the page's heading
    assert "Kysymys 1 / 19" in page.text
    assert soup(page).find("a", class_="back-link")["href"] == "/assessment"
    # Four answers, then the person leaves (a new login later).
    stopped_at = answer_all(client, first, stop_after=4)
    assert len(rows(engine, AssessmentAnswer, assessment_id=assessment_id)) == 4
    back = client.get(stopped_at)
    assert soup(back).find("a", class_="back-link")["href"].endswith("/questions/feel_good")
    as_client(client, app, AINO)
    resumed = client.get(f"/assessment/{assessment_id}/continue", follow_redirects=False)
    assert resumed.headers["location"] == f"{stopped_at}?resumed=1"
    page = client.get(resumed.headers["location"])
    assert "Aiemmat vastauksesi on tallennettu" in page.text and "Kysymys 5 / 19" in page.text
    # Starting again from the intro continues the same draft.
    assert start(client) == (assessment_id, stopped_at)
    check_path = answer_all(client, stopped_at)
    assert check_path == f"/assessment/{assessment_id}/check"
    check = client.get(check_path)
    assert h1(check) == "Tarkista vastauksesi"
    change = soup(check).find("a", href=f"/assessment/{assessment_id}/questions/sleep?back_to=check")
    assert change.get_text(" ", strip=True).startswith("Muuta")
    changed = answer_page(client, change["href"], ["1"])
    assert changed.headers["location"] == check_path  # Muuta returns to the check page
    # Send twice: the second changes nothing and shows the thank-you page.
    assert send(client, assessment_id).headers["location"] == f"/assessment/{assessment_id}/sent"
    [sent_row] = rows(engine, Assessment, id=assessment_id)
    again = send(client, assessment_id)
    assert again.headers["location"] == f"/assessment/{assessment_id}/sent"
    [still] = rows(engine, Assessment, id=assessment_id)
    assert still.sent_at == sent_row.sent_at and still.status == "sent" and still.open_for_person_id is None
    assert h1(client.get(again.headers["location"])) == "Kiitos! Arvio on lähetetty."
    # Results: encouraging words and the comparison with the first assessment.
    results = client.get(f"/assessment/{assessment_id}")
    main = soup(results).find("main")
    assert main.find("svg", attrs={"role": "img"}) is not None
    assert "Viime kerta" in main.find("table").get_text()
    assert "Parempi kuin viime kerralla" in main.get_text()
    assert "Hyvä alku, Aino!" not in main.get_text()  # that comment belongs to the first one
    first_results = client.get(f"/assessment/{rows(engine, Assessment, person_id=aino)[0].id}")
    assert "Hyvä alku, Aino!" in first_results.text and "Sanna Laine" in first_results.text


def test_nothing_changes_on_get(app, client, engine, demo_data) -> None:
    as_client(client, app, AINO)
    assessment_id, first = start(client)
    for path in (first, f"/assessment/{assessment_id}/check", f"/assessment/{assessment_id}/continue", "/assessment"):
        client.get(path)
    assert rows(engine, AssessmentAnswer, assessment_id=assessment_id) == []
    assert rows(engine, Assessment, id=assessment_id)[0].status == "draft"


def test_skip_stores_a_skipped_answer(app, client, engine, demo_data) -> None:
    as_client(client, app, AINO)
    assessment_id, first = start(client)
    response = answer_page(client, first, skip=True)
    assert response.status_code == 303
    [row] = rows(engine, AssessmentAnswer, assessment_id=assessment_id)
    assert row.skipped and row.value == ""
    assert "En halua vastata" in client.get(f"/assessment/{assessment_id}/check").text


def test_two_tabs_get_a_clear_message_and_see_the_saved_answer(app, client, engine, demo_data) -> None:
    as_client(client, app, AINO)
    assessment_id, first = start(client)
    tab_a = step_fields(client.get(first))
    tab_b = dict(tab_a)
    assert client.post(first, data={**tab_a, "answer": "8"}, follow_redirects=False).status_code == 303
    conflict = client.post(first, data={**tab_b, "answer": "2"}, follow_redirects=False)
    assert conflict.status_code == 409
    assert "Vastasit tähän kysymykseen myös toisessa ikkunassa" in conflict.text
    assert soup(conflict).find("input", attrs={"name": "answer", "value": "8"}).has_attr("checked")
    [row] = rows(engine, AssessmentAnswer, assessment_id=assessment_id)
    assert (row.value, row.revision) == ("8", 1)
    # Saving again from the refreshed page works.
    assert client.post(first, data={**step_fields(conflict), "answer": "2"}, follow_redirects=False).status_code == 303
    [row] = rows(engine, AssessmentAnswer, assessment_id=assessment_id)
    assert (row.value, row.revision) == ("2", 2)


def test_a_sent_assessment_cannot_be_changed(app, client, engine, demo_data) -> None:
    as_client(client, app, AINO)
    assessment_id, first = start(client)
    fields = step_fields(client.get(first))
    answer_all(client, first)
    send(client, assessment_id)
    before = {(r.question_id, r.value, r.revision) for r in rows(engine, AssessmentAnswer, assessment_id=assessment_id)}
    late = client.post(first, data={**fields, "answer": "0"}, follow_redirects=False)
    assert late.status_code == 303 and late.headers["location"].endswith("/sent")
    assert client.get(first, follow_redirects=False).headers["location"].endswith("/sent")
    after = {(r.question_id, r.value, r.revision) for r in rows(engine, AssessmentAnswer, assessment_id=assessment_id)}
    assert after == before


def test_bad_input_gets_a_message_at_the_field_and_stores_nothing(app, client, engine, demo_data) -> None:
    as_client(client, app, AINO)
    assessment_id, first = start(client)
    fields = step_fields(client.get(first))
    for data in ({}, {"answer": "11"}, {"answer": "ten"}):
        response = client.post(first, data={**fields, **data})
        assert response.status_code == 400
        assert soup(response).title.get_text().startswith("Virhe: ")
        assert "Valitse yksi vaihtoehto" in soup(response).find("p", class_="field__error").get_text()
    text_path = f"/assessment/{assessment_id}/questions/anything_else"
    long_text = client.post(text_path, data={**step_fields(client.get(text_path)), "answer": "x" * 501})
    assert long_text.status_code == 400 and "enintään 500 merkkiä" in long_text.text
    blank = client.post(text_path, data={**step_fields(client.get(text_path)), "answer": "   "})
    assert blank.status_code == 400
    assert "Voit myös valita: En halua vastata." in soup(blank).find("p", class_="field__error").get_text()
    assert rows(engine, AssessmentAnswer, assessment_id=assessment_id) == []


def test_tampered_version_unknown_question_and_bad_revision_are_refused(app, client, engine, demo_data) -> None:
    as_client(client, app, AINO)
    assessment_id, first = start(client)
    fields = step_fields(client.get(first))
    assert client.post(first, data={**fields, "content": "oma-arvio@2", "answer": "5"}).status_code == 400
    assert client.post(first, data={**fields, "revision": "-1", "answer": "5"}).status_code == 400
    assert client.post(first, data={**fields, "revision": "x", "answer": "5"}).status_code == 400
    unknown = f"/assessment/{assessment_id}/questions/no_such_question"
    assert client.post(unknown, data={**fields, "answer": "5"}).status_code == 404
    assert client.post(first, data={**fields, "answer": "5", "csrf_token": "0" * 40}).status_code == 403
    assert rows(engine, AssessmentAnswer, assessment_id=assessment_id) == []


def test_posting_into_someone_elses_draft_is_not_found(app, client, engine, demo_data) -> None:
    as_client(client, app, AINO)
    assessment_id, first = start(client)
    fields = step_fields(client.get(first))
    as_client(client, app, LIISA)
    liisa_page = client.get("/assessment")
    assert client.get(first).status_code == 404
    response = client.post(first, data={**fields, "csrf_token": step_fields(liisa_page).get("csrf_token", ""),
                                        "answer": "5"})
    assert response.status_code in (400, 404)
    assert client.get(f"/assessment/{assessment_id}/check").status_code == 404
    assert rows(engine, AssessmentAnswer, assessment_id=assessment_id) == []


def test_a_delegate_who_may_act_fills_it_in_and_the_client_sees_who(app, client, engine, demo_data) -> None:
    as_client(client, app, HELENA, acting_for=AINO)  # the demo mandate has the "act" scope
    assessment_id, first = start(client)
    answer_page(client, first)
    as_client(client, app, AINO)
    check = client.get(f"/assessment/{assessment_id}/check")
    assert "Vastauksen kirjoitti Helena Virtanen." in check.text
    [row] = rows(engine, AssessmentAnswer, assessment_id=assessment_id)
    assert row.entered_as == "delegate"
    assert row.entered_by_person_id == person_id(engine, app.state.vault, HELENA)


def test_a_delegate_with_view_scope_sees_but_cannot_fill_in(app, client, engine, demo_data) -> None:
    vault = app.state.vault
    add_mandate(engine, principal=person_id(engine, vault, AINO), agent=person_id(engine, vault, LIISA),
                scope=MandateScope.VIEW)
    as_client(client, app, LIISA, acting_for=AINO)
    intro = client.get("/assessment")
    assert intro.status_code == 200 and "Aloita arvio" not in intro.text
    token = soup(intro).find("input", attrs={"name": "csrf_token"})
    data = {"csrf_token": token["value"]} if token else {}
    assert client.post("/assessment/start", data=data).status_code == 403
    assert rows(engine, Assessment, status="draft") == []


def test_every_step_read_and_save_is_in_the_access_log(app, client, engine, demo_data) -> None:
    as_client(client, app, HELENA, acting_for=AINO)
    _assessment_id, first = start(client)
    answer_page(client, first)
    with Session(engine) as session:
        events = session.exec(select(AccessEvent).where(AccessEvent.object_type == "assessment")).all()
    assert {e.action for e in events} == {"read", "change"}
    assert all(e.actor_role == "delegate" and e.on_behalf_of_person_id for e in events)


def test_the_step_page_fits_in_14_kb_gzipped(app, client, demo_data) -> None:
    as_client(client, app, AINO)
    with Session(app.state.engine) as session:
        before = session.exec(select(func.count()).select_from(Assessment)).one()
    _assessment_id, first = start(client)
    page = client.get(first)
    assert len(gzip.compress(page.content, compresslevel=6)) <= 14 * 1024
    with Session(app.state.engine) as session:
        assert session.exec(select(func.count()).select_from(Assessment)).one() == before + 1  # the demo's and this


def test_an_answer_posted_after_the_idle_timeout_is_kept_and_shown_after_login(idp_client, idp_app) -> None:
    from tests.support.login_flow import login
    from tests.support.signed_in import age_sessions

    login(idp_client, AINO)
    assessment_id, first = start(idp_client)
    answer_page(idp_client, first)  # one answer stored the normal way
    second = f"/assessment/{assessment_id}/questions/coping_at_work"
    fields = step_fields(idp_client.get(second))
    age_sessions(idp_app.state.engine, 25)
    late = idp_client.post(second, data={**fields, "answer": "4"})
    assert late.status_code == 403 and "Tallensimme sen, mitä kirjoitit." in late.text
    assert len(rows(idp_app.state.engine, AssessmentAnswer, assessment_id=assessment_id)) == 1
    back = login(idp_client, AINO, next_path=second)
    assert back.headers["location"] == second
    page = idp_client.get(second)
    assert soup(page).find("input", attrs={"name": "answer", "value": "4"}).has_attr("checked")
    assert idp_client.post(second, data=step_fields(page) | {"answer": "4"}, follow_redirects=False).status_code == 303
    stored = {r.question_id: r.value for r in rows(idp_app.state.engine, AssessmentAnswer, assessment_id=assessment_id)}
    assert stored["coping_at_work"] == "4" and len(stored) == 2
