"""Passkeys in real headless Chromium with its DevTools virtual authenticator
(a phone's platform key with user verification, through Selenium's CDP
command): add a key after a strong login, log out, log in with it at
/easy/phone, remove it, and see that it no longer works. Keyboard only.
And axe on the passkey pages in three languages at 320 px and 1280 px."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.support import browser, factories
from tests.support.journeys import Portal, check_everywhere, sign_in, wait_for_new_page

AINO, SANNA = "010280-952L", "300883-9617"
SETTINGS = "/settings/easy-login/passkeys"


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[Portal]:  # type: ignore[no-untyped-def]
    # WebAuthn takes a host name as the RP id, never an IP address.
    with browser.demo_portal(tmp_path_factory.mktemp("browser-passkeys"), host="localhost") as (url, app):
        yield Portal(url, factories.person_id(app.state.engine, app.state.vault, AINO), app.state.engine)


@pytest.fixture(scope="module")
def driver():  # type: ignore[no-untyped-def]
    with browser.chromium() as chrome:
        yield chrome


@pytest.fixture
def authenticator(driver) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A phone's own key store: resident keys, the phone's unlock done."""
    driver.execute_cdp_cmd("WebAuthn.enable", {})
    added = driver.execute_cdp_cmd("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})
    yield added["authenticatorId"]
    driver.execute_cdp_cmd("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": added["authenticatorId"]})
    driver.execute_cdp_cmd("WebAuthn.disable", {})


def press(driver, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Tab to the control and press Enter, as a keyboard user does; a new page follows."""
    target = driver.find_element(By.CSS_SELECTOR, selector)
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)  # the skip link: keyboard focus is in the page
    for _ in range(60):
        if driver.switch_to.active_element == target:
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element == target, f"{selector} is not reachable with the Tab key"
    wait_for_new_page(driver, lambda: target.send_keys(Keys.ENTER))


def test_add_log_in_with_and_remove_a_passkey(driver, portal, authenticator) -> None:
    browser.set_width(driver, browser.WIDTHS["phone"])
    sign_in(driver, portal, AINO)
    driver.get(f"{portal.url}/language/fi?next={SETTINGS}")
    assert driver.find_elements(By.CSS_SELECTOR, ".passkey-list__item") == []
    assert not driver.find_element(By.CSS_SELECTOR, "[data-passkey-needs-js]").is_displayed()
    press(driver, "#passkey-button")
    assert driver.current_url.endswith(f"{SETTINGS}?added=1"), driver.current_url
    assert len(driver.find_elements(By.CSS_SELECTOR, ".passkey-list__item")) == 1
    stored = driver.execute_cdp_cmd("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(stored) == 1 and stored[0]["isResidentCredential"] and stored[0]["rpId"] == "localhost"

    press(driver, ".account__logout button")
    driver.get(f"{portal.url}/language/fi?next=/easy/phone")
    press(driver, "#passkey-button")
    assert driver.current_url == f"{portal.url}/home"
    assert "Kirjauduit helposti" in driver.find_element(By.CSS_SELECTOR, ".account").text
    driver.get(f"{portal.url}/money")  # an easy login never opens strong pages
    assert driver.find_element(By.TAG_NAME, "h1").text == "Kirjaudu pankkitunnuksilla"

    sign_in(driver, portal, AINO)  # removing a key needs the strong login
    driver.get(f"{portal.url}/language/fi?next={SETTINGS}")
    press(driver, ".passkey-list button")
    assert driver.current_url.endswith(f"{SETTINGS}?removed=1")
    assert driver.find_elements(By.CSS_SELECTOR, ".passkey-list__item") == []

    driver.delete_all_cookies()
    driver.get(f"{portal.url}/language/fi?next=/easy/phone")
    press(driver, "#passkey-button")  # the phone still offers the key; the portal refuses it
    assert driver.current_url == f"{portal.url}/easy/phone"
    assert "Tätä avainta ei voi enää käyttää" in driver.find_element(By.CSS_SELECTOR, ".error-summary").text
    assert driver.get_cookie("portal_client_session") is None


def test_passkey_pages_pass_axe(driver, portal, authenticator) -> None:
    driver.delete_all_cookies()
    browser.console_errors(driver)  # what earlier tests' pages logged (a step-up page's 403) is not these pages'
    check_everywhere(driver, portal, "/easy/phone")
    check_everywhere(driver, portal, "/easy/enrol/passkey")
    sign_in(driver, portal, AINO)
    check_everywhere(driver, portal, SETTINGS)
    driver.get(f"{portal.url}{SETTINGS}")
    press(driver, "#passkey-button")  # a key in the list, with its remove button
    check_everywhere(driver, portal, SETTINGS)
    sign_in(driver, portal, SANNA, staff=True)
    check_everywhere(driver, portal, f"/staff/clients/{portal.aino_id}/easy-login/passkeys")


def test_without_javascript_the_page_says_so_and_offers_the_other_ways(portal) -> None:
    """(axe needs JavaScript itself: it checks these pages above, with the script's form shown.)"""
    from selenium import webdriver

    with browser.chromium(prefs={"profile.managed_default_content_settings.javascript": 2}) as chrome:
        assert isinstance(chrome, webdriver.Chrome)
        for path in ("/easy/phone", "/easy/enrol/passkey"):
            chrome.get(f"{portal.url}/language/fi?next={path}")
            main = chrome.find_element(By.TAG_NAME, "main")
            assert not chrome.find_element(By.CSS_SELECTOR, "form[data-passkey]").is_displayed()
            assert "Avain tarvitsee JavaScriptin." in main.text
            assert "JavaScript ei ole käytössä" in main.text  # the <noscript> text shows
            links = {a.get_attribute("href") for a in main.find_elements(By.TAG_NAME, "a")}
            assert {f"{portal.url}/login", f"{portal.url}/"} <= links
