"""The easy login at the kiosk: staff mark a kiosk and enrol a client with no
bank ID; the client chooses a number code with the enrolment code and logs in
with it on a kiosk of their own unit only; wrong codes lock it, staff open it;
easy-to-guess codes are refused; enrolment codes work once, for 15 minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from portal import clock
from portal.easy_login import codes
from portal.demo.easy_login import DEMO_CODE
from portal.easy_login.models import EasyLogin, Kiosk
from portal.models import AccessEvent, LoginSession, MandateBasis, MandateScope
from portal.web import kiosk as kiosk_device
from tests.support import factories
from tests.support.helpers import csrf_token, h1, soup
from tests.support.kiosk import (JARI, LIISA, MARIA_TUPA, SANNA_VERSTAS, enrol, login_id, logout, mark_kiosk,
                                  staff_login, type_code)
from tests.support.login_flow import login

pytestmark = pytest.mark.usefixtures("activity_day")


@pytest.fixture
def app(idp_app):  # type: ignore[no-untyped-def]
    return idp_app  # demo data and the test identity provider


@pytest.fixture
def client(idp_client):  # type: ignore[no-untyped-def]
    return idp_client

def test_a_kiosk_lists_its_units_clients_and_a_number_code_logs_in_easy(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    mark_kiosk(client)
    front = client.get("/")
    assert 'href="/kiosk"' in front.text
    listing = client.get("/kiosk")
    names = [a.get_text(" ", strip=True) for a in soup(listing).select(".kiosk-person")]
    assert names == ["Jari N.", "Liisa M."]  # Tupa's clients on the list; Aino (Verstas) is not
    liisa = login_id(engine, LIISA, app.state.vault)
    response = type_code(client, liisa, DEMO_CODE)
    assert response.status_code == 303 and response.headers["location"] == "/home"
    home = client.get("/home")
    assert home.status_code == 200 and "Kirjauduit helposti" in home.text
    with Session(engine) as session:
        record = session.exec(select(LoginSession).order_by(LoginSession.id.desc())).first()  # type: ignore[union-attr]
        assert record.level == "easy" and record.kiosk
        event = session.exec(select(AccessEvent).where(AccessEvent.object_type == "easy_login_code",
                                                       AccessEvent.action == "login")).one()
        assert event.object_id.startswith("kiosk:")
    money = client.get("/money")
    assert money.status_code == 403 and h1(money) == "Kirjaudu pankkitunnuksilla"


def test_five_wrong_codes_lock_and_staff_open_it(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    mark_kiosk(client)
    liisa = login_id(engine, LIISA, app.state.vault)
    for left in (4, 3, 2, 1):
        response = type_code(client, liisa, "9753")
        assert response.status_code == 400
        assert "Koodi oli väärä." in response.text
        assert (f"vielä {left} kertaa" if left > 1 else "vielä 1 kerran") in response.text
    response = type_code(client, liisa, "9753")
    assert response.status_code == 403 and "Pyydä ohjaajaa avaamaan kirjautuminen." in response.text
    # Locked: even the right code opens nothing now.
    response = client.post(f"/kiosk/{liisa}", data={"csrf_token": csrf_token(client.get("/easy/enrol")), "code": DEMO_CODE},
                           follow_redirects=False)
    assert response.status_code == 403 and "lukossa" in response.text
    person = factories.person_id(engine, app.state.vault, LIISA)
    staff_login(client, MARIA_TUPA)
    page = client.get(f"/staff/clients/{person}/easy-login")
    assert "Koodi on lukittu." in page.text
    opened = client.post(f"/staff/clients/{person}/easy-login/open", data={"csrf_token": csrf_token(page)},
                         follow_redirects=False)
    assert opened.status_code == 303
    logout(client)
    assert type_code(client, liisa, DEMO_CODE).status_code == 303
    with Session(engine) as session:
        kinds = {(e.action, e.object_type) for e in session.exec(select(AccessEvent).where(
            AccessEvent.subject_person_id == person)).all()}
    assert {("change", "easy_login_code_locked"), ("change", "easy_login_code_opened")} <= kinds


def test_the_code_works_only_on_a_kiosk_of_the_clients_own_unit(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    liisa = login_id(engine, LIISA, app.state.vault)
    # Not a kiosk at all.
    page = client.get(f"/kiosk/{liisa}")
    assert page.status_code == 403
    response = client.post(f"/kiosk/{liisa}", data={"csrf_token": csrf_token(client.get("/easy/enrol")), "code": DEMO_CODE},
                           follow_redirects=False)
    assert response.status_code == 403
    # A forged cookie: signed with another key.
    from itsdangerous import URLSafeSerializer
    forged = URLSafeSerializer("not the portal's key", salt="portal kiosk device").dumps(
        {"kiosk": True, "id": 1, "secret": "x"})
    client.cookies.set(kiosk_device.COOKIE_NAME, forged)
    assert client.get(f"/kiosk/{liisa}").status_code == 403
    client.cookies.delete(kiosk_device.COOKIE_NAME)
    # Verstas's kiosk: Liisa (Tupa) is not on its list.
    mark_kiosk(client, staff=SANNA_VERSTAS)
    assert client.get(f"/kiosk/{liisa}").status_code == 404
    assert type_code(client, liisa, DEMO_CODE).status_code == 404
    with Session(engine) as session:
        assert session.exec(select(LoginSession).where(LoginSession.level == "easy")).first() is None


def test_a_removed_kiosk_mark_opens_nothing(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    mark_kiosk(client)
    liisa = login_id(engine, LIISA, app.state.vault)
    with Session(engine) as session:
        kiosk = session.exec(select(Kiosk).where(Kiosk.name == "Aulan tabletti")).one()
    staff_login(client, MARIA_TUPA)
    page = client.get("/staff/device")
    assert "Aulan tabletti" in page.text
    removed = client.post(f"/staff/kiosks/{kiosk.id}/remove", data={"csrf_token": csrf_token(page)},
                          follow_redirects=False)
    assert removed.status_code == 303
    logout(client)
    assert client.get(f"/kiosk/{liisa}").status_code == 403  # the cookie is still there; the mark is not
    assert type_code(client, liisa, DEMO_CODE).status_code == 403


def test_staff_of_another_unit_cannot_remove_a_kiosk_or_see_the_easy_login(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    staff_login(client, SANNA_VERSTAS)
    page = client.get("/staff/device")
    with Session(engine) as session:
        tupa_kiosk = session.exec(select(Kiosk)).first()
    assert client.post(f"/staff/kiosks/{tupa_kiosk.id}/remove", data={"csrf_token": csrf_token(page)}).status_code == 404
    liisa = factories.person_id(engine, app.state.vault, LIISA)
    assert client.get(f"/staff/clients/{liisa}/easy-login").status_code == 404
    assert client.post(f"/staff/clients/{liisa}/easy-login/enrol",
                       data={"csrf_token": csrf_token(page), "how": "document", "client_present": "y"}).status_code == 404


def choose_with_enrolment_code(client, enrolment_code: str, code: str, *, symbol: str = "sun"):  # type: ignore[no-untyped-def]
    page = client.get("/easy/enrol")
    chooser = client.post("/easy/enrol", data={"csrf_token": csrf_token(page), "enrolment_code": enrolment_code})
    if chooser.status_code != 200:
        return chooser
    return client.post("/easy/enrol/code", data={
        "csrf_token": csrf_token(chooser), "enrolment_code": enrolment_code, "code": code, "code_again": code,
        "on_list": "y", "symbol": symbol, "instructor_helps": "y"}, follow_redirects=False)


def test_staff_enrol_a_client_with_no_bank_id_who_chooses_a_code_at_the_kiosk(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    jari = factories.person_id(engine, app.state.vault, JARI)
    staff_login(client, MARIA_TUPA)
    enrolment_code = enrol(client, jari)
    assert len(enrolment_code) == 10 and enrolment_code.isdigit()
    logout(client)
    mark_kiosk(client)
    # His birth date is refused, with a reason.
    refused = choose_with_enrolment_code(client, enrolment_code, "0711")
    assert refused.status_code == 400 and "syntymäpäiväsi" in refused.text
    done = choose_with_enrolment_code(client, enrolment_code, "5830", symbol="car")
    assert done.status_code == 303
    # The code was used once: again it is refused, plainly.
    again = choose_with_enrolment_code(client, enrolment_code, "5830")
    assert again.status_code == 400 and "Koodi on jo käytetty." in again.text
    entry = login_id(engine, JARI, app.state.vault)
    assert type_code(client, entry, "5830").status_code == 303
    with Session(engine) as session:
        login_row = session.exec(select(EasyLogin).where(EasyLogin.person_id == jari)).one()
        assert login_row.code_hash.startswith("$argon2id$") and "5830" not in login_row.code_hash
        events = session.exec(select(AccessEvent).where(AccessEvent.subject_person_id == jari,
                                                        AccessEvent.object_type.like("easy_login%"))).all()  # type: ignore[attr-defined]
        assert {("change", "easy_login_enrolment"), ("change", "easy_login_code"),
                ("login", "easy_login_code")} <= {(e.action, e.object_type) for e in events}
        staff_event = next(e for e in events if e.object_type == "easy_login_enrolment")
        assert staff_event.object_id == "document" and staff_event.actor_role == "social_instructor"


def test_an_enrolment_code_expires_and_a_newer_one_replaces_it(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    jari = factories.person_id(engine, app.state.vault, JARI)
    staff_login(client, MARIA_TUPA)
    first = enrol(client, jari)
    second = enrol(client, jari)
    logout(client)
    replaced = choose_with_enrolment_code(client, first, "5830")
    assert replaced.status_code == 400 and "vanhentunut" in replaced.text
    with clock.moved_to(clock.now() + timedelta(minutes=16)):
        expired = choose_with_enrolment_code(client, second, "5830")
    assert expired.status_code == 400 and "vanhentunut" in expired.text
    wrong = choose_with_enrolment_code(client, "1234567890", "5830")
    assert wrong.status_code == 400 and "Tarkista koodi" in wrong.text


def test_two_tabs_cannot_both_use_one_enrolment_code(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    jari = factories.person_id(engine, app.state.vault, JARI)
    staff_login(client, MARIA_TUPA)
    enrolment_code = enrol(client, jari)
    logout(client)
    page = client.get("/easy/enrol")
    tabs = [client.post("/easy/enrol", data={"csrf_token": csrf_token(page), "enrolment_code": enrolment_code})
            for _ in range(2)]
    answers = [client.post("/easy/enrol/code", data={
        "csrf_token": csrf_token(tab), "enrolment_code": enrolment_code, "code": code, "code_again": code,
        "symbol": "sun"}, follow_redirects=False) for tab, code in zip(tabs, ("5830", "7391"), strict=True)]
    assert [answer.status_code for answer in answers] == [303, 400]
    with Session(engine) as session:
        row = session.exec(select(EasyLogin).where(EasyLogin.person_id == jari)).one()
        assert codes.check(row.code_hash, "5830") and not codes.check(row.code_hash, "7391")


def test_a_guardians_consent_is_needed_where_the_client_has_a_guardian(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    jari = factories.person_id(engine, app.state.vault, JARI)
    helena = factories.person_id(engine, app.state.vault, "120556-942L")
    factories.add_mandate(engine, principal=jari, agent=helena, basis=MandateBasis.GUARDIANSHIP, scope=MandateScope.ACT)
    staff_login(client, MARIA_TUPA)
    page = client.get(f"/staff/clients/{jari}/easy-login")
    refused = client.post(f"/staff/clients/{jari}/easy-login/enrol",
                          data={"csrf_token": csrf_token(page), "how": "known", "client_present": "y"})
    assert refused.status_code == 400 and "edunvalvojan suostumus" in refused.text
    assert enrol(client, jari, how="known", guardian_consent="y")
    with Session(engine) as session:
        assert session.exec(select(EasyLogin).where(EasyLogin.person_id == jari)).one().guardian_consent


@pytest.mark.parametrize(("code", "reason"), [
    ("1111", "toistuvat"), ("1234", "peräkkäin"), ("9876", "peräkkäin"), ("2304", "syntymäpäiväsi"),
    ("1995", "syntymäpäiväsi"), ("936", "4–6 numeroa"), ("1234567", "4–6 numeroa"), ("12a4", "4–6 numeroa"),
    ("", "Kirjoita numerokoodi."), ("4959", "henkilötunnuksestasi"),
])
def test_easy_codes_are_refused_with_a_reason(client, code: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    assert login(client, LIISA).status_code == 303
    page = client.get("/settings/easy-login")
    assert page.status_code == 200
    response = client.post("/settings/easy-login/code",
                           data={"csrf_token": csrf_token(page), "code": code, "code_again": code})
    assert response.status_code == 400
    assert reason in soup(response).select_one(".field__error").get_text()


def test_a_client_changes_their_code_after_a_strong_login_and_staff_end_the_easy_login(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    assert login(client, LIISA).status_code == 303
    page = client.get("/settings/easy-login")
    changed = client.post("/settings/easy-login/code",
                          data={"csrf_token": csrf_token(page), "code": "5830", "code_again": "5830"},
                          follow_redirects=False)
    assert changed.status_code == 303
    logout(client, "client")
    mark_kiosk(client)
    liisa = login_id(engine, LIISA, app.state.vault)
    assert type_code(client, liisa, DEMO_CODE).status_code == 400
    assert type_code(client, liisa, "5830").status_code == 303
    # Staff end it: the easy session ends at once, and the code works no more.
    person = factories.person_id(engine, app.state.vault, LIISA)
    token = factories.start_session(engine, audience="staff", person=factories.person_id(engine, app.state.vault,
                                                                                          MARIA_TUPA))
    staff = client.__class__(app, base_url="http://127.0.0.1:8000")
    staff.cookies.set("portal_staff_session", token)
    page = staff.get(f"/staff/clients/{person}/easy-login")
    assert staff.post(f"/staff/clients/{person}/easy-login/end", data={"csrf_token": csrf_token(page)},
                      follow_redirects=False).status_code == 303
    assert client.get("/week").status_code == 403  # the kiosk's easy session has ended
    assert client.get(f"/kiosk/{liisa}").status_code == 404  # not on the list any more


def test_new_forms_refuse_a_post_without_csrf(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    mark_kiosk(client)
    liisa = login_id(engine, LIISA, app.state.vault)
    assert client.post(f"/kiosk/{liisa}", data={"code": DEMO_CODE}).status_code in (400, 403)
    assert client.post("/easy/enrol", data={"enrolment_code": "1234567890"}).status_code in (400, 403)
    staff_login(client, MARIA_TUPA)
    assert client.post("/staff/device", data={"name": "x", "unit": "1"}).status_code in (400, 403)
    with Session(engine) as session:
        assert session.exec(select(LoginSession).where(LoginSession.level == "easy")).first() is None
        assert len(session.exec(select(Kiosk)).all()) == 2  # the demo's and the one marked above


def test_the_client_reads_their_easy_login_story_in_plain_words(client, engine, app) -> None:  # type: ignore[no-untyped-def]
    mark_kiosk(client)
    liisa = login_id(engine, LIISA, app.state.vault)
    assert type_code(client, liisa, "9753").status_code == 400
    assert type_code(client, liisa, DEMO_CODE).status_code == 303
    logout(client, "client")
    assert login(client, LIISA).status_code == 303
    page = client.get("/access-log")
    story = [item.get_text(" ", strip=True) for item in soup(page).select("h2 ~ ul.event-list li")]
    assert any("Kirjauduit numerokoodilla kioskilla Aulan tabletti." in line for line in story)
    assert any("Väärä numerokoodi kioskilla Aulan tabletti." in line for line in story)
