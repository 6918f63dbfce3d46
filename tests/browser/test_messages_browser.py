"""Messages in real headless Chromium, keyboard only (Tab, Shift+Tab, Enter,
Space, typing) at 320 px, with JavaScript on and off: Aino writes to
Verstas, Sanna sees it unread in the inbox and answers, Aino sees the answer
marked new and then read; her mother Helena writes for her. And axe, 44 px
targets and no sideways scrolling on every new page in three languages at
320 px and 1280 px."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlmodel import Session, select

from portal.auth import sessions
from portal.messages import threads
from portal.messages.models import MessageThread
from tests.support import browser, factories
from tests.support.days import on_activity_day
from tests.support.journeys import check_everywhere
from tests.support.keyboard import (
    fits,
    focus,
    h1,
    javascript,
    keys,
    link,
    log_out,
    main_text,
    press_enter_on,
    set_size,
    submit_of,
    type_into,
    wait_for_new_page,
)

AINO, HELENA, SANNA = "010280-952L", "120556-942L", "300883-9617"
NAMES = {AINO: ("Aino", "Virtanen"), HELENA: ("Helena", "Virtanen"), SANNA: ("Sanna", "Laine")}


class Portal:
    def __init__(self, url: str, app: Any) -> None:
        self.url, self.app, self.engine = url, app, app.state.engine
        self.people = {code: factories.person_id(self.engine, app.state.vault, code) for code in NAMES}


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[Portal]:  # type: ignore[no-untyped-def]
    with on_activity_day(), browser.demo_portal(tmp_path_factory.mktemp("browser-messages")) as (url, app):
        yield Portal(url, app)


@pytest.fixture(scope="module")
def driver():  # type: ignore[no-untyped-def]
    with browser.chromium() as chrome:
        yield chrome


def log_in(driver, portal: Portal, identity_code: str, *, staff: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Through the test identity provider: the identity code and the names typed, Enter."""
    driver.get(f"{portal.url}/language/fi?next={'/staff/login' if staff else '/login'}")
    assert h1(driver).replace("\u00ad", "") == "Testitunnistus"
    type_into(driver, "identity_code", identity_code)
    type_into(driver, "given_name", NAMES[identity_code][0])
    type_into(driver, "family_name", NAMES[identity_code][1])
    wait_for_new_page(driver, lambda: keys(driver, Keys.ENTER))


def path_of(driver, portal: Portal) -> str:  # type: ignore[no-untyped-def]
    return driver.current_url.removeprefix(portal.url)


def menu_to(driver, href: str) -> None:  # type: ignore[no-untyped-def]
    """Open the menu (a disclosure at 320 px) with the keyboard and follow one of its links."""
    focus(driver, "e.tagName === 'SUMMARY' && e.closest('.menu')")
    keys(driver, Keys.ENTER)
    press_enter_on(driver, f"e.tagName === 'A' && e.closest('.menu') && e.getAttribute('href') === '{href}'")


def write_message(driver, topic: str, text: str) -> None:  # type: ignore[no-untyped-def]
    press_enter_on(driver, link("/messages/new"))
    assert h1(driver) == "Uusi viesti" and "Et voi lähettää liitteitä." in main_text(driver)
    fits(driver)
    focus(driver, "e.name === 'topic'")  # into the group of topics: arrows move and choose
    steps = threads.TOPICS.index(topic)
    keys(driver, *([Keys.ARROW_DOWN] * steps if steps else [Keys.SPACE]))
    assert driver.find_element(By.CSS_SELECTOR, "input[name=topic]:checked").get_attribute("value") == topic
    type_into(driver, "text", text)
    press_enter_on(driver, submit_of("/messages/new"))
    assert "Viesti on lähetetty." in main_text(driver), main_text(driver)


def messages_on_page(driver) -> list[str]:  # type: ignore[no-untyped-def]
    return [item.text for item in driver.find_elements(By.CSS_SELECTOR, ".message-list > li")]


@pytest.mark.parametrize("javascript_on", [True, False], ids=["javascript", "no-javascript"])
def test_client_writes_staff_answer_the_client_reads_and_a_delegate_writes(driver, portal, javascript_on) -> None:  # type: ignore[no-untyped-def]
    driver.delete_all_cookies()
    set_size(driver, 320, browser.PHONE_SCREEN_HEIGHT)
    javascript(driver, javascript_on)
    text = f"Voinko tulla huomenna myöhemmin? ({'js' if javascript_on else 'ei js'})"
    answer = f"Voit tulla kello 10. ({'js' if javascript_on else 'ei js'})"
    try:
        # Aino writes.
        log_in(driver, portal, AINO)
        assert path_of(driver, portal) == "/home"
        menu_to(driver, "/messages")
        assert h1(driver) == "Viestit"
        fits(driver)
        write_message(driver, "absence", text)
        thread_path = path_of(driver, portal).split("?")[0]
        fits(driver)
        log_out(driver)
        # Sanna sees it unread, first in the inbox, and answers.
        log_in(driver, portal, SANNA, staff=True)
        menu_to(driver, "/staff/messages")
        first = driver.find_element(By.CSS_SELECTOR, ".thread-list > li")
        assert "Lukematon" in first.text and "Aino Virtanen: En pääse tulemaan" in first.text, first.text
        fits(driver)
        press_enter_on(driver, link(f"/staff{thread_path}"))
        assert text in messages_on_page(driver)[-1]
        fits(driver)
        type_into(driver, "text", answer)
        press_enter_on(driver, submit_of(f"/staff{thread_path}/reply"))
        assert "Vastaus on lähetetty." in main_text(driver)
        log_out(driver)
        # Aino sees the answer as new, then read.
        log_in(driver, portal, AINO)
        assert "Uusia vastauksia:" in main_text(driver)
        press_enter_on(driver, link("/messages"))
        row = driver.find_element(By.CSS_SELECTOR, f".thread-list a[href='{thread_path}']").find_element(By.XPATH, "..")
        assert "Uusi vastaus" in row.text
        press_enter_on(driver, link(thread_path))
        last = messages_on_page(driver)[-1]
        assert answer in last and "Sanna Laine" in last and "Uusi" in last
        press_enter_on(driver, link("/messages"))
        row = driver.find_element(By.CSS_SELECTOR, f".thread-list a[href='{thread_path}']").find_element(By.XPATH, "..")
        assert "Uusi vastaus" not in row.text
        log_out(driver)
        # Helena writes for Aino.
        log_in(driver, portal, HELENA)
        assert path_of(driver, portal) == "/choose"
        press_enter_on(driver, "e.type === 'submit' && e.textContent.includes('Aino Virtanen')")
        menu_to(driver, "/messages")
        write_message(driver, "money", "Kysyn Ainon rahoista.")
        assert "Helena Virtanen Ainon puolesta" in messages_on_page(driver)[-1]
        fits(driver)
        log_out(driver)
    finally:
        javascript(driver, True)


def as_cookie(driver, portal: Portal, audience: str, person: int, acting_for: int | None = None) -> None:  # type: ignore[no-untyped-def]
    driver.delete_all_cookies()
    driver.get(f"{portal.url}/accessibility")
    token = factories.start_session(portal.engine, audience=audience, person=person, acting_for=acting_for)
    driver.add_cookie({"name": sessions.COOKIE_NAMES[audience], "value": token, "path": "/"})


def test_every_new_page_passes_axe_in_three_languages_at_both_widths(driver, portal) -> None:  # type: ignore[no-untyped-def]
    aino, sanna = portal.people[AINO], portal.people[SANNA]
    with Session(portal.engine) as session:
        thread = session.exec(select(MessageThread).where(MessageThread.client_person_id == aino)
                              .order_by(MessageThread.id)).first()
    assert thread is not None
    as_cookie(driver, portal, "client", aino, aino)
    for path in ("/messages", "/messages/new", f"/messages/{thread.id}"):
        check_everywhere(driver, portal, path)
    as_cookie(driver, portal, "staff", sanna)
    for path in ("/staff/messages", f"/staff/messages/{thread.id}", f"/staff/clients/{aino}/messages",
                 "/staff/bulletins"):
        check_everywhere(driver, portal, path)
