"""The menu of a logged-in person: one list of entries per audience.

A feature adds its page to the menu here, with one line. An entry names a
route and a label; whether a person sees it follows from the action that the
route itself declares (portal.web.guard), asked of portal.auth.permissions.
So the menu never offers a page that would answer 403.

The same holds for the level of login (portal.auth.levels): an easy login's
menu holds only the pages that open at `easy`. We chose not to show the other
pages with a step-up page behind them: for a person with an intellectual
disability, a link that leads to "you cannot see this" is a dead end and a
disappointment, and a short menu is easier to read. The start page says once,
in plain words, how to see more (log in with bank credentials).

The client menu is kept short (docs/plain-language.md: "a simple menu with
few items"). Pages used less often are an entry's sub-pages: the entry's own
page links to them, and while one is open the entry is marked as the current
section. A sub-page whose parent the person may not open takes the parent's
place in their menu, so nothing they may open is more than two clicks away.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from portal.auth.levels import Level, opens
from portal.auth.permissions import Action, Actor, Subject, can
from portal.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class MenuEntry:
    route_name: str
    label: Any  # a lazily translated text
    hint: Any = None  # one plain sentence beside a sub-page's link
    sub_pages: tuple[MenuEntry, ...] = ()


# Clients and the family members who act for them (a delegate sees only what
# the footing of their mandate allows).
CLIENT_MENU: tuple[MenuEntry, ...] = (
    MenuEntry("client_home", _l("Oma sivu")),
    MenuEntry("client_week", _l("Viikkoni"), sub_pages=(
        MenuEntry("client_calendar", _l("Kalenteri puhelimeen"),
                  _l("Voit nähdä viikkosi puhelimen kalenterissa.")),
    )),
    MenuEntry("client_plan", _l("Suunnitelmani")),
    MenuEntry("assessment_intro", _l("Oma arvio")),
    MenuEntry("client_money", _l("Rahani")),
    # Messages with the centre and feedback on it: both are telling the centre something;
    # messages are the everyday one, feedback is given now and then.
    MenuEntry("client_messages", _l("Viestit"), sub_pages=(
        MenuEntry("client_feedback", _l("Anna palautetta"),
                  _l("Voit kertoa, mitä mieltä olet toiminnasta.")),
    )),
    MenuEntry("client_my_data", _l("Omat tietoni"), sub_pages=(
        MenuEntry("client_access_log", _l("Kuka on katsonut tietojani"),
                  _l("Näet, kuka on katsonut tai muuttanut tietojasi.")),
        MenuEntry("client_mandates", _l("Kuka saa hoitaa asioitani"),
                  _l("Voit antaa läheiselle luvan hoitaa asioitasi.")),
        MenuEntry("client_easy_login", _l("Helppo kirjautuminen"),
                  _l("Voit kirjautua kioskilla numerokoodilla tai omalla puhelimella.")),
        MenuEntry("client_notifications", _l("Muistutukset"),
                  _l("Saat muistutuksia sähköpostina tai tekstiviestinä.")),
    )),
)

STAFF_MENU: tuple[MenuEntry, ...] = (
    MenuEntry("staff_home", _l("Asiakkaat")),
    MenuEntry("staff_messages", _l("Viestit")),
    MenuEntry("staff_groups", _l("Ryhmät")),
    MenuEntry("staff_assessment_queue", _l("Arviot")),
    MenuEntry("staff_money_report", _l("Rahat")),
    MenuEntry("staff_feedback", _l("Palautteet")),
    MenuEntry("staff_followup", _l("Seuranta")),
    MenuEntry("staff_accessibility_queue", _l("Saavutettavuus\u00adpalaute")),
    MenuEntry("staff_device", _l("Yhteis\u00adkäyttöinen laite")),
    MenuEntry("staff_kiosk_help", _l("Kioskin pyynnöt")),
)

MENUS = {"client": CLIENT_MENU, "staff": STAFF_MENU}


@dataclass(frozen=True)
class MenuLink:
    href: str
    label: str
    current: bool  # this page: aria-current="page"
    current_section: bool = False  # one of its sub-pages is open: aria-current="true"
    hint: str = ""


def visible_entries(
    actor: Actor, entries: Sequence[MenuEntry], action_of: Callable[[str], Action | None],
    level_of: Callable[[str], Level | None] = lambda _name: Level.STRONG,
) -> list[MenuEntry]:
    """The entries this actor may open (a pure function, like the permissions).
    `level_of` gives the level of login each route needs: strong unless told."""
    # A client's pages are about whoever's matters they handle; the staff
    # menu holds only pages that are not about one client.
    subject = Subject(actor.subject_person_id) if actor.subject_person_id is not None else None
    visible = []
    for entry in entries:
        action, level = action_of(entry.route_name), level_of(entry.route_name)
        if action is not None and level is not None and can(actor, action, subject) and opens(actor.level, level):
            visible.append(entry)
    return visible


def menu_entries(
    actor: Actor, entries: Sequence[MenuEntry], action_of: Callable[[str], Action | None],
    level_of: Callable[[str], Level | None] = lambda _name: Level.STRONG,
) -> list[MenuEntry]:
    """The actor's menu: the entries they may open, and in place of an entry
    they may not open, those of its sub-pages they may."""
    shown = []
    for entry in entries:
        if visible_entries(actor, [entry], action_of, level_of):
            shown.append(entry)
        else:
            shown.extend(visible_entries(actor, entry.sub_pages, action_of, level_of))
    return shown


class _Routes:
    """What the menu needs to know of the app's routes, read once per app
    (the routes do not change while it runs; a lookup walks every route)."""

    def __init__(self, routes: Sequence[Any], path_of: Callable[[str], Any]) -> None:
        endpoints = {getattr(route, "name", None): getattr(route, "endpoint", None) for route in routes}
        self.actions = {name: getattr(getattr(endpoint, "access", None), "action", None)
                        for name, endpoint in endpoints.items()}
        self.levels = {name: getattr(getattr(endpoint, "access", None), "level", None)
                       for name, endpoint in endpoints.items()}
        self._path_of = path_of
        self._paths: dict[str, str] = {}

    def action_of(self, route_name: str) -> Action | None:
        return self.actions.get(route_name)

    def level_of(self, route_name: str) -> Level | None:
        return self.levels.get(route_name)

    def path(self, route_name: str) -> str:
        if route_name not in self._paths:
            self._paths[route_name] = str(self._path_of(route_name))
        return self._paths[route_name]


def _routes(request: Request) -> _Routes:
    state = request.app.state
    known = getattr(state, "menu_routes", None)
    if known is None:
        known = state.menu_routes = _Routes(request.app.routes, request.app.url_path_for)
    return known


def menu_for(request: Request, actor: Actor) -> list[MenuLink]:
    routes = _routes(request)
    entries = menu_entries(actor, MENUS.get(actor.audience, ()), routes.action_of, routes.level_of)
    here = request.url.path
    links = []
    for entry in entries:
        href = routes.path(entry.route_name)
        in_section = any(routes.path(sub.route_name) == here for sub in entry.sub_pages)
        links.append(MenuLink(href, str(entry.label), current=here == href, current_section=in_section))
    return links


def sub_page_links(request: Request, actor: Actor, route_name: str) -> list[MenuLink]:
    """Links from an entry's page to those of its sub-pages the actor may open."""
    routes = _routes(request)
    entry = next(entry for entry in MENUS.get(actor.audience, ()) if entry.route_name == route_name)
    return [MenuLink(routes.path(sub.route_name), str(sub.label), current=False, hint=str(sub.hint or ""))
            for sub in visible_entries(actor, entry.sub_pages, routes.action_of, routes.level_of)]
