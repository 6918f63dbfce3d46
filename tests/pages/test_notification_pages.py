"""The pages of reminders: the settings page (an address confirmed with a
code, the choices, a delegate's view, bad input with its field error and a
4xx), the stop link's pages (nothing changes on GET; forged and used links
refused) and the staff's outbox with its retry button."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sqlalchemy import delete
from sqlmodel import Session, select

from portal import clock
from portal.auth import sessions
from portal.auth.levels import Level
from portal.db import transaction
from portal.models import MandateScope
from portal.notifications import outbox, preferences, sender, stop_links
from portal.notifications.models import ContactPoint, Notification
from tests.support import factories
from tests.support.helpers import soup

AINO, HELENA, LIISA, SANNA, TIMO = "010280-952L", "120556-942L", "230495-936S", "300883-9617", "090965-9970"
PAGE = "/settings/notifications"


@pytest.fixture
def settings(settings):  # type: ignore[no-untyped-def]
    return dataclasses.replace(settings, notify_seconds=0)


@pytest.fixture
def ids(app, engine, demo_data) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        session.exec(delete(Notification))  # type: ignore[call-overload]
    return {code: factories.person_id(engine, app.state.vault, code) for code in (AINO, HELENA, LIISA, SANNA, TIMO)}


def as_client(client, engine, person: int, acting_for: int | None = None, level: Level = Level.STRONG) -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    client.cookies.set(sessions.COOKIE_NAMES["client"], factories.start_session(
        engine, audience="client", person=person, acting_for=acting_for or person, level=level))


def as_staff(client, engine, person: int) -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    client.cookies.set(sessions.COOKIE_NAMES["staff"], factories.start_session(engine, audience="staff", person=person))


def token_of(page, name: str = "csrf_token") -> str:  # type: ignore[no-untyped-def]
    return str(soup(page).find("input", attrs={"name": name})["value"])


def deliver(app) -> None:  # type: ignore[no-untyped-def]
    """The development outbox: the sender runs, nothing leaves."""
    assert sender.send_batch(app.state.engine, sender.context_from(app.state.settings)) is not None


def test_a_mobile_number_confirmed_with_the_code_it_got(app, client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    page = client.get(PAGE)
    assert page.status_code == 200 and soup(page).h1.get_text() == "Muistutukset"
    assert "aino.virtanen@example.fi" in page.text  # the demo's confirmed address
    token = token_of(page, "mobile-csrf_token")
    bad = client.post(f"{PAGE}/mobile", data={"mobile-csrf_token": token, "mobile-address": "12 34"})
    assert bad.status_code == 400
    assert soup(bad).find(id="mobile-address-error").get_text(" ", strip=True).endswith(
        "Kirjoita matkapuhelimen numero, esimerkiksi 040 123 4567.")
    assert soup(bad).title.get_text().startswith("Virhe: ") or "Error" in soup(bad).title.get_text() or \
        soup(bad).find(class_="error-summary") is not None
    sent = client.post(f"{PAGE}/mobile", data={"mobile-csrf_token": token, "mobile-address": "050 765 4321"},
                       follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith(f"{PAGE}?done=mobile-sent")
    deliver(app)
    with Session(engine) as session:
        [row] = session.exec(select(Notification).where(Notification.category == "confirmation_code")).all()
    assert row.to_address == "+358507654321" and row.provider_ref == "development"
    code = re.search(r"\d{6}", row.body).group(0)  # type: ignore[union-attr]
    page = client.get(PAGE)
    assert "050 7654321" in soup(page).find(id="mobile").parent.get_text()
    wrong = client.post(f"{PAGE}/mobile/confirm", data={"mobile-code-csrf_token": token,
                                                        "mobile-code-code": "12345"})
    assert wrong.status_code == 400 and "Koodissa on 6 numeroa." in wrong.text
    other = "000000" if code != "000000" else "111111"
    wrong = client.post(f"{PAGE}/mobile/confirm", data={"mobile-code-csrf_token": token, "mobile-code-code": other})
    assert wrong.status_code == 400 and "Voit yrittää vielä 4 kertaa." in wrong.text
    right = client.post(f"{PAGE}/mobile/confirm", data={"mobile-code-csrf_token": token, "mobile-code-code": code},
                        follow_redirects=False)
    assert right.status_code == 303
    with Session(engine) as session:
        contact = session.exec(select(ContactPoint).where(ContactPoint.person_id == ids[AINO],
                                                          ContactPoint.channel == "sms")).one()
    assert contact.address == "+358507654321" and contact.confirmed_at is not None


def test_an_invalid_email_address_is_a_field_error(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    token = token_of(client.get(PAGE), "email-csrf_token")
    for typed in ("", "aino@", "<b>fuzz</b>@example.fi"):
        bad = client.post(f"{PAGE}/email", data={"email-csrf_token": token, "email-address": typed})
        assert bad.status_code == 400 and soup(bad).find(id="email-address-error") is not None
        assert "<b>fuzz</b>" not in bad.text


def test_too_many_codes_is_429(client, engine, ids) -> None:
    as_client(client, engine, ids[HELENA])
    token = token_of(client.get(PAGE), "email-csrf_token")
    statuses = [client.post(f"{PAGE}/email", data={"email-csrf_token": token, "email-address": f"h{n}@example.fi"},
                            follow_redirects=False).status_code for n in range(6)]
    assert statuses == [303] * 5 + [429]


def test_choices_are_saved_and_a_view_delegate_sees_only_what_the_mandate_covers(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO])
    page = client.get(PAGE)
    boxes = [box["name"] for box in soup(page).select("form[action$='/choices'] input[type=checkbox]")]
    assert boxes == ["tomorrow", "new_message", "assessment_due", "money_ready"]
    saved = client.post(f"{PAGE}/choices", data={"csrf_token": token_of(page), "tomorrow": "y"},
                        follow_redirects=False)
    assert saved.status_code == 303
    with Session(engine) as session:
        assert preferences.choices(session, person_id=ids[AINO], client_id=ids[AINO]) == {
            "tomorrow": True, "new_message": False, "assessment_due": False, "money_ready": False}
    factories.add_mandate(engine, principal=ids[AINO], agent=ids[LIISA], scope=MandateScope.VIEW)
    as_client(client, engine, ids[LIISA], acting_for=ids[AINO])
    page = client.get(PAGE)
    assert page.status_code == 200 and "Hoidat asioita henkilön Aino Virtanen puolesta." in page.text
    boxes = [box["name"] for box in soup(page).select("form[action$='/choices'] input[type=checkbox]")]
    assert boxes == ["tomorrow", "new_message", "money_ready"]  # no self-assessment on a mandate to view
    assert "aino.virtanen@example.fi" not in page.text  # the addresses are the delegate's own
    client.post(f"{PAGE}/choices", data={"csrf_token": token_of(page), "assessment_due": "y", "tomorrow": "y"})
    with Session(engine) as session:
        assert preferences.choices(session, person_id=ids[LIISA], client_id=ids[AINO]) == {
            "tomorrow": True, "new_message": False, "assessment_due": False, "money_ready": False}


def test_an_easy_login_must_log_in_strongly_to_change_addresses(client, engine, ids) -> None:
    as_client(client, engine, ids[AINO], level=Level.EASY)
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}/email", data={"email-address": "x@example.fi"}).status_code == 403


def stop_url(app, engine, ids) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        outbox.notify_new_message(session, message_id=1, person_ids=[ids[AINO]], now=clock.now())
        row = session.exec(select(Notification)).one()
        return f"/stop/{stop_links.token_for(app.state.settings.secret_key, row)}", row.id  # type: ignore[return-value]


def test_the_stop_link_asks_first_then_stops_once(app, client, engine, ids) -> None:
    url, _row = stop_url(app, engine, ids)
    client.cookies.clear()
    page = client.get(url)
    assert page.status_code == 200 and "Uusi viesti" in soup(page).find("main").get_text()
    with Session(engine) as session:  # a GET changes nothing
        assert preferences.is_on(session, person_id=ids[AINO], client_id=ids[AINO], category="new_message")
    done = client.post(url, data={"csrf_token": token_of(page)})
    assert done.status_code == 200 and done.url.path == "/stopped/new_message"
    assert "Lopetit nämä viestit: Uusi viesti" in " ".join(soup(done).find("main").get_text(" ").split())
    with Session(engine) as session:
        assert not preferences.is_on(session, person_id=ids[AINO], client_id=ids[AINO], category="new_message")
        assert preferences.is_on(session, person_id=ids[AINO], client_id=ids[AINO], category="tomorrow")
    again = client.post(url, data={"csrf_token": token_of(page)})
    assert again.status_code == 410 and "Linkki on jo käytetty" in again.text
    assert client.get(url).status_code == 410


def test_a_mail_programs_one_click_post_stops_without_cookies_or_form_token(app, client, engine, ids) -> None:
    """RFC 8058: the mail program posts List-Unsubscribe=One-Click to the link itself."""
    url, _row = stop_url(app, engine, ids)
    client.cookies.clear()
    assert client.post(url, data={"List-Unsubscribe": "Yes"}).status_code == 403  # not the one-click body
    with Session(engine) as session:
        assert preferences.is_on(session, person_id=ids[AINO], client_id=ids[AINO], category="new_message")
    done = client.post(url, data={"List-Unsubscribe": "One-Click"}, follow_redirects=False)
    assert done.status_code == 200 and "Lopetit nämä viestit: Uusi viesti" in " ".join(soup(done).find("main").get_text(" ").split())
    with Session(engine) as session:
        assert not preferences.is_on(session, person_id=ids[AINO], client_id=ids[AINO], category="new_message")
    assert client.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 410
    number, signature = url.rsplit("/", 1)[1].split(".")
    assert client.post(f"/stop/{int(number) + 1}.{signature}", data={"List-Unsubscribe": "One-Click"}).status_code == 404


def test_forged_links_are_refused_and_change_nothing(app, client, engine, ids) -> None:
    url, row = stop_url(app, engine, ids)
    page = client.get(url)
    number, signature = url.rsplit("/", 1)[1].split(".")
    for forged in (f"/stop/{int(number) + 1}.{signature}", f"/stop/{number}.{signature[:-1]}A",
                   f"/stop/{number}", "/stop/<b>fuzz", f"/stop/{number}.{signature}x"):
        assert client.get(forged).status_code == 404, forged
        answer = client.post(forged, data={"csrf_token": token_of(page)})
        assert answer.status_code == 404 and "Linkki ei toimi" in answer.text and "<b>fuzz" not in answer.text
    assert client.post(url, data={}).status_code == 403  # no form token: refused, nothing stopped
    with Session(engine) as session:
        assert preferences.is_on(session, person_id=ids[AINO], client_id=ids[AINO], category="new_message")
    assert client.get("/stopped/nothing").status_code == 404


def test_staff_see_the_outbox_and_a_unit_manager_sends_a_parked_one_again(app, client, engine, ids) -> None:
    parked = factories.add_parked_notification(engine, person=ids[AINO])
    as_staff(client, engine, ids[SANNA])
    page = client.get("/staff/outbox")
    assert page.status_code == 200 and "Pysäytetyt viestit" in page.text
    assert "a•••@example.fi" in page.text and "aino.virtanen@example.fi" not in page.text
    assert "Aino" not in soup(page).find("main").get_text()
    assert not soup(page).select("form[action$='/retry']")  # an instructor: no button
    assert client.post(f"/staff/outbox/{parked}/retry", data={"csrf_token": token_of(page)}).status_code == 403
    as_staff(client, engine, ids[TIMO])
    page = client.get("/staff/outbox")
    [form] = soup(page).select(f"form[action='/staff/outbox/{parked}/retry']")
    done = client.post(f"/staff/outbox/{parked}/retry", data={"csrf_token": token_of(page)}, follow_redirects=False)
    assert done.status_code == 303
    with Session(engine) as session:
        row = session.get(Notification, parked)
        assert row is not None and (row.state, row.attempts) == ("queued", 0)
    assert client.post(f"/staff/outbox/{parked}/retry", data={"csrf_token": token_of(page)}).status_code == 404
