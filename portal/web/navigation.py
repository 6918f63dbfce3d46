"""The menu of a logged-in person: one list of entries per audience.

A feature adds its page to the menu here, with one line. An entry names a
route and a label; whether a person sees it follows from the action that the
route itself declares (portal.web.guard), asked of portal.auth.permissions.
So the menu never offers a page that would answer 403.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from portal.auth.permissions import Action, Actor, Subject, can
from portal.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class MenuEntry:
    route_name: str
    label: Any  # a lazily translated text


# Clients and the family members who act for them (a delegate sees only what
# the footing of their mandate allows).
CLIENT_MENU: tuple[MenuEntry, ...] = (
    MenuEntry("client_home", _l("Oma sivu")),
    MenuEntry("client_week", _l("Viikkoni")),
    MenuEntry("client_plan", _l("Suunnitelmani")),
    MenuEntry("assessment_intro", _l("Oma arvio")),
    MenuEntry("client_money", _l("Rahani")),
    MenuEntry("client_feedback", _l("Anna palautetta")),
    MenuEntry("client_my_data", _l("Omat tietoni")),
    MenuEntry("client_access_log", _l("Kuka on katsonut tietojani")),
    MenuEntry("client_mandates", _l("Kuka saa hoitaa asioitani")),
    MenuEntry("client_calendar", _l("Kalenteri puhelimeen")),
)

STAFF_MENU: tuple[MenuEntry, ...] = (
    MenuEntry("staff_home", _l("Asiakkaat")),
    MenuEntry("staff_groups", _l("Ryhmät")),
    MenuEntry("staff_assessment_queue", _l("Arviot")),
    MenuEntry("staff_money_report", _l("Rahat")),
    MenuEntry("staff_feedback", _l("Palautteet")),
    MenuEntry("staff_followup", _l("Seuranta")),
    MenuEntry("staff_accessibility_queue", _l("Saavutettavuus\u00adpalaute")),
    MenuEntry("staff_device", _l("Yhteis\u00adkäyttöinen laite")),
)

MENUS = {"client": CLIENT_MENU, "staff": STAFF_MENU}


@dataclass(frozen=True)
class MenuLink:
    href: str
    label: str
    current: bool


def visible_entries(
    actor: Actor, entries: Sequence[MenuEntry], action_of: Callable[[str], Action | None]
) -> list[MenuEntry]:
    """The entries this actor may open (a pure function, like the permissions)."""
    # A client's pages are about whoever's matters they handle; the staff
    # menu holds only pages that are not about one client.
    subject = Subject(actor.subject_person_id) if actor.subject_person_id is not None else None
    visible = []
    for entry in entries:
        action = action_of(entry.route_name)
        if action is not None and can(actor, action, subject):
            visible.append(entry)
    return visible


def _route_action(request: Request) -> Callable[[str], Action | None]:
    endpoints = {getattr(route, "name", None): getattr(route, "endpoint", None) for route in request.app.routes}

    def action_of(route_name: str) -> Action | None:
        access = getattr(endpoints.get(route_name), "access", None)
        return getattr(access, "action", None)

    return action_of


def menu_for(request: Request, actor: Actor) -> list[MenuLink]:
    entries = visible_entries(actor, MENUS.get(actor.audience, ()), _route_action(request))
    links = []
    for entry in entries:
        href = request.app.url_path_for(entry.route_name)
        links.append(MenuLink(str(href), str(entry.label), current=request.url.path == href))
    return links
