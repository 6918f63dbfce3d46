"""Small helpers for tests."""

from __future__ import annotations

from bs4 import BeautifulSoup


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html5lib")


def csrf_token(response) -> str:  # type: ignore[no-untyped-def]
    field = soup(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "the page has no CSRF token"
    return str(field["value"])


def h1(response) -> str:  # type: ignore[no-untyped-def]
    return soup(response).h1.get_text(" ", strip=True)
