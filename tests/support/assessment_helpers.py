"""Helpers for the self-assessment tests: sessions, answering, sending."""

from __future__ import annotations

import re

from portal.auth import sessions
from tests.support import factories
from tests.support.helpers import csrf_token, soup

AINO, HELENA, LIISA, MIKKO = "010280-952L", "120556-942L", "230495-936S", "150375-990C"
SANNA_VERSTAS, MARIA_TUPA = "300883-9617", "180679-9737"


def as_client(client, app, identity_code: str, acting_for: str | None = None) -> int:  # type: ignore[no-untyped-def]
    """Log the test client in (as a login would leave it); return the subject's person id."""
    engine, vault = app.state.engine, app.state.vault
    person = factories.person_id(engine, vault, identity_code)
    subject = factories.person_id(engine, vault, acting_for) if acting_for else person
    client.cookies.clear()
    client.cookies.set(sessions.COOKIE_NAMES["client"],
                       factories.start_session(engine, audience="client", person=person, acting_for=subject))
    return subject


def as_staff(client, app, identity_code: str) -> int:  # type: ignore[no-untyped-def]
    person = factories.person_id(app.state.engine, app.state.vault, identity_code)
    client.cookies.clear()
    client.cookies.set(sessions.COOKIE_NAMES["staff"],
                       factories.start_session(app.state.engine, audience="staff", person=person))
    return person


def start(client) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """Start (or continue) the assessment; return its id and the first question's path."""
    intro = client.get("/assessment")
    assert intro.status_code == 200
    response = client.post("/assessment/start", data={"csrf_token": csrf_token(intro)}, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    location = response.headers["location"]
    match = re.match(r"/assessment/(\d+)/", location)
    assert match, location
    return int(match.group(1)), location


def step_fields(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    form = soup(page).find("main").find("form")
    return {field["name"]: field.get("value", "") for field in form.find_all("input", type="hidden")}


def first_choice(page) -> list[str]:  # type: ignore[no-untyped-def]
    """A valid answer for the page's question: the last choice, or a short text."""
    main = soup(page).find("main")
    options = main.find_all("input", attrs={"name": "answer"})
    if options:
        return [options[-1]["value"]]
    return ["Kaikki hyvin."]


def answer_page(client, path: str, values: list[str] | None = None, *, skip: bool = False):  # type: ignore[no-untyped-def]
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    data: dict[str, object] = dict(step_fields(page))
    if skip:
        data["skip"] = "1"
    else:
        data["answer"] = values if values is not None else first_choice(page)
    return client.post(path, data=data, follow_redirects=False)


def answer_all(client, first_path: str, *, stop_after: int | None = None) -> str:  # type: ignore[no-untyped-def]
    """Answer question after question; return where it ended (the check page or the next question)."""
    path, count = first_path, 0
    while "/questions/" in path:
        if stop_after is not None and count == stop_after:
            return path
        response = answer_page(client, path)
        assert response.status_code == 303, (path, response.status_code, response.text[:500])
        path, count = response.headers["location"], count + 1
    return path


def send(client, assessment_id: int):  # type: ignore[no-untyped-def]
    check = client.get(f"/assessment/{assessment_id}/check")
    assert check.status_code == 200
    return client.post(f"/assessment/{assessment_id}/send", data={"csrf_token": csrf_token(check)},
                       follow_redirects=False)
