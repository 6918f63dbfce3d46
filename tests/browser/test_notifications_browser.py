"""Reminders in headless Chromium: at 320 px with the keyboard only (Tab,
Enter, Space, typing), a client adds a mobile number, types the code from
the development outbox, chooses a category and saves; a stop link is opened
and used from a browser without a login. axe 0, no sideways scrolling and
44 px targets on the settings page (also with an error), the stop page and
its answers, in three languages at 320 px and 1280 px."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlmodel import Session, select

from portal import clock
from portal.db import transaction
from portal.notifications import outbox, preferences, sender, stop_links
from portal.notifications.models import Notification
from tests.support import browser, factories
from tests.support.journeys import Portal, problems_everywhere, sign_in
from tests.support.keyboard import field, fits, focus, keys, main_text, press_enter_on, submit_of, type_into

AINO = "010280-952L"
PAGE = "/settings/notifications"


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[Portal]:  # type: ignore[no-untyped-def]
    with browser.demo_portal(tmp_path_factory.mktemp("browser-notifications")) as (url, app):
        portal = Portal(url, factories.person_id(app.state.engine, app.state.vault, AINO), app.state.engine)
        portal.app = app  # type: ignore[attr-defined]
        yield portal


@pytest.fixture(scope="module")
def driver():  # type: ignore[no-untyped-def]
    with browser.chromium() as chrome:
        yield chrome


def a_stop_link(portal: Portal, *, used: bool = False) -> str:
    app = portal.app  # type: ignore[attr-defined]
    with transaction(portal.engine) as session:
        preferences.set_one(session, person_id=portal.aino_id, client_id=portal.aino_id, category="new_message",
                            enabled=True, now=clock.now())
        message_id = clock.now().microsecond + clock.now().second * 1_000_000
        outbox.notify_new_message(session, message_id=message_id, person_ids=[portal.aino_id], now=clock.now())
        row = session.exec(select(Notification).where(Notification.object_id == str(message_id))
                           .order_by(Notification.id)).first()
        assert row is not None
        token = stop_links.token_for(app.state.settings.secret_key, row)
        if used:
            stop_links.stop(session, secret=app.state.settings.secret_key, token=token, now=clock.now())
    return f"/stop/{token}"


def test_a_mobile_number_and_a_choice_with_the_keyboard_at_320_px(driver, portal) -> None:
    sign_in(driver, portal, AINO)
    browser.set_width(driver, browser.WIDTHS["phone"])
    driver.get(f"{portal.url}/language/fi?next={PAGE}")
    fits(driver)
    type_into(driver, "mobile-address", "045 678 9012")
    press_enter_on(driver, submit_of("/settings/notifications/mobile"))
    assert "Lähetimme koodin puhelimeesi." in main_text(driver)
    fits(driver)
    app = portal.app  # type: ignore[attr-defined]
    sender.send_batch(app.state.engine, sender.context_from(app.state.settings))  # the development outbox
    with Session(portal.engine) as session:
        row = session.exec(select(Notification).where(Notification.to_address == "+358456789012")).one()
    code = re.search(r"\d{6}", row.body).group(0)  # type: ignore[union-attr]
    type_into(driver, "mobile-code-code", code)
    press_enter_on(driver, submit_of("/settings/notifications/mobile/confirm"))
    assert "Osoite on vahvistettu." in main_text(driver) and "045 6789012" in main_text(driver)
    focus(driver, field("money_ready"))
    was = driver.find_element(By.NAME, "money_ready").is_selected()
    keys(driver, Keys.SPACE)
    press_enter_on(driver, submit_of("/settings/notifications/choices"))
    assert "Valinnat on tallennettu." in main_text(driver)
    assert driver.find_element(By.NAME, "money_ready").is_selected() is not was
    fits(driver)
    # A stop link, opened in a browser without a login.
    url = a_stop_link(portal)
    driver.delete_all_cookies()
    driver.get(f"{portal.url}/language/fi?next={url}")
    assert "Uusi viesti" in main_text(driver)
    fits(driver)
    press_enter_on(driver, "e.type === 'submit' && e.closest('main')")
    assert driver.current_url.endswith("/stopped/new_message") and "Lopetit nämä viestit" in main_text(driver)
    fits(driver)


def check(driver, portal: Portal, path: str, *, error_page: bool = False, then=None) -> list[str]:  # type: ignore[no-untyped-def]
    return problems_everywhere(driver, portal, path, then=then, error_page=error_page)


def test_axe_on_the_settings_page_with_and_without_an_error(driver, portal) -> None:
    sign_in(driver, portal, AINO)

    def wrong_email(d) -> None:  # type: ignore[no-untyped-def]
        d.find_element(By.NAME, "email-address").send_keys("aino@")
        button = d.find_element(By.CSS_SELECTOR, "form[action='/settings/notifications/email'] button")
        d.execute_script("window.portalOldPage = true")
        button.click()
        from selenium.webdriver.support.ui import WebDriverWait

        WebDriverWait(d, 10).until(lambda x: x.execute_script(
            "return window.portalOldPage === undefined && document.readyState === 'complete'"))
        assert d.title.startswith(("Virhe", "Fel", "Error"))

    reports = check(driver, portal, PAGE) + check(driver, portal, PAGE, then=wrong_email, error_page=True)
    assert reports == [], "\n".join(reports)


def test_axe_on_the_stop_pages(driver, portal) -> None:
    driver.delete_all_cookies()
    browser.console_errors(driver)  # an empty log: the error page of the test before logged its 400
    reports = (check(driver, portal, a_stop_link(portal)) + check(driver, portal, "/stopped/tomorrow")
               + check(driver, portal, a_stop_link(portal, used=True), error_page=True)
               + check(driver, portal, "/stop/1.AAAAAAAAAAAAAAAAAAAAAA", error_page=True))
    assert reports == [], "\n".join(reports)
