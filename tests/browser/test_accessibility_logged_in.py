"""axe on every page behind a login and on the test identity provider's pages,
in three languages at 320 px and 1280 px. Logins go through the provider in
the browser, with real redirects."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from portal.settings import LOA_LOW
from tests.support import browser, factories
from tests.support.journeys import LOCALES, Portal, check_everywhere, sign_in, submit, wait_for_new_page

AINO, HELENA, SANNA = "010280-952L", "120556-942L", "300883-9617"


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[Portal]:  # type: ignore[no-untyped-def]
    with browser.demo_portal(tmp_path_factory.mktemp("browser-auth")) as (url, app):
        yield Portal(url, factories.person_id(app.state.engine, app.state.vault, AINO), app.state.engine)


@pytest.fixture(scope="module")
def driver():  # type: ignore[no-untyped-def]
    with browser.chromium() as chrome:
        yield chrome


CLIENT_PAGES = ["/home", "/access-log", "/settings/mandates", "/session"]
# The client list: current clients, ended ones, a search, and a search with an error (400).
STAFF_PAGES = ["/staff", "/staff?ended=y", "/staff?name=virt", "/staff?name=" + "a" * 101, "/staff/device",
               "/staff/session"]


@pytest.mark.parametrize("path", CLIENT_PAGES)
def test_client_pages(driver, portal, path) -> None:
    sign_in(driver, portal, AINO)
    check_everywhere(driver, portal, path)


def test_older_events_page(driver, portal) -> None:
    """The demo has a year of staff reads of Aino: "who has seen" has a second page."""
    sign_in(driver, portal, AINO)
    driver.get(f"{portal.url}/access-log")
    older = driver.find_element(By.CSS_SELECTOR, "main .pager a").get_attribute("href")
    check_everywhere(driver, portal, older.removeprefix(portal.url))


def test_staff_list_second_page(driver, portal) -> None:
    sign_in(driver, portal, SANNA, staff=True)
    driver.get(f"{portal.url}/staff")
    following = driver.find_element(By.CSS_SELECTOR, "main .pager a").get_attribute("href")
    check_everywhere(driver, portal, following.removeprefix(portal.url))


def test_client_mandate_form_with_errors(driver, portal) -> None:
    sign_in(driver, portal, AINO)
    check_everywhere(driver, portal, "/settings/mandates", submit)
    assert driver.title.startswith("Error: ")


def test_delegate_pages(driver, portal) -> None:
    sign_in(driver, portal, HELENA)
    assert driver.current_url.endswith("/choose")
    check_everywhere(driver, portal, "/choose")
    wait_for_new_page(driver, lambda: driver.find_element(By.CSS_SELECTOR, "main form button").click())
    check_everywhere(driver, portal, "/home")
    assert driver.find_element(By.CSS_SELECTOR, ".acting-for").is_displayed()


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_pages(driver, portal, path) -> None:
    sign_in(driver, portal, SANNA, staff=True)
    check_everywhere(driver, portal, path)


def test_staff_client_page_and_form_errors(driver, portal) -> None:
    driver.delete_all_cookies()
    sign_in(driver, portal, "180679-9737", staff=True)  # Maria, social instructor at Tupa
    liisa = driver.find_element(By.PARTIAL_LINK_TEXT, "Liisa").get_attribute("href")
    path = liisa.removeprefix(portal.url)
    check_everywhere(driver, portal, path)
    check_everywhere(driver, portal, path, submit)


def test_identity_provider_and_login_pages(driver, portal) -> None:
    driver.delete_all_cookies()

    def open_provider(d) -> None:  # type: ignore[no-untyped-def]
        d.get(f"{portal.url}/login")

    check_everywhere(driver, portal, "/", open_provider)
    check_everywhere(driver, portal, "/", lambda d: (open_provider(d), submit(d)))
    check_everywhere(driver, portal, "/home")  # login needed
    check_everywhere(driver, portal, "/logged-out")


def test_refusal_pages_after_login(driver, portal) -> None:
    reports = []
    for locale in LOCALES:
        for width in browser.WIDTHS.values():
            browser.set_width(driver, width)
            driver.delete_all_cookies()
            driver.get(f"{portal.url}/language/{locale}?next=/")
            driver.get(f"{portal.url}/login")
            driver.find_element(By.CSS_SELECTOR, f"input[name=person][value='{AINO}']").click()
            driver.find_element(By.CSS_SELECTOR, f"input[name=level][value='{LOA_LOW}']").click()
            wait_for_new_page(driver, lambda: driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click())
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == locale
            violations, report = browser.axe_violations(driver)
            if violations:
                reports.append(f"low level {locale} {width}: {report}")
            driver.get(f"{portal.url}/login")
            driver.find_element(By.ID, "identity_code").send_keys("311299-999E")
            wait_for_new_page(driver, lambda: driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click())
            assert driver.find_element(By.TAG_NAME, "h1").text
            violations, report = browser.axe_violations(driver)
            if violations:
                reports.append(f"not a client {locale} {width}: {report}")
    assert reports == [], "\n".join(reports)


def test_login_failure_pages(driver, portal) -> None:
    """What helps after a failed login: start again, tell the centre (with a
    reference), or a page for someone without a Finnish identity code."""
    from sqlmodel import delete

    from portal.db import transaction
    from portal.models import RateLimitHit

    def fresh_limits() -> None:  # these pages are failed logins: keep under the limit
        with transaction(portal.engine) as session:
            session.exec(delete(RateLimitHit))  # type: ignore[call-overload]
        browser.console_errors(driver)  # earlier pages' refusals are not this page's errors

    def interrupted(d) -> None:  # type: ignore[no-untyped-def]
        fresh_limits()
        d.get(f"{portal.url}/login/callback?state=x&code=y")

    def provider_refused(d) -> None:  # type: ignore[no-untyped-def]
        fresh_limits()
        d.get(f"{portal.url}/login")
        state = d.find_element(By.CSS_SELECTOR, "input[name=state]").get_attribute("value")
        d.get(f"{portal.url}/login/callback?state={state}&error=invalid_request")
        assert d.find_element(By.CSS_SELECTOR, ".reference").text

    def no_identity_code(d) -> None:  # type: ignore[no-untyped-def]
        fresh_limits()
        d.get(f"{portal.url}/login")
        d.find_element(By.CSS_SELECTOR, "input[name=person][value='eidas']").click()
        wait_for_new_page(d, lambda: d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click())
        assert d.current_url.endswith("/login/callback") or "/login/callback" in d.current_url

    check_everywhere(driver, portal, "/", interrupted)
    check_everywhere(driver, portal, "/", provider_refused)
    check_everywhere(driver, portal, "/", no_identity_code)


def test_session_dialog_warns_and_continues_without_leaving_the_page(driver, portal) -> None:
    from sqlmodel import select

    from portal.auth import sessions
    from portal.db import transaction
    from portal.models import LoginSession

    browser.set_width(driver, 320)
    sign_in(driver, portal, AINO)
    browser.console_errors(driver)  # drain what earlier tests left
    with transaction(portal.engine) as session:  # the session's absolute end is 2 minutes away
        record = session.exec(select(LoginSession).where(LoginSession.revoked_at.is_(None))).all()[-1]  # type: ignore[union-attr]
        record.expires_at = sessions.now_utc() + timedelta(minutes=2)
        record_id = record.id
    driver.get(f"{portal.url}/language/fi?next=/settings/mandates")
    dialog = driver.find_element(By.ID, "session-dialog")
    WebDriverWait(driver, 10).until(lambda d: dialog.get_attribute("open") is not None)
    violations, report = browser.axe_violations(driver)
    assert violations == [], report
    driver.execute_script("window.portalSamePage = true")
    with transaction(portal.engine) as session:
        before = session.get(LoginSession, record_id).last_seen_at
    dialog.find_element(By.TAG_NAME, "button").click()
    WebDriverWait(driver, 10).until(lambda d: dialog.get_attribute("open") is None)
    assert driver.execute_script("return window.portalSamePage === true")  # no navigation
    with transaction(portal.engine) as session:
        assert session.get(LoginSession, record_id).last_seen_at > before
    assert browser.console_errors(driver) == []


@pytest.fixture(scope="module")
def big_text_driver():  # type: ignore[no-untyped-def]
    with browser.chromium(prefs=browser.DOUBLE_TEXT_PREFS) as chrome:
        yield chrome


def test_200_percent_text_at_320_px_on_every_page_behind_a_login(big_text_driver, portal) -> None:
    """The phone's text size at 200 % (see browser.DOUBLE_TEXT_PREFS): no
    sideways scrolling and 44 px targets, for clients, family members and staff."""
    driver = big_text_driver
    browser.set_width(driver, 320)
    reports: list[str] = []

    def check(paths: list[str], then: Callable | None = None) -> None:
        for locale in LOCALES:
            for path in paths:
                driver.get(f"{portal.url}/language/{locale}?next={path}")
                if then:
                    then(driver)
                assert driver.execute_script("return getComputedStyle(document.documentElement).fontSize") == "32px"
                if (overflow := browser.horizontal_overflow(driver)) > 0:
                    reports.append(f"{path} {locale}: {overflow} px of horizontal scrolling")
                if small := browser.small_targets(driver):
                    reports.append(f"{path} {locale}: small targets {small}")

    check(["/home"])  # login needed
    check(["/"], lambda d: d.get(f"{portal.url}/login"))  # the identity provider's page
    sign_in(driver, portal, AINO)
    check([*CLIENT_PAGES, "/", "/accessibility", "/contact"])
    check(["/settings/mandates"], submit)
    sign_in(driver, portal, HELENA)
    check(["/choose"])
    wait_for_new_page(driver, lambda: driver.find_element(By.CSS_SELECTOR, "main form button").click())
    check(["/home"])
    sign_in(driver, portal, "180679-9737", staff=True)  # Maria, social instructor at Tupa
    liisa = driver.find_element(By.PARTIAL_LINK_TEXT, "Liisa").get_attribute("href").removeprefix(portal.url)
    check([*STAFF_PAGES, liisa])
    check([liisa], submit)
    assert reports == [], "\n".join(reports)
