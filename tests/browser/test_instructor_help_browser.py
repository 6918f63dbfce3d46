""""Ohjaaja auttaa" (issue 25) in real headless Chromium, keyboard only: a
kiosk (768 x 1024, a tablet) with JavaScript on and another with it off, and
the staff in a second browser at 320 px and on a desktop. A client with no
code asks an instructor; Maria (Tupa), whose open page tells her of it
without a reload, approves on the list or on her start page; the kiosk logs
in (by itself with JavaScript, with a button without it) and he reports an
absence; a refusal; a request that expires; Sanna (Verstas) never sees it;
a forgotten code locks and the instructor helps. axe, 44 px targets and no
sideways scrolling on every new page and state in three languages, at the
kiosk's size and at 320 px (staff pages at 320 px and 1280 px).

The staff's logins go through the test identity provider's page with clicks
(tests.browser.test_accessibility_logged_in.sign_in): that page is no part of this
feature; everything after it is the Tab and Enter keys (and typing).

The live portal runs in this process (uvicorn in a thread), so moving the
portal's clock (portal.clock.moved_to) moves the server's clock too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from portal import clock
from portal.easy_login import instructor_help
from tests.support import browser
from tests.support.journeys import LOCALES, phone_problems, sign_in, wait_for_new_page

JARI, LIISA = "071188-955W", "230495-936S"
MARIA, SANNA = "180679-9737", "300883-9617"  # Tupa's social instructor; Verstas's
# A Tuesday with no holiday near: Jari's Keittiö meets today, so "En pääse
# tänään" is on his start page.
TUESDAY = date(2026, 12, 8)
KIOSK = {"width": 768, "height": 1024}  # a tablet on the centre's wall
PHONE = browser.WIDTHS["phone"]
KIOSK_WIDTHS = (KIOSK["width"], PHONE)
ANSWER_TIMEOUT = 15  # seconds: the page asks every 2 s; a loaded machine may be slow


@dataclass
class Portal:
    url: str  # sign_in (tests.browser.test_accessibility_logged_in) reads only this


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[Portal]:  # type: ignore[no-untyped-def]
    with clock.moved_to(clock.at_helsinki(TUESDAY)), \
            browser.demo_portal(tmp_path_factory.mktemp("browser-instructor-help")) as (url, _app):
        yield Portal(url)


def kiosk_size(driver: WebDriver) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**KIOSK, "deviceScaleFactor": 1, "mobile": False})


def set_size(driver: WebDriver, width: int) -> None:
    if width == KIOSK["width"]:
        kiosk_size(driver)
    else:
        browser.set_width(driver, width)


def press(driver: WebDriver, selector: str = "a[href], button", text: str | None = None, *,
          new_page: bool = True) -> None:
    """Tab to the link or button (the first matching `selector` whose text
    has `text`) and press Enter, as a keyboard user does."""
    candidates = [element for element in driver.find_elements(By.CSS_SELECTOR, selector)
                  if text is None or text in element.text]
    assert candidates, f"no {selector} {text or ''} on {driver.current_url}"
    target = candidates[0]
    reach(driver, target)
    if new_page:
        wait_for_new_page(driver, lambda: target.send_keys(Keys.ENTER))
    else:
        target.send_keys(Keys.ENTER)


def reach(driver: WebDriver, target: WebElement) -> None:
    """Move the keyboard focus to `target` with the Tab key only."""
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)  # the skip link: keyboard focus is in the page
    for _ in range(80):
        if driver.switch_to.active_element == target:
            return
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element == target, f"{target.text!r} is not reachable with the Tab key"


def h1(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def main_text(driver: WebDriver) -> str:
    return driver.find_element(By.TAG_NAME, "main").text


def mark_as_kiosk(driver: WebDriver, portal: Portal, name: str) -> None:
    """Maria marks this browser as a kiosk of Tupa on /staff/device and logs out."""
    sign_in(driver, portal, MARIA, staff=True)
    driver.get(f"{portal.url}/language/fi?next=/staff/device")
    driver.find_element(By.ID, "name").send_keys(name)
    press(driver, "main form[novalidate] button[type=submit]")
    assert f"Tämä laite on kioski: {name}." in main_text(driver)
    press(driver, ".account__logout button")


def chromium_kiosk(portal: Portal, name: str, prefs: dict | None = None) -> Iterator[WebDriver]:
    with browser.chromium(prefs) as chrome:
        kiosk_size(chrome)
        mark_as_kiosk(chrome, portal, name)
        yield chrome


@pytest.fixture(scope="module")
def kiosk(portal) -> Iterator[WebDriver]:  # type: ignore[no-untyped-def]
    """The kiosk with JavaScript."""
    yield from chromium_kiosk(portal, "Aulan tabletti")


@pytest.fixture(scope="module")
def plain_kiosk(portal) -> Iterator[WebDriver]:  # type: ignore[no-untyped-def]
    """A kiosk with JavaScript turned off."""
    yield from chromium_kiosk(portal, "Keittiön tabletti", {"profile.managed_default_content_settings.javascript": 2})


@pytest.fixture(scope="module")
def staff(portal) -> Iterator[WebDriver]:  # type: ignore[no-untyped-def]
    """The second browser: staff, on a phone or a desktop."""
    with browser.chromium() as chrome:
        yield chrome


def staff_in(driver: WebDriver, portal: Portal, code: str, width: int) -> None:
    browser.set_width(driver, width)
    sign_in(driver, portal, code, staff=True)
    driver.get(f"{portal.url}/language/fi?next=/staff")


def at_the_names(kiosk: WebDriver, portal: Portal) -> None:
    """The kiosk's list of names, nobody logged in, in Finnish."""
    kiosk_size(kiosk)
    kiosk.get(f"{portal.url}/language/fi?next=/kiosk")
    kiosk.delete_cookie("portal_client_session")
    kiosk.get(f"{portal.url}/kiosk")
    assert h1(kiosk) == "Kirjaudu helposti"


def ask_for_help(kiosk: WebDriver, name: str) -> None:
    """Pick oneself from the list and ask an instructor."""
    press(kiosk, "a.kiosk-person", name)
    press(kiosk, "button", "Pyydä ohjaajaa auttamaan")
    assert kiosk.current_url.endswith("/kiosk/help")
    assert h1(kiosk) == "Odota, ohjaaja tulee"
    assert name in kiosk.find_element(By.CSS_SELECTOR, ".kiosk-me").text
    assert "Pyyntö odottaa 10 minuuttia." in main_text(kiosk)


def answer_on_start_page(staff: WebDriver, portal: Portal, client: str, button: str) -> None:
    """The staff member sees the waiting client on /staff and answers."""
    staff.get(f"{portal.url}/language/fi?next=/staff")
    waiting = staff.find_element(By.CSS_SELECTOR, "section.card--attention")
    assert "Asiakas odottaa kioskilla" in waiting.text and client in waiting.text
    assert "Kioski: " in waiting.text
    press(staff, "section.card--attention button", button)
    assert staff.current_url.endswith(f"/staff/kiosk-requests?done={'approved' if button == 'Hyväksy' else 'rejected'}")
    assert "Ei pyyntöjä juuri nyt." in main_text(staff)


def wait_for(driver: WebDriver, condition: Callable[[WebDriver], object], timeout: float = ANSWER_TIMEOUT) -> None:
    """Until the condition holds (a page being replaced meanwhile is no failure)."""
    WebDriverWait(driver, timeout, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(
        condition)


def status_checks(driver: WebDriver) -> int:
    """How many times the waiting page has asked the portal for the answer."""
    return driver.execute_script(
        "return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/kiosk/help/status')).length")


def log_out(kiosk: WebDriver) -> None:
    press(kiosk, ".account__logout button")


def test_a_client_with_no_code_asks_and_the_kiosk_notices_the_approval_by_itself(portal, kiosk, staff) -> None:  # type: ignore[no-untyped-def]
    staff_in(staff, portal, MARIA, PHONE)
    assert staff.find_elements(By.CSS_SELECTOR, "section.card--attention") == []  # nobody waits yet
    staff.execute_script("window.staffWaited = true")
    at_the_names(kiosk, portal)
    press(kiosk, "a.kiosk-person", "Jari N.")
    assert h1(kiosk) == "Kirjaudu helposti"  # not "Kirjoita numerokoodi": he chose no code
    assert kiosk.find_elements(By.NAME, "code") == []
    press(kiosk, "button", "Pyydä ohjaajaa auttamaan")
    assert h1(kiosk) == "Odota, ohjaaja tulee" and "Jari N." in main_text(kiosk)
    # The client waits with the focus on "Peruuta"; the page asks by itself
    # and neither reloads nor moves the focus meanwhile.
    cancel = kiosk.find_element(By.CSS_SELECTOR, "form[action='/kiosk/help/cancel'] button")
    reach(kiosk, cancel)
    kiosk.execute_script("window.helpWaited = true")

    # Maria's open page tells her without a reload (it asks every 10 s).
    alert = staff.find_element(By.ID, "help-alert")
    wait_for(staff, lambda d: alert.is_displayed(), timeout=25)
    assert staff.execute_script("return window.staffWaited === true")
    violations, report = browser.axe_violations(staff)
    assert violations == [], report
    assert browser.small_targets(staff) == [] and browser.horizontal_overflow(staff) <= 0
    press(staff, "#help-alert a")
    assert staff.current_url == f"{portal.url}/staff/kiosk-requests"
    request = staff.find_element(By.CSS_SELECTOR, ".help-requests li")
    assert "Jari Nieminen" in request.text and "Kioski: Aulan tabletti." in request.text

    wait_for(kiosk, lambda d: status_checks(d) >= 2)  # the kiosk asks by itself: the same page, the same focus
    assert kiosk.execute_script("return window.helpWaited === true")
    assert kiosk.switch_to.active_element == cancel
    assert kiosk.find_element(By.ID, "help-status").text == ""

    press(staff, ".help-requests button", "Hyväksy")
    assert staff.current_url.endswith("/staff/kiosk-requests?done=approved")
    assert "Hyväksyit kirjautumisen. Kioski kirjautuu sisään." in main_text(staff)
    wait_for(kiosk, lambda d: d.current_url == f"{portal.url}/home")
    wait_for(kiosk, lambda d: d.execute_script("return document.readyState") == "complete")
    assert "Kirjauduit helposti" in kiosk.find_element(By.CSS_SELECTOR, ".account").text
    assert "Jari Nieminen" in kiosk.find_element(By.CSS_SELECTOR, ".account").text
    press(kiosk, "button", "En pääse tänään")
    assert kiosk.current_url == f"{portal.url}/home?reported=1"
    assert "Ilmoitit poissaolon. Ohjaaja näkee sen heti." in main_text(kiosk)
    log_out(kiosk)
    assert kiosk.get_cookie("portal_client_session") is None
    staff.get(f"{portal.url}/staff")  # the instructor sees the notice on her start page
    notices = staff.find_element(By.XPATH, "//h2[.='Uudet poissaoloilmoitukset']/following-sibling::ul[1]").text
    assert "Jari Nieminen\n: tiistai 8.12. Ei kerro syytä." in notices, notices
    assert ".." not in main_text(staff)  # a date ends the sentence with one full stop, not two


def test_without_javascript_the_client_checks_with_a_button(portal, plain_kiosk, staff) -> None:  # type: ignore[no-untyped-def]
    kiosk = plain_kiosk
    at_the_names(kiosk, portal)
    ask_for_help(kiosk, "Jari N.")
    press(kiosk, "button", "Onko ohjaaja jo hyväksynyt?")
    assert h1(kiosk) == "Odota, ohjaaja tulee"
    assert kiosk.find_element(By.ID, "help-status").text == "Ohjaaja ei ole vielä hyväksynyt."

    staff_in(staff, portal, MARIA, browser.WIDTHS["desktop"])
    answer_on_start_page(staff, portal, "Jari Nieminen", "Hyväksy")
    press(kiosk, "button", "Onko ohjaaja jo hyväksynyt?")
    assert kiosk.current_url == f"{portal.url}/home"
    assert "Kirjauduit helposti" in kiosk.find_element(By.CSS_SELECTOR, ".account").text
    # An absence on a later day, with the form: next Monday, ill.
    press(kiosk, "a", "Ilmoita poissaolo toiselle päivälle")
    day = kiosk.find_element(By.ID, "starts_on")  # tomorrow is written in it: he is ill tomorrow already
    reach(kiosk, day)
    day.send_keys(Keys.CONTROL, "a")
    day.send_keys("14.12.2026")
    ill = kiosk.find_element(By.CSS_SELECTOR, "input[name=reason][value=ill]")
    reach(kiosk, ill)
    ill.send_keys(Keys.SPACE)
    assert ill.is_selected()
    press(kiosk, "main form button[type=submit]")
    assert kiosk.current_url == f"{portal.url}/home?reported=1", main_text(kiosk)
    assert "Et pääse: maanantai 14.12.2026." in main_text(kiosk) or "14.12." in main_text(kiosk)
    log_out(kiosk)


def test_a_refusal_says_so_and_shows_the_ways_in(portal, kiosk, staff) -> None:  # type: ignore[no-untyped-def]
    at_the_names(kiosk, portal)
    ask_for_help(kiosk, "Jari N.")
    staff_in(staff, portal, MARIA, browser.WIDTHS["desktop"])
    answer_on_start_page(staff, portal, "Jari Nieminen", "Hylkää")
    assert "Hylkäsit pyynnön." in main_text(staff)
    wait_for(kiosk, lambda d: h1(d) == "Ohjaaja ei vahvistanut kirjautumista")
    assert kiosk.current_url == f"{portal.url}/kiosk/help/check"
    assert "Jari N." in main_text(kiosk)
    assert kiosk.get_cookie("portal_client_session") is None
    ways = {a.get_attribute("href").removeprefix(portal.url) for a in kiosk.find_elements(By.CSS_SELECTOR, "main a")}
    assert {"/kiosk", "/easy/enrol", "/login"} <= ways
    press(kiosk, "a", "Takaisin nimiin")
    assert h1(kiosk) == "Kirjaudu helposti"


def test_a_request_expires_and_is_asked_again(portal, kiosk, staff) -> None:  # type: ignore[no-untyped-def]
    at_the_names(kiosk, portal)
    ask_for_help(kiosk, "Jari N.")
    with clock.moved_to(clock.now() + instructor_help.WAIT + timedelta(seconds=1)):
        # The waiting page notices by itself and says so.
        wait_for(kiosk, lambda d: h1(d) == "Pyyntö ei ole enää voimassa")
        assert "Pyyntö vanheni 10 minuutin jälkeen, tai joku perui sen." in main_text(kiosk)
        staff_in(staff, portal, MARIA, PHONE)  # gone from the staff's start page too
        assert staff.find_elements(By.CSS_SELECTOR, "section.card--attention") == []
        press(kiosk, "button", "Pyydä uudelleen")
        assert h1(kiosk) == "Odota, ohjaaja tulee" and "Jari N." in main_text(kiosk)
        press(kiosk, "button", "Peruuta")
        assert h1(kiosk) == "Kirjaudu helposti"


def test_another_units_staff_never_see_the_request(portal, kiosk, staff) -> None:  # type: ignore[no-untyped-def]
    at_the_names(kiosk, portal)
    ask_for_help(kiosk, "Jari N.")
    staff_in(staff, portal, SANNA, PHONE)
    assert staff.find_elements(By.CSS_SELECTOR, "section.card--attention") == []
    assert "Jari Nieminen" not in main_text(staff)  # not a client of Verstas either
    staff.get(f"{portal.url}/staff/kiosk-requests")
    assert "Ei pyyntöjä juuri nyt." in main_text(staff) and "Jari" not in main_text(staff)
    staff_in(staff, portal, MARIA, PHONE)  # Tupa's staff do see it
    assert "Jari Nieminen" in staff.find_element(By.CSS_SELECTOR, "section.card--attention").text
    press(kiosk, "button", "Peruuta")


def test_a_forgotten_code_locks_and_the_instructor_helps(portal, kiosk, staff) -> None:  # type: ignore[no-untyped-def]
    at_the_names(kiosk, portal)
    press(kiosk, "a.kiosk-person", "Liisa M.")
    assert "Etkö muista koodia?" in main_text(kiosk)
    liisa = kiosk.current_url.removeprefix(portal.url)
    browser.console_errors(kiosk)
    reports = check_states(kiosk, portal, liisa, KIOSK_WIDTHS)  # the code, and the help button below it
    kiosk.get(f"{portal.url}/language/fi?next={liisa}")
    for left in (4, 3, 2, 1, 0):
        field = kiosk.find_element(By.NAME, "code")
        reach(kiosk, field)
        field.send_keys("9753")
        wait_for_new_page(kiosk, lambda: field.send_keys(Keys.ENTER))  # noqa: B023
        if left:
            assert "Koodi oli väärä." in main_text(kiosk)
    assert "Koodi on lukossa. Koodi oli väärin 5 kertaa." in main_text(kiosk)
    assert kiosk.find_elements(By.NAME, "code") == []
    reports += check_states(kiosk, portal, liisa, KIOSK_WIDTHS)  # locked: the help button still there
    assert reports == [], "\n".join(reports)
    kiosk.get(f"{portal.url}/language/fi?next={liisa}")
    press(kiosk, "button", "Pyydä ohjaajaa auttamaan")
    assert h1(kiosk) == "Odota, ohjaaja tulee" and "Liisa M." in main_text(kiosk)
    staff_in(staff, portal, MARIA, PHONE)
    answer_on_start_page(staff, portal, "Liisa Mäkinen", "Hyväksy")
    wait_for(kiosk, lambda d: d.current_url == f"{portal.url}/home")
    assert "Kirjauduit helposti" in kiosk.find_element(By.CSS_SELECTOR, ".account").text
    assert "Liisa Mäkinen" in kiosk.find_element(By.CSS_SELECTOR, ".account").text
    log_out(kiosk)


# axe, 44 px targets, no sideways scrolling: every new page and state.

def check_states(driver: WebDriver, portal: Portal, path: str, widths: tuple[int, ...],
                 then: Callable[[WebDriver], None] | None = None) -> list[str]:
    """axe in every language at each width; the problems, all at once."""
    reports = []
    for locale in LOCALES:
        for width in widths:
            set_size(driver, width)
            driver.get(f"{portal.url}/language/{locale}?next={path}")
            if then:
                then(driver)
            where = f"{path} {locale} {width}px"
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == locale, where
            violations, report = browser.axe_violations(driver)
            if violations:
                reports.append(f"{where}: {report}")
            if (overflow := browser.horizontal_overflow(driver)) > 0:
                reports.append(f"{where}: {overflow} px of horizontal scrolling")
            if small := browser.small_targets(driver):
                reports.append(f"{where}: small targets {small}")
            if errors := browser.console_errors(driver):
                reports.append(f"{where}: console errors {errors}")
            if width == PHONE:
                reports.extend(f"{where}: {problem}" for problem in phone_problems(driver))
    return reports


def test_every_new_page_and_state_passes_axe(portal, kiosk, staff) -> None:  # type: ignore[no-untyped-def]
    kiosk_widths, staff_widths = KIOSK_WIDTHS, (PHONE, browser.WIDTHS["desktop"])
    reports: list[str] = []
    browser.console_errors(kiosk)
    browser.console_errors(staff)
    at_the_names(kiosk, portal)
    press(kiosk, "a.kiosk-person", "Jari N.")  # no code: the help button only
    reports += check_states(kiosk, portal, kiosk.current_url.removeprefix(portal.url), kiosk_widths)

    at_the_names(kiosk, portal)
    ask_for_help(kiosk, "Jari N.")
    reports += check_states(kiosk, portal, "/kiosk/help", kiosk_widths)  # waiting
    reports += check_states(kiosk, portal, "/kiosk/help", kiosk_widths,  # "not yet", after the button
                            lambda d: wait_for_new_page(d, d.find_element(By.CSS_SELECTOR, "#help-check button").click))
    staff_in(staff, portal, MARIA, PHONE)
    reports += check_states(staff, portal, "/staff", staff_widths)  # the start page with a request
    reports += check_states(staff, portal, "/staff/kiosk-requests", staff_widths)  # the list with one

    kiosk.get(f"{portal.url}/kiosk")  # away from the waiting page: the approval waits to be used
    staff_in(staff, portal, MARIA, browser.WIDTHS["desktop"])
    answer_on_start_page(staff, portal, "Jari Nieminen", "Hyväksy")
    reports += check_states(staff, portal, "/staff/kiosk-requests?done=approved", staff_widths)  # none wait now
    reports += check_states(kiosk, portal, "/kiosk/help", kiosk_widths)  # approved
    kiosk.get(f"{portal.url}/language/fi?next=/kiosk/help")
    assert h1(kiosk) == "Ohjaaja hyväksyi"
    press(kiosk, "button", "Jatka omalle sivulle")
    assert kiosk.current_url == f"{portal.url}/home"
    log_out(kiosk)

    at_the_names(kiosk, portal)
    ask_for_help(kiosk, "Jari N.")
    kiosk.get(f"{portal.url}/kiosk")
    answer_on_start_page(staff, portal, "Jari Nieminen", "Hylkää")
    reports += check_states(staff, portal, "/staff/kiosk-requests?done=rejected", staff_widths)
    reports += check_states(kiosk, portal, "/kiosk/help", kiosk_widths)  # refused

    at_the_names(kiosk, portal)
    ask_for_help(kiosk, "Jari N.")
    kiosk.get(f"{portal.url}/kiosk")
    with clock.moved_to(clock.now() + instructor_help.WAIT + timedelta(seconds=1)):
        reports += check_states(kiosk, portal, "/kiosk/help", kiosk_widths)  # expired, "Pyydä uudelleen"
    kiosk.delete_cookie("portal_kiosk_help")
    reports += check_states(kiosk, portal, "/kiosk/help", kiosk_widths)  # no request at all (another browser)
    assert reports == [], "\n".join(reports)
