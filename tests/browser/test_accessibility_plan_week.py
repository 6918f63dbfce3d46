"""axe on the pages of plans, weeks, absences, the calendar and the schedule
editor (client and staff, error states included) in 3 languages x 2 widths;
and "En pääse tänään" in one step at 320 px with the keyboard only, with and
without JavaScript, seen at once on the staff start page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time, timedelta

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from sqlmodel import col, select

from portal.auth import sessions
from portal.db import transaction
from portal.models import GroupSlot, LoginSession
from portal.schedule.calendar_days import today
from tests.support import browser, factories
from tests.support.days import on_activity_day
from tests.support.journeys import Portal, check_everywhere, sign_in, submit, wait_for_new_page

AINO, MIKKO, JARI, SANNA, MARIA = "010280-952L", "150375-990C", "071188-955W", "300883-9617", "180679-9737"


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[Portal]:  # type: ignore[no-untyped-def]
    with on_activity_day(), browser.demo_portal(tmp_path_factory.mktemp("browser-plan-week")) as (url, app):
        engine = app.state.engine
        # Activity today (a day with activity) for Aino and Mikko, so "En pääse tänään" is offered.
        for code in (AINO, MIKKO):
            group = factories.group_id(engine, person=factories.person_id(engine, app.state.vault, code))
            with transaction(engine) as session:
                session.add(GroupSlot(group_id=group, weekday=today().weekday(), starts_at=time(16),
                                      ends_at=time(18), activity="Iltaryhmä", place="Verstas"))
        yield Portal(url, factories.person_id(engine, app.state.vault, AINO), engine)


@pytest.fixture(scope="module")
def driver():  # type: ignore[no-untyped-def]
    with browser.chromium() as chrome:
        yield chrome


@pytest.mark.parametrize("path", ["/home", "/week", "/plan", "/absence", "/settings/calendar"])
def test_client_pages(driver, portal, path) -> None:
    sign_in(driver, portal, AINO)
    check_everywhere(driver, portal, path)


def test_client_forms_with_errors(driver, portal) -> None:
    sign_in(driver, portal, AINO)
    check_everywhere(driver, portal, "/absence", submit)
    assert driver.title.startswith("Error: ")

    def empty_thought(d) -> None:  # type: ignore[no-untyped-def]
        wait_for_new_page(d, lambda: d.find_element(By.CSS_SELECTOR, "main section form button[type=submit]").click())

    check_everywhere(driver, portal, "/plan", empty_thought)
    assert driver.title.startswith("Error: ")


def test_calendar_page_with_an_address(driver, portal) -> None:
    sign_in(driver, portal, AINO)
    driver.get(f"{portal.url}/settings/calendar")
    wait_for_new_page(driver, lambda: driver.find_element(By.CSS_SELECTOR, "main form button").click())
    check_everywhere(driver, portal, "/settings/calendar")
    assert "/calendar/" in driver.find_element(By.CSS_SELECTOR, ".address").text


def staff_path(driver, portal, name: str) -> str:  # type: ignore[no-untyped-def]
    driver.get(f"{portal.url}/staff")
    return driver.find_element(By.PARTIAL_LINK_TEXT, name).get_attribute("href").removeprefix(portal.url)


def test_staff_plan_editor(driver, portal) -> None:
    sign_in(driver, portal, MARIA, staff=True)
    client = staff_path(driver, portal, "Jari")
    check_everywhere(driver, portal, f"{client}/plan")

    def bad_days(d) -> None:  # type: ignore[no-untyped-def]
        days = d.find_element(By.ID, "days_per_week")
        days.clear()
        days.send_keys("7")
        submit(d)

    check_everywhere(driver, portal, f"{client}/plan", bad_days)
    assert driver.title.startswith("Error: ")


def test_staff_schedule_pages(driver, portal) -> None:
    sign_in(driver, portal, SANNA, staff=True)
    check_everywhere(driver, portal, "/staff")
    check_everywhere(driver, portal, "/staff/groups")
    driver.get(f"{portal.url}/staff/groups")
    path = driver.find_element(By.CSS_SELECTOR, "main .link-list a").get_attribute("href").removeprefix(portal.url)
    check_everywhere(driver, portal, path)
    check_everywhere(driver, portal, path, submit)  # the change form, empty
    assert driver.title.startswith("Error: ")

    def end_membership_empty(d) -> None:  # type: ignore[no-untyped-def]
        wait_for_new_page(d, lambda: d.find_element(
            By.CSS_SELECTOR, "main form[action$='/member_ends'] button[type=submit]").click())

    check_everywhere(driver, portal, path, end_membership_empty)  # ending a client's time, nothing chosen
    assert driver.title.startswith("Error: ") and "/member_ends" in driver.current_url


def test_staff_add_a_client_to_a_group_by_searching_without_javascript(driver, portal) -> None:
    """The unit's clients to add: a search (a GET form), a page of radio buttons with a
    link to the next page, and the form with nothing chosen; all with the keyboard."""
    sign_in(driver, portal, SANNA, staff=True)
    driver.get(f"{portal.url}/staff/groups")
    path = driver.find_element(By.CSS_SELECTOR, "main .link-list a").get_attribute("href").removeprefix(portal.url)
    check_everywhere(driver, portal, path + "?name=y")  # more than 50: a link to the next ones
    assert driver.find_elements(By.CSS_SELECTOR, "#members-person_id input[type=radio]")
    assert driver.find_elements(By.CSS_SELECTOR, "main form[action*='/members'] .pager a")

    def add_empty(d) -> None:  # type: ignore[no-untyped-def]
        wait_for_new_page(d, lambda: d.find_element(
            By.CSS_SELECTOR, "main form[action*='/members'] button[type=submit]").click())

    check_everywhere(driver, portal, path + "?name=ylik", add_empty)
    assert driver.title.startswith("Error: ") and "name=ylik" in driver.current_url
    check_everywhere(driver, portal, path + "?name=" + "a" * 101)  # a search too long: said at the field
    assert driver.title.startswith("Error: ")
    browser.set_width(driver, browser.WIDTHS["phone"])
    driver.get(f"{portal.url}/language/fi?next={path}")
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        driver.get(f"{portal.url}{path}")
        driver.find_element(By.ID, "name").send_keys("ylikoski", Keys.ENTER)  # the search, with the keyboard
        WebDriverWait(driver, 10).until(lambda d: "name=ylikoski" in d.current_url)
        assert driver.current_url.endswith("#add-client")
        radios = driver.find_elements(By.CSS_SELECTOR, "#members-person_id input[type=radio]")
        labels = [label.text for label in driver.find_elements(By.CSS_SELECTOR, "#members-person_id label")]
        assert labels and all("Ylikoski" in label for label in labels)
        radios[0].send_keys(Keys.SPACE)
        driver.find_element(By.ID, "members-starts_on").send_keys(today().strftime("%d.%m.%Y"), Keys.ENTER)
        WebDriverWait(driver, 10).until(lambda d: "saved=1" in d.current_url)
        members = driver.find_element(By.CSS_SELECTOR, "main ul.member-list").text
        assert labels[0].split(",")[0] in members
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_staff_group_page_with_weekly_times_that_end_start_and_have_ended(driver, portal) -> None:
    """Liisa's group (demo): its Friday ends soon and a Thursday starts later; one time has ended."""
    sign_in(driver, portal, MARIA, staff=True)
    driver.get(f"{portal.url}/staff/groups")
    path = driver.find_element(By.PARTIAL_LINK_TEXT, "Taide ja musiikki").get_attribute("href").removeprefix(portal.url)
    group = int(path.rsplit("/", 1)[1])
    factories.add_slot(portal.engine, group=group, weekday=1, activity="Kesäryhmä",
                       valid_until=today() - timedelta(days=1))
    check_everywhere(driver, portal, path)
    text = driver.find_element(By.TAG_NAME, "main").text
    assert "Päättyneet ajat" in text or "Times that have ended" in text or "Tider som har slutat" in text

    def end_empty(d) -> None:  # type: ignore[no-untyped-def]
        wait_for_new_page(d, lambda: d.find_element(
            By.CSS_SELECTOR, "main form[action$='/slot_ends'] button[type=submit]").click())

    check_everywhere(driver, portal, path, end_empty)  # ending a weekly time, no last day written
    assert driver.title.startswith("Error: ") and "/slot_ends" in driver.current_url


def press_tab_until(driver, text: str, limit: int = 40) -> None:  # type: ignore[no-untyped-def]
    """Move focus with Tab only until the focused element has this text."""
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if text in driver.switch_to.active_element.text:
            return
    raise AssertionError(f"{text!r} cannot be reached with Tab")


def report_with_keyboard(driver, portal, code: str) -> None:  # type: ignore[no-untyped-def]
    driver.get(f"{portal.url}/language/fi?next=/home")
    press_tab_until(driver, "En pääse tänään")
    ActionChains(driver).send_keys(Keys.ENTER).perform()


def staff_sees_notice(driver, portal, name: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(driver, portal, SANNA, staff=True)
    driver.get(f"{portal.url}/language/fi?next=/staff")
    heading = driver.find_element(By.XPATH, "//h2[text()='Uudet poissaoloilmoitukset']")
    notices = heading.find_element(By.XPATH, "following-sibling::*[1]").text
    assert name in notices


def test_i_cant_come_today_with_the_keyboard_at_320_px(driver, portal) -> None:
    browser.set_width(driver, 320)
    sign_in(driver, portal, AINO)
    report_with_keyboard(driver, portal, AINO)
    WebDriverWait(driver, 10).until(lambda d: "reported=1" in d.current_url)
    assert "Olet ilmoittanut, ettet pääse tänään." in driver.find_element(By.TAG_NAME, "main").text
    violations, report = browser.axe_violations(driver)
    assert violations == [], report
    staff_sees_notice(driver, portal, "Aino Virtanen")


def test_i_cant_come_today_without_javascript(driver, portal) -> None:
    browser.set_width(driver, 320)
    sign_in(driver, portal, MIKKO)
    # With the session's end 2 minutes away, session.js would open its dialog at once: it must not.
    with transaction(portal.engine) as session:
        record = session.exec(select(LoginSession).where(col(LoginSession.revoked_at).is_(None))
                              .order_by(col(LoginSession.id).desc())).first()
        record.expires_at = sessions.now_utc() + timedelta(minutes=2)
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        driver.get(f"{portal.url}/home")
        assert driver.find_element(By.ID, "session-dialog").get_attribute("open") is None  # no script ran
        report_with_keyboard(driver, portal, MIKKO)
        WebDriverWait(driver, 10).until(lambda d: "reported=1" in d.current_url)
        assert "Olet ilmoittanut, ettet pääse tänään." in driver.find_element(By.TAG_NAME, "main").text
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    staff_sees_notice(driver, portal, "Mikko Korhonen")
