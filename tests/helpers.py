"""Small helpers for tests."""

from __future__ import annotations

from bs4 import BeautifulSoup


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    """The page as a tree, without soft hyphens (U+00AD): they are invisible
    break points in long words, and tests compare the words people read."""
    return BeautifulSoup(response.text.replace("\u00ad", ""), "html5lib")


def csrf_token(response) -> str:  # type: ignore[no-untyped-def]
    field = soup(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "the page has no CSRF token"
    return str(field["value"])


def h1(response) -> str:  # type: ignore[no-untyped-def]
    return soup(response).h1.get_text(" ", strip=True)
