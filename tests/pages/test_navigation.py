"""The person's way through the pages: the menu, the logged-in header on
public pages, staff's own client line, forms only for those who may send
them, and a front page that promises only what works (issue 6, items 13–20)."""

from __future__ import annotations

import pytest

from portal.auth.permissions import Action, Actor
from portal.models import MandateScope
from portal.web import navigation
from tests.support import factories
from tests.support.helpers import soup
from tests.support.login_flow import login
from tests.support.signed_in import as_client

AINO, HELENA, SANNA, MARIA, LIISA = "010280-952L", "120556-942L", "300883-9617", "180679-9737", "230495-936S"


def menu(page) -> list[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    """(href, label, aria-current) of each menu link."""
    nav = soup(page).find("nav", class_="menu")
    if nav is None:
        return []
    return [(a["href"], a.get_text(strip=True), a.get("aria-current")) for a in nav.find_all("a")]


def act_for_aino(client) -> None:  # type: ignore[no-untyped-def]
    login(client, HELENA)
    form = soup(client.get("/choose")).find("button", string="Aino Virtanen").find_parent("form")
    client.post("/choose", data={field["name"]: field["value"] for field in form.find_all("input")})


def test_every_menu_entry_names_a_guarded_route(app) -> None:
    endpoints = {route.name: route.endpoint for route in app.routes if hasattr(route, "endpoint")}
    for audience, entries in navigation.MENUS.items():
        for entry in [*entries, *(sub for entry in entries for sub in entry.sub_pages)]:
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


def test_a_sub_page_takes_the_place_of_a_parent_the_actor_may_not_open() -> None:
    actions = {"home": Action.VIEW, "data": Action.VIEW_MY_DATA, "log": Action.VIEW, "secret": Action.MANAGE_MANDATES,
               "last": Action.VIEW}
    sub_pages = (navigation.MenuEntry("log", "log"), navigation.MenuEntry("secret", "secret"))
    entries = [navigation.MenuEntry("home", "home"), navigation.MenuEntry("data", "data", sub_pages=sub_pages),
               navigation.MenuEntry("last", "last")]
    names = lambda footing: [  # noqa: E731
        e.route_name for e in navigation.menu_entries(
            Actor(person_id=2, audience="client", subject_person_id=1, footing=footing), entries, actions.get)]
    assert names("own") == ["home", "data", "last"]  # the sub-pages are linked from "data"
    assert names("act") == ["home", "data", "last"]
    assert names("view") == ["home", "log", "last"]  # "data" refuses a viewer: "log" stays in the menu


CLIENT_MENU = [
    ("/home", "Oma sivu"),
    ("/week", "Viikkoni"),
    ("/plan", "Suunnitelmani"),
    ("/assessment", "Oma arvio"),
    ("/money", "Rahani"),
    ("/messages", "Viestit"),
    ("/my-data", "Omat tietoni"),
]


def test_client_menu_has_seven_entries_and_marks_the_current_page(idp_client) -> None:
    login(idp_client, AINO)
    page = idp_client.get("/my-data")
    assert menu(page) == [(href, label, "page" if href == "/my-data" else None) for href, label in CLIENT_MENU]
    assert soup(page).find("nav", class_="menu")["aria-label"] == "Valikko"
    assert soup(page).find("nav", class_="menu").find("summary").get_text(strip=True) == "Valikko"


def test_staff_menu_is_their_own(idp_client) -> None:
    login(idp_client, SANNA, audience="staff")
    assert menu(idp_client.get("/staff/device")) == [
        ("/staff", "Asiakkaat", None),
        ("/staff/messages", "Viestit", None),
        ("/staff/groups", "Ryhmät", None),
        ("/staff/assessments", "Arviot", None),
        ("/staff/money", "Rahat", None),
        ("/staff/feedback", "Palautteet", None),
        ("/staff/followup", "Seuranta", None),
        ("/staff/accessibility-feedback", "Saavutettavuuspalaute", None),
        ("/staff/device", "Yhteiskäyttöinen laite", "page"),
        ("/staff/kiosk-requests", "Kioskin pyynnöt", None),
    ]


def test_a_delegate_sees_only_what_the_mandate_allows_and_no_empty_heading(idp_client) -> None:
    act_for_aino(idp_client)
    page = idp_client.get("/home")
    assert page.status_code == 200
    # The plan, the week and the self-assessment, money and feedback are open to a delegate; the access log, the
    # mandates and the calendar address are the client's own.
    assert menu(page) == [("/home", "Oma sivu", "page"), ("/week", "Viikkoni", None), ("/plan", "Suunnitelmani", None),
                          ("/assessment", "Oma arvio", None), ("/money", "Rahani", None),
                          ("/messages", "Viestit", None), ("/my-data", "Omat tietoni", None)]
    main = soup(page).find("main")
    assert all(ul.find("li") for ul in main.find_all("ul"))  # no empty list either
    for href, _label, _current in menu(page):
        assert idp_client.get(href).status_code == 200  # the menu leads nowhere that refuses


def test_own_start_page_links_to_the_other_menu_pages(idp_client) -> None:
    login(idp_client, AINO)
    main = soup(idp_client.get("/home")).find("main")
    heading = main.find("h2", string="Tietosi")
    assert [a["href"] for a in heading.find_next_sibling("ul").find_all("a")] == [
        "/week", "/plan", "/assessment", "/money", "/messages", "/my-data"
    ]


@pytest.mark.parametrize(("path", "section"), [
    ("/access-log", "/my-data"), ("/settings/mandates", "/my-data"), ("/settings/calendar", "/week"),
    ("/feedback", "/messages")])
def test_a_page_outside_the_menu_marks_its_section(idp_client, path, section) -> None:
    """The page itself is not in the menu: its parent entry says "you are in this part"."""
    login(idp_client, AINO)
    marked = [(href, current) for href, _label, current in menu(idp_client.get(path)) if current]
    assert marked == [(section, "true")]


@pytest.mark.parametrize(("path", "back"), [
    ("/access-log", ("/my-data", "Palaa sivulle Omat tietoni")),
    ("/settings/mandates", ("/my-data", "Palaa sivulle Omat tietoni")),
    ("/settings/calendar", ("/week", "Palaa sivulle Viikkoni")),
    ("/week", ("/home", "Palaa omalle sivulle")),
])
def test_a_page_ends_with_a_link_back_to_where_it_is_linked_from(idp_client, path, back) -> None:
    login(idp_client, AINO)
    last = soup(idp_client.get(path)).find("main").find_all("a")[-1]
    assert (last["href"], last.get_text(strip=True)) == back


# The client menu's ten entries before it was cut to seven: the last three are now linked from
# "Omat tietoni" and "Viikkoni".
OLD_CLIENT_MENU = ["/home", "/week", "/plan", "/assessment", "/money", "/feedback", "/my-data", "/access-log",
                   "/settings/mandates", "/settings/calendar"]
# Pages newer than the old menu: "Viestit" (in the menu since it was cut to
# seven; "Anna palautetta" is now its sub-page), and reminders (issue 22:
# open to every delegate, so in a "view" delegate's menu in place of
# "Omat tietoni").
NEWER_PAGES = {"/messages", "/settings/notifications"}
SUB_PAGES = ["/access-log", "/settings/mandates", "/settings/calendar"]


@pytest.fixture
def footings(app, engine, demo_data):  # type: ignore[no-untyped-def]
    """Aino herself; Helena, who may act for her (the demo's mandate); Liisa, who may only view."""
    ids = {code: factories.person_id(engine, app.state.vault, code) for code in (AINO, HELENA, LIISA)}
    factories.add_mandate(engine, principal=ids[AINO], agent=ids[LIISA], scope=MandateScope.VIEW)
    return {"own": (ids[AINO], None), "act": (ids[HELENA], ids[AINO]), "view": (ids[LIISA], ids[AINO])}


def links_to_sub_pages(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [a["href"] for a in soup(page).find("main").find_all("a", href=True) if a["href"] in SUB_PAGES]


@pytest.mark.parametrize(("footing", "on_my_data", "on_week"), [
    ("own", ["/access-log", "/settings/mandates"], ["/settings/calendar"]),
    ("act", [], []),
    ("view", None, []),  # None: "Omat tietoni" itself refuses a delegate who may only view
])
def test_links_to_sub_pages_appear_exactly_for_those_who_may_open_them(  # type: ignore[no-untyped-def]
        client, engine, footings, footing, on_my_data, on_week) -> None:
    as_client(client, engine, *footings[footing])
    my_data = client.get("/my-data")
    if on_my_data is None:
        assert my_data.status_code == 403
    else:
        assert my_data.status_code == 200 and links_to_sub_pages(my_data) == on_my_data
    assert links_to_sub_pages(client.get("/week")) == on_week
    linked = (on_my_data or []) + on_week
    assert {href: client.get(href).status_code for href in SUB_PAGES} == {
        href: 200 if href in linked else 403 for href in SUB_PAGES}


@pytest.mark.parametrize(("footing", "may_open"), [("own", 10), ("act", 7), ("view", 5)])
def test_every_page_the_old_menu_offered_is_at_most_two_clicks_away(  # type: ignore[no-untyped-def]
        client, engine, footings, footing, may_open) -> None:
    as_client(client, engine, *footings[footing])
    opens = {path for path in OLD_CLIENT_MENU if client.get(path).status_code == 200}
    assert len(opens) == may_open
    first_click = {href for href, _label, _current in menu(client.get("/home"))}
    second_click = {a["href"] for href in first_click for a in soup(client.get(href)).find("main").find_all("a", href=True)}
    assert opens - first_click - second_click == set()
    assert first_click <= opens | NEWER_PAGES  # and the menu offers nothing that refuses
    assert all(client.get(href).status_code == 200 for href in first_click & NEWER_PAGES)


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
