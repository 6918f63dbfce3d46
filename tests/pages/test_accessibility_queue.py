"""The accessibility feedback's staff queue: 14-day deadline, overdue marked,
answer recorded and an e-mail put into the notifications' outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from portal import clock
from portal.db import transaction
from portal.models import AccessibilityFeedback, Notification
from tests.support import factories
from tests.support.helpers import csrf_token, soup
from tests.support.signed_in import as_staff

MARIA_TUPA = "180679-9737"


@pytest.fixture
def maria(app, engine, demo_data) -> int:  # type: ignore[no-untyped-def]
    return factories.person_id(engine, app.state.vault, MARIA_TUPA)


def add(engine, *, days_ago: int, contact: str = "", language: str = "fi", message: str = "Nappi on pieni.") -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        feedback = AccessibilityFeedback(message=message, contact=contact, language=language,
                                         received_at=clock.now() - timedelta(days=days_ago))
        session.add(feedback)
        session.flush()
        assert feedback.id is not None
        return feedback.id


def outbox(engine) -> list[Notification]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(Notification).where(Notification.category == "accessibility_answer")).all())


def test_deadline_shown_and_overdue_marked(client, engine, maria) -> None:
    late = add(engine, days_ago=20)
    fresh = add(engine, days_ago=1, message="<b>Lihavoitu</b>")
    as_staff(client, engine, maria)
    page = client.get("/staff/accessibility-feedback")
    assert page.status_code == 200 and "<b>Lihavoitu</b>" not in page.text
    tree = soup(page)
    late_card, fresh_card = tree.find(id=f"feedback-{late}"), tree.find(id=f"feedback-{fresh}")
    assert "Myöhässä!" in late_card.get_text() and "card--overdue" in late_card["class"]
    assert "Myöhässä!" not in fresh_card.get_text() and "Viimeinen vastauspäivä" in fresh_card.get_text()
    # The nearest deadline comes first.
    cards = [card["id"] for card in tree.select("main section.card")]
    assert cards.index(f"feedback-{late}") < cards.index(f"feedback-{fresh}")


def test_answer_to_an_email_goes_to_the_outbox_in_the_senders_language(client, engine, maria) -> None:
    feedback_id = add(engine, days_ago=3, contact="anna@example.fi", language="sv")
    as_staff(client, engine, maria)
    page = client.get("/staff/accessibility-feedback")
    prefix = f"answer{feedback_id}-"
    empty = client.post(f"/staff/accessibility-feedback/{feedback_id}/answer",
                        data={f"{prefix}csrf_token": csrf_token(page), f"{prefix}answer": ""})
    assert empty.status_code == 400 and "Kirjoita vastaus." in empty.text and outbox(engine) == []
    saved = client.post(f"/staff/accessibility-feedback/{feedback_id}/answer",
                        data={f"{prefix}csrf_token": csrf_token(page), f"{prefix}answer": "Tack, vi har rättat knappen."},
                        follow_redirects=False)
    assert saved.status_code == 303
    [message] = outbox(engine)
    assert (message.to_address, message.body, message.sent_at) == ("anna@example.fi", "Tack, vi har rättat knappen.", None)
    assert (message.channel, message.language, message.state) == ("email", "sv", "queued")
    assert message.subject == "Svar på din respons om tillgänglighet"
    shown = client.get("/staff/outbox")
    assert "anna@example.fi" in shown.text and "Tack, vi har rättat knappen." in shown.text
    assert "Vastattu" in soup(client.get("/staff/accessibility-feedback")).find(id=f"feedback-{feedback_id}").get_text()


def test_answer_to_a_phone_number_is_recorded_without_an_email(client, engine, maria) -> None:
    feedback_id = add(engine, days_ago=3, contact="040 123 4567")
    as_staff(client, engine, maria)
    page = client.get("/staff/accessibility-feedback")
    assert "Soita palautteen antajalle." in soup(page).find(id=f"feedback-{feedback_id}").get_text()
    prefix = f"answer{feedback_id}-"
    client.post(f"/staff/accessibility-feedback/{feedback_id}/answer",
                data={f"{prefix}csrf_token": csrf_token(page), f"{prefix}answer": "Soitin."})
    with Session(engine) as session:
        assert session.get(AccessibilityFeedback, feedback_id).answer == "Soitin."  # type: ignore[union-attr]
    assert outbox(engine) == []


def test_missing_feedback_is_a_missing_page(client, engine, maria) -> None:
    as_staff(client, engine, maria)
    page = client.get("/staff/accessibility-feedback")
    response = client.post("/staff/accessibility-feedback/999999/answer",
                           data={"answer999999-csrf_token": csrf_token(page), "answer999999-answer": "Hei"})
    assert response.status_code == 404 and outbox(engine) == []
