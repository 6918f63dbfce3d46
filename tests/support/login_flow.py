"""Logging in through the bundled test identity provider, as a browser would."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup

from portal.demo import DEMO_PEOPLE
from portal.settings import LOA_SUBSTANTIAL


def provider_form(client, *, audience: str = "client", next_path: str | None = None):  # type: ignore[no-untyped-def]
    """Start a login; return (the provider's sign-in page, its form fields)."""
    start = client.get("/staff/login" if audience == "staff" else "/login",
                       params={"next": next_path} if next_path else None, follow_redirects=False)
    assert start.status_code == 303, start.text[:300]
    page = client.get(start.headers["location"])
    assert page.status_code == 200, page.text[:300]
    form = BeautifulSoup(page.text, "html.parser").find("main").find("form")
    fields = {field["name"]: field.get("value", "") for field in form.find_all("input", type="hidden")}
    return page, form.get("action"), fields


def authenticate(client, identity_code: str, *, level: str = LOA_SUBSTANTIAL, audience: str = "client",  # type: ignore[no-untyped-def]
                 next_path: str | None = None):
    """Sign in at the provider; return the redirect back to the portal (not yet followed)."""
    _page, action, fields = provider_form(client, audience=audience, next_path=next_path)
    demo_codes = {person.identity_code for person in DEMO_PEOPLE} | {"eidas"}  # eidas: no Finnish code
    who = {"person": identity_code} if identity_code in demo_codes else {"identity_code": identity_code}
    response = client.post(action, data={**fields, **who, "level": level}, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    return response


def login(client, identity_code: str, **kwargs):  # type: ignore[no-untyped-def]
    """The whole login; return the portal's answer to the callback (not followed)."""
    back = authenticate(client, identity_code, **kwargs)
    return client.get(back.headers["location"], follow_redirects=False)


def callback_query(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {key: values[0] for key, values in parse_qs(urlsplit(response.headers["location"]).query).items()}
