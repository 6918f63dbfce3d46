"""Clients' feedback ("Anna palautetta") and the staff's answers, through HTTP
with the demo data."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, col, func, select

from portal.models import AccessEvent, ClientFeedback, MandateScope
from tests.support import factories
from tests.support.helpers import csrf_token, soup
from tests.support.signed_in import as_client, as_staff

AINO, MIKKO, LIISA, HELENA = "010280-952L", "150375-990C", "230495-936S", "120556-942L"
SANNA_VERSTAS, MARIA_TUPA = "300883-9617", "180679-9737"


@pytest.fixture
def ids(app, engine, demo_data):  # type: ignore[no-untyped-def]
    found = {code: factories.person_id(engine, app.state.vault, code)
             for code in (AINO, MIKKO, LIISA, HELENA, SANNA_VERSTAS, MARIA_TUPA)}
    found["verstas"] = factories.unit_id(engine, "Toimintakeskus Verstas")
    with Session(engine) as session:
        DEMO["last_feedback_id"] = session.exec(select(func.max(ClientFeedback.id))).one() or 0
    return found


def stored(engine) -> list[ClientFeedback]:  # type: ignore[no-untyped-def]
    """The feedback given in the test (after the demo's, counted by the ids fixture)."""
    with Session(engine) as session:
        return list(session.exec(select(ClientFeedback).where(col(ClientFeedback.id) > DEMO["last_feedback_id"])
                                 .order_by(ClientFeedback.id)).all())


DEMO = {"last_feedback_id": 0}


def events(engine, object_type: str = "client_feedback") -> list[AccessEvent]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(AccessEvent).where(AccessEvent.object_type == object_type)).all())


def give(client, data: dict[str, str]):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/feedback"))
    return client.post("/feedback", data={"csrf_token": token, **data}, follow_redirects=False)


def test_form_offers_five_faces_with_words_and_the_weeks_activities(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    page = soup(client.get("/feedback"))
    faces = page.select("#mood input[type=radio]")
    assert [face["value"] for face in faces] == ["5", "4", "3", "2", "1"]
    labels = [label.get_text(" ", strip=True) for label in page.select("#mood label")]
    assert all(len(label.split(" ", 1)) == 2 for label in labels) and "Tosi hyvin" in labels[0]
    about = [option["value"] for option in page.select("#about input[type=radio]")]
    assert about[0] == "service" and len(about) > 1  # the service, then the week's activities
    assert "Älä kirjoita terveydestäsi." in page.get_text()
    assert "ei kellonaikaa" in page.get_text()


def test_named_feedback_is_stored_answered_by_staff_and_seen_by_the_client(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    response = give(client, {"mood": "5", "about": "service", "text": "<script>alert(1)</script> Kiva päivä"})
    assert response.status_code == 303 and response.headers["location"] == "/feedback/thanks"
    assert client.get("/feedback/thanks").status_code == 200
    [feedback] = stored(engine)
    assert (feedback.person_id, feedback.unit_id, feedback.mood, feedback.about) == (ids[AINO], ids["verstas"], 5, "")
    assert feedback.given_at is not None
    assert [event.subject_person_id for event in events(engine) if event.action == "change"] == [ids[AINO]]

    client.cookies.clear()
    as_staff(client, engine, ids[SANNA_VERSTAS])
    queue = client.get("/staff/feedback")
    assert "Aino Virtanen" in queue.text and "<script>alert" not in queue.text and "&lt;script&gt;" in queue.text
    prefix = f"answer{feedback.id}-"
    empty = client.post(f"/staff/feedback/{feedback.id}/answer",
                        data={f"{prefix}csrf_token": csrf_token(queue), f"{prefix}answer": "  "})
    assert empty.status_code == 400 and "Kirjoita vastaus." in empty.text
    answered = client.post(f"/staff/feedback/{feedback.id}/answer",
                           data={f"{prefix}csrf_token": csrf_token(queue), f"{prefix}answer": "Kiitos, Aino!"},
                           follow_redirects=False)
    assert answered.status_code == 303
    assert stored(engine)[0].answer == "Kiitos, Aino!"
    assert any(e.action == "change" and e.actor_person_id == ids[SANNA_VERSTAS] for e in events(engine))

    client.cookies.clear()
    as_client(client, engine, ids[AINO])
    assert "Kiitos, Aino!" in client.get("/feedback").text


def test_anonymous_feedback_keeps_no_person_no_time_and_no_log(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    before = len(events(engine))
    response = give(client, {"mood": "2", "about": "service", "anonymous": "y"})
    assert response.status_code == 303
    [feedback] = stored(engine)
    assert (feedback.person_id, feedback.given_by_person_id, feedback.given_at) == (None, None, None)
    assert isinstance(feedback.given_on, date)
    # Only the form's page view is logged; nothing about the feedback itself.
    assert [event.action for event in events(engine)[before:]] == ["read"]
    assert f"feedback-{feedback.id}" not in client.get("/feedback").text
    client.cookies.clear()
    as_staff(client, engine, ids[SANNA_VERSTAS])
    queue = soup(client.get("/staff/feedback"))
    card = queue.find(id=f"feedback-{feedback.id}")
    assert "Nimetön" in card.get_text() and card.find("form") is None
    token = csrf_token(client.get("/staff/feedback"))
    refused = client.post(f"/staff/feedback/{feedback.id}/answer",
                          data={f"answer{feedback.id}-csrf_token": token, f"answer{feedback.id}-answer": "Hei"})
    assert refused.status_code == 404 and stored(engine)[0].answer == ""


@pytest.mark.parametrize("data", [
    {"about": "service"},  # no face
    {"mood": "7", "about": "service"},
    {"mood": "x", "about": "service"},
    {"mood": "3", "about": "Not an activity of the week"},
    {"mood": "3", "about": "service", "text": "a" * 2001},
])
def test_bad_input_is_explained_and_nothing_is_stored(client, engine, ids, data) -> None:
    as_client(client, engine, ids[AINO])
    response = give(client, data)
    assert response.status_code == 400
    assert soup(response).select(".field__error")
    assert stored(engine) == []


def test_staff_of_another_unit_neither_see_nor_answer(client, engine, ids) -> None:
    feedback_id = factories.add_client_feedback(engine, person=ids[AINO], unit=ids["verstas"], text="Verstas")
    as_staff(client, engine, ids[MARIA_TUPA])
    queue = client.get("/staff/feedback")
    assert "Aino" not in queue.text
    response = client.post(f"/staff/feedback/{feedback_id}/answer",
                           data={f"answer{feedback_id}-csrf_token": csrf_token(queue), f"answer{feedback_id}-answer": "Hei"})
    assert response.status_code == 404 and stored(engine)[0].answer == ""


def test_flooding_is_stopped_per_person(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    responses = [give(client, {"mood": "4", "about": "service", "text": f"Kerta {number}"}) for number in range(6)]
    assert [response.status_code for response in responses] == [303] * 5 + [429]
    assert len(stored(engine)) == 5
    # The form again, with the text still in it and what to do next to it: nothing is lost.
    page = soup(responses[-1])
    assert page.find("textarea", attrs={"name": "text"}).get_text() == "Kerta 5"
    assert page.find("input", attrs={"name": "mood", "value": "4"}).has_attr("checked")
    assert "Odota tunti" in page.find(id="text-error").get_text()


def test_a_kiosk_address_serves_many_clients(client, engine, ids) -> None:
    # Four clients at one kiosk give 5 each: 20 from one address, none refused.
    statuses = []
    for person in (ids[AINO], ids[MIKKO], ids[LIISA], ids[AINO]):
        client.cookies.clear()
        token = factories.start_session(engine, audience="client", person=person, acting_for=person, kiosk=True)
        client.cookies.set("portal_client_session", token)
        for _ in range(5 if person != ids[AINO] or len(statuses) < 5 else 0):
            statuses.append(give(client, {"mood": "4", "about": "service"}).status_code)
    assert statuses == [303] * 15


def test_a_refused_feedback_uses_up_no_room_of_the_others_at_the_same_address(engine) -> None:
    """One person over their own limit keeps trying from a centre's shared
    (not kiosk) address: the refusals count against neither the person nor
    the address, so the other clients there still have all of its room."""
    from portal.db import transaction
    from portal.feedback.client import PER_ADDRESS, PER_PERSON, allowed
    from portal.models import RateLimitHit
    from portal.rate_limit import key_hash

    def attempt(person: int) -> bool:
        with transaction(engine) as session:
            return allowed(session, person_id=person, address="192.0.2.7", kiosk=False, secret="test")

    assert [attempt(1) for _ in range(PER_PERSON.max_hits + 3)] == [True] * PER_PERSON.max_hits + [False] * 3
    others = PER_ADDRESS.max_hits - PER_PERSON.max_hits  # what is left of the address's room
    assert [attempt(2 + number // PER_PERSON.max_hits) for number in range(others)] == [True] * others
    assert [attempt(99) for _ in range(3)] == [False] * 3  # the address is full now
    with Session(engine) as session:  # and person 99's own count was not touched either
        assert session.exec(select(RateLimitHit).where(
            RateLimitHit.key_hash == key_hash(limit=PER_PERSON, key="99", secret="test"))).first() is None


def test_view_only_delegate_may_not_give_feedback(client, engine, ids) -> None:
    factories.add_mandate(engine, principal=ids[AINO], agent=ids[LIISA], scope=MandateScope.VIEW)
    as_client(client, engine, ids[LIISA], acting_for=ids[AINO])
    assert client.get("/feedback").status_code == 403
