"""Hostile input with Hypothesis (issue 19): every form the portal's pages
offer, posted as the person it belongs to, and the test provider's sign-in
form, with arbitrary values: control characters, long and empty text,
numbers and dates out of range, missing, repeated and unknown fields, broken
import files. Never a 5xx, and nothing typed comes back unescaped.

The forms are found as test_hostile_input's fuzz test finds routes, by
walking the app; here through the pages a client, a staff member and an
anonymous visitor see, following their links, so each form is posted with
the values its page gives and a few of them changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings, strategies as st
from starlette.routing import Match

from portal import clock
from portal.auth import sessions
from portal.db import transaction
from portal.easy_login import accounts, enrolment, instructor_help, kiosks
from portal.easy_login.routes import instructor_help as help_routes
from portal.web import kiosk as kiosk_device
from portal.forms import csrf
from portal.settings import LOA_SUBSTANTIAL
from tests.pages.test_hostile_input import AINO, LIISA, MARKUP, form_field_names, routes_of, with_ids
from tests.support import factories
from tests.support.relying_party import Login, hidden_fields

# The crawl finds the forms of today's day list and "En pääse tänään" only on a day with activity.
pytestmark = pytest.mark.usefixtures("activity_day")

EXAMPLES = 400
TIMO = "090965-9970"  # a unit manager at Tupa, where Liisa is a client
NOT_CRAWLED = ("/logout", "/staff/logout", "/language/", "/login", "/staff/login", "/test-idp", "/print",
               ".csv", ".ics", "/export")
# Route patterns that have no form on any page: the provider's machine
# endpoints (posted by the fuzz test above) and back-channel logout.
NO_PAGE_FORM = {"/login/backchannel-logout", "/staff/login/backchannel-logout", "/test-idp/token",
                "/test-idp/userinfo", "/test-idp/logout",
                # Passkey options, asked for by static/passkey.js with its page form's fields.
                "/easy/phone/options", "/easy/enrol/passkey/options", "/settings/easy-login/passkeys/options"}


@dataclass
class PageForm:
    who: str  # "anonymous", "client" or "staff"
    action: str
    fields: list[tuple[str, str]]  # as the page would post it
    optional: list[tuple[str, str]] = field(default_factory=list)  # named buttons: sent or not
    files: list[str] = field(default_factory=list)


def page_forms(html: str, page: str, who: str) -> list[PageForm]:
    """The page's POST forms with the values a browser would send untouched."""
    found = []
    for form in soup_of(html).find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        fields, optional, files = [], [], []
        radios: dict[str, str] = {}
        for control in form.find_all(["input", "select", "textarea", "button"]):
            name = control.get("name")
            if not name:
                continue
            kind = control.get("type", "text") if control.name == "input" else control.name
            if kind == "file":
                files.append(name)
            elif kind in ("button", "submit"):
                optional.append((name, control.get("value", "")))
            elif kind in ("checkbox", "radio"):
                if control.has_attr("checked"):
                    fields.append((name, control.get("value", "on")))
                elif kind == "radio":
                    radios.setdefault(name, control.get("value", "on"))
            elif kind == "select":
                option = control.find("option", selected=True) or control.find("option")
                fields.append((name, option.get("value", option.get_text()) if option else ""))
            elif kind == "textarea":
                fields.append((name, control.get_text()))
            else:
                fields.append((name, control.get("value", "")))
        fields += [(name, value) for name, value in radios.items() if name not in dict(fields)]
        fields = [(name, value or plausible(name)) for name, value in fields]
        found.append(PageForm(who, form.get("action") or page, fields, optional, files))
    return found


def finnish(day) -> str:  # type: ignore[no-untyped-def]
    return f"{day.day}.{day.month}.{day.year:04d}"


def plausible(name: str) -> str:
    """A value that a person might type in an empty field of this name, so
    that a post gets past the fields the example leaves alone."""
    base = name.rsplit("-", 1)[-1]
    if base.endswith("_on") or base in ("valid_from", "valid_until"):
        return finnish(clock.today() + timedelta(days=7))
    return {"starts_at": "9.00", "ends_at": "11.00", "amount": "8,00", "hours": "6", "hours_per_day": "6",
            "days_per_week": "3", "full_day_hours": "4", "identity_code": "311299-999E", "given_name": "Testi",
            "family_name": "Ystävä", "contact_phone": "040 123 4567"}.get(base, "Testi")


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def route_pattern(app, url: str, method: str = "POST") -> str | None:  # type: ignore[no-untyped-def]
    path = urlsplit(url).path
    for pattern, route in routes_of(app):
        scope = {"type": "http", "path": path, "method": method, "root_path": ""}
        if route.matches(scope)[0] is Match.FULL:
            return pattern
    return None


class Portal:
    """The app, a client and a staff member with fresh sessions on demand, and
    every form their pages offer (found by following the pages' links)."""

    def __init__(self, app, client) -> None:  # type: ignore[no-untyped-def]
        self.app, self.client = app, client
        engine, vault = app.state.engine, app.state.vault
        self.people = {"client": factories.person_id(engine, vault, AINO),
                       "staff": factories.person_id(engine, vault, TIMO)}
        self.liisa = factories.person_id(engine, vault, LIISA)
        self.seed = csrf.new_seed()
        self.forms: dict[tuple[str, str], PageForm] = {}
        self.kiosk_cookie = ""
        self.help_cookie = ""

    def become(self, who: str) -> None:
        self.client.cookies.clear()
        self.client.cookies.set(csrf.COOKIE_NAME, self.seed)
        if self.kiosk_cookie and who != "client":  # a Tupa kiosk: its easy login and its staff's device page
            self.client.cookies.set(kiosk_device.COOKIE_NAME, self.kiosk_cookie)
            self.client.cookies.set(help_routes.COOKIE, self.help_cookie)  # Jari waits for an instructor
        if who != "anonymous":
            person = self.people[who]
            token = factories.start_session(self.app.state.engine, audience=who, person=person,
                                            acting_for=person if who == "client" else None)
            self.client.cookies.set(sessions.COOKIE_NAMES[who], token)

    @property
    def token(self) -> str:
        return csrf.token_for(self.app.state.settings.secret_key, self.seed)

    def setup(self) -> dict[str, list[str]]:
        """Data that brings out the forms that need something to act on."""
        engine = self.app.state.engine
        factories.add_absence(engine, person=self.people["client"])
        factories.aino_assessment(engine, self.liisa)  # a sent one for staff to review
        enrolment_code = self.easy_logins()
        factories.add_passkey(engine, person=self.people["client"])  # their remove buttons
        factories.add_passkey(engine, person=self.liisa)
        starts = {"client": ["/"], "staff": [f"/staff/clients/{self.liisa}", "/staff/outbox"],
                  "anonymous": ["/", self.notifications()]}
        self.become("anonymous")
        page = self.client.get("/easy/enrol")
        self.collect(page, "/easy/enrol", "anonymous")
        chooser = self.client.post("/easy/enrol", data={"csrf_token": self.token, "enrolment_code": enrolment_code})
        self.collect(chooser, "/easy/enrol", "anonymous")  # the number code's form: only after a valid code
        for who, page, path in (("client", "/assessment", "/assessment/start"),
                                ("client", "/settings/calendar", "/settings/calendar/make"),
                                ("staff", f"/staff/clients/{self.liisa}", f"/staff/clients/{self.liisa}/assessments/paper")):
            self.become(who)
            self.collect(self.client.get(page), page, who)  # the form before it is used
            answer = self.client.post(path, data={"csrf_token": self.token}, follow_redirects=False)
            location = answer.headers.get("location", "/")
            starts[who] += [location, re.sub(r"/questions/.*", "/check", location)]
        return starts

    def easy_logins(self) -> str:
        """Easy logins that bring out every form of theirs: Aino's own (ended
        by her), Liisa's locked (opened by staff), Jari's code at a Tupa kiosk
        (this browser, except as Aino), and an enrolment code for Mikko."""
        engine, vault = self.app.state.engine, self.app.state.vault
        jari, mikko = (factories.person_id(engine, vault, code) for code in ("071188-955W", "150375-990C"))
        with transaction(engine) as session:
            accounts.set_code(session, accounts.begin(session, person_id=self.people["client"], how="self",
                                                      by_person_id=self.people["client"]), "5830")
            liisa = accounts.current(session, self.liisa)
            liisa.locked_at = clock.now()  # type: ignore[union-attr]
            accounts.set_code(session, accounts.current(session, jari), "5830")  # type: ignore[arg-type]
            kiosk, secret = kiosks.mark(session, unit_id=factories.unit_id(engine, "Toimintakeskus Tupa"),
                                        name="Aula", staff_person_id=self.people["staff"])
            code = enrolment.give(session, person_id=mikko, staff_person_id=self.people["staff"],
                                  how=enrolment.How.DOCUMENT, guardian_consent=False)
            self.kiosk_cookie = kiosk_device.cookie_value(self.app.state.settings.secret_key, kiosk=kiosk, secret=secret)
            jari_login = accounts.current(session, jari)
            self.help_cookie = instructor_help.ask(session, kiosk=kiosk, login_id=jari_login.id,  # type: ignore[union-attr,arg-type]
                                                   meta={"request_id": "", "ip_address": ""}) or ""
        return code

    def notifications(self) -> str:
        """Aino's addresses waiting for their codes (the code forms), a parked
        notification (staff's retry button) and a stop link (its page's form)."""
        from sqlmodel import select as select_rows

        from portal.notifications import contacts, stop_links
        from portal.notifications.models import ContactPoint, Notification

        engine, secret = self.app.state.engine, self.app.state.settings.secret_key
        aino = self.people["client"]
        with transaction(engine) as session:
            for channel, address in (("email", "aino.uusi@example.fi"), ("sms", "+358401112222")):
                contacts.start(session, person_id=aino, channel=channel, address=address, language="fi",
                               now=clock.now(), secret=secret)
            assert len(session.exec(select_rows(ContactPoint).where(ContactPoint.person_id == aino)).all()) == 2
        row_id = factories.add_parked_notification(engine, person=aino)
        with transaction(engine) as session:
            row = session.get(Notification, row_id)
            return f"/stop/{stop_links.token_for(secret, row)}"  # type: ignore[arg-type]

    def collect(self, page, url: str, who: str) -> None:  # type: ignore[no-untyped-def]
        for form in page_forms(page.text, urlsplit(url).path, who):
            pattern = route_pattern(self.app, form.action)
            if pattern is not None:
                self.forms.setdefault((who, pattern), form)

    def crawl(self) -> None:
        starts = self.setup()
        for who in ("anonymous", "client", "staff"):
            self.become(who)
            valid_id = self.liisa if who == "staff" else self.people["client"]
            queue = list(starts[who])
            queue += [path for pattern, route in routes_of(self.app) if "GET" in (route.methods or {"GET"})
                      for path in with_ids(pattern, valid_id)[:1]]
            seen: set[str] = set()
            tried: set[str] = set()
            while queue:
                url = queue.pop(0)
                if not url.startswith("/") or any(part in url for part in NOT_CRAWLED):
                    continue
                key = route_pattern(self.app, url, method="GET") or url
                if key in seen or url in tried:  # one page of each route
                    continue
                tried.add(url)
                page = self.client.get(url, follow_redirects=False)
                if page.status_code != 200 or not page.headers.get("content-type", "").startswith("text/html"):
                    continue
                seen.add(key)
                self.collect(page, url, who)
                queue += [link["href"] for link in soup_of(page.text).find_all("a", href=True)]


VALUES = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=40),  # any character but a lone surrogate
    st.text(st.characters(max_codepoint=0x1F), max_size=10),  # control characters
    st.sampled_from(["", " ", "\x00", "a\x00b", "x" * 5000, "ä€😀" * 200, MARKUP, "0", "-1", "1.5", "1,5", "1e309",
                     "nan", "inf", "-0", str(2**31), str(2**63), "9" * 40, "2026-02-30", "0001-01-01",
                     "9999-12-31", "10000-01-01", "31.12.2026", "25:00", "24:00", "-1:00", "12.30", "on", "true",
                     "2026-13", "../../etc/passwd", "' OR 1=1 --", "%00"]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates().map(finnish),  # years 1 to 9999
    st.dates().map(str),
    st.times().map(lambda moment: f"{moment.hour}.{moment.minute:02d}"),
    st.decimals(allow_nan=True).map(lambda number: str(number).replace(".", ",")),
)
# The import's rows as a client-record system would send them (README, "Importing").
IMPORT_ROWS = {
    "memberships": {"source_id": "m1", "identity_code": LIISA, "unit": "Toimintakeskus Tupa", "group": "Keittiö",
                    "starts_on": "2026-11-01"},
    "attendance": {"source_id": "a1", "identity_code": LIISA, "date": "2026-12-01", "status": "part", "hours": "3.5"},
    "plans": {"source_id": "p1", "identity_code": LIISA, "unit": "Toimintakeskus Tupa", "starts_on": "2027-09-01",
              "ends_on": "2028-02-28", "days_per_week": 3, "hours_per_day": "5.0", "goals": [{"client_words": "Oppia"}]},
}
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | VALUES,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(VALUES, inner, max_size=3), max_leaves=8)


@st.composite
def import_files(draw) -> bytes:  # type: ignore[no-untyped-def]
    """A file of the import format with some of its values replaced by anything."""
    section = draw(st.sampled_from(sorted(IMPORT_ROWS)))
    row = dict(IMPORT_ROWS[section])
    for key in draw(st.lists(st.sampled_from([*row, "extra"]), max_size=3)):
        row[key] = draw(JSON)
    document = {"format": "oma-tyotoiminta/1", "source": draw(st.just("järjestelmä") | VALUES), section: [row]}
    return json.dumps(document).encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])), "surrogatepass")


IMPORT_FILES = st.one_of(import_files(), st.binary(max_size=300), VALUES.map(lambda text: text.encode("utf-8")),
                         st.integers(1, 3000).map(lambda depth: b"[" * depth + b"]" * depth))
EDITS = st.lists(st.tuples(st.sampled_from(["replace", "repeat", "drop", "add"]), st.integers(0, 60), VALUES),
                 max_size=5)


@pytest.fixture
def portal(idp_app, idp_client) -> Portal:  # type: ignore[no-untyped-def]
    portal = Portal(idp_app, idp_client)
    portal.crawl()
    return portal


def test_the_crawl_finds_a_form_for_every_post_route(portal) -> None:
    posted = {pattern for pattern, route in routes_of(portal.app) if "POST" in (route.methods or set())}
    found = {pattern for _who, pattern in portal.forms} | {"/test-idp/authorize"}  # fetched for each example
    assert posted - found - NO_PAGE_FORM == set()


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                            HealthCheck.data_too_large])
@given(data=st.data())
def test_arbitrary_values_in_every_form_never_give_a_server_error(portal, data) -> None:
    names = sorted(portal.forms)
    target = data.draw(st.sampled_from(["provider", *map("|".join, names)]), label="form")
    if target == "provider":
        portal.become("anonymous")
        page = portal.client.get("/test-idp/authorize", params=Login(portal.app.state.settings).params())
        form = PageForm("anonymous", "/test-idp/authorize", list(hidden_fields(page).items())
                        + [("person", AINO), ("level", LOA_SUBSTANTIAL)], [("cancel", "1")])
    else:
        form = portal.forms[tuple(target.split("|", 1))]  # type: ignore[index]
        portal.become(form.who)
    fields = list(form.fields)
    fields += [button for button in form.optional if data.draw(st.booleans(), label=button[0])]
    known = sorted({name for name, _ in fields} | set(form_field_names()))
    for edit, where, value in data.draw(EDITS, label="edits"):
        if edit == "add" or not fields:
            fields.append((known[where % len(known)], value))
            continue
        name = fields[where % len(fields)][0]
        if name.endswith("csrf_token") and data.draw(st.booleans(), label="keep csrf"):
            continue
        if edit == "replace":
            fields[where % len(fields)] = (name, value)
        elif edit == "repeat":
            fields.append((name, value))
        else:
            del fields[where % len(fields)]
    files = {name: ("upload.json", data.draw(IMPORT_FILES, label=name)) for name in form.files}
    try:
        if files:
            grouped: dict[str, list[str]] = {}
            for name, value in fields:
                grouped.setdefault(name, []).append(value)
            response = portal.client.post(form.action, data=grouped, files=files, follow_redirects=False)
        else:
            response = portal.client.post(form.action, content=urlencode(fields), follow_redirects=False,
                                          headers={"content-type": "application/x-www-form-urlencoded"})
    except UnicodeEncodeError:
        return
    assert response.status_code < 500, (form.who, form.action, fields, response.status_code)
    if response.headers.get("content-type", "").startswith("text/html"):
        assert MARKUP not in response.text, (form.action, fields)
