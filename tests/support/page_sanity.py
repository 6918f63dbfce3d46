"""Checks every HTML page the tests fetch (after GOV.UK Notify's client_request),
and CheckedClient, the test client that runs them on every HTML response."""

from __future__ import annotations

from collections import Counter

import html5lib
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

ERROR_PREFIXES = ("Virhe: ", "Fel: ", "Error: ")
LABELLED_BY_SELF = {"submit", "button", "hidden", "reset", "image"}


def page_problems(html: str) -> list[str]:
    problems: list[str] = []
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(html)
    except Exception as error:  # html5lib raises ParseError with the position
        problems.append(f"HTML does not parse: {error}")

    soup = BeautifulSoup(html, "html.parser")
    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        problems.append(f"expected one h1, found {len(h1s)}")
    title = soup.title.get_text(strip=True) if soup.title else ""
    for prefix in ERROR_PREFIXES:
        if title.startswith(prefix):
            title = title[len(prefix):]
            break
    if h1s and not title.startswith(h1s[0].get_text(" ", strip=True)):
        problems.append(f"title {title!r} does not begin with the h1")
    if not soup.html or not soup.html.get("lang"):
        problems.append("html element has no lang")

    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    problems += [f"duplicate id {id_!r}" for id_, count in ids.items() if count > 1]

    for control in soup.find_all(["input", "select", "textarea"]):
        if control.name == "input" and control.get("type", "text") in LABELLED_BY_SELF:
            continue
        control_id = control.get("id")
        labelled = (
            (control_id and soup.find("label", attrs={"for": control_id}))
            or control.find_parent("label")
            or control.get("aria-label")
            or control.get("aria-labelledby")
        )
        if not labelled:
            problems.append(f"form control {control.get('name')!r} has no label")

    for described in soup.find_all(attrs={"aria-describedby": True}):
        for ref in described["aria-describedby"].split():
            if ref not in ids:
                problems.append(f"aria-describedby points to missing id {ref!r}")
    return problems


class CheckedClient(TestClient):
    """A test client that asserts page sanity on every HTML response."""

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        response = super().request(*args, **kwargs)
        if response.headers.get("content-type", "").startswith("text/html"):
            problems = page_problems(response.text)
            assert not problems, f"{response.request.url}: {problems}"
        return response
