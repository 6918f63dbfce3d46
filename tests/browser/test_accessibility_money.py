"""axe on the attendance and money pages (client, staff, error states, the
print view) in 3 languages x 2 widths; and a staff member marks a group's day
at 320 px with the keyboard only, with and without JavaScript, and the
client's money grows accordingly."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time, timedelta
from decimal import Decimal

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from portal.db import transaction
from portal.models import GroupSlot
from portal.schedule.calendar_days import today
from tests.support import browser, factories
from tests.support.days import ACTIVITY_DAY, on_activity_day
from tests.support.journeys import Portal, check_everywhere, sign_in, submit

AINO, MIKKO, JARI, SANNA, MARIA = "010280-952L", "150375-990C", "071188-955W", "300883-9617", "180679-9737"


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Iterator[Portal]:  # type: ignore[no-untyped-def]
    with on_activity_day(), browser.demo_portal(tmp_path_factory.mktemp("browser-money")) as (url, app):
        engine = app.state.engine
        groups = {}
        # A time today (a day with activity) for Aino's and Mikko's groups, so their day lists have rows.
        for code in (AINO, MIKKO):
            groups[code] = factories.group_id(engine, person=factories.person_id(engine, app.state.vault, code))
            with transaction(engine) as session:
                session.add(GroupSlot(group_id=groups[code], weekday=today().weekday(), starts_at=time(16),
                                      ends_at=time(18), activity="Iltaryhmä", place="Verstas"))
        portal = Portal(url, factories.person_id(engine, app.state.vault, AINO), engine)
        portal.groups = groups  # type: ignore[attr-defined]
        yield portal


@pytest.fixture(scope="module")
def driver():  # type: ignore[no-untyped-def]
    with browser.chromium() as chrome:
        yield chrome


LAST_MONTH = (ACTIVITY_DAY.replace(day=1) - timedelta(days=1)).isoformat()[:7]


@pytest.mark.parametrize("path", ["/money", f"/money?month={LAST_MONTH}", f"/money/statement?month={LAST_MONTH}"])
def test_client_money_pages(driver, portal, path) -> None:
    sign_in(driver, portal, AINO)
    check_everywhere(driver, portal, path)


def test_rehabilitative_work_money_page(driver, portal) -> None:
    sign_in(driver, portal, JARI)
    check_everywhere(driver, portal, f"/money?month={LAST_MONTH}")
    check_everywhere(driver, portal, "/money/statement")


def test_print_view_fits_and_hides_the_page_frame(driver, portal) -> None:
    sign_in(driver, portal, AINO)
    driver.get(f"{portal.url}/language/fi?next=/money/statement?month={LAST_MONTH}")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not driver.find_element(By.CSS_SELECTOR, ".site-header").is_displayed()
        violations, report = browser.axe_violations(driver)
        assert violations == [], report
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_staff_day_list_and_its_errors(driver, portal) -> None:
    sign_in(driver, portal, SANNA, staff=True)
    path = f"/staff/groups/{portal.groups[AINO]}/attendance"
    check_everywhere(driver, portal, path)

    def part_day_without_hours(d) -> None:  # type: ignore[no-untyped-def]
        d.find_element(By.ID, "rows-0-status-1").click()
        submit(d)

    check_everywhere(driver, portal, path, part_day_without_hours)
    assert driver.title.startswith("Error: ")


def press_tab_until(driver, element_id: str, limit: int = 60) -> None:  # type: ignore[no-untyped-def]
    """Move focus with Tab only until this element has it."""
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if driver.switch_to.active_element.get_attribute("id") == element_id:
            return
    raise AssertionError(f"{element_id!r} cannot be reached with Tab")


def month_total(driver, portal, code: str) -> Decimal:  # type: ignore[no-untyped-def]
    sign_in(driver, portal, code)
    driver.get(f"{portal.url}/language/en?next=/money")
    total = driver.find_element(By.XPATH, "//dt[text()='Total']/following-sibling::dd[1]").text
    return Decimal(total.replace("€", "").replace(",", "").strip())


def mark_present_with_keyboard(driver, portal, group_id: int, *, javascript: bool = True) -> None:  # type: ignore[no-untyped-def]
    browser.set_width(driver, 320)
    sign_in(driver, portal, SANNA, staff=True)
    if not javascript:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        driver.get(f"{portal.url}/language/fi?next=/staff/groups/{group_id}/attendance")
        press_tab_until(driver, "rows-0-status-0")  # "Paikalla" of the first client
        ActionChains(driver).send_keys(Keys.SPACE).perform()
        press_tab_until(driver, "save-attendance")
        ActionChains(driver).send_keys(Keys.ENTER).perform()
        WebDriverWait(driver, 10).until(lambda d: "saved=1" in d.current_url)
        assert "Läsnäolot ovat tallessa." in driver.find_element(By.TAG_NAME, "main").text
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    if javascript:
        violations, report = browser.axe_violations(driver)
        assert violations == [], report


def test_staff_marks_a_day_with_the_keyboard_at_320_px(driver, portal) -> None:
    before = month_total(driver, portal, AINO)
    mark_present_with_keyboard(driver, portal, portal.groups[AINO])
    assert month_total(driver, portal, AINO) == before + Decimal("8.50")


def test_staff_marks_a_day_without_javascript(driver, portal) -> None:
    before = month_total(driver, portal, MIKKO)
    mark_present_with_keyboard(driver, portal, portal.groups[MIKKO], javascript=False)
    assert month_total(driver, portal, MIKKO) == before + Decimal("12.00")


def test_staff_month_report_and_closing_errors(driver, portal) -> None:
    sign_in(driver, portal, "090965-9970", staff=True)  # Timo, unit manager of Tupa
    check_everywhere(driver, portal, f"/staff/money?month={LAST_MONTH}")
    this_month = today().isoformat()[:7]
    check_everywhere(driver, portal, f"/staff/money?month={this_month}", submit)  # the month is not over
    assert driver.title.startswith("Error: ")


def test_staff_benefit_page_and_its_errors(driver, portal) -> None:
    sign_in(driver, portal, MARIA, staff=True)
    driver.get(f"{portal.url}/staff")
    client = driver.find_element(By.PARTIAL_LINK_TEXT, "Jari").get_attribute("href").removeprefix(portal.url)
    check_everywhere(driver, portal, f"{client}/benefit")
    check_everywhere(driver, portal, f"{client}/benefit", submit)  # nothing chosen
    assert driver.title.startswith("Error: ")


def test_import_page_and_its_errors(driver, portal, tmp_path) -> None:
    sign_in(driver, portal, "090965-9970", staff=True)  # Timo, unit manager of Tupa
    check_everywhere(driver, portal, "/staff/import")
    check_everywhere(driver, portal, "/staff/import", submit)  # no file chosen
    assert driver.title.startswith("Error: ")
    broken = tmp_path / "tiedot.json"
    broken.write_text('{"format": "oma-tyotoiminta/1", "source": "X", "attendance": [{"source_id": "1"}]}',
                      encoding="utf-8")

    def upload_broken(d) -> None:  # type: ignore[no-untyped-def]
        d.find_element(By.ID, "file").send_keys(str(broken))
        submit(d)

    check_everywhere(driver, portal, "/staff/import", upload_broken)
    assert "Errors in the file" in driver.find_element(By.TAG_NAME, "main").text  # the last language is English


def test_rate_page_and_its_errors(driver, portal) -> None:
    sign_in(driver, portal, "090965-9970", staff=True)
    check_everywhere(driver, portal, "/staff/rates")
    check_everywhere(driver, portal, "/staff/rates", submit)  # no amount, no date
    assert driver.title.startswith("Error: ")
