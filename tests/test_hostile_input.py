"""Hostile input: every POST route and every id route answers a 4xx (or its
normal answer), never a 5xx, and nothing typed comes back unescaped.

The fuzz test posts non-ASCII, NUL, markup, invalid UTF-8 and huge ids in the
CSRF token and every form field, as an anonymous browser, a client and a
staff member, and puts huge ids in every path that takes one.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlmodel import Session, select
from starlette.routing import Mount, Route
from wtforms.fields.core import UnboundField

from portal.auth import sessions
from portal.forms import PortalForm, csrf
from portal.models import AccessEvent, AccessibilityFeedback, LoginSession, Mandate, Person
from tests import factories
from tests.helpers import csrf_token, soup

AINO, LIISA, MARIA_TUPA = "010280-952L", "230495-936S", "180679-9737"
MARKUP = "<b>fuzz</b>"
HUGE_IDS = [str(2**63), "99999999999999999999999"]
PAYLOADS = ["ä€²😀", "a\x00b\x00", MARKUP + "\"'><", "²", *HUGE_IDS, " " * 3]
# Fields that are not in a PortalForm: the choose form, the kiosk switch, the
# test identity provider's OAuth endpoints.
OTHER_FIELDS = {"principal", "kiosk", "grant_type", "code", "redirect_uri", "client_id", "client_secret",
                "code_verifier", "state", "nonce", "id_token_hint", "post_logout_redirect_uri", "scope"}


def form_field_names() -> set[str]:
    names = set(OTHER_FIELDS)
    pending = list(PortalForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names |= {name for name, value in vars(form).items() if isinstance(value, UnboundField)}
    return names


def routes_of(app) -> list[tuple[str, Route]]:  # type: ignore[no-untyped-def]
    found = []
    for route in app.routes:
        if isinstance(route, Mount):
            found += [(route.path + inner.path, inner) for inner in route.routes if isinstance(inner, Route)]
        elif isinstance(route, Route):
            found.append((route.path, route))
    return found


def with_ids(path: str, valid_id: int) -> list[str]:
    if "{" not in path:
        return [path]
    return [re.sub(r"\{[a-z_]+:(?:id|int)\}", value, path) for value in [str(valid_id), *HUGE_IDS]]


@pytest.fixture
def identities(idp_app) -> dict[str, tuple[str, int] | None]:  # type: ignore[no-untyped-def]
    engine, vault = idp_app.state.engine, idp_app.state.vault
    aino, liisa = factories.person_id(engine, vault, AINO), factories.person_id(engine, vault, LIISA)
    maria = factories.person_id(engine, vault, MARIA_TUPA)
    return {"anonymous": None, "client": ("client", aino), "staff": ("staff", maria), "ids": (aino, liisa)}  # type: ignore[dict-item]


def test_fuzzed_posts_and_huge_ids_never_give_a_server_error(idp_app, idp_client, identities) -> None:
    engine = idp_app.state.engine
    fields = form_field_names()
    aino, liisa = identities.pop("ids")  # type: ignore[misc]
    statuses: Counter[int] = Counter()
    seed = csrf.new_seed()
    token = csrf.token_for(idp_app.state.settings.secret_key, seed)
    session_tokens: dict[str, str] = {}
    failures = []
    for who, login in identities.items():
        valid_id = liisa if who == "staff" else aino
        for pattern, route in routes_of(idp_app):
            methods = route.methods or {"GET"}
            for path in with_ids(pattern, valid_id):
                if "{" in pattern and "GET" in methods:
                    bodies: list[object] = [None]
                else:
                    bodies = []
                if "POST" in methods:
                    bodies += [("valid", payload) for payload in PAYLOADS] + [("token", payload) for payload in PAYLOADS]
                    bodies.append(b"csrf_token=\xff\xfe%ff&message=\xc3&principal=\xb2&identity_code=%00")
                for body in bodies:
                    idp_client.cookies.clear()
                    idp_client.cookies.set(csrf.COOKIE_NAME, seed)
                    if login is not None:
                        audience, person = login
                        if path.endswith("/logout") or audience not in session_tokens:  # a logout ends it
                            session_tokens[audience] = factories.start_session(
                                engine, audience=audience, person=person, acting_for=person if audience == "client" else None
                            )
                        idp_client.cookies.set(sessions.COOKIE_NAMES[audience], session_tokens[audience])
                    if body is None:
                        response = idp_client.get(path, follow_redirects=False)
                    elif isinstance(body, bytes):
                        response = idp_client.post(path, content=body, follow_redirects=False,
                                                   headers={"content-type": "application/x-www-form-urlencoded"})
                    else:
                        kind, payload = body  # type: ignore[misc]
                        data = {name: payload for name in fields}
                        data["csrf_token"] = token if kind == "valid" else payload
                        response = idp_client.post(path, data=data, follow_redirects=False)
                    statuses[response.status_code] += 1
                    html = response.headers.get("content-type", "").startswith("text/html")
                    if response.status_code >= 500 or (html and MARKUP in response.text):
                        failures.append((who, response.request.method, path, body, response.status_code))
    total = sum(statuses.values())
    print(f"\nfuzz: {total} requests, statuses {dict(sorted(statuses.items()))}, failures {len(failures)}")
    assert total > 500
    assert failures == []
    with Session(engine) as session:  # NUL never reached the database
        stored = [*session.exec(select(AccessibilityFeedback)).all(), *session.exec(select(Mandate)).all(),
                  *session.exec(select(Person)).all()]
        assert stored and not [row for row in stored if "\x00" in repr(row.model_dump())]


def test_non_ascii_csrf_token_is_a_plain_refusal(client) -> None:
    client.get("/accessibility/feedback")
    response = client.post("/accessibility/feedback", data={"csrf_token": "ä", "message": "Hei"})
    assert response.status_code == 403
    assert soup(response).h1.get_text(strip=True) == "Lomake on vanhentunut"


def test_nul_is_removed_from_every_text_field(client, engine) -> None:
    token = csrf_token(client.get("/accessibility/feedback"))
    response = client.post("/accessibility/feedback", data={"csrf_token": token, "message": "Nap\x00pi", "page": "\x00"},
                           follow_redirects=False)
    assert response.status_code == 303
    with Session(engine) as session:
        feedback = session.exec(select(AccessibilityFeedback)).one()
    assert (feedback.message, feedback.page) == ("Nappi", "")


@pytest.mark.parametrize("principal", ["²", "", str(2**63), "99999999999999999999999", "-1"])
def test_choose_with_a_bad_principal_is_400_and_nothing_breaks(idp_app, idp_client, principal) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    helena = factories.person_id(engine, vault, "120556-942L")
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], factories.start_session(engine, audience="client", person=helena))
    token = csrf_token(idp_client.get("/choose"))
    response = idp_client.post("/choose", data={"csrf_token": token, "principal": principal})
    assert response.status_code == 400


def test_choose_a_stranger_is_refused_and_the_refusal_is_logged(idp_app, idp_client) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    helena = factories.person_id(engine, vault, "120556-942L")
    mikko = factories.person_id(engine, vault, "150375-990C")
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], factories.start_session(engine, audience="client", person=helena))
    token = csrf_token(idp_client.get("/choose"))
    assert idp_client.post("/choose", data={"csrf_token": token, "principal": str(mikko)}).status_code == 403
    with Session(engine) as session:
        assert session.exec(select(AccessEvent).where(AccessEvent.object_type == "choose_principal")).one()


@pytest.mark.parametrize("path", [f"/staff/clients/{2**63}", "/staff/clients/99999999999999999999999"])
def test_huge_path_ids_are_missing_pages(idp_app, idp_client, path) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    maria = factories.person_id(engine, vault, MARIA_TUPA)
    idp_client.cookies.set(sessions.COOKIE_NAMES["staff"], factories.start_session(engine, audience="staff", person=maria))
    assert idp_client.get(path).status_code == 404
    assert idp_client.post(path + "/guardianships", data={}).status_code == 404


def test_huge_mandate_id_in_revoke_is_a_missing_page(idp_app, idp_client) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    aino = factories.person_id(engine, vault, AINO)
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"],
                       factories.start_session(engine, audience="client", person=aino, acting_for=aino))
    token = csrf_token(idp_client.get("/settings/mandates"))
    response = idp_client.post(f"/settings/mandates/{2**63}/revoke", data={"csrf_token": token})
    assert response.status_code == 404


def test_choose_with_an_id_that_names_nobody_is_refused_not_an_error(idp_app, idp_client) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    helena = factories.person_id(engine, vault, "120556-942L")
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], factories.start_session(engine, audience="client", person=helena))
    token = csrf_token(idp_client.get("/choose"))
    assert idp_client.post("/choose", data={"csrf_token": token, "principal": "999999"}).status_code == 403
    with Session(engine) as session:
        event = session.exec(select(AccessEvent).where(AccessEvent.object_type == "choose_principal")).one()
    assert (event.actor_person_id, event.subject_person_id) == (helena, None)


def _browser(app, cookies: dict[str, str]):  # type: ignore[no-untyped-def]
    from tests.conftest import CheckedClient

    client = CheckedClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False)
    for name, value in cookies.items():
        client.cookies.set(name, value)
    return client


def test_a_double_click_on_a_choice_gets_the_same_answer_twice(idp_app) -> None:
    """Two posts of the same choice at the same moment, as a double click sends
    them: both go to the home page with the same new session id, and it works.
    On PostgreSQL the two run at once; on SQLite one after the other, the
    second with the id that the first has just replaced."""
    import threading

    engine, vault = idp_app.state.engine, idp_app.state.vault
    aino = factories.person_id(engine, vault, AINO)
    helena = factories.person_id(engine, vault, "120556-942L")
    factories.add_mandate(engine, principal=aino, agent=helena)
    for _round in range(3):
        seed = csrf.new_seed()
        cookies = {sessions.COOKIE_NAMES["client"]: factories.start_session(engine, audience="client", person=helena),
                   csrf.COOKIE_NAME: seed}
        data = {"csrf_token": csrf.token_for(idp_app.state.settings.secret_key, seed), "principal": str(aino)}
        with _browser(idp_app, cookies) as server:
            # Two clients with the same cookies, served by one server process:
            # its one event loop, as in production (the app's transaction
            # slots belong to it).
            clicks = [_browser(idp_app, cookies), _browser(idp_app, cookies)]
            for click_client in clicks:
                click_client.portal = server.portal
            barrier = threading.Barrier(len(clicks))
            answers: list = [None] * len(clicks)

            def click(number: int) -> None:
                barrier.wait()
                answers[number] = clicks[number].post("/choose", data=data, follow_redirects=False)

            threads = [threading.Thread(target=click, args=(number,)) for number in range(len(clicks))]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert [(answer.status_code, answer.headers["location"]) for answer in answers] == [(303, "/home")] * 2
        first, second = (answer.cookies.get(sessions.COOKIE_NAMES["client"]) for answer in answers)
        assert first and first == second != cookies[sessions.COOKIE_NAMES["client"]]
        with _browser(idp_app, {sessions.COOKIE_NAMES["client"]: first}) as browser:
            assert browser.get("/home").status_code == 200
        with _browser(idp_app, cookies) as old:  # the old id works for nothing else
            assert old.get("/home", follow_redirects=False).status_code == 403


def test_a_repeat_with_the_old_id_cannot_make_another_choice(idp_app, idp_client) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    aino = factories.person_id(engine, vault, AINO)
    helena = factories.person_id(engine, vault, "120556-942L")
    mikko = factories.person_id(engine, vault, "150375-990C")
    factories.add_mandate(engine, principal=aino, agent=helena)
    factories.add_mandate(engine, principal=mikko, agent=helena)
    old = factories.start_session(engine, audience="client", person=helena)
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], old)
    token = csrf_token(idp_client.get("/choose"))
    assert idp_client.post("/choose", data={"csrf_token": token, "principal": str(aino)},
                           follow_redirects=False).status_code == 303
    idp_client.cookies.delete(sessions.COOKIE_NAMES["client"])
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], old)
    response = idp_client.post("/choose", data={"csrf_token": token, "principal": str(mikko)}, follow_redirects=False)
    assert response.status_code == 403
    with Session(engine) as session:
        record = session.exec(select(LoginSession).where(LoginSession.person_id == helena)).one()
    assert record.acting_for_person_id == aino


def test_the_old_id_no_longer_repeats_a_choice_after_a_while(idp_app, idp_client) -> None:
    from datetime import timedelta

    from portal import clock

    engine, vault = idp_app.state.engine, idp_app.state.vault
    aino = factories.person_id(engine, vault, AINO)
    helena = factories.person_id(engine, vault, "120556-942L")
    factories.add_mandate(engine, principal=aino, agent=helena)
    old = factories.start_session(engine, audience="client", person=helena)
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], old)
    data = {"csrf_token": csrf_token(idp_client.get("/choose")), "principal": str(aino)}
    assert idp_client.post("/choose", data=data, follow_redirects=False).status_code == 303
    idp_client.cookies.delete(sessions.COOKIE_NAMES["client"])
    idp_client.cookies.set(sessions.COOKIE_NAMES["client"], old)
    with clock.moved_to(clock.now() + sessions.REPEAT_GRACE + timedelta(seconds=1)):
        assert idp_client.post("/choose", data=data, follow_redirects=False).status_code == 403


# Hypothesis: every form of the portal and the test provider's sign-in form,
# posted with arbitrary values as the person it belongs to. -----------------

from dataclasses import dataclass, field  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st  # noqa: E402

EXAMPLES = 400
TIMO = "090965-9970"  # a unit manager at Tupa, where Liisa is a client
NOT_CRAWLED = ("/logout", "/staff/logout", "/language/", "/login", "/staff/login", "/test-idp", "/print",
               ".csv", ".ics", "/export")
# Route patterns that have no form on any page: the provider's machine
# endpoints (posted by the fuzz test above) and back-channel logout.
NO_PAGE_FORM = {"/login/backchannel-logout", "/staff/login/backchannel-logout", "/test-idp/token",
                "/test-idp/userinfo", "/test-idp/logout"}


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
    from datetime import timedelta

    from portal import clock

    base = name.rsplit("-", 1)[-1]
    if base.endswith("_on") or base in ("valid_from", "valid_until"):
        return finnish(clock.today() + timedelta(days=7))
    return {"starts_at": "9.00", "ends_at": "11.00", "amount": "8,00", "hours": "6", "hours_per_day": "6",
            "days_per_week": "3", "full_day_hours": "4", "identity_code": "311299-999E", "given_name": "Testi",
            "family_name": "Ystävä", "contact_phone": "040 123 4567", "csrf_token": ""}.get(base, "Testi")


def soup_of(html: str):  # type: ignore[no-untyped-def]
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html5lib")


def route_pattern(app, url: str, method: str = "POST") -> str | None:  # type: ignore[no-untyped-def]
    from starlette.routing import Match

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

    def become(self, who: str) -> None:
        self.client.cookies.clear()
        self.client.cookies.set(csrf.COOKIE_NAME, self.seed)
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
        starts = {"client": ["/"], "staff": [f"/staff/clients/{self.liisa}"], "anonymous": ["/"]}
        for who, page, path in (("client", "/assessment", "/assessment/start"),
                                ("client", "/settings/calendar", "/settings/calendar/make"),
                                ("staff", f"/staff/clients/{self.liisa}", f"/staff/clients/{self.liisa}/assessments/paper")):
            self.become(who)
            self.collect(self.client.get(page), page, who)  # the form before it is used
            answer = self.client.post(path, data={"csrf_token": self.token}, follow_redirects=False)
            location = answer.headers.get("location", "/")
            starts[who] += [location, re.sub(r"/questions/.*", "/check", location)]
        return starts

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
    import json

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


@hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                            HealthCheck.data_too_large])
@given(data=st.data())
def test_arbitrary_values_in_every_form_never_give_a_server_error(portal, data) -> None:
    from portal.settings import LOA_SUBSTANTIAL
    from tests.test_test_idp import Login, hidden_fields

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
            from urllib.parse import urlencode

            response = portal.client.post(form.action, content=urlencode(fields), follow_redirects=False,
                                          headers={"content-type": "application/x-www-form-urlencoded"})
    except UnicodeEncodeError:
        return
    assert response.status_code < 500, (form.who, form.action, fields, response.status_code)
    if response.headers.get("content-type", "").startswith("text/html"):
        assert MARKUP not in response.text, (form.action, fields)


@pytest.mark.parametrize("person", ["9" * 19, "9" * 40, "²", "-1"])
def test_a_chosen_person_that_is_no_id_is_refused_next_to_the_field(idp_app, idp_client, person) -> None:
    # A number too big for any id reached the database: a 500 (issue 19's fuzz test).
    engine, vault = idp_app.state.engine, idp_app.state.vault
    liisa = factories.person_id(engine, vault, LIISA)
    group = factories.group_id(engine, person=liisa)
    timo = factories.person_id(engine, vault, "090965-9970")
    idp_client.cookies.set(sessions.COOKIE_NAMES["staff"], factories.start_session(engine, audience="staff", person=timo))
    token = csrf_token(idp_client.get(f"/staff/groups/{group}"))
    for form, dates in (("member_ends", {"member_ends-ends_on": "31.12.2027"}),
                        ("members", {"members-starts_on": "31.12.2027"})):
        response = idp_client.post(f"/staff/groups/{group}/{form}",
                                   data={f"{form}-csrf_token": token, f"{form}-person_id": person, **dates})
        assert response.status_code == 400
        assert soup(response).find(id=f"{form}-person_id-error") is not None


def test_characters_nobody_types_are_removed_from_every_text_field(client, engine) -> None:
    token = csrf_token(client.get("/accessibility/feedback"))
    response = client.post("/accessibility/feedback", data={"csrf_token": token, "message": "\x01", "page": "\x1f"})
    assert response.status_code == 400  # the message was only a control character: empty now, and asked for
    assert "\x01" not in response.text and "\x1f" not in response.text  # a page with them is not HTML
    text = "Na\x0bp\x7fpi\x9f\ufffe\U0010ffff\tja\r\nrivi"
    response = client.post("/accessibility/feedback", data={"csrf_token": token, "message": text},
                           follow_redirects=False)
    assert response.status_code == 303
    with Session(engine) as session:
        assert session.exec(select(AccessibilityFeedback.message)).one() == "Nappi\tja\r\nrivi"


def test_a_state_that_is_not_ascii_is_a_failed_login_not_an_error(idp_client) -> None:
    idp_client.cookies.set("portal_login_state", "x")
    assert idp_client.get("/login/callback?state=ä&code=x").status_code == 400  # compare_digest raised on it


def test_the_import_page_reads_only_ascii_counts(idp_app, idp_client) -> None:
    engine, vault = idp_app.state.engine, idp_app.state.vault
    timo = factories.person_id(engine, vault, "090965-9970")
    idp_client.cookies.set(sessions.COOKIE_NAMES["staff"], factories.start_session(engine, audience="staff", person=timo))
    assert idp_client.get("/staff/import?created=²&changed=1&unchanged=1").status_code == 200
