"""Public pages render in every language with the layout's landmarks."""

from __future__ import annotations

import pytest

from tests.support.helpers import h1, soup

PUBLIC_PAGES = ["/", "/accessibility", "/accessibility/feedback", "/accessibility/feedback/sent", "/contact"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
@pytest.mark.parametrize("locale", ["fi", "sv", "en"])
def test_public_page_has_layout_in_language(client, demo_data, path, locale) -> None:
    client.get(f"/language/{locale}?next=/")
    response = client.get(path)
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == locale
    assert page.find("a", class_="skip-link")["href"] == "#main"
    assert page.find("main", id="main") is not None
    assert page.find("header") is not None and page.find("footer") is not None
    footer_links = {a["href"] for a in page.footer.find_all("a")}
    assert {"/accessibility", "/contact"} <= footer_links
    current = page.find("nav", class_="language-switch").find("a", attrs={"aria-current": "true"})
    assert current["lang"] == locale


def test_front_page_in_finnish_has_login_entry(client) -> None:
    response = client.get("/")
    assert h1(response) == "Tervetuloa Oma työtoiminta -palveluun"
    login = soup(response).find("a", string="Kirjaudu sisään")
    assert login is not None


def test_language_choice_is_remembered(client) -> None:
    response = client.get("/language/sv?next=/contact", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/contact"
    assert soup(client.get("/")).html["lang"] == "sv"
    assert soup(client.get("/accessibility")).html["lang"] == "sv"


def test_unknown_language_falls_back_to_finnish(client) -> None:
    client.get("/language/sv?next=/")
    client.get("/language/xx?next=/")
    assert soup(client.get("/")).html["lang"] == "fi"


def test_browser_language_is_used_until_a_choice_is_made(client) -> None:
    response = client.get("/", headers={"accept-language": "en-GB,en;q=0.9,fi;q=0.5"})
    assert soup(response).html["lang"] == "en"
    response = client.get("/", headers={"accept-language": "de-DE,de;q=0.9"})
    assert soup(response).html["lang"] == "fi"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"])
def test_language_switch_never_redirects_off_site(client, target) -> None:
    response = client.get("/language/en", params={"next": target}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_language_switch_links_return_to_current_page(client) -> None:
    page = soup(client.get("/contact?x=1&y=2"))
    hrefs = [a["href"] for a in page.find("nav", class_="language-switch").find_all("a")]
    assert hrefs == [f"/language/{code}?next=/contact%3Fx%3D1%26y%3D2" for code in ("fi", "sv", "en")]
    response = client.get(hrefs[1], follow_redirects=False)
    assert response.headers["location"] == "/contact?x=1&y=2"


def test_contact_page_lists_units_from_database(client, demo_data) -> None:
    page = soup(client.get("/contact"))
    headings = [h.get_text(strip=True) for h in page.find_all("h4")]
    assert headings == ["Toimintakeskus Tupa", "Toimintakeskus Verstas"]


def test_accessibility_statement_has_what_the_law_asks(client) -> None:
    page = soup(client.get("/accessibility"))
    text = page.main.get_text(" ", strip=True)
    assert "osittain" in text  # compliance status
    assert "Mikä ei vielä toimi?" in text  # known gaps
    assert "23. marraskuuta 2026" in text  # date, formatted by Babel
    assert page.find("a", href="/accessibility/feedback")  # feedback channel
    assert "Traficom" in text  # supervisory authority


def test_health_endpoints(client) -> None:
    assert client.get("/healthz").text == "ok"
    response = client.get("/readyz")
    assert response.status_code == 200 and response.text == "ok"  # the same check as /health/ready
