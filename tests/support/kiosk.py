"""The kiosk in HTTP tests: demo people, staff marking a browser as their
unit's kiosk, logging in and out, enrolling a client, typing a code."""

from __future__ import annotations

from sqlmodel import Session, select

from portal.easy_login.models import EasyLogin
from tests.support import factories
from tests.support.helpers import csrf_token, soup
from tests.support.login_flow import login

LIISA, JARI, AINO = "230495-936S", "071188-955W", "010280-952L"
MARIA_TUPA, SANNA_VERSTAS = "180679-9737", "300883-9617"


def staff_login(client, code: str) -> None:  # type: ignore[no-untyped-def]
    assert login(client, code, audience="staff").status_code == 303


def logout(client, audience: str = "staff") -> None:  # type: ignore[no-untyped-def]
    page = client.get("/staff" if audience == "staff" else "/home")
    client.post("/staff/logout" if audience == "staff" else "/logout", data={"csrf_token": csrf_token(page)})


def mark_kiosk(client, staff: str = MARIA_TUPA, name: str = "Aulan tabletti") -> None:  # type: ignore[no-untyped-def]
    """Staff mark this browser as a kiosk of their unit, then log out."""
    staff_login(client, staff)
    page = client.get("/staff/device")
    unit = soup(page).find("select", attrs={"name": "unit"}).find("option")["value"]
    response = client.post("/staff/device", data={"csrf_token": csrf_token(page), "name": name, "unit": unit},
                           follow_redirects=False)
    assert response.status_code == 303
    logout(client)


def login_id(engine, identity_code: str, vault) -> int:  # type: ignore[no-untyped-def]
    person = factories.person_id(engine, vault, identity_code)
    with Session(engine) as session:
        return session.exec(select(EasyLogin.id).where(EasyLogin.person_id == person)).one()  # type: ignore[return-value]


def type_code(client, entry: int, code: str):  # type: ignore[no-untyped-def]
    page = client.get("/easy/enrol")  # any page: this browser's form token
    return client.post(f"/kiosk/{entry}", data={"csrf_token": csrf_token(page), "code": code}, follow_redirects=False)


def enrol(client, person: int, **extra) -> str:  # type: ignore[no-untyped-def]
    """Staff give an enrolment code; return it as shown (digits only)."""
    page = client.get(f"/staff/clients/{person}/easy-login")
    response = client.post(f"/staff/clients/{person}/easy-login/enrol",
                           data={"csrf_token": csrf_token(page), "how": "document", "client_present": "y", **extra})
    assert response.status_code == 200, response.text[:500]
    assert response.headers["cache-control"] == "no-store"
    return soup(response).select_one(".enrolment-code").get_text().replace(" ", "")
