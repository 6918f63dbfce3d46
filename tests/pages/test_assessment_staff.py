"""Staff and the self-assessment: the queue of one's own units, the review
with a comment the client sees, the print view, and the access log."""

from __future__ import annotations

from sqlmodel import Session, col, select

from portal.models import AccessEvent, AccessEventSubject, Assessment
from tests.support.assessment_helpers import (AINO, MARIA_TUPA, MIKKO, SANNA_VERSTAS, answer_all, as_client, as_staff,
                                              send, start)
from tests.support.factories import person_id
from tests.support.helpers import csrf_token, h1, soup


def events(engine, object_type: str) -> list[AccessEvent]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(AccessEvent).where(AccessEvent.object_type == object_type)).all())


def listed(engine, object_type: str) -> set[int]:  # type: ignore[no-untyped-def]
    """The clients named by list events (one event per page view, one subject row per client shown)."""
    with Session(engine) as session:
        return set(session.exec(select(AccessEventSubject.person_id).join(
            AccessEvent, col(AccessEvent.id) == col(AccessEventSubject.event_id)).where(
            AccessEvent.object_type == object_type)).all())


def mikko_assessment(engine, app) -> int:  # type: ignore[no-untyped-def]
    mikko = person_id(engine, app.state.vault, MIKKO)
    with Session(engine) as session:
        return session.exec(select(Assessment.id).where(Assessment.person_id == mikko)).one()  # type: ignore[return-value]


def test_queue_shows_sent_overdue_and_due_soon_of_own_units_only(app, client, engine, demo_data) -> None:
    as_staff(client, app, SANNA_VERSTAS)
    page = client.get("/staff/assessments")
    assert page.status_code == 200 and h1(page) == "Arviot"
    sections = {h2.get_text(strip=True): h2.find_next_sibling() for h2 in soup(page).find("main").find_all("h2")}
    assert "Mikko Korhonen" in sections["Odottaa käsittelyä"].get_text()
    assert "Aino Virtanen" not in sections["Odottaa käsittelyä"].get_text()  # reviewed already
    assert "Liisa" not in page.text  # Tupa's client
    as_staff(client, app, MARIA_TUPA)
    tupa = client.get("/staff/assessments")
    assert "Liisa Mäkinen" in soup(tupa).find("h2", string="Myöhässä").find_next_sibling().get_text()
    assert "Mikko" not in tupa.text
    assert listed(engine, "assessment_queue") >= {person_id(engine, app.state.vault, MIKKO)}


def test_review_with_comment_that_the_client_then_sees(app, client, engine, demo_data) -> None:
    assessment_id = mikko_assessment(engine, app)
    mikko = person_id(engine, app.state.vault, MIKKO)
    as_staff(client, app, SANNA_VERSTAS)
    path = f"/staff/clients/{mikko}/assessments/{assessment_id}"
    page = client.get(path)
    assert page.status_code == 200 and "Vastaukset kysymyksittäin" in page.text
    assert "Haluaisin tehdä enemmän puutöitä." in page.text
    response = client.post(f"{path}/review", data={"csrf_token": csrf_token(page), "comment": "Hienoa, Mikko!"},
                           follow_redirects=False)
    assert response.status_code == 303
    assert "Arvio on merkitty käsitellyksi." in client.get(response.headers["location"]).text
    as_client(client, app, MIKKO)
    results = client.get(f"/assessment/{assessment_id}")
    assert "Hienoa, Mikko!" in results.text and "Kommentin kirjoitti Sanna Laine." in results.text
    actions = {(e.action, e.actor_role) for e in events(engine, "assessment") if e.subject_person_id == mikko}
    assert {("read", "instructor"), ("change", "instructor")} <= actions


def test_a_too_long_comment_is_refused_at_the_field(app, client, engine, demo_data) -> None:
    assessment_id = mikko_assessment(engine, app)
    mikko = person_id(engine, app.state.vault, MIKKO)
    as_staff(client, app, SANNA_VERSTAS)
    path = f"/staff/clients/{mikko}/assessments/{assessment_id}"
    page = client.get(path)
    response = client.post(f"{path}/review", data={"csrf_token": csrf_token(page), "comment": "x" * 1001})
    assert response.status_code == 400 and "enintään 1000 merkkiä" in response.text
    with Session(engine) as session:
        assert session.get(Assessment, assessment_id).status == "sent"


def test_print_view_is_logged_as_print(app, client, engine, demo_data) -> None:
    assessment_id = mikko_assessment(engine, app)
    mikko = person_id(engine, app.state.vault, MIKKO)
    as_staff(client, app, SANNA_VERSTAS)
    page = client.get(f"/staff/clients/{mikko}/assessments/{assessment_id}/print")
    assert page.status_code == 200 and soup(page).find("div", class_="print-page") is not None
    assert [e.action for e in events(engine, "assessment")] == ["print"]


def test_staff_of_another_unit_and_drafts_are_not_found(app, client, engine, demo_data) -> None:
    assessment_id = mikko_assessment(engine, app)
    mikko = person_id(engine, app.state.vault, MIKKO)
    as_staff(client, app, MARIA_TUPA)
    assert client.get(f"/staff/clients/{mikko}/assessments/{assessment_id}").status_code == 404
    aino = as_client(client, app, AINO)
    draft_id, _first = start(client)
    as_staff(client, app, SANNA_VERSTAS)
    assert client.get(f"/staff/clients/{aino}/assessments/{draft_id}").status_code == 404  # not sent yet
    assert client.get(f"/staff/clients/{aino}/assessments/{assessment_id}").status_code == 404  # Mikko's


def test_review_page_shows_the_previous_assessment_beside(app, client, engine, demo_data) -> None:
    aino = as_client(client, app, AINO)
    assessment_id, first = start(client)
    answer_all(client, first)
    send(client, assessment_id)
    as_staff(client, app, SANNA_VERSTAS)
    page = client.get(f"/staff/clients/{aino}/assessments/{assessment_id}")
    headers = [th.get_text(strip=True) for th in soup(page).find_all("table")[1].find("thead").find_all("th")]
    assert headers == ["Kysymys", "Viime kerta", "Tämä kerta"]
    assert "Parempi kuin viime kerralla" in page.text


def test_staff_can_ask_for_an_assessment_and_the_client_sees_it(app, client, engine, demo_data) -> None:
    from portal.models import AssessmentRequest

    aino = person_id(engine, app.state.vault, AINO)
    as_staff(client, app, SANNA_VERSTAS)
    page = client.get(f"/staff/clients/{aino}")
    for _ in range(2):  # asking twice keeps one open request
        response = client.post(f"/staff/clients/{aino}/assessments/request", data={"csrf_token": csrf_token(page)},
                               follow_redirects=False)
        assert response.status_code == 303
    assert "Pyyntö on tallennettu" in client.get(response.headers["location"]).text
    with Session(engine) as session:
        [request] = session.exec(select(AssessmentRequest)).all()
    as_client(client, app, AINO)
    assert "Täytä se" in client.get("/home").text
    assessment_id, _first = start(client)
    with Session(engine) as session:
        assert session.get(AssessmentRequest, request.id).assessment_id == assessment_id
        assert session.get(Assessment, assessment_id).occasion == "requested"
    as_staff(client, app, MARIA_TUPA)
    assert client.post(f"/staff/clients/{aino}/assessments/request",
                       data={"csrf_token": csrf_token(client.get("/staff"))}).status_code == 404


def test_staff_type_in_a_paper_form_and_the_client_sees_who(app, client, engine, demo_data) -> None:
    from portal.models import AssessmentAnswer

    aino = person_id(engine, app.state.vault, AINO)
    as_staff(client, app, SANNA_VERSTAS)
    page = client.get(f"/staff/clients/{aino}")
    response = client.post(f"/staff/clients/{aino}/assessments/paper", data={"csrf_token": csrf_token(page)},
                           follow_redirects=False)
    first = response.headers["location"]
    assert first.startswith(f"/staff/clients/{aino}/assessments/") and "/questions/" in first
    step = client.get(first)
    assert "Kirjaat paperilomakkeen vastauksia" in step.text
    assert soup(step).find("a", class_="back-link")["href"] == f"/staff/clients/{aino}"
    check_path = answer_all(client, first)
    assessment_id = int(check_path.split("/")[-2])
    assert check_path == f"/staff/clients/{aino}/assessments/{assessment_id}/check"
    check = client.get(check_path)
    assert soup(check).find("form", action=f"/staff/clients/{aino}/assessments/{assessment_id}/send")
    sent = client.post(f"/staff/clients/{aino}/assessments/{assessment_id}/send",
                       data={"csrf_token": csrf_token(check)}, follow_redirects=False)
    assert sent.headers["location"] == f"/staff/clients/{aino}/assessments/{assessment_id}"
    with Session(engine) as session:
        answers = session.exec(select(AssessmentAnswer).where(AssessmentAnswer.assessment_id == assessment_id)).all()
        assert {a.entered_as for a in answers} == {"staff"} and len(answers) == 19
        assert session.get(Assessment, assessment_id).status == "sent"
    assert any(e.actor_role == "instructor" and e.action == "change" for e in events(engine, "assessment"))
    as_client(client, app, AINO)
    assert "Vastauksen kirjoitti Sanna Laine." in client.get(f"/assessment/{assessment_id}").text
    as_staff(client, app, MARIA_TUPA)  # another unit: not found, nothing stored
    assert client.post(f"/staff/clients/{aino}/assessments/paper",
                       data={"csrf_token": csrf_token(client.get("/staff"))}).status_code == 404


def test_staff_see_a_clients_assessments_and_the_client_sees_it_in_the_access_log(app, client, engine,
                                                                                   demo_data) -> None:
    aino = person_id(engine, app.state.vault, AINO)
    as_staff(client, app, SANNA_VERSTAS)
    page = client.get(f"/staff/clients/{aino}/assessments")
    assert h1(page) == "Arviot: Aino Virtanen" and "Alussa, käsitelty" in page.text
    as_client(client, app, AINO)
    log = soup(client.get("/access-log")).find("main").get_text(" ", strip=True)
    assert "Sanna Laine" in log and "arviolista" in log
