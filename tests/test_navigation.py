"""The person's way through the pages: the menu, the logged-in header on
public pages, staff's own client line, forms only for those who may send
them, and a front page that promises only what works (issue 6, items 13–20)."""

from __future__ import annotations

import pytest

from portal.auth.permissions import Action, Actor
from portal.web import navigation
from tests.helpers import soup
from tests.login_flow import login

AINO, HELENA, SANNA, MARIA = "010280-952L", "120556-942L", "300883-9617", "180679-9737"


def menu(page) -> list[tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    nav = soup(page).find("nav", class_="menu")
    if nav is None:
        return []
    return [(a["href"], a.get_text(strip=True), a.get("aria-current") == "page") for a in nav.find_all("a")]


def act_for_aino(client) -> None:  # type: ignore[no-untyped-def]
    login(client, HELENA)
    form = soup(client.get("/choose")).find("button", string="Aino Virtanen").find_parent("form")
    client.post("/choose", data={field["name"]: field["value"] for field in form.find_all("input")})


def test_every_menu_entry_names_a_guarded_route(app) -> None:
    endpoints = {route.name: route.endpoint for route in app.routes if hasattr(route, "endpoint")}
    for audience, entries in navigation.MENUS.items():
        for entry in entries:
            access = endpoints[entry.route_name].access
            assert access.audience == audience and access.action is not None, entry.route_name
            assert str(entry.label)


def test_the_menu_shows_only_what_the_actor_may_open() -> None:
    actions = {"own": Action.VIEW, "secret": Action.MANAGE_MANDATES, "nothing": None}
    entries = [navigation.MenuEntry(name, name) for name in actions]
    own = Actor(person_id=1, audience="client", subject_person_id=1, footing="own")
    delegate = Actor(person_id=2, audience="client", subject_person_id=1, footing="act")
    not_chosen = Actor(person_id=2, audience="client")
    names = lambda actor: [e.route_name for e in navigation.visible_entries(actor, entries, actions.get)]  # noqa: E731
    assert names(own) == ["own", "secret"]
    assert names(delegate) == ["own"]
    assert names(not_chosen) == []


def test_client_menu_marks_the_current_page(idp_client) -> None:
    login(idp_client, AINO)
    page = idp_client.get("/access-log")
    assert menu(page) == [
        ("/home", "Oma sivu", False),
        ("/week", "Viikkoni", False),
        ("/plan", "Suunnitelmani", False),
        ("/assessment", "Oma arvio", False),
        ("/money", "Rahani", False),
        ("/feedback", "Anna palautetta", False),
        ("/my-data", "Omat tietoni", False),
        ("/access-log", "Kuka on katsonut tietojani", True),
        ("/settings/mandates", "Kuka saa hoitaa asioitani", False),
        ("/settings/calendar", "Kalenteri puhelimeen", False),
    ]
    assert soup(page).find("nav", class_="menu")["aria-label"] == "Valikko"
    assert soup(page).find("nav", class_="menu").find("summary").get_text(strip=True) == "Valikko"


def test_staff_menu_is_their_own(idp_client) -> None:
    login(idp_client, SANNA, audience="staff")
    assert menu(idp_client.get("/staff/device")) == [
        ("/staff", "Asiakkaat", False),
        ("/staff/groups", "Ryhmät", False),
        ("/staff/assessments", "Arviot", False),
        ("/staff/money", "Rahat", False),
        ("/staff/feedback", "Palautteet", False),
        ("/staff/followup", "Seuranta", False),
        ("/staff/accessibility-feedback", "Saavutettavuuspalaute", False),
        ("/staff/device", "Yhteiskäyttöinen laite", True),
    ]


def test_a_delegate_sees_only_what_the_mandate_allows_and_no_empty_heading(idp_client) -> None:
    act_for_aino(idp_client)
    page = idp_client.get("/home")
    assert page.status_code == 200
    # The plan, the week and the self-assessment, money and feedback are open to a delegate; the access log, the
    # mandates and the calendar address are the client's own.
    assert menu(page) == [("/home", "Oma sivu", True), ("/week", "Viikkoni", False), ("/plan", "Suunnitelmani", False),
                          ("/assessment", "Oma arvio", False), ("/money", "Rahani", False),
                          ("/feedback", "Anna palautetta", False), ("/my-data", "Omat tietoni", False)]
    main = soup(page).find("main")
    assert all(ul.find("li") for ul in main.find_all("ul"))  # no empty list either
    for href, _label, _current in menu(page):
        assert idp_client.get(href).status_code == 200  # the menu leads nowhere that refuses


def test_own_start_page_links_to_the_other_menu_pages(idp_client) -> None:
    login(idp_client, AINO)
    main = soup(idp_client.get("/home")).find("main")
    heading = main.find("h2", string="Tietosi")
    assert [a["href"] for a in heading.find_next_sibling("ul").find_all("a")] == [
        "/week", "/plan", "/assessment", "/money", "/feedback", "/my-data", "/access-log", "/settings/mandates", "/settings/calendar"
    ]


@pytest.mark.parametrize("path", ["/", "/accessibility", "/contact", "/accessibility/feedback"])
def test_public_pages_keep_the_logged_in_header(idp_client, path) -> None:
    login(idp_client, AINO)
    page = soup(idp_client.get(path))
    header = page.find("header")
    assert "Olet kirjautunut: Aino Virtanen" in header.get_text(" ", strip=True)
    assert header.find("form", action="/logout").find("button")
    assert "Istunto päättyy kello" in header.get_text(" ", strip=True)
    assert header.find("nav", class_="menu").find("a", href="/home")


def test_front_page_offers_the_own_page_not_a_new_login(idp_client) -> None:
    assert soup(idp_client.get("/")).find("main").find("a", href="/login")
    login(idp_client, AINO)
    main = soup(idp_client.get("/")).find("main")
    assert main.find("a", href="/login") is None
    assert main.find("a", href="/home").get_text(strip=True) == "Siirry omalle sivulle"


def test_staff_keep_their_header_on_public_pages(idp_client) -> None:
    login(idp_client, SANNA, audience="staff")
    page = soup(idp_client.get("/accessibility"))
    assert page.find("header").find("form", action="/staff/logout")
    assert page.find("main").find("h1").get_text(strip=True) == "Saavutettavuusseloste"
    main = soup(idp_client.get("/")).find("main")
    assert main.find("a", href="/staff") and main.find("a", href="/login") is None


def test_a_delegate_keeps_the_banner_on_public_pages(idp_client) -> None:
    act_for_aino(idp_client)
    banner = soup(idp_client.get("/contact")).find(class_="acting-for")
    assert "Asioit henkilön Aino Virtanen puolesta." in banner.get_text(" ", strip=True)


def test_public_pages_without_a_live_session_have_no_header(idp_client) -> None:
    idp_client.cookies.set("portal_client_session", "not-a-session")
    page = soup(idp_client.get("/"))
    assert page.find(class_="account") is None and page.find("nav", class_="menu") is None
    assert page.find("main").find("a", href="/login")


def staff_client_page(client, who: str, client_name: str):  # type: ignore[no-untyped-def]
    login(client, who, audience="staff")
    href = soup(client.get("/staff")).find("a", string=client_name)["href"]
    return client.get(href)


def test_staff_see_their_own_client_line_not_the_family_banner(idp_client) -> None:
    page = soup(staff_client_page(idp_client, SANNA, "Aino Virtanen"))
    header = page.find("header")
    assert "Asiakas: Aino Virtanen" in header.get_text(" ", strip=True)
    assert "puolesta" not in header.get_text()
    assert header.find("a", href="/choose") is None  # it led staff to a 403


def test_an_instructor_gets_no_guardianship_form(idp_client) -> None:
    page = soup(staff_client_page(idp_client, SANNA, "Aino Virtanen"))  # Sanna: instructor
    assert page.find("form", action=lambda a: a and a.endswith("/guardianships")) is None
    assert "Kirjaa edunvalvoja" not in page.find("main").get_text()


def test_a_social_instructor_gets_the_guardianship_form(idp_client) -> None:
    page = soup(staff_client_page(idp_client, MARIA, "Liisa Mäkinen"))  # Maria: social instructor
    assert page.find("form", action=lambda a: a and a.endswith("/guardianships"))


# Pages that do not exist yet: the feature issues add their lines as they land.
NOT_YET = ["suunnitelma", "tavoit", "rahaa", "paikalle", "arvioida", "milloin olet toiminnassa"]


def test_front_page_promises_only_what_works(client) -> None:
    text = soup(client.get("/")).find("main").get_text(" ", strip=True).lower()
    assert [word for word in NOT_YET if word in text] == []
    assert "kuka on katsonut tietojasi" in text
