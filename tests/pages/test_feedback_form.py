"""The accessibility feedback form: errors next to fields, CSRF, nothing half-saved."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from portal.models import AccessibilityFeedback
from tests.support.helpers import csrf_token, soup


def stored(engine) -> list[AccessibilityFeedback]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(AccessibilityFeedback)).all())


def test_feedback_is_stored_and_redirects(client, engine) -> None:
    token = csrf_token(client.get("/accessibility/feedback"))
    response = client.post(
        "/accessibility/feedback",
        data={"csrf_token": token, "message": "  Painike on liian pieni.  ", "page": "Etusivu", "contact": ""},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("/accessibility/feedback/sent")
    [feedback] = stored(engine)
    assert feedback.message == "Painike on liian pieni."
    assert feedback.page == "Etusivu" and feedback.language == "fi"


def test_empty_message_shows_error_next_to_field_and_in_summary(client, engine) -> None:
    token = csrf_token(client.get("/accessibility/feedback"))
    response = client.post("/accessibility/feedback", data={"csrf_token": token, "message": "   "})
    assert response.status_code == 400
    page = soup(response)
    assert page.title.get_text().startswith("Virhe: ")
    summary = page.find(class_="error-summary")
    assert summary["role"] == "alert"
    link = summary.find("a")
    assert link["href"] == "#message"
    assert link.get_text(strip=True) == "Kirjoita palautteesi."
    textarea = page.find("textarea", id="message")
    assert textarea["aria-invalid"] == "true"
    assert textarea["aria-describedby"] == "message-hint message-error"
    assert "Kirjoita palautteesi." in page.find(id="message-error").get_text()
    assert stored(engine) == []


def test_errors_are_in_the_chosen_language(client) -> None:
    client.get("/language/sv?next=/")
    token = csrf_token(client.get("/accessibility/feedback"))
    page = soup(client.post("/accessibility/feedback", data={"csrf_token": token, "message": ""}))
    assert page.title.get_text().startswith("Fel: ")
    assert "Kirjoita" not in page.find(id="message-error").get_text()


def test_entered_text_is_kept_when_another_field_is_wrong(client, engine) -> None:
    token = csrf_token(client.get("/accessibility/feedback"))
    response = client.post(
        "/accessibility/feedback",
        data={"csrf_token": token, "message": "Teksti on pientä.", "contact": "ei osoite"},
    )
    assert response.status_code == 400
    page = soup(response)
    assert page.find("textarea", id="message").get_text() == "Teksti on pientä."
    assert page.find(id="contact-error") is not None
    assert page.find("input", id="contact")["autocomplete"] == "email"
    assert stored(engine) == []


def test_too_long_message_is_refused_with_its_limit(client, engine) -> None:
    token = csrf_token(client.get("/accessibility/feedback"))
    response = client.post("/accessibility/feedback", data={"csrf_token": token, "message": "a" * 4001})
    assert response.status_code == 400
    assert "4000" in soup(response).find(id="message-error").get_text()
    assert stored(engine) == []


@pytest.mark.parametrize("token", [None, "", "forged", "0" * 64])
def test_missing_or_wrong_csrf_token_is_refused_and_nothing_stored(client, engine, token) -> None:
    client.get("/accessibility/feedback")
    data = {"message": "Hei"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/accessibility/feedback", data=data)
    assert response.status_code == 403
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Lomake on vanhentunut"
    assert page.find("ol") is not None  # the steps to take
    assert stored(engine) == []


def test_token_from_another_browser_is_refused(client, app, engine) -> None:
    from starlette.testclient import TestClient

    token = csrf_token(client.get("/accessibility/feedback"))
    with TestClient(app, base_url="http://127.0.0.1:8000") as other:
        other.get("/")
        response = other.post("/accessibility/feedback", data={"csrf_token": token, "message": "Hei"})
    assert response.status_code == 403
    assert stored(engine) == []


def test_feedback_is_rate_limited_per_address(client, engine) -> None:
    from portal.rate_limit import FEEDBACK_PER_ADDRESS

    statuses = []
    for number in range(FEEDBACK_PER_ADDRESS.max_hits + 2):
        token = csrf_token(client.get("/accessibility/feedback"))
        response = client.post("/accessibility/feedback", data={"csrf_token": token, "message": f"Viesti {number}"},
                               follow_redirects=False)
        statuses.append(response.status_code)
    assert statuses == [303] * FEEDBACK_PER_ADDRESS.max_hits + [429, 429]
    # The form again, with the message written still in it and what to do next to it: nothing is lost.
    page = soup(response)
    assert page.find("textarea", attrs={"name": "message"}).get_text() == f"Viesti {FEEDBACK_PER_ADDRESS.max_hits + 1}"
    assert "Odota tunti" in page.find(id="message-error").get_text()
    assert len(stored(engine)) == FEEDBACK_PER_ADDRESS.max_hits
