"""Bad input gets plain-language pages with the right status; headers are strict."""

from __future__ import annotations

from starlette.routing import Route

from tests.helpers import h1, soup


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
    css_link = soup(client.get("/")).find("link", rel="stylesheet")["href"]
    assert "?v=" in css_link
    assert "immutable" in client.get(css_link).headers["cache-control"]


def test_csrf_cookie_is_httponly_and_samesite(client) -> None:
    cookie = client.get("/").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_requests_are_logged_without_query_strings(client, caplog) -> None:
    import logging

    with caplog.at_level(logging.INFO, logger="portal.requests"):
        response = client.get("/contact?code=secret-code&next=/home")
    line = [record.getMessage() for record in caplog.records if record.name == "portal.requests"][-1]
    assert line.startswith("GET /contact 200 ")
    assert "secret-code" not in caplog.text and "next=" not in caplog.text
    assert response.headers["x-request-id"] in line
