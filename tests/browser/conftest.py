"""The browser tests: journeys and axe in headless Chromium against a live
portal. Every test in this folder is marked `browser` here (so `-m "not
browser"` leaves them out), and every HTML page the live portal served during
a test must pass the Nu HTML Checker (vnu) with no error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def html_checker():  # type: ignore[no-untyped-def]
    from tests.support import html_check

    with html_check.running() as checker:
        yield checker


@pytest.fixture(autouse=True)
def served_html_is_valid(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every HTML page the live portal served during the test passes the Nu
    HTML Checker (vnu) with no error."""
    from tests.support import browser

    checker = request.getfixturevalue("html_checker")
    first = len(browser.SERVED)
    yield
    problems = checker.problems(browser.SERVED[first:])
    assert problems == [], "HTML errors:\n" + "\n".join(problems)
