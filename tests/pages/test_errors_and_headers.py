"""Bad input gets plain-language pages with the right status; headers are strict."""

from __future__ import annotations

import logging

from starlette.routing import Route
from starlette.testclient import TestClient

from tests.support.helpers import csrf_token, h1, soup


def test_unknown_url_gets_404_page_in_users_language(client) -> None:
    response = client.get("/ei-ole-olemassa")
    assert response.status_code == 404
    assert h1(response) == "Sivua ei löydy"
    client.get("/language/en?next=/")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert soup(response).html["lang"] == "en"
    assert h1(response) != "Sivua ei löydy"


def test_wrong_method_is_a_missing_page(client) -> None:
    response = client.post("/contact", data={})
    assert response.status_code == 404


def test_oversized_body_gets_413_page_and_nothing_stored(client, settings) -> None:
    body = b"message=" + b"a" * (settings.max_body_bytes + 1)
    response = client.post(
        "/accessibility/feedback",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert h1(response) == "Lähetys oli liian suuri"


def test_oversized_chunked_body_gets_413(client, settings) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(settings.max_body_bytes // 10_000 + 2):
            yield b"a" * 10_000

    response = client.post(
        "/accessibility/feedback",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413


def test_unexpected_error_shows_500_page_without_trace(app, client, caplog) -> None:
    def broken(_request):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret detail 010280-952L")

    app.router.routes.append(Route("/broken-for-test", broken))
    response = client.get("/broken-for-test")
    assert response.status_code == 500
    assert h1(response) == "Palvelussa on häiriö"
    assert "secret detail" not in response.text and "Traceback" not in response.text
    assert "Content-Security-Policy" in response.headers
    assert "010280-952L" not in caplog.text and "secret detail" not in caplog.text
    assert "RuntimeError" in caplog.text


def test_security_headers_on_every_response(client) -> None:
    for path in ["/", "/no-such-page", "/healthz", "/static/portal.css"]:
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_styles(client, demo_data) -> None:
    for path in ["/", "/accessibility", "/accessibility/feedback", "/contact", "/missing"]:
        page = soup(client.get(path))
        assert page.find("script") is None
        assert page.find("style") is None
        assert page.find(attrs={"style": True}) is None
        assert not [tag for tag in page.find_all(True) if any(a.startswith("on") for a in tag.attrs)]


def test_personal_pages_are_not_cached_and_static_files_are(client) -> None:
    assert client.get("/").headers["cache-control"] == "no-store"
    assert client.get("/healthz").headers["cache-control"] == "no-store"
    assert client.get("/language/sv?next=/", follow_redirects=False).headers["cache-control"] == "no-store"
    css_link = soup(client.get("/")).find("link", rel="stylesheet")["href"]
    assert "?v=" in css_link
    assert "immutable" in client.get(css_link).headers["cache-control"]


def test_csrf_cookie_is_httponly_and_samesite(client) -> None:
    cookie = client.get("/").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def request_lines(caplog) -> list[str]:  # type: ignore[no-untyped-def]
    return [record.getMessage() for record in caplog.records if record.name == "portal.requests"]


def test_requests_are_logged_without_query_strings(client, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="portal.requests"):
        response = client.get("/contact?code=secret-code&next=/home")
    line = request_lines(caplog)[-1]
    assert line.startswith("GET /contact 200 ")
    assert "secret-code" not in caplog.text and "next=" not in caplog.text
    assert response.headers["x-request-id"] in line


def test_requests_are_logged_by_route_pattern_never_the_raw_path(client, caplog) -> None:
    with caplog.at_level(logging.INFO, logger="portal.requests"):
        client.get("/language/010280-952L Salainen viesti", follow_redirects=False)
        client.get("/staff/clients/1234567", follow_redirects=False)
        client.get("/no-such/010280-952L")
    lines = request_lines(caplog)
    assert lines[0].startswith("GET /language/{code} 303 ")
    assert lines[1].startswith("GET /staff/clients/{client_id:id} 403 ")
    assert lines[2].startswith("GET (no route) 404 ")
    assert "010280-952L" not in caplog.text and "Salainen" not in caplog.text and "1234567" not in caplog.text


def test_an_unexpected_error_ends_at_the_500_page_with_nothing_for_the_server_to_print(app, caplog) -> None:
    """Starlette re-raises after its handler; uvicorn would then print the
    traceback with SQL parameters and user text. The error must stop in the app."""

    def broken(_request):  # type: ignore[no-untyped-def]
        raise ValueError("parameters: ('010280-952L', 'Salainen viesti')")

    app.router.routes.append(Route("/broken-for-test/{anything}", broken))
    with caplog.at_level(logging.DEBUG), TestClient(app, raise_server_exceptions=True) as client:
        response = client.get("/broken-for-test/010280-952L")  # raised here before the fix
    assert response.status_code == 500
    assert response.headers["cache-control"] == "no-store"
    assert "Traceback" not in caplog.text and "010280-952L" not in caplog.text and "Salainen" not in caplog.text
    [error] = [record.getMessage() for record in caplog.records if record.name == "portal.errors"]
    assert error.startswith("unhandled ValueError on GET /broken-for-test/{anything} id=")
    assert response.headers["x-request-id"] in error


def test_a_database_error_is_logged_with_its_code_and_not_its_text(app, caplog) -> None:
    """The code says what kind of failure it was (locked, deadlock); the text and
    the statement's values stay out of the log."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    def locked(_request):  # type: ignore[no-untyped-def]
        original = sqlite3.OperationalError("database is locked")
        original.sqlite_errorname = "SQLITE_BUSY_SNAPSHOT"  # type: ignore[attr-defined]
        raise OperationalError("INSERT INTO message (text) VALUES (?)", ("Salainen viesti",), original)

    app.router.routes.append(Route("/locked-for-test", locked))
    with caplog.at_level(logging.DEBUG), TestClient(app, raise_server_exceptions=True) as client:
        assert client.get("/locked-for-test").status_code == 500
    [error] = [record.getMessage() for record in caplog.records if record.name == "portal.errors"]
    assert error.startswith("unhandled OperationalError SQLITE_BUSY_SNAPSHOT on GET /locked-for-test id=")
    assert "Salainen" not in caplog.text and "INSERT" not in caplog.text and "database is locked" not in caplog.text


def test_redirects_never_use_the_host_header(client) -> None:
    token = csrf_token(client.get("/accessibility/feedback"))
    response = client.post(
        "/accessibility/feedback",
        data={"csrf_token": token, "message": "Painike on pieni."},
        headers={"host": "evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/accessibility/feedback/sent"
