"""Passkeys (issue 20): added after the client's own strong login or with an
enrolment code, logging in at the easy level with /easy/phone, removed by
the client or by staff of the client's unit. Every answer is a real WebAuthn
answer from a software authenticator (tests/support/soft_authenticator.py), checked
by py_webauthn: replayed, for another challenge, from another origin or RP
id, with a sign count that goes backwards, for a removed key or an ended
easy login, without CSRF, and nothing opens."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import Session, select

from portal.auth import sessions
from portal.auth.levels import Level
from portal.db import transaction
from portal.easy_login import accounts, enrolment
from portal.easy_login.models import EasyLogin, EnrolmentCode, Passkey, PasskeyChallenge
from portal.models import AccessEvent, LoginSession, MandateScope
from tests.support import factories
from tests.support.helpers import h1, soup
from tests.support.soft_authenticator import SoftAuthenticator

AINO, MIKKO, LIISA = "010280-952L", "150375-990C", "230495-936S"
SANNA_VERSTAS, MARIA_TUPA = "300883-9617", "180679-9737"
ORIGIN = "http://127.0.0.1:8000"  # the test client's and the default settings' base URL
SETTINGS = "/settings/easy-login/passkeys"
CLIENT_COOKIE = sessions.COOKIE_NAMES["client"]


@pytest.fixture
def people(app, engine, demo_data) -> dict[str, int]:  # type: ignore[no-untyped-def]
    vault = app.state.vault
    return {code: factories.person_id(engine, vault, code) for code in (AINO, MIKKO, LIISA, SANNA_VERSTAS, MARIA_TUPA)}


def token_of(response) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', response.text)
    assert found, "the page has no CSRF token"
    return found.group(1)


def log_in_strongly(client, engine, person: int, *, acting_for: int | None = None) -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    token = factories.start_session(engine, audience="client", person=person,
                                    acting_for=person if acting_for is None else acting_for)
    client.cookies.set(CLIENT_COOKIE, token, domain="127.0.0.1", path="/")


def add_key(client, engine, person: int) -> SoftAuthenticator:  # type: ignore[no-untyped-def]
    """The client's own strong login adds a key on their phone."""
    log_in_strongly(client, engine, person)
    token = token_of(client.get(SETTINGS))
    options = client.post(f"{SETTINGS}/options", data={"csrf_token": token})
    assert options.status_code == 200 and options.headers["content-type"] == "application/json"
    key = SoftAuthenticator(ORIGIN)
    added = client.post(SETTINGS, data={"csrf_token": token, "credential": key.create(options.json())},
                        follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"] == f"{SETTINGS}?added=1"
    return key


def phone_options(client) -> tuple[str, dict]:  # type: ignore[no-untyped-def,type-arg]
    """A fresh browser at /easy/phone: its form token and login options."""
    token = token_of(client.get("/easy/phone"))
    options = client.post("/easy/phone/options", data={"csrf_token": token})
    assert options.status_code == 200
    return token, options.json()


def log_in_with(client, token: str, answer: str):  # type: ignore[no-untyped-def]
    return client.post("/easy/phone", data={"csrf_token": token, "credential": answer}, follow_redirects=False)


def new_browser(client) -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()


def events(engine, **where: str) -> list[AccessEvent]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        query = select(AccessEvent)
        for name, value in where.items():
            query = query.where(getattr(AccessEvent, name) == value)
        return list(session.exec(query).all())


def refused_login(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.status_code
    assert CLIENT_COOKIE not in response.cookies
    assert h1(response) == "Kirjaudu puhelimella"
    assert soup(response).find(class_="error-summary") is not None


def easy_sessions(engine, person: int) -> list[LoginSession]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(LoginSession).where(LoginSession.person_id == person,
                                                            LoginSession.level == Level.EASY.value)).all())


# The journey ------------------------------------------------------------------------------


def test_a_key_added_after_a_strong_login_logs_in_at_the_easy_level(client, engine, people) -> None:
    aino = people[AINO]
    key = add_key(client, engine, aino)
    page = client.get(f"{SETTINGS}?added=1")
    assert "Lisäsit avaimen" in page.text and len(soup(page).select(".passkey-list__item")) == 1
    with Session(engine) as session:
        login = session.exec(select(EasyLogin).where(EasyLogin.person_id == aino)).one()
        stored = session.exec(select(Passkey).where(Passkey.person_id == aino)).one()
    assert login.enrolled_how == "self" and login.ended_at is None
    # The phone holds the easy login's random handle: not the person id, not the identity code.
    assert key.user_handle is not None and key.user_handle.decode("latin-1") not in (str(aino), AINO)
    assert stored.credential_id == key.id and stored.sign_count == 0
    assert [e.object_type for e in events(engine, action="change", actor_person_id=aino)] == ["easy_login_passkey"]

    new_browser(client)
    token, options = phone_options(client)
    assert options["allowCredentials"] == [] and options["userVerification"] == "required"
    assert options["rpId"] == "127.0.0.1"
    response = log_in_with(client, token, key.get(options))
    assert response.status_code == 303 and response.headers["location"] == "/home"
    home = client.get("/home")
    assert home.status_code == 200 and "Kirjauduit helposti" in home.text
    assert [s.level for s in easy_sessions(engine, aino)] == ["easy"]
    assert len(events(engine, action="login", object_type="easy_login_passkey", actor_person_id=aino)) == 1
    with Session(engine) as session:
        assert session.exec(select(Passkey).where(Passkey.person_id == aino)).one().sign_count == 1
    # The easy session opens no strong page.
    money = client.get("/money")
    assert money.status_code == 403 and h1(money) == "Kirjaudu pankkitunnuksilla"


def test_a_passkey_login_replaces_the_browsers_old_session(client, engine, people) -> None:
    aino, mikko = people[AINO], people[MIKKO]
    key = add_key(client, engine, aino)
    log_in_strongly(client, engine, mikko)  # someone else's session left in this browser
    old = client.cookies.get(CLIENT_COOKIE)
    token, options = phone_options(client)
    assert log_in_with(client, token, key.get(options)).status_code == 303
    with Session(engine) as session:
        record = session.exec(select(LoginSession).where(LoginSession.token_hash == sessions.token_hash(old))).one()
    assert record.revoked_at is not None


def test_registration_options_ask_for_a_resident_key_and_user_verification(client, engine, people) -> None:
    log_in_strongly(client, engine, people[AINO])
    token = token_of(client.get(SETTINGS))
    options = client.post(f"{SETTINGS}/options", data={"csrf_token": token}).json()
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["rp"]["id"] == "127.0.0.1" and options["attestation"] == "none"
    assert options["user"]["name"] == "Aino Virtanen"


# Answers that open nothing -------------------------------------------------------------------


def test_a_replayed_answer_is_refused(client, engine, people) -> None:
    key = add_key(client, engine, people[AINO])
    new_browser(client)
    token, options = phone_options(client)
    answer = key.get(options)
    assert log_in_with(client, token, answer).status_code == 303
    new_browser(client)
    token = token_of(client.get("/easy/phone"))
    refused_login(log_in_with(client, token, answer))  # another browser replays it
    assert len(easy_sessions(engine, people[AINO])) == 1


def test_the_same_browser_cannot_use_an_answer_twice(client, engine, people) -> None:
    key = add_key(client, engine, people[AINO])
    new_browser(client)
    token, options = phone_options(client)
    answer = key.get(options)
    assert log_in_with(client, token, answer).status_code == 303
    client.cookies.delete(CLIENT_COOKIE)
    token = token_of(client.get("/easy/phone"))
    refused_login(log_in_with(client, token, answer))


def test_an_answer_for_another_challenge_is_refused(client, engine, people) -> None:
    key = add_key(client, engine, people[AINO])
    # A challenge the portal never gave.
    new_browser(client)
    token, options = phone_options(client)
    refused_login(log_in_with(client, token, key.get(options, challenge="bm90LWdpdmVuLWJ5LXRoZS1wb3J0YWw")))
    # A challenge given to another browser: the answer counts only where the challenge was given.
    new_browser(client)
    _other_token, other_options = phone_options(client)
    new_browser(client)
    token, _options = phone_options(client)
    refused_login(log_in_with(client, token, key.get(other_options)))
    assert easy_sessions(engine, people[AINO]) == []


@pytest.mark.parametrize("where", [{"origin": "https://portal.example.org"}, {"origin": "http://127.0.0.1:8001"},
                                   {"rp_id": "example.org"}, {"rp_id": "localhost"}])
def test_an_answer_from_another_origin_or_rp_id_is_refused(client, engine, people, where) -> None:
    key = add_key(client, engine, people[AINO])
    new_browser(client)
    token, options = phone_options(client)
    refused_login(log_in_with(client, token, key.get(options, **where)))
    # The challenge was used: the right answer to it no longer works either.
    refused_login(log_in_with(client, token, key.get(options)))
    assert easy_sessions(engine, people[AINO]) == []
    assert events(engine, action="login_failed", object_type="easy_login_passkey")


def test_an_answer_without_user_verification_is_refused(client, engine, people) -> None:
    key = add_key(client, engine, people[AINO])
    new_browser(client)
    token, options = phone_options(client)
    refused_login(log_in_with(client, token, key.get(options, user_verified=False)))


def test_an_answer_for_another_persons_handle_is_refused(client, engine, people) -> None:
    key = add_key(client, engine, people[AINO])
    new_browser(client)
    token, options = phone_options(client)
    refused_login(log_in_with(client, token, key.get(options, user_handle=b"someone else")))


def test_a_sign_count_that_goes_backwards_is_refused_and_noted(client, engine, people) -> None:
    aino = people[AINO]
    key = add_key(client, engine, aino)
    new_browser(client)
    token, options = phone_options(client)
    assert log_in_with(client, token, key.get(options, sign_count=5)).status_code == 303
    for count in (3, 5):  # backwards, and not grown
        new_browser(client)
        token, options = phone_options(client)
        response = log_in_with(client, token, key.get(options, sign_count=count))
        refused_login(response)
        assert "Pyydä ohjaajalta apua" in response.text
    noted = events(engine, action="refused", object_type="easy_login_passkey_sign_count")
    assert len(noted) == 2 and {e.subject_person_id for e in noted} == {aino}
    with Session(engine) as session:
        assert session.exec(select(Passkey).where(Passkey.person_id == aino)).one().sign_count == 5
    assert len(easy_sessions(engine, aino)) == 1


def test_a_key_that_counts_nothing_keeps_working(client, engine, people) -> None:
    """Many phones' passkeys always say 0: both counts zero is no copy."""
    key = add_key(client, engine, people[AINO])
    for _ in range(2):
        new_browser(client)
        token, options = phone_options(client)
        assert log_in_with(client, token, key.get(options, sign_count=0)).status_code == 303


def test_a_removed_key_no_longer_works(client, engine, people) -> None:
    aino = people[AINO]
    key = add_key(client, engine, aino)
    page = client.get(SETTINGS)
    form = soup(page).select_one(".passkey-list form")
    removed = client.post(form["action"], data={"csrf_token": token_of(page)}, follow_redirects=False)
    assert removed.status_code == 303 and removed.headers["location"] == f"{SETTINGS}?removed=1"
    assert "Sinulla ei ole vielä avainta" in client.get(SETTINGS).text
    assert client.post(form["action"], data={"csrf_token": token_of(page)}).status_code == 404  # once
    assert len(events(engine, action="change", object_type="easy_login_passkey_removed", actor_person_id=aino)) == 1
    new_browser(client)
    token, options = phone_options(client)
    response = log_in_with(client, token, key.get(options))
    refused_login(response)
    assert "Tätä avainta ei voi enää käyttää" in response.text
    assert easy_sessions(engine, aino) == []


def test_a_key_of_an_ended_easy_login_never_works(client, engine, people) -> None:
    aino = people[AINO]
    key = add_key(client, engine, aino)
    with transaction(engine) as session:
        accounts.end(session, accounts.current(session, aino))  # type: ignore[arg-type]
    new_browser(client)
    token, options = phone_options(client)
    refused_login(log_in_with(client, token, key.get(options)))
    # Even were the key's own mark lost: the easy login has ended.
    with transaction(engine) as session:
        stored = session.exec(select(Passkey).where(Passkey.person_id == aino)).one()
        stored.removed_at = None
        session.add(stored)
    new_browser(client)
    token, options = phone_options(client)
    response = log_in_with(client, token, key.get(options))
    refused_login(response)
    assert "Helppo kirjautuminen on lopetettu" in response.text
    assert easy_sessions(engine, aino) == []


def test_an_unknown_key_and_garbage_are_refused(client, engine, people) -> None:
    new_browser(client)
    token, options = phone_options(client)
    stranger = SoftAuthenticator(ORIGIN)
    stranger.user_handle = b"x" * 32
    refused_login(log_in_with(client, token, stranger.get(options)))
    for garbage in ("{", "[]", json.dumps({"response": {"clientDataJSON": "!!"}}), "x" * 30_000):
        refused_login(log_in_with(client, token, garbage))
    refused = client.post("/easy/phone", data={"csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 400 and "JavaScriptin" in refused.text


def test_the_challenge_expires_in_five_minutes(client, engine, people) -> None:
    key = add_key(client, engine, people[AINO])
    new_browser(client)
    token, options = phone_options(client)
    with transaction(engine) as session:
        for row in session.exec(select(PasskeyChallenge)).all():
            row.expires_at = row.created_at  # as if five minutes had passed
            session.add(row)
    refused_login(log_in_with(client, token, key.get(options)))
    with Session(engine) as session:
        assert all((row.expires_at - row.created_at).total_seconds() <= 300
                   for row in session.exec(select(PasskeyChallenge)).all())


# CSRF --------------------------------------------------------------------------------------------


def test_every_passkey_post_needs_the_csrf_token(client, engine, people) -> None:
    aino = people[AINO]
    key = add_key(client, engine, aino)
    with Session(engine) as session:
        passkey_id = session.exec(select(Passkey.id).where(Passkey.person_id == aino)).one()
    with Session(engine) as session:
        challenges = len(session.exec(select(PasskeyChallenge)).all())
    for path in (f"{SETTINGS}/options", SETTINGS, f"{SETTINGS}/{passkey_id}/remove"):
        for token in (None, "0" * 64):
            data = {"credential": "{}"} | ({"csrf_token": token} if token else {})
            assert client.post(path, data=data, follow_redirects=False).status_code == 403, path
    new_browser(client)
    token, options = phone_options(client)
    answer = key.get(options)
    for path, data in (("/easy/phone/options", {}), ("/easy/phone", {"credential": answer}),
                       ("/easy/enrol/passkey/options", {"enrolment_code": "1234567890"}),
                       ("/easy/enrol/passkey", {"enrolment_code": "1234567890", "credential": answer})):
        response = client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 403 and CLIENT_COOKIE not in response.cookies, path
    with Session(engine) as session:
        assert len(session.exec(select(PasskeyChallenge)).all()) == challenges + 1  # only phone_options' own
        assert session.exec(select(Passkey).where(Passkey.person_id == aino)).one().removed_at is None
    # The token that came with the page still works: the answer was not used up.
    assert log_in_with(client, token, answer).status_code == 303


# Who may add and remove ----------------------------------------------------------------------


def test_a_delegate_cannot_add_a_key_for_someone_else(client, engine, people) -> None:
    aino, liisa = people[AINO], people[LIISA]
    for scope in (MandateScope.VIEW, MandateScope.ACT):
        factories.add_mandate(engine, principal=aino, agent=liisa, scope=scope)
        log_in_strongly(client, engine, liisa, acting_for=aino)
        token = token_of(client.get("/home"))
        assert client.get(SETTINGS).status_code == 403
        assert client.post(f"{SETTINGS}/options", data={"csrf_token": token}).status_code == 403
        assert client.post(SETTINGS, data={"csrf_token": token, "credential": "{}"}).status_code == 403
    with Session(engine) as session:
        assert session.exec(select(PasskeyChallenge)).all() == []
        assert session.exec(select(EasyLogin).where(EasyLogin.person_id == aino)).all() == []  # the demo has Liisa's and Jari's
    assert len(events(engine, action="refused", object_type="manage_easy_login")) == 6


def test_an_easy_session_steps_up_to_manage_keys(client, engine, people) -> None:
    aino = people[AINO]
    client.cookies.set(CLIENT_COOKIE, factories.start_session(engine, audience="client", person=aino,
                                                              acting_for=aino, level=Level.EASY))
    page = client.get(SETTINGS)
    assert page.status_code == 403 and h1(page) == "Kirjaudu pankkitunnuksilla"


def test_a_kiosk_session_does_not_add_a_key_to_the_shared_device(client, engine, people) -> None:
    aino = people[AINO]
    client.cookies.set(CLIENT_COOKIE, factories.start_session(engine, audience="client", person=aino,
                                                              acting_for=aino, kiosk=True))
    page = client.get(SETTINGS)
    assert page.status_code == 200 and soup(page).select("form[data-passkey]") == []
    response = client.post(f"{SETTINGS}/options", data={"csrf_token": token_of(page)})
    assert response.status_code == 400 and "yhteinen laite" in response.json()["error"]


def test_staff_of_the_clients_unit_remove_a_key(client, engine, people) -> None:
    aino, sanna = people[AINO], people[SANNA_VERSTAS]
    key = add_key(client, engine, aino)
    client.cookies.clear()
    client.cookies.set(sessions.COOKIE_NAMES["staff"], factories.start_session(engine, audience="staff", person=sanna))
    page = client.get(f"/staff/clients/{aino}/easy-login/passkeys")
    assert page.status_code == 200 and len(soup(page).select(".passkey-list__item")) == 1
    form = soup(page).select_one(".passkey-list form")
    response = client.post(form["action"], data={"csrf_token": token_of(page)}, follow_redirects=False)
    assert response.status_code == 303
    removed = events(engine, action="change", object_type="easy_login_passkey_removed")
    assert [(e.actor_person_id, e.subject_person_id) for e in removed] == [(sanna, aino)]
    new_browser(client)
    token, options = phone_options(client)
    refused_login(log_in_with(client, token, key.get(options)))


def test_staff_outside_the_clients_units_get_404_and_the_key_stays(client, engine, people) -> None:
    aino, maria = people[AINO], people[MARIA_TUPA]
    key = add_key(client, engine, aino)
    with Session(engine) as session:
        passkey_id = session.exec(select(Passkey.id).where(Passkey.person_id == aino)).one()
    client.cookies.clear()
    client.cookies.set(sessions.COOKIE_NAMES["staff"], factories.start_session(engine, audience="staff", person=maria))
    token = token_of(client.get("/staff"))
    for method, path in (("GET", f"/staff/clients/{aino}/easy-login/passkeys"),
                         ("POST", f"/staff/clients/{aino}/easy-login/passkeys/{passkey_id}/remove")):
        response = client.request(method, path, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 404 and "Aino" not in response.text, path
    new_browser(client)
    token, options = phone_options(client)
    assert log_in_with(client, token, key.get(options)).status_code == 303


def test_a_key_is_removed_only_from_its_own_person(client, engine, people) -> None:
    aino, mikko, sanna = people[AINO], people[MIKKO], people[SANNA_VERSTAS]
    add_key(client, engine, aino)
    with Session(engine) as session:
        passkey_id = session.exec(select(Passkey.id).where(Passkey.person_id == aino)).one()
    log_in_strongly(client, engine, mikko)
    token = token_of(client.get(SETTINGS))
    assert client.post(f"{SETTINGS}/{passkey_id}/remove", data={"csrf_token": token}).status_code == 404
    # Staff with the id of Aino's key under another client of theirs.
    client.cookies.clear()
    client.cookies.set(sessions.COOKIE_NAMES["staff"], factories.start_session(engine, audience="staff", person=sanna))
    token = token_of(client.get("/staff"))
    path = f"/staff/clients/{mikko}/easy-login/passkeys/{passkey_id}/remove"
    assert client.post(path, data={"csrf_token": token}).status_code == 404
    with Session(engine) as session:
        assert session.get(Passkey, passkey_id).removed_at is None  # type: ignore[union-attr]


# With an enrolment code, no bank ID ---------------------------------------------------------


def give_code(engine, *, person: int, staff: int) -> str:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return enrolment.give(session, person_id=person, staff_person_id=staff, how=enrolment.How.DOCUMENT,
                              guardian_consent=False)


def test_a_key_added_with_an_enrolment_code_logs_in(client, engine, people) -> None:
    aino, sanna = people[AINO], people[SANNA_VERSTAS]
    code = give_code(engine, person=aino, staff=sanna)
    new_browser(client)
    page = client.get("/easy/enrol/passkey")
    assert page.status_code == 200 and h1(page) == "Lisää avain koodilla"
    token = token_of(page)
    typed = enrolment.shown(code)  # as staff read it out, with a space
    options = client.post("/easy/enrol/passkey/options", data={"csrf_token": token, "enrolment_code": typed})
    assert options.status_code == 200
    key = SoftAuthenticator(ORIGIN)
    answer = key.create(options.json())
    response = client.post("/easy/enrol/passkey", data={"csrf_token": token, "enrolment_code": typed,
                                                        "credential": answer}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/home"
    assert client.get("/home").status_code == 200
    assert len(easy_sessions(engine, aino)) == 1
    with Session(engine) as session:
        assert session.exec(select(EnrolmentCode).where(EnrolmentCode.person_id == aino)).one().used_at is not None
        assert session.exec(select(EasyLogin).where(EasyLogin.person_id == aino)).one().enrolled_how == "document"
    assert [e.actor_person_id for e in events(engine, action="change", object_type="easy_login_passkey")] == [aino]
    # The key works from now on; the code does not work again.
    new_browser(client)
    token, login_options = phone_options(client)
    assert log_in_with(client, token, key.get(login_options)).status_code == 303
    new_browser(client)
    token = token_of(client.get("/easy/enrol/passkey"))
    used = client.post("/easy/enrol/passkey/options", data={"csrf_token": token, "enrolment_code": code})
    assert used.status_code == 400 and "jo käytetty" in used.json()["error"]
    assert used.json()["field"] == "enrolment_code"


def test_an_enrolment_used_in_another_tab_keeps_no_key(client, engine, people) -> None:
    aino, sanna = people[AINO], people[SANNA_VERSTAS]
    code = give_code(engine, person=aino, staff=sanna)
    new_browser(client)
    token = token_of(client.get("/easy/enrol/passkey"))
    options = client.post("/easy/enrol/passkey/options", data={"csrf_token": token, "enrolment_code": code}).json()
    with transaction(engine) as session:  # the other tab finishes first
        assert enrolment.use(session, code)[0] is not None
    response = client.post("/easy/enrol/passkey", data={
        "csrf_token": token, "enrolment_code": code, "credential": SoftAuthenticator(ORIGIN).create(options)})
    assert response.status_code == 400 and "jo käytetty" in response.text
    assert soup(response).select_one("#enrolment_code")["aria-invalid"] == "true"
    with Session(engine) as session:
        assert session.exec(select(Passkey)).all() == []
    assert easy_sessions(engine, aino) == []


def test_wrong_enrolment_codes_say_what_to_do_and_are_limited(client, engine, people) -> None:
    new_browser(client)
    token = token_of(client.get("/easy/enrol/passkey"))
    empty = client.post("/easy/enrol/passkey/options", data={"csrf_token": token, "enrolment_code": ""})
    assert empty.status_code == 400 and empty.json() == {"error": "Kirjoita koodi, jonka sait ohjaajalta.",
                                                         "field": "enrolment_code"}
    statuses = [client.post("/easy/enrol/passkey/options",
                            data={"csrf_token": token, "enrolment_code": "1234567890"}).status_code
                for _ in range(21)]
    assert statuses == [400] * 20 + [429]
    finish = client.post("/easy/enrol/passkey", data={"csrf_token": token, "enrolment_code": "12"})
    assert finish.status_code == 400 and soup(finish).find(class_="error-summary") is not None


def test_an_enrolment_key_cannot_be_added_for_another_person(client, engine, people) -> None:
    """Options asked with Aino's code, answered with Mikko's code: the
    challenge belongs to Aino, so nothing is added for Mikko."""
    aino, mikko, sanna = people[AINO], people[MIKKO], people[SANNA_VERSTAS]
    aino_code, mikko_code = give_code(engine, person=aino, staff=sanna), give_code(engine, person=mikko, staff=sanna)
    new_browser(client)
    token = token_of(client.get("/easy/enrol/passkey"))
    options = client.post("/easy/enrol/passkey/options", data={"csrf_token": token, "enrolment_code": aino_code}).json()
    response = client.post("/easy/enrol/passkey", data={
        "csrf_token": token, "enrolment_code": mikko_code, "credential": SoftAuthenticator(ORIGIN).create(options)})
    assert response.status_code == 400
    with Session(engine) as session:
        assert session.exec(select(Passkey)).all() == []
        assert all(row.used_at is None for row in session.exec(select(EnrolmentCode)).all())


# The pages without JavaScript --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/easy/phone", "/easy/enrol/passkey"])
def test_the_pages_say_a_key_needs_javascript_and_offer_the_other_ways(client, path) -> None:
    page = soup(client.get(path))
    form = page.select_one("form[data-passkey]")
    assert form.has_attr("hidden")  # shown by the script only
    assert "JavaScriptin" in page.select_one("[data-passkey-needs-js]").get_text()
    assert "JavaScript" in page.find("noscript").get_text()
    links = {a["href"] for a in page.main.find_all("a")}
    assert {"/login", "/"} <= links
    assert page.find("script", src=re.compile(r"^/static/passkey\.js\?v="))
