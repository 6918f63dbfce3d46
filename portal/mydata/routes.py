""""Omat tietoni": a printable page and a JSON download of everything the
portal stores about the client. Both are in the access log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from portal import db, i18n, mydata
from portal.auth.permissions import Action
from portal.auth.sessions import now_utc
from portal.plans.forms import ENDING_NAMES, NEXT_STEP_NAMES, STATUS_NAMES
from portal.i18n import lazy_gettext as _l
from portal.messages.forms import TOPIC_NAMES
from portal.notifications import texts
from portal.web import labels, navigation
from portal.assessment.routes.labels import OCCASION_NAMES
from portal.web.guard import Viewer, client_route, request_meta
from portal.web.templating import render
from portal.web.client_log import log_for_client

# The page's names for the JSON keys (the JSON itself keeps the keys).
FIELD_NAMES = {
    "given_name": _l("Etunimi"), "family_name": _l("Sukunimi"), "unit": _l("Toimintakeskus"),
    "service": _l("Palvelu"), "starts_on": _l("Alkaa"), "ends_on": _l("Päättyy"), "outcome": _l("Päättyminen"),
    "ended_on": _l("Päättymispäivä"), "ending": _l("Miten jakso päättyi?"), "next_step": _l("Seuraava askel"),
    "note": _l("Tarkennus"), "days_per_week": _l("Päiviä viikossa"), "hours_per_day": _l("Tunteja päivässä"),
    "next_review_on": _l("Seuraava arviointi"), "network_meeting_on": _l("Verkostotapaaminen"),
    "contact_phone": _l("Yhteyshenkilön puhelinnumero"), "created_at": _l("Tehty"), "replaced_at": _l("Korvattu"),
    "goals": _l("Tavoitteet"), "client_words": _l("Tavoite asiakkaan sanoin"),
    "staff_words": _l("Tavoite työntekijän sanoin"), "status": _l("Tilanne"),
    "follow_up": _l("Seurannan muistiinpanot"), "thoughts": _l("Omat ajatukset"), "written_at": _l("Kirjoitettu"),
    "text": _l("Teksti"), "group": _l("Ryhmä"), "reason": _l("Syy"), "message": _l("Viesti"),
    "cancelled_at": _l("Peruttu"), "direction": _l("Kuka antoi"), "other_person": _l("Toinen henkilö"),
    "scope": _l("Laajuus"), "basis": _l("Peruste"), "valid_from": _l("Voimassa alkaen"),
    "valid_until": _l("Voimassa asti"), "revoked_at": _l("Peruttu"), "given_on": _l("Päivä"),
    "mood": _l("Kasvo (1–5)"), "about": _l("Mistä"), "answer": _l("Vastaus"), "answered_at": _l("Vastattu"),
    "occurred_at": _l("Aika"), "who": _l("Kuka"), "role": _l("Rooli"), "action": _l("Mitä teki"),
    "what": _l("Mitä tietoa"), "month": _l("Kuukausi"), "days": _l("Päivät"), "date": _l("Päivä"),
    "kind": _l("Mikä raha"), "amount": _l("Summa"), "corrections": _l("Korjaukset aiempiin kuukausiin"),
    "total": _l("Yhteensä"),
    # Assessments and their answers.
    "content": _l("Lomake"), "version": _l("Lomakkeen versio"), "occasion": _l("Milloin"),
    "started_at": _l("Aloitettu"), "sent_at": _l("Lähetetty"), "reviewed_at": _l("Käsitelty"),
    "staff_comment": _l("Työntekijän kommentti"), "answers": _l("Vastaukset"), "question": _l("Kysymys"),
    "value": _l("Vastaus"), "skipped": _l("En halua vastata"), "entered_as": _l("Kuka vastasi"),
    "updated_at": _l("Muutettu"), "requested_at": _l("Pyydetty"), "due_on": _l("Viimeinen päivä"),
    "started": _l("Arvion täyttö on alkanut"),
    # The easy login.
    "how": _l("Miten ohjaaja varmisti henkilöllisyyden"), "guardian_consent": _l("Edunvalvojan suostumus"),
    "has_code": _l("Numerokoodi"), "code_set_at": _l("Koodi valittu"), "locked": _l("Koodi lukittu"),
    "on_kiosk_list": _l("Kioskin listalla"), "symbol": _l("Kuva"), "instructor_helps": _l("Ohjaaja saa auttaa"),
    "last_used_at": _l("Käytetty viimeksi"), "ended_at": _l("Lopetettu"), "passkeys": _l("Avaimet puhelimessa"),
    "label": _l("Nimi"), "removed_at": _l("Poistettu"), "enrolment_codes": _l("Käyttöönottokoodit"),
    "used_at": _l("Käytetty"), "instructor_confirmations": _l("Ohjaajan vahvistukset kioskilla"),
    "asked_at": _l("Pyydetty"),
    # Messages and bulletins.
    "topic": _l("Aihe"), "thread_status": _l("Tila"), "sensitive": _l("Luottamuksellinen"),
    "read_at": _l("Luit viimeksi"), "messages": _l("Viestit"), "on_behalf_of": _l("Kenen puolesta"),
    "from_staff": _l("Työntekijän viesti"), "title": _l("Otsikko"), "shown_from": _l("Näkyy alkaen"),
    "expires_on": _l("Näkyy asti"),
    # Marked days, their corrections and the benefit.
    "present": _l("Paikalla"), "hours": _l("Tunnit"), "absence_reason": _l("Poissaolon syy"),
    "was_present": _l("Paikalla ennen korjausta"), "was_hours": _l("Tunnit ennen korjausta"),
    "was_absence_reason": _l("Poissaolon syy ennen korjausta"), "why": _l("Korjauksen syy"),
    "recorded_at": _l("Merkitty"), "benefit": _l("Etuus"),
    # Logins, the calendar address and kept forms.
    "logged_in_at": _l("Kirjauduit sisään"), "audience": _l("Mille sivuille"),
    "kiosk": _l("Yhteis\u00adkäyttöinen laite"), "acting_for": _l("Kenen asioita hoidit"),
    "last_seen_at": _l("Viimeksi käytössä"), "ended_at": _l("Päättyi"), "page": _l("Sivu"),
    "saved_at": _l("Tallennettu"),
    # Reminders and notifications.
    "addresses": _l("Osoitteet"), "channel": _l("Miten"), "address": _l("Osoite"),
    "confirmed_at": _l("Vahvistettu"), "waiting_address": _l("Vahvistamaton osoite"), "language": _l("Kieli"),
    "choices": _l("Valinnat"), "category": _l("Mistä"), "enabled": _l("Käytössä"),
    "notifications": _l("Viestit"), "state": _l("Tilanne"),
}
MONEY_KEYS = frozenset({"amount", "total"})


MANDATE_DIRECTIONS = {"given": _l("Sinä annoit luvan"), "received": _l("Sinä sait luvan")}
MANDATE_SCOPES = {"view": _l("Saa katsoa tietoja"), "act": _l("Saa katsoa tietoja ja hoitaa asioita")}
MANDATE_BASES = {"client_granted": _l("Annettu tässä palvelussa"), "guardianship": _l("Edunvalvonta"),
                 "suomifi": _l("Suomi.fi-valtuus")}

THREAD_STATUS_NAMES = {"open": _l("Avoin"), "done": _l("Valmis")}
ASSESSMENT_STATUS_NAMES = {"draft": _l("Kesken"), "sent": _l("Lähetetty"), "reviewed": _l("Käsitelty")}
YES_NO = {True: _l("Kyllä"), False: _l("Ei")}
AUDIENCE_NAMES = {"client": _l("Asiakkaan sivut"), "staff": _l("Työntekijän sivut")}
# "status" is both a goal's and an assessment's: their codes differ, so one table names both.
assert not set(STATUS_NAMES) & set(ASSESSMENT_STATUS_NAMES)

# Codes shown in words on the page (the JSON keeps the codes).
CODE_NAMES: dict[str, dict[str, Any]] = {
    "direction": MANDATE_DIRECTIONS, "scope": MANDATE_SCOPES, "basis": MANDATE_BASES,
    "service": labels.SERVICE_NAMES, "status": {**STATUS_NAMES, **ASSESSMENT_STATUS_NAMES},
    "reason": labels.ABSENCE_REASONS, "absence_reason": labels.ABSENCE_REASONS,
    "was_absence_reason": labels.ABSENCE_REASONS, "ending": ENDING_NAMES, "next_step": NEXT_STEP_NAMES,
    "role": labels.ROLE_NAMES, "entered_as": labels.ROLE_NAMES, "action": labels.ACTION_NAMES,
    "what": labels.OBJECT_NAMES, "kind": labels.MONEY_KINDS, "benefit": labels.BENEFITS,
    "occasion": OCCASION_NAMES, "audience": AUDIENCE_NAMES, "topic": TOPIC_NAMES, "thread_status": THREAD_STATUS_NAMES,
    "channel": {"email": _l("Sähköposti"), "sms": _l("Tekstiviesti")}, "category": texts.NAMES,
    "state": {"queued": _l("Odottaa"), "sending": _l("Lähtee"), "sent": _l("Lähetetty"),
              "parked": _l("Pysäytetty"), "cancelled": _l("Peruttu")},
    "language": i18n.LANGUAGE_NAMES,
}

# The pages whose forms can be kept over a timeout (a kept form's "page"), by route name.
FORM_PAGES = {
    "client_absence": _l("Ilmoita poissaolo"), "client_absence_today": _l("Ilmoita poissaolo"),
    "client_cancel_absence": _l("Viikkoni"), "assessment_start": _l("Oma arvio"),
    "assessment_question": _l("Oma arvio"), "assessment_send": _l("Oma arvio"),
    "client_goal_thought": _l("Suunnitelmani"), "client_feedback": _l("Anna palautetta"),
    "client_mandates": _l("Kuka saa hoitaa asioitani"), "client_revoke_mandate": _l("Kuka saa hoitaa asioitani"),
    "client_calendar_make": _l("Kalenteri puhelimeen"), "client_calendar_revoke": _l("Kalenteri puhelimeen"),
    "client_message_new": _l("Uusi viesti"), "client_message_reply": _l("Viestit"),
}


def page_name(path: str, routes: Sequence[BaseRoute]) -> str:
    """A kept form's page by its name; the address itself for a page without one (e.g. staff pages)."""
    for route in routes:
        if isinstance(route, Route) and route.path_regex.match(path):
            return str(FORM_PAGES[route.name]) if route.name in FORM_PAGES else path
    return path


def shown(value: Any, key: str = "", *, routes: Sequence[BaseRoute] = ()) -> str:
    """A stored value in words: codes by name, dates and times in the reader's language."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(YES_NO[value])
    if key in CODE_NAMES and isinstance(value, str) and value in CODE_NAMES[key]:
        return str(CODE_NAMES[key][value])
    if key == "page" and isinstance(value, str):
        return page_name(value, routes)
    if isinstance(value, str):
        try:
            if key in MONEY_KEYS:
                return i18n.format_money(Decimal(value))
            if key == "month" and len(value) == 7:
                return i18n.format_month(date.fromisoformat(f"{value}-01"))
            if len(value) == 10:
                return i18n.format_full_date(date.fromisoformat(value))
            if len(value) > 18 and value[10] == "T":
                return i18n.format_timestamp(datetime.fromisoformat(value))
        except (ValueError, InvalidOperation):
            pass
    return str(value)


def _copy(session: Session, *, viewer: Viewer, meta: dict[str, str], download: bool) -> dict[str, Any]:
    assert viewer.subject is not None and viewer.subject.id is not None
    copy = mydata.collect(session, person_id=viewer.subject.id, own=viewer.actor.footing == "own", now=now_utc())
    log_for_client(session, viewer, meta, action="print" if download else "read", object_type="my_data")
    return copy


@client_route(Action.VIEW_MY_DATA, long=True)
async def my_data(request: Request) -> Response:
    copy = await db.run(request, _copy, viewer=request.state.viewer, meta=request_meta(request), download=False)
    return render(request, "mydata/client.html",
                  {"copy": copy, "titles": mydata.titles(), "intros": mydata.intros(), "field_names": FIELD_NAMES,
                   "shown": partial(shown, routes=request.app.routes),
                   "sub_pages": navigation.sub_page_links(request, request.state.viewer.actor, "client_my_data")})


@client_route(Action.VIEW_MY_DATA, long=True)
async def my_data_json(request: Request) -> Response:
    copy = await db.run(request, _copy, viewer=request.state.viewer, meta=request_meta(request), download=True)
    body = json.dumps(copy, ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": 'attachment; filename="omat-tietoni.json"', "Cache-Control": "no-store"})


routes = [
    Route("/my-data", my_data, name="client_my_data"),
    Route("/my-data.json", my_data_json, name="client_my_data_json"),
]
